//! Quantised weights for the lean llama: 16-row tiles for the VNNI kernels where the CPU
//! has them ([`super::tiles`]), else the repack of Q4_1, Q5_0 and Q5_1 onto candle's Q8_0
//! kernel (block values as bytes, the `m` offsets applied through the input's block sums);
//! and fused projections.

use super::super::repack::{is_slow, q5_0_to_q8_0};
use super::tiles::{BLOCK, Input, Kind, ROWS, Tiles};
use super::vnni;
use candle_core::quantized::{GgmlDType, QMatMul, QTensor, ggml_file::qtensor_from_ggml};
use candle_core::{D, Device, Module, Result, Tensor};
use half::f16;
use std::sync::Mutex;

/// How a tensor's blocks are stored for the matmul.
pub(super) struct Converted {
    pub(super) dtype: GgmlDType,
    pub(super) bytes: Vec<u8>,
    /// Per row and block, the `m` of a `d·q + m` format (rows × blocks).
    pub(super) offsets: Option<Vec<f32>>,
}

fn f16_at(b: &[u8], at: usize) -> f16 {
    f16::from_le_bytes([b[at], b[at + 1]])
}

/// Q4_1 blocks (d, m, 16 bytes of nibbles) → Q8_0 blocks of the values `q` (0…15) with the
/// same `d`, and the `m`s.
fn q4_1_to_q8_0(src: &[u8]) -> (Vec<u8>, Vec<f32>) {
    const BYTES: usize = 20;
    let mut out = Vec::with_capacity(src.len() / BYTES * 34);
    let mut mins = Vec::with_capacity(src.len() / BYTES);
    for b in src.chunks_exact(BYTES) {
        out.extend_from_slice(&b[0..2]);
        mins.push(f16_at(b, 2).to_f32());
        let qs = &b[4..20];
        out.extend(qs.iter().map(|q| q & 0x0F));
        out.extend(qs.iter().map(|q| q >> 4));
    }
    (out, mins)
}

/// Q5_1 blocks (d, m, 4 bytes of high bits, 16 bytes of nibbles) → Q8_0 blocks of the
/// values `q` (0…31) with the same `d`, and the `m`s.
fn q5_1_to_q8_0(src: &[u8]) -> (Vec<u8>, Vec<f32>) {
    const BYTES: usize = 24;
    let mut out = Vec::with_capacity(src.len() / BYTES * 34);
    let mut mins = Vec::with_capacity(src.len() / BYTES);
    for b in src.chunks_exact(BYTES) {
        out.extend_from_slice(&b[0..2]);
        mins.push(f16_at(b, 2).to_f32());
        let qh = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
        let qs = &b[8..24];
        let mut vals = [0u8; 32];
        for j in 0..16 {
            let h0 = (((qh >> j) << 4) & 0x10) as u8;
            let h1 = ((qh >> (j + 12)) & 0x10) as u8;
            vals[j] = (qs[j] & 0x0F) | h0;
            vals[j + 16] = (qs[j] >> 4) | h1;
        }
        out.extend_from_slice(&vals);
    }
    (out, mins)
}

pub(super) fn convert(q: &QTensor, repack: bool) -> Result<Converted> {
    let data = q.data()?;
    Ok(match q.dtype() {
        GgmlDType::Q4_1 if repack => {
            let (bytes, m) = q4_1_to_q8_0(&data);
            Converted {
                dtype: GgmlDType::Q8_0,
                bytes,
                offsets: Some(m),
            }
        }
        GgmlDType::Q5_1 if repack => {
            let (bytes, m) = q5_1_to_q8_0(&data);
            Converted {
                dtype: GgmlDType::Q8_0,
                bytes,
                offsets: Some(m),
            }
        }
        GgmlDType::Q5_0 if repack => Converted {
            dtype: GgmlDType::Q8_0,
            bytes: q5_0_to_q8_0(&data),
            offsets: None,
        },
        other => Converted {
            dtype: other,
            bytes: data.into_owned(),
            offsets: None,
        },
    })
}

