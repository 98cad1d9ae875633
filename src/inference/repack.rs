//! Weights repacked at load into a format candle computes fast, in memory only (the file on
//! disk is never changed). candle 0.11 has SIMD dot products for Q4_0, Q8_0 and the
//! K-quants, but runs Q4_1, Q5_0 and Q5_1 through a scalar fallback; those tensors become
//! Q8_0 (same 32-value blocks):
//!
//! - Q5_0 → Q8_0 is exact: the same scale, each 5-bit value (−16…15) stored as a byte.
//! - Q4_1 and Q5_1 (`d·q + m`) have no exact Q8_0 form; their values are requantised to
//!   Q8_0, which moves each weight by at most half a Q8_0 step (`max|w| / 254` of its
//!   block, about 1/16 of a Q4_1 step). `tests/inference_repack.rs` checks the bound and
//!   `.ci/real-weights` that SmolLM2's greedy output is unchanged.
//!
//! This requantisation is opt-in (`BLINDSTEP_REPACK=requantise`, any family); by default
//! llama files take [`super::fast_llama`]'s exact repack instead, and
//! `BLINDSTEP_REPACK=off` loads the tensors as they are. Pure except for the reader given.

use candle_core::quantized::gguf_file::{self, Content};
use candle_core::quantized::{GgmlDType, QTensor, ggml_file::qtensor_from_ggml};
use candle_core::{Device, Result};
use std::collections::BTreeSet;
use std::io::{Cursor, Read, Seek};

/// How to load GGUF weights on the CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repack {
    /// Every tensor as the file has it, through candle's own models.
    Off,
    /// The default: llama files run on [`super::fast_llama`], whose Q4_1/Q5_0/Q5_1 repack
    /// changes no weight; other families load as they are.
    Exact,
    /// The lean llama with the file's own kernels (no repack): isolates the two changes in
    /// comparisons.
    Lean,
    /// Every family: Q4_1/Q5_0/Q5_1 tensors requantised to Q8_0 (Q5_0 exactly, the others
    /// within half a Q8_0 step), through candle's own models.
    Requantise,
}

impl Repack {
    /// `BLINDSTEP_REPACK=off` (or `0`, `no`), `=requantise`; [`Repack::Exact`] otherwise.
    pub fn from_env() -> Repack {
        match std::env::var("BLINDSTEP_REPACK")
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            Ok("off" | "0" | "no") => Repack::Off,
            Ok("requantise" | "requantize" | "q8_0") => Repack::Requantise,
            Ok("lean") => Repack::Lean,
            _ => Repack::Exact,
        }
    }
}

/// Formats candle runs through a scalar dot product.
pub fn is_slow(dtype: GgmlDType) -> bool {
    matches!(dtype, GgmlDType::Q4_1 | GgmlDType::Q5_0 | GgmlDType::Q5_1)
}

const Q5_0_BYTES: usize = 22;
const Q8_0_BYTES: usize = 34;

/// Q5_0 blocks (f16 scale, 4 bytes of high bits, 16 bytes of low nibbles) as Q8_0 blocks
/// (the same f16 scale, 32 signed bytes): `d · (q − 16)` either way.
pub fn q5_0_to_q8_0(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len() / Q5_0_BYTES * Q8_0_BYTES);
    for b in src.chunks_exact(Q5_0_BYTES) {
        out.extend_from_slice(&b[0..2]);
        let qh = u32::from_le_bytes([b[2], b[3], b[4], b[5]]);
        let qs = &b[6..22];
        let mut vals = [0u8; 32];
        for j in 0..16 {
            let h0 = (((qh >> j) << 4) & 0x10) as u8;
            let h1 = ((qh >> (j + 12)) & 0x10) as u8;
            let x0 = ((qs[j] & 0x0F) | h0) as i8 - 16;
            let x1 = ((qs[j] >> 4) | h1) as i8 - 16;
            vals[j] = x0.to_le_bytes()[0];
            vals[j + 16] = x1.to_le_bytes()[0];
        }
        out.extend_from_slice(&vals);
    }
    out
}

