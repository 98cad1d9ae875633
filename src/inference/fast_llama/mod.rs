//! A dense llama-family model for the CPU, built for decode speed (candle's
//! `quantized_llama` and `llama` do the same arithmetic; this one repeats less of it). It
//! runs GGUF files ([`gguf`]) and llama safetensors checkpoints ([`hf`]):
//!
//! - **Repacked weights** (see [`tiles`], [`vnni`] and [`quant`]): Q8_0, Q4_0, Q4_1, Q5_0
//!   and Q5_1 matrices (except Q8_0 at widths that are multiples of 256, which candle tiles
//!   itself) are repacked at load into 16-row tiles for AVX-512 VNNI kernels that form each
//!   row's sum with candle's own arithmetic in candle's order: the logits are candle's bit
//!   for bit, so greedy output is the same with and without the repack. On CPUs without
//!   AVX-512 VNNI, Q4_1/Q5_0/Q5_1 run on candle's SIMD Q8_0 kernel instead (a `d·q + m`
//!   block becomes the Q8_0 block `d·q` plus an offset `m · Σx` from the input's block
//!   sums; equal up to float summation order). `BLINDSTEP_TILES=off` turns the tiles off.
//! - **Half-precision weights kept as they are** (see [`dense`]): a BF16 or F16 checkpoint
//!   stays in its dtype in memory, with an f32 matrix-vector kernel for decode.
//! - **Fused projections**: q, k and v (and gate and up) are one matrix when they share a
//!   format, so each layer reads its input twice instead of five times.
//! - **No per-token copies of the cache**: keys and values go into a preallocated buffer
//!   (`candle_nn::kv_cache`), and grouped-query attention reshapes the queries rather than
//!   repeating keys and values for every head.
//!
//! Used for `llama` models without experts on the CPU; everything else loads through
//! candle's own models.

mod attention;
mod dense;
mod gguf;
mod hf;
pub mod profile;
mod quant;
mod tiles;
mod vnni;
mod weights;

pub use hf::{rope_theta, unsupported};

/// Would a `rows × cols` matrix of `dtype` be repacked into tiles here (see [`tiles`])?
pub fn takes_tiles(dtype: candle_core::quantized::GgmlDType, rows: usize, cols: usize) -> bool {
    quant::takes_tiles(dtype, rows, cols)
}

use attention::Cache;
use candle_core::{DType, Device, IndexOp, Result, Tensor};
use dense::DenseMatrix;
use profile::{Laps, Op, OpTimes};
use std::sync::Arc;
use weights::{Linear, Stack};

struct Layer {
    attn_norm: Tensor,
    qkv: Stack,
    wo: Linear,
    ffn_norm: Tensor,
    gate_up: Stack,
    down: Linear,
    cache: Cache,
}

impl Layer {
    fn new(
        attn_norm: Tensor,
        qkv: Stack,
        wo: Linear,
        ffn: (Tensor, Stack, Linear),
        kv: (usize, usize),
    ) -> Layer {
        let (ffn_norm, gate_up, down) = ffn;
        Layer {
            attn_norm,
            qkv,
            wo,
            ffn_norm,
            gate_up,
            down,
            cache: Cache::new(kv.0, kv.1),
        }
    }
}

/// The token embedding: an f32 table (GGUF, dequantised) or the checkpoint's own matrix.
enum Embedding {
    Table(Tensor),
    Dense(Arc<DenseMatrix>),
}

/// The output projection: its own matrix, or the embedding's (tied weights).
enum Output {
    Own(Linear),
    Tied(Arc<DenseMatrix>),
}

/// How the rotary embedding pairs a head's dimensions.
#[derive(Clone, Copy)]
enum Rope {
    /// Neighbours (0, 1), (2, 3)…: GGUF files, whose q and k rows llama.cpp permuted.
    Interleaved,
    /// Halves (0, d/2), (1, d/2 + 1)…: Hugging Face checkpoints.
    Halves,
}

pub struct FastLlama {
    embed: Embedding,
    layers: Vec<Layer>,
    norm: Tensor,
    output: Output,
    cos: Tensor,
    sin: Tensor,
    rope: Rope,
    n_head: usize,
    n_kv: usize,
    head_dim: usize,
    eps: f32,
    /// Per-operation times of the forward passes since profiling was turned on.
    profile: Option<OpTimes>,
}

/// `(cos, sin)` tables, `(max_positions, rope_dim / 2)`.
fn rope_tables(rope_dim: usize, base: f32, max_positions: usize) -> Result<(Tensor, Tensor)> {
    let cpu = Device::Cpu;
    let theta: Vec<f32> = (0..rope_dim)
        .step_by(2)
        .map(|i| 1f32 / base.powf(i as f32 / rope_dim as f32))
        .collect();
    let theta = Tensor::new(theta.as_slice(), &cpu)?;
    let angles = Tensor::arange(0, max_positions as u32, &cpu)?
        .to_dtype(DType::F32)?
        .reshape((max_positions, 1))?
        .matmul(&theta.reshape((1, ()))?)?;
    Ok((angles.cos()?, angles.sin()?))
}

impl FastLlama {
    /// Starts timing every operation of the following forward passes (afresh).
    pub fn start_profile(&mut self) {
        self.profile = Some(OpTimes::default());
    }

