//! The lean llama from a GGUF file: quantised weights, repacked where candle's kernel for
//! the format is scalar.

use super::quant::QuantLinear;
use super::weights::{Linear, Stack};
use super::{Embedding, FastLlama, Layer, Output, Rope, rope_tables};
use candle_core::quantized::gguf_file::Content;
use candle_core::{Device, Result};
use std::io::{Read, Seek};

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

    /// Loads the weights on the CPU; `repack` puts them in tiles (or runs Q4_1/Q5_0/Q5_1 on
    /// candle's Q8_0 kernel where the tile kernels do not run).
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
        let (cos, sin) = rope_tables(rope_dim, base, max_positions)?;
        let mut t = |name: &str| ct.tensor(reader, name, &cpu);
        let embed_q = t("token_embd.weight")?;
        let embed = embed_q.dequantize(&cpu)?;
        let norm = t("output_norm.weight")?.dequantize(&cpu)?;
        let output = match t("output.weight") {
            Ok(o) => o,
            Err(_) => embed_q,
        };
        let output = Linear::Quant(QuantLinear::new(&[output], repack)?);
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
            layers.push(Layer::new(
                w("attn_norm.weight")?.dequantize(&cpu)?,
                Stack::quant(qkv, repack)?,
                Linear::quant(w("attn_output.weight")?, repack)?,
                (
                    w("ffn_norm.weight")?.dequantize(&cpu)?,
                    Stack::quant(gate_up, repack)?,
                    Linear::quant(w("ffn_down.weight")?, repack)?,
                ),
                (n_kv, dim / n_head),
            ));
        }
        Ok(FastLlama {
            embed: Embedding::Table(embed),
            layers,
            norm,
            output: Output::Own(output),
            cos,
            sin,
            rope: Rope::Interleaved,
            n_head,
            n_kv,
            head_dim: dim / n_head,
            eps,
            profile: None,
        })
    }
}