/// One tensor as candle should run it, or `None` when it stays as it is.
pub fn repack_tensor(q: &QTensor) -> Result<Option<QTensor>> {
    let dims = q.shape().dims().to_vec();
    match q.dtype() {
        GgmlDType::Q5_0 => {
            let bytes = q5_0_to_q8_0(&q.data()?);
            Ok(Some(qtensor_from_ggml(
                GgmlDType::Q8_0,
                &bytes,
                dims,
                &Device::Cpu,
            )?))
        }
        GgmlDType::Q4_1 | GgmlDType::Q5_1 => {
            let values = q.dequantize(&Device::Cpu)?;
            Ok(Some(QTensor::quantize(&values, GgmlDType::Q8_0)?))
        }
        _ => Ok(None),
    }
}

/// What [`repack_gguf`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repacked {
    pub tensors: usize,
    /// The formats that were repacked (`Q4_1`, …).
    pub from: Vec<String>,
}

impl Repacked {
    /// `Q4_1` → `Q4_1, requantised to Q8_0`.
    pub fn describe(&self, quantization: &str) -> String {
        format!("{quantization}, requantised to Q8_0")
    }
}

/// A repacked GGUF in memory: its header, its bytes, and what was repacked.
pub type InMemoryGguf = (Content, Cursor<Vec<u8>>, Repacked);

/// The tensors of a CPU model with its slow formats repacked, as a new in-memory GGUF
/// (header and data) that candle's loaders read like the file. `None` when nothing needs
/// repacking (the caller reads the file as usual).
pub fn repack_gguf<R: Read + Seek>(
    content: &Content,
    reader: &mut R,
) -> Result<Option<InMemoryGguf>> {
    if !content
        .tensor_infos
        .values()
        .any(|t| is_slow(t.ggml_dtype) && t.shape.rank() >= 2)
    {
        return Ok(None);
    }
    let mut names: Vec<&String> = content.tensor_infos.keys().collect();
    names.sort();
    let mut tensors: Vec<(&str, QTensor)> = Vec::with_capacity(names.len());
    let mut from = BTreeSet::new();
    let mut count = 0;
    for name in names {
        let q = content.tensor(reader, name, &Device::Cpu)?;
        let q = if q.shape().rank() >= 2 {
            match repack_tensor(&q)? {
                Some(r) => {
                    from.insert(format!("{:?}", q.dtype()));
                    count += 1;
                    r
                }
                None => q,
            }
        } else {
            q
        };
        tensors.push((name.as_str(), q));
    }
    // The writer aligns to 32 bytes; a different alignment key would misplace the data.
    let metadata: Vec<(&str, &gguf_file::Value)> = content
        .metadata
        .iter()
        .filter(|(k, _)| k.as_str() != "general.alignment")
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    let refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(n, q)| (*n, q)).collect();
    let mut buf = Cursor::new(Vec::new());
    gguf_file::write(&mut buf, &metadata, &refs)?;
    drop(tensors);
    buf.set_position(0);
    let repacked = Content::read(&mut buf)?;
    Ok(Some((
        repacked,
        buf,
        Repacked {
            tensors: count,
            from: from.into_iter().collect(),
        },
    )))
}

/// How far `b` (a Q8_0 requantisation of `a`) is from `a`: the largest absolute difference
/// of any value, and the largest excess over the rounding bound of its 32-value block
/// (`≤ 0` when every value is within half a Q8_0 step plus the f16 rounding of the scale:
/// `|e| ≤ d/2 + 127·d·2⁻¹¹`, `d = max|w| / 127`). For tests and benchmarks.
pub fn requantisation_error(a: &QTensor, b: &QTensor) -> Result<(f32, f32)> {
    let x = a
        .dequantize(&Device::Cpu)?
        .flatten_all()?
        .to_vec1::<f32>()?;
    let y = b
        .dequantize(&Device::Cpu)?
        .flatten_all()?
        .to_vec1::<f32>()?;
    let mut worst = 0f32;
    let mut excess = f32::NEG_INFINITY;
    for (xb, yb) in x.chunks(32).zip(y.chunks(32)) {
        let amax = xb.iter().fold(0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let bound = d / 2.0 + 127.0 * d * 2f32.powi(-11) + 1e-7;
        for (p, q) in xb.iter().zip(yb) {
            let diff = (p - q).abs();
            worst = worst.max(diff);
            excess = excess.max(diff - bound);
        }
    }
    Ok((worst, excess))
}