    /// Charges `d` to `op` when profiling (for work done outside the model).
    pub fn note(&mut self, op: Op, d: std::time::Duration) {
        if let Some(p) = self.profile.as_mut() {
            p.add(op, d);
        }
    }

    /// The times since [`FastLlama::start_profile`], and profiling off.
    pub fn take_profile(&mut self) -> Option<OpTimes> {
        self.profile.take()
    }

    pub fn clear_kv_cache(&mut self) {
        for l in &mut self.layers {
            l.cache.reset();
        }
    }

    /// Logits of the last position of `input` (`(1, seq)` token ids starting at `pos`).
    pub fn forward(&mut self, input: &Tensor, pos: usize) -> Result<Tensor> {
        let mut laps = Laps::new(self.profile.as_mut());
        let (b, seq) = input.dims2()?;
        let ids = input.flatten_all()?;
        let mut h = match &self.embed {
            Embedding::Table(t) => t.index_select(&ids, 0)?,
            Embedding::Dense(m) => m.gather(&ids.to_vec1::<u32>()?)?,
        };
        let dim = h.dim(1)?;
        h = h.reshape((b, seq, dim))?;
        laps.lap(Op::Embed);
        let mask = if seq > 1 {
            Some(causal_mask(seq, pos)?)
        } else {
            None
        };
        let (nh, nkv, hd) = (self.n_head, self.n_kv, self.head_dim);
        let cos = self.cos.narrow(0, pos, seq)?;
        let sin = self.sin.narrow(0, pos, seq)?;
        let rope = |t: &Tensor| match self.rope {
            Rope::Interleaved => candle_nn::rotary_emb::rope_i(t, &cos, &sin),
            Rope::Halves => candle_nn::rotary_emb::rope(t, &cos, &sin),
        };
        let scale = 1.0 / (hd as f64).sqrt();
        for layer in &mut self.layers {
            let x = candle_nn::ops::rms_norm(&h, &layer.attn_norm, self.eps)?;
            laps.lap(Op::Norm);
            let qkv = layer.qkv.forward(&x)?;
            laps.lap(Op::QkvMatmul);
            let heads = |t: &Tensor, n: usize| -> Result<Tensor> {
                t.reshape((b, seq, n, hd))?.transpose(1, 2)?.contiguous()
            };
            let q = rope(&heads(&qkv[0], nh)?)?;
            let k = rope(&heads(&qkv[1], nkv)?)?;
            let v = heads(&qkv[2], nkv)?;
            laps.lap(Op::Rope);
            layer.cache.append(&k, &v)?;
            // Heads are kv-major, so each key/value head serves `rep` query heads at once.
            let rep = nh / nkv;
            let y = if seq == 1 && b == 1 {
                let qv = q.flatten_all()?.to_vec1::<f32>()?;
                let y = layer.cache.attend_one(&qv, rep, scale as f32);
                Tensor::from_vec(y, (b, seq, nh * hd), &Device::Cpu)?
            } else {
                let (k, v) = layer.cache.tensors()?;
                let kv_len = k.dim(2)?;
                let q = q.reshape((b, nkv, rep * seq, hd))?;
                let att = (q.matmul(&k.t()?)? * scale)?;
                let att = match &mask {
                    None => att,
                    Some(m) => {
                        let att = att.reshape((b, nkv, rep, seq, kv_len))?;
                        let m = m.broadcast_as(att.shape())?;
                        let neg = Tensor::new(f32::NEG_INFINITY, &Device::Cpu)?
                            .broadcast_as(att.shape())?;
                        m.where_cond(&neg, &att)?
                            .reshape((b, nkv, rep * seq, kv_len))?
                    }
                };
                let att = candle_nn::ops::softmax_last_dim(&att)?;
                att.matmul(&v)?
                    .reshape((b, nh, seq, hd))?
                    .transpose(1, 2)?
                    .reshape((b, seq, nh * hd))?
            };
            laps.lap(Op::Attention);
            let o = layer.wo.forward(&y)?;
            laps.lap(Op::OutMatmul);
            h = (o + &h)?;
            laps.lap(Op::Residual);
            let x = candle_nn::ops::rms_norm(&h, &layer.ffn_norm, self.eps)?;
            laps.lap(Op::Norm);
            let gu = layer.gate_up.forward(&x)?;
            laps.lap(Op::GateUpMatmul);
            let act = (candle_nn::ops::silu(&gu[0])? * &gu[1])?;
            laps.lap(Op::Activation);
            let d = layer.down.forward(&act)?;
            laps.lap(Op::DownMatmul);
            h = (d + &h)?;
            laps.lap(Op::Residual);
        }
        let last = h.i((.., seq - 1, ..))?;
        let x = candle_nn::ops::rms_norm(&last, &self.norm, self.eps)?;
        laps.lap(Op::Norm);
        let logits = match &self.output {
            Output::Own(l) => l.forward(&x),
            Output::Tied(m) => m.forward(&x),
        }?;
        laps.lap(Op::OutputMatmul);
        laps.finish();
        Ok(logits)
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
    fn the_mask_hides_later_positions_only() {
        let m = causal_mask(2, 1).unwrap().to_vec2::<u8>().unwrap();
        assert_eq!(m, vec![vec![0, 0, 1], vec![0, 0, 0]]);
    }
}
