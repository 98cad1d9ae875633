//! Memory-mapping safetensors files: one of the two places blindstep allows `unsafe` (the
//! other is the call into the AVX-512 kernels, `fast_llama::vnni`).
//!
//! A multi-gigabyte checkpoint read into memory and then copied into tensors needs twice its
//! size at load; mapped, each tensor is copied once, straight from the page cache, into the
//! dtype it runs in.
//!
//! # Safety
//!
//! `memmap2` maps are `unsafe` to create because the program sees the file's bytes as they
//! are on disk: if another process truncates or rewrites a mapped file, reads may fault
//! (SIGBUS) or return changed bytes. blindstep maps model files read-only, checks every
//! header against the file size before mapping ([`super::shards::read_shard_header`]), and
//! copies each tensor out of the map while loading; the map is dropped when loading ends,
//! so the window is the load itself. Changing a model's files while blindstep loads them is
//! not supported (as with candle, transformers and llama.cpp, which map the same way).

#![allow(unsafe_code)]

use super::InferenceError;
use candle_core::safetensors::MmapedSafetensors;
use std::path::PathBuf;

/// Maps `files` (one checkpoint's shards, in order) read-only.
pub fn map_safetensors(files: &[PathBuf]) -> Result<MmapedSafetensors, InferenceError> {
    // SAFETY: see the module documentation: read-only maps of model files whose headers
    // were checked against their sizes, held only while the weights are copied out.
    let mapped = unsafe { MmapedSafetensors::multi(files) };
    mapped.map_err(|e| InferenceError::InvalidFormat {
        path: files.first().cloned().unwrap_or_default(),
        format: "safetensors",
        detail: super::model::candle_message(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Tensor};

    #[test]
    fn mapped_tensors_read_back_in_their_stored_dtype() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.safetensors");
        let t = Tensor::arange(0f32, 6.0, &Device::Cpu)
            .unwrap()
            .reshape((2, 3))
            .unwrap()
            .to_dtype(DType::BF16)
            .unwrap();
        candle_core::safetensors::save(&std::collections::HashMap::from([("w", t)]), &path)
            .unwrap();
        let st = map_safetensors(std::slice::from_ref(&path)).unwrap();
        let back = st.load("w", &Device::Cpu).unwrap();
        assert_eq!(back.dtype(), DType::BF16);
        let v = back.to_dtype(DType::F32).unwrap().to_vec2::<f32>().unwrap();
        assert_eq!(v, vec![vec![0.0, 1.0, 2.0], vec![3.0, 4.0, 5.0]]);
    }

    #[test]
    fn a_file_that_is_not_safetensors_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.safetensors");
        std::fs::write(&path, b"not a safetensors file").unwrap();
        let e = map_safetensors(std::slice::from_ref(&path)).err().unwrap();
        assert!(e.to_string().contains("bad.safetensors"), "{e}");
    }
}
