//! A dense llama-family GGUF model for the CPU, built for decode speed (candle's
//! `quantized_llama` does the same arithmetic; this one repeats less of it):
//!
//! - **Repacked weights** (see [`super::repack`]): candle runs Q4_1, Q5_0 and Q5_1 through
//!   a scalar dot product. Here they run on the SIMD Q8_0 kernel without changing a single
//!   weight: a `d·q + m` block becomes the Q8_0 block `d·q` (its 4/5-bit values as bytes)
//!   plus an offset `m · Σx` computed from the block sums of the input, exactly as candle's
//!   own Q4_1 kernel forms that term (the sums of the 8-bit input blocks, in f16). Q5_0 is
//!   Q8_0 outright. Greedy output matches candle's kernels up to float summation order.
//! - **Fused projections**: q, k and v (and gate and up) are one matrix when they share a
//!   format, so each layer quantises its input twice instead of five times.
//! - **No per-token copies of the cache**: keys and values go into a preallocated buffer
//!   (`candle_nn::kv_cache`), and grouped-query attention reshapes the queries rather than
//!   repeating keys and values for every head.
//!
//! Used for `llama` GGUF files without experts on the CPU; everything else loads through
//! candle's own models.

use super::repack::{is_slow, q5_0_to_q8_0};
use candle_core::quantized::gguf_file::Content;
use candle_core::quantized::{GgmlDType, QMatMul, QTensor, ggml_file::qtensor_from_ggml};
use candle_core::{D, DType, Device, IndexOp, Module, Result, Tensor};
use candle_nn::kv_cache::KvCache;
use half::f16;
use std::io::{Read, Seek};

const BLOCK: usize = 32;
/// Initial key/value buffer length (it grows by as much when full).
const CACHE_STEP: usize = 512;