/// `x · Wᵀ` for a (possibly repacked, possibly fused) quantised weight matrix.
pub(super) enum QuantLinear {
    /// In 16-row tiles for the AVX-512 VNNI kernels: candle's numbers, bit for bit.
    Tiled(Tiles),
    /// candle's kernels, with Q4_1/Q5_0/Q5_1 on its Q8_0 kernel when repacked.
    Candle(CandleLinear),
}

pub(super) struct CandleLinear {
    /// The matrix, by row ranges (see [`split_rows`]); outputs are concatenated.
    mms: Vec<QMatMul>,
    /// `blocks × rows`: the offsets, multiplied by the input's block sums.
    offsets: Option<Tensor>,
    cols: usize,
}

/// The tile format `parts` (stacked by rows) repack into, when [`takes_tiles`] says so for
/// all of them as one matrix.
fn tile_kind(parts: &[QTensor], rows: usize, cols: usize) -> Option<Kind> {
    let dtype = parts.first()?.dtype();
    if parts.iter().any(|p| p.dtype() != dtype) || !takes_tiles(dtype, rows, cols) {
        return None;
    }
    Kind::of(dtype)
}

/// Does a `rows × cols` matrix of `dtype` run on the tile kernels? Where they run here, for
/// the five formats they cover, except where candle's own kernel is already a VNNI tile
/// kernel (Q8_0 at widths that are multiples of 256, which the `repack = false` load takes
/// too).
pub(super) fn takes_tiles(dtype: GgmlDType, rows: usize, cols: usize) -> bool {
    let Some(kind) = Kind::of(dtype) else {
        return false;
    };
    let candle_tiles = kind == Kind::Q8_0 && cols.is_multiple_of(256) && rows.is_multiple_of(16);
    cols.is_multiple_of(BLOCK) && !candle_tiles && vnni::available() && tiles_enabled()
}

/// `BLINDSTEP_TILES=off` keeps candle's kernels (for side-by-side comparisons).
fn tiles_enabled() -> bool {
    !matches!(
        std::env::var("BLINDSTEP_TILES")
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref(),
        Ok("off" | "0" | "no")
    )
}

/// `x` (`… × cols`) times the tiles, on candle's CPU thread pool: each thread takes a
/// contiguous run of tiles.
fn tiled_forward(w: &Tiles, x: &Tensor) -> Result<Tensor> {
    let dims = x.dims().to_vec();
    let xs = x.flatten_all()?.to_vec1::<f32>()?;
    let input = Input::new(&xs, w.cols, w.kind);
    let pool = candle_core::utils::barrier_pool();
    let parts = pool.n_workers() + 1;
    let per = w.tiles.div_ceil(parts);
    let outs: Vec<Mutex<Option<Vec<f32>>>> = (0..parts).map(|_| Mutex::new(None)).collect();
    pool.execute(|tid| {
        let start = (tid * per).min(w.tiles);
        let range = start..(start + per).min(w.tiles);
        let mut out = vec![0f32; input.tokens * range.len() * ROWS];
        let done = vnni::run(w, &input, range, &mut out);
        if let Some(slot) = outs.get(tid)
            && let Ok(mut slot) = slot.lock()
        {
            *slot = done.then_some(out);
        }
    });
    let mut y = vec![0f32; input.tokens * w.rows];
    for (tid, slot) in outs.into_iter().enumerate() {
        let start = (tid * per).min(w.tiles);
        let n = ((start + per).min(w.tiles) - start) * ROWS;
        if n == 0 {
            continue;
        }
        let out = slot
            .into_inner()
            .ok()
            .flatten()
            .ok_or_else(|| candle_core::Error::Msg("tile kernel refused its input".into()))?;
        let first = start * ROWS;
        let take = n.min(w.rows.saturating_sub(first));
        for tok in 0..input.tokens {
            let dst = tok * w.rows + first;
            y[dst..dst + take].copy_from_slice(&out[tok * n..tok * n + take]);
        }
    }
    let mut shape = dims;
    if let Some(last) = shape.last_mut() {
        *last = w.rows;
    }
    Tensor::from_vec(y, shape, &Device::Cpu)
}

