//! Facts about weight files for a run's provenance: SHA-256 (streamed, never
//! the whole file in memory) and quantisation names. Reads files; loads nothing.

use super::InferenceError;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::PathBuf;

/// SHA-256 (lowercase hex) of the files' bytes, concatenated in the given order.
pub fn sha256_files(paths: &[PathBuf]) -> Result<String, InferenceError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    for path in paths {
        let mut f = std::fs::File::open(path).map_err(|e| InferenceError::io(path, e))?;
        loop {
            let n = f.read(&mut buf).map_err(|e| InferenceError::io(path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// llama.cpp's `general.file_type` (LLAMA_FTYPE) as a name.
pub fn gguf_file_type_name(ftype: u32) -> Option<&'static str> {
    Some(match ftype {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        19 => "IQ2_XXS",
        20 => "IQ2_XS",
        21 => "Q2_K_S",
        22 => "IQ3_XS",
        23 => "IQ3_XXS",
        24 => "IQ1_S",
        25 => "IQ4_NL",
        26 => "IQ3_S",
        27 => "IQ3_M",
        28 => "IQ2_S",
        29 => "IQ2_M",
        30 => "IQ4_XS",
        31 => "IQ1_M",
        32 => "BF16",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_known_vector() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc");
        std::fs::write(&p, b"abc").unwrap();
        assert_eq!(
            sha256_files(std::slice::from_ref(&p)).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let missing = sha256_files(&[dir.path().join("nope")]).unwrap_err();
        assert!(matches!(missing, InferenceError::NotFound { .. }));
    }

    #[test]
    fn file_types_are_named() {
        assert_eq!(gguf_file_type_name(3), Some("Q4_1"));
        assert_eq!(gguf_file_type_name(15), Some("Q4_K_M"));
        assert_eq!(gguf_file_type_name(999), None);
    }
}