/// How a tensor's blocks are stored for the matmul.
struct Converted {
    dtype: GgmlDType,
    bytes: Vec<u8>,
    /// Per row and block, the `m` of a `d·q + m` format (rows × blocks).
    offsets: Option<Vec<f32>>,
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

fn convert(q: &QTensor, repack: bool) -> Result<Converted> {
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

/// `x · Wᵀ` for a (possibly repacked, possibly fused) weight matrix.
struct Linear {
    /// The matrix, by row ranges (see [`split_rows`]); outputs are concatenated.
    mms: Vec<QMatMul>,
    /// `blocks × rows`: the offsets, multiplied by the input's block sums.
    offsets: Option<Tensor>,
    cols: usize,
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

impl Linear {
    /// One matrix from `parts` stacked by rows (fused when they share format and width).
    fn new(parts: &[QTensor], repack: bool) -> Result<Linear> {
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
        Ok(Linear { mms, offsets, cols })
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

/// Can `parts` be one matrix?
fn fusable(parts: &[&QTensor]) -> bool {
    let key = |q: &QTensor| {
        let converted = match q.dtype() {
            GgmlDType::Q4_1 | GgmlDType::Q5_1 | GgmlDType::Q5_0 => GgmlDType::Q8_0,
            d => d,
        };
        (converted, q.shape().dims().get(1).copied())
    };
    parts.windows(2).all(|w| key(w[0]) == key(w[1]))
}

/// Projections that share an input: one fused matrix split by widths, or one each.
enum Stack {
    Fused(Linear, Vec<usize>),
    Split(Vec<Linear>),
}

impl Stack {
    fn new(parts: Vec<QTensor>, repack: bool) -> Result<Stack> {
        let refs: Vec<&QTensor> = parts.iter().collect();
        if fusable(&refs) {
            let widths = parts
                .iter()
                .map(|p| p.shape().dims2().map(|d| d.0))
                .collect::<Result<Vec<_>>>()?;
            Ok(Stack::Fused(Linear::new(&parts, repack)?, widths))
        } else {
            Ok(Stack::Split(
                parts
                    .into_iter()
                    .map(|p| Linear::new(&[p], repack))
                    .collect::<Result<Vec<_>>>()?,
            ))
        }
    }

    fn forward(&self, x: &Tensor) -> Result<Vec<Tensor>> {
        match self {
            Stack::Fused(l, widths) => {
                let y = l.forward(x)?;
                let mut out = Vec::with_capacity(widths.len());
                let mut at = 0;
                for &w in widths {
                    out.push(y.narrow(D::Minus1, at, w)?);
                    at += w;
                }
                Ok(out)
            }
            Stack::Split(ls) => ls.iter().map(|l| l.forward(x)).collect(),
        }
    }
}

struct Layer {
    attn_norm: Tensor,
    qkv: Stack,
    wo: Linear,
    ffn_norm: Tensor,
    gate_up: Stack,
    down: Linear,
    cache: KvCache,
}

pub struct FastLlama {
    embed: Tensor,
    layers: Vec<Layer>,
    norm: Tensor,
    output: Linear,
    cos: Tensor,
    sin: Tensor,
    n_head: usize,
    n_kv: usize,
    head_dim: usize,
    eps: f32,
}

fn md_u32(ct: &Content, key: &str) -> Result<usize> {
    match ct.metadata.get(key) {
        Some(v) => Ok(v.to_u32()? as usize),
        None => candle_core::bail!("cannot find {key} in metadata"),
    }
}

impl FastLlama {
    /// Can this file run here? A llama GGUF without experts.
    pub fn supports(ct: &Content) -> bool {
        let arch = ct
            .metadata
            .get("general.architecture")
            .and_then(|v| v.to_string().ok())
            .map(String::as_str);
        arch == Some("llama")
            && md_u32(ct, "llama.expert_count").unwrap_or(0) <= 1
            && ct.tensor_infos.contains_key("blk.0.attn_q.weight")
    }

    /// Loads the weights on the CPU; `repack` runs Q4_1/Q5_0/Q5_1 on the Q8_0 kernel.
    pub fn from_gguf<R: Read + Seek>(
        ct: &Content,
        reader: &mut R,
        max_positions: usize,
        repack: bool,
    ) -> Result<FastLlama> {
        let cpu = Device::Cpu;
        let n_head = md_u32(ct, "llama.attention.head_count")?;
        let n_kv = md_u32(ct, "llama.attention.head_count_kv")?;
        let blocks = md_u32(ct, "llama.block_count")?;
        let dim = md_u32(ct, "llama.embedding_length")?;
        let rope_dim = md_u32(ct, "llama.rope.dimension_count")?;
        let eps = match ct.metadata.get("llama.attention.layer_norm_rms_epsilon") {
            Some(v) => v.to_f32()?,
            None => candle_core::bail!("cannot find llama.attention.layer_norm_rms_epsilon"),
        };
        let base = ct
            .metadata
            .get("llama.rope.freq_base")
            .and_then(|v| v.to_f32().ok())
            .unwrap_or(10000.0);
        let theta: Vec<f32> = (0..rope_dim)
            .step_by(2)
            .map(|i| 1f32 / base.powf(i as f32 / rope_dim as f32))
            .collect();
        let theta = Tensor::new(theta.as_slice(), &cpu)?;
        let angles = Tensor::arange(0, max_positions as u32, &cpu)?
            .to_dtype(DType::F32)?
            .reshape((max_positions, 1))?
            .matmul(&theta.reshape((1, ()))?)?;
        let mut t = |name: &str| ct.tensor(reader, name, &cpu);
        let embed_q = t("token_embd.weight")?;
        let embed = embed_q.dequantize(&cpu)?;
        let norm = t("output_norm.weight")?.dequantize(&cpu)?;
        let output = match t("output.weight") {
            Ok(o) => o,
            Err(_) => embed_q,
        };
        let output = Linear::new(&[output], repack)?;
        let mut layers = Vec::with_capacity(blocks);
        for l in 0..blocks {
            let p = format!("blk.{l}");
            let mut w = |n: &str| t(&format!("{p}.{n}"));
            let qkv = vec![
                w("attn_q.weight")?,
                w("attn_k.weight")?,
                w("attn_v.weight")?,
            ];
            let gate_up = vec![w("ffn_gate.weight")?, w("ffn_up.weight")?];
            layers.push(Layer {
                attn_norm: w("attn_norm.weight")?.dequantize(&cpu)?,
                qkv: Stack::new(qkv, repack)?,
                wo: Linear::new(&[w("attn_output.weight")?], repack)?,
                ffn_norm: w("ffn_norm.weight")?.dequantize(&cpu)?,
                gate_up: Stack::new(gate_up, repack)?,
                down: Linear::new(&[w("ffn_down.weight")?], repack)?,
                cache: KvCache::new(2, CACHE_STEP),
            });
        }
        Ok(FastLlama {
            embed,
            layers,
            norm,
            output,
            cos: angles.cos()?,
            sin: angles.sin()?,
            n_head,
            n_kv,
            head_dim: dim / n_head,
            eps,
        })
    }

    pub fn clear_kv_cache(&mut self) {
        for l in &mut self.layers {
            l.cache.reset();
        }
    }

    /// Logits of the last position of `input` (`(1, seq)` token ids starting at `pos`).
    pub fn forward(&mut self, input: &Tensor, pos: usize) -> Result<Tensor> {
        let (b, seq) = input.dims2()?;
        let dim = self.embed.dim(1)?;
        let mut h = self
            .embed
            .index_select(&input.flatten_all()?, 0)?
            .reshape((b, seq, dim))?;
        let mask = if seq > 1 {
            Some(causal_mask(seq, pos)?)
        } else {
            None
        };
        let (nh, nkv, hd) = (self.n_head, self.n_kv, self.head_dim);
        let cos = self.cos.narrow(0, pos, seq)?;
        let sin = self.sin.narrow(0, pos, seq)?;
        let scale = 1.0 / (hd as f64).sqrt();
        for layer in &mut self.layers {
            let x = candle_nn::ops::rms_norm(&h, &layer.attn_norm, self.eps)?;
            let qkv = layer.qkv.forward(&x)?;
            let heads = |t: &Tensor, n: usize| -> Result<Tensor> {
                t.reshape((b, seq, n, hd))?.transpose(1, 2)?.contiguous()
            };
            let q = candle_nn::rotary_emb::rope_i(&heads(&qkv[0], nh)?, &cos, &sin)?;
            let k = candle_nn::rotary_emb::rope_i(&heads(&qkv[1], nkv)?, &cos, &sin)?;
            let v = heads(&qkv[2], nkv)?;
            let (k, v) = layer.cache.append(&k, &v)?;
            let kv_len = k.dim(2)?;
            // Heads are kv-major, so each key/value head serves `rep` query heads at once.
            let rep = nh / nkv;
            let q = q.reshape((b, nkv, rep * seq, hd))?;
            let att = (q.matmul(&k.t()?)? * scale)?;
            let att = match &mask {
                None => att,
                Some(m) => {
                    let att = att.reshape((b, nkv, rep, seq, kv_len))?;
                    let m = m.broadcast_as(att.shape())?;
                    let neg =
                        Tensor::new(f32::NEG_INFINITY, &Device::Cpu)?.broadcast_as(att.shape())?;
                    m.where_cond(&neg, &att)?
                        .reshape((b, nkv, rep * seq, kv_len))?
                }
            };
            let att = candle_nn::ops::softmax_last_dim(&att)?;
            let y = att
                .matmul(&v)?
                .reshape((b, nh, seq, hd))?
                .transpose(1, 2)?
                .reshape((b, seq, nh * hd))?;
            h = (layer.wo.forward(&y)? + &h)?;
            let x = candle_nn::ops::rms_norm(&h, &layer.ffn_norm, self.eps)?;
            let gu = layer.gate_up.forward(&x)?;
            let act = (candle_nn::ops::silu(&gu[0])? * &gu[1])?;
            h = (layer.down.forward(&act)? + &h)?;
        }
        let last = h.i((.., seq - 1, ..))?;
        let x = candle_nn::ops::rms_norm(&last, &self.norm, self.eps)?;
        self.output.forward(&x)
    }
}

/// `(seq, pos + seq)`: 1 where a query may not see a key (later positions).
fn causal_mask(seq: usize, pos: usize) -> Result<Tensor> {
    let kv = pos + seq;
    let m: Vec<u8> = (0..seq)
        .flat_map(|i| (0..kv).map(move |j| u8::from(j > i + pos)))
        .collect();
    Tensor::from_vec(m, (seq, kv), &Device::Cpu)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let lin = Linear::new(std::slice::from_ref(&q), true).unwrap();
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

    #[test]
    fn the_mask_hides_later_positions_only() {
        let m = causal_mask(2, 1).unwrap().to_vec2::<u8>().unwrap();
        assert_eq!(m, vec![vec![0, 0, 1], vec![0, 0, 0]]);
    }
}