/// The sums of each 32-value block of the rows of `x`, as candle's Q4_1 kernel forms them:
/// the block quantised to 8 bits (`d = max|x| / 127`), its integer sum times `d`, in f16.
fn block_sums(x: &Tensor, cols: usize) -> Result<Tensor> {
    let dims = x.dims().to_vec();
    let v = x.flatten_all()?.to_vec1::<f32>()?;
    let mut sums = Vec::with_capacity(v.len() / BLOCK);
    for b in v.chunks_exact(BLOCK) {
        let amax = b.iter().fold(0f32, |m, x| m.max(x.abs()));
        let d = amax / 127.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        let sum: i32 = b.iter().map(|x| (x * id).round() as i8 as i32).sum();
        let s = f16::from_f32(sum as f32) * f16::from_f32(d);
        sums.push(s.to_f32());
    }
    let mut shape = dims;
    if let Some(last) = shape.last_mut() {
        *last = cols / BLOCK;
    }
    Tensor::from_vec(sums, shape, &Device::Cpu)
}

impl QuantLinear {
    /// One matrix from `parts` stacked by rows (fused when they share format and width):
    /// in tiles where [`tile_kind`] says so and `repack` is on, else on candle's kernels.
    pub(super) fn new(parts: &[QTensor], repack: bool) -> Result<QuantLinear> {
        let (_, cols) = parts[0].shape().dims2()?;
        let rows: usize = parts
            .iter()
            .map(|p| p.shape().dims2().map(|d| d.0))
            .sum::<Result<usize>>()?;
        if let Some(kind) = tile_kind(parts, rows, cols).filter(|_| repack) {
            let mut bytes = Vec::new();
            for p in parts {
                bytes.extend_from_slice(&p.data()?);
            }
            if let Some(t) = Tiles::pack(kind, &bytes, rows, cols) {
                return Ok(QuantLinear::Tiled(t));
            }
        }
        Ok(QuantLinear::Candle(CandleLinear::new(parts, repack)?))
    }

    pub(super) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self {
            QuantLinear::Tiled(t) => tiled_forward(t, &x.contiguous()?),
            QuantLinear::Candle(c) => c.forward(x),
        }
    }
}

impl CandleLinear {
    fn new(parts: &[QTensor], repack: bool) -> Result<CandleLinear> {
        let (_, cols) = parts[0].shape().dims2()?;
        let converted = parts
            .iter()
            .map(|p| convert(p, repack))
            .collect::<Result<Vec<_>>>()?;
        let dtype = converted[0].dtype;
        let rows: usize = parts
            .iter()
            .map(|p| p.shape().dims2().map(|d| d.0))
            .sum::<Result<usize>>()?;
        let mut bytes = Vec::new();
        let any_offsets = converted.iter().any(|c| c.offsets.is_some());
        let mut offsets = Vec::new();
        for (c, p) in converted.into_iter().zip(parts) {
            bytes.extend_from_slice(&c.bytes);
            if any_offsets {
                let (r, _) = p.shape().dims2()?;
                match c.offsets {
                    Some(m) => offsets.extend(m),
                    None => offsets.extend(std::iter::repeat_n(0f32, r * cols / BLOCK)),
                }
            }
        }
        let repacked = repack && parts.iter().any(|p| is_slow(p.dtype()));
        let row_bytes = bytes.len() / rows.max(1);
        let mut mms = Vec::new();
        let mut at = 0;
        for n in split_rows(dtype, rows, cols, repacked) {
            let chunk = &bytes[at * row_bytes..(at + n) * row_bytes];
            let q = qtensor_from_ggml(dtype, chunk, vec![n, cols], &Device::Cpu)?;
            mms.push(QMatMul::from_qtensor(q)?);
            at += n;
        }
        let offsets = if any_offsets {
            Some(
                Tensor::from_vec(offsets, (rows, cols / BLOCK), &Device::Cpu)?
                    .t()?
                    .contiguous()?,
            )
        } else {
            None
        };
        Ok(CandleLinear { mms, offsets, cols })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let y = match self.mms.as_slice() {
            [one] => one.forward(x)?,
            many => {
                let outs = many
                    .iter()
                    .map(|m| m.forward(x))
                    .collect::<Result<Vec<_>>>()?;
                Tensor::cat(&outs, D::Minus1)?
            }
        };
        match &self.offsets {
            None => Ok(y),
            Some(m) => y + block_sums(x, self.cols)?.broadcast_matmul(m)?,
        }
    }
}

/// Row ranges for a matrix. candle's AVX-512 tile kernel for Q8_0 (taken when the rows are
/// a multiple of 16 and the width of 256) quantises the input in blocks of 256 rather than
/// 32, which is not what the repacked formats' own kernels do; a repacked matrix of that
/// shape keeps its last 8 rows apart so both parts take the 32-block kernel and the
/// repack stays exact.
fn split_rows(dtype: GgmlDType, rows: usize, cols: usize, repacked: bool) -> Vec<usize> {
    if repacked
        && dtype == GgmlDType::Q8_0
        && cols.is_multiple_of(256)
        && rows.is_multiple_of(16)
        && rows > 8
    {
        vec![rows - 8, 8]
    } else {
        vec![rows]
    }
}

/// Can `parts` be one matrix? The same format and width, or (on candle's kernels, repacked)
/// formats that all become Q8_0.
pub(super) fn fusable(parts: &[&QTensor], repack: bool) -> bool {
    let converts = repack && !(vnni::available() && tiles_enabled());
    let key = |q: &QTensor| {
        let converted = match q.dtype() {
            d if converts && is_slow(d) => GgmlDType::Q8_0,
            d => d,
        };
        (converted, q.shape().dims().get(1).copied())
    };
    parts.windows(2).all(|w| key(w[0]) == key(w[1]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::quantized::gguf_file::Content;

    #[test]
    fn q4_1_blocks_become_their_values_and_offsets() {
        let mut w = Vec::new();
        let x: Vec<f32> = (0..64).map(|i| (i as f32 * 0.37).sin() + 0.2).collect();
        w.extend_from_slice(&x);
        let t = Tensor::from_vec(w, (2, 32), &Device::Cpu).unwrap();
        for dtype in [GgmlDType::Q4_1, GgmlDType::Q5_1] {
            let q = QTensor::quantize(&t, dtype).unwrap();
            let want = q
                .dequantize(&Device::Cpu)
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            let c = convert(&q, true).unwrap();
            let q8 = qtensor_from_ggml(c.dtype, &c.bytes, vec![2, 32], &Device::Cpu).unwrap();
            let vals = q8
                .dequantize(&Device::Cpu)
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            let m = c.offsets.unwrap();
            for (i, want) in want.iter().enumerate() {
                let got = vals[i] + m[i / 32];
                assert!(
                    (got - want).abs() <= 1e-6 * want.abs().max(1.0),
                    "{dtype:?} {i}"
                );
            }
        }
    }

    #[test]
    fn real_layers_match_the_file_kernels() {
        let Some(path) = std::env::var_os("BLINDSTEP_SMOLLM2_GGUF") else {
            return;
        };
        let mut f = std::io::BufReader::new(std::fs::File::open(path).unwrap());
        let ct = Content::read(&mut f).unwrap();
        for name in [
            "blk.0.attn_q.weight",
            "blk.0.ffn_down.weight",
            "blk.0.ffn_gate.weight",
        ] {
            let q = ct.tensor(&mut f, name, &Device::Cpu).unwrap();
            let (_, k) = q.shape().dims2().unwrap();
            let x: Vec<f32> = (0..2 * k).map(|i| ((i as f32) * 0.731).sin()).collect();
            let x = Tensor::from_vec(x, (1, 2, k), &Device::Cpu).unwrap();
            let lin = QuantLinear::new(std::slice::from_ref(&q), true).unwrap();
            let want = QMatMul::from_qtensor(q).unwrap().forward(&x).unwrap();
            let got = lin.forward(&x).unwrap();
            let d = (want - got)
                .unwrap()
                .abs()
                .unwrap()
                .max_all()
                .unwrap()
                .to_scalar::<f32>()
                .unwrap();
            eprintln!("{name}: {d}");
            assert!(d < 1e-3, "{name}: {d}");
        }
    }
}
