//! The lean llama from a Hugging Face llama checkpoint (safetensors), its weights in the
//! dtype asked for (by default the stored one: BF16 stays BF16).

use super::dense::DenseMatrix;
use super::weights::{Linear, Stack};
use super::{Embedding, FastLlama, Layer, Output, Rope, rope_tables};
use candle_core::safetensors::MmapedSafetensors;
use candle_core::{DType, Device, Result};
use serde_json::Value as Json;
use std::sync::Arc;

fn usize_of(config: &Json, key: &str) -> Option<usize> {
    config.get(key).and_then(Json::as_u64).map(|v| v as usize)
}

/// The rope base: `rope_theta`, or `rope_parameters.rope_theta` (transformers 5).
pub fn rope_theta(config: &Json) -> Option<f64> {
    config.get("rope_theta").and_then(Json::as_f64).or_else(|| {
        config
            .get("rope_parameters")
            .and_then(|p| p.get("rope_theta"))
            .and_then(Json::as_f64)
    })
}

/// Why a llama config cannot run on the lean model (then candle's own `llama` runs it).
pub fn unsupported(config: &Json) -> Option<String> {
    let scaling = ["rope_scaling", "rope_parameters"].iter().find_map(|k| {
        let p = config.get(*k)?;
        let kind = p
            .get("rope_type")
            .or_else(|| p.get("type"))
            .and_then(Json::as_str)
            .unwrap_or("default");
        (kind != "default").then(|| format!("rope scaling {kind:?}"))
    });
    if scaling.is_some() {
        return scaling;
    }
    for flag in ["attention_bias", "mlp_bias"] {
        if config.get(flag).and_then(Json::as_bool) == Some(true) {
            return Some(flag.to_string());
        }
    }
    if config
        .get("hidden_act")
        .and_then(Json::as_str)
        .unwrap_or("silu")
        != "silu"
    {
        return Some("an activation other than silu".into());
    }
    None
}

impl FastLlama {
    /// Loads a llama checkpoint on the CPU with dense weights in `dtype`.
    pub fn from_safetensors(
        st: &MmapedSafetensors,
        config: &Json,
        dtype: DType,
        max_positions: usize,
    ) -> Result<FastLlama> {
        let need = |key: &str| {
            usize_of(config, key)
                .ok_or_else(|| candle_core::Error::Msg(format!("config.json has no {key}")))
        };
        let hidden = need("hidden_size")?;
        let n_head = need("num_attention_heads")?;
        let n_kv = usize_of(config, "num_key_value_heads").unwrap_or(n_head);
        let layers_n = need("num_hidden_layers")?;
        let head_dim = usize_of(config, "head_dim").unwrap_or(hidden / n_head.max(1));
        let eps = config
            .get("rms_norm_eps")
            .and_then(Json::as_f64)
            .unwrap_or(1e-6) as f32;
        let base = rope_theta(config).unwrap_or(10_000.0) as f32;
        if n_head == 0 || n_kv == 0 || !n_head.is_multiple_of(n_kv) {
            candle_core::bail!("{n_head} attention heads do not share {n_kv} key/value heads")
        }
        let (cos, sin) = rope_tables(head_dim, base, max_positions)?;
        let cpu = Device::Cpu;
        let dense = |name: &str, rows: usize, cols: usize| -> Result<DenseMatrix> {
            let t = st.load(name, &cpu)?;
            if t.dims() != [rows, cols] {
                candle_core::bail!(
                    "{name} is {:?}, config.json implies [{rows}, {cols}]",
                    t.dims()
                )
            }
            DenseMatrix::new(&t, dtype)
        };
        let vector = |name: &str| st.load(name, &cpu)?.to_dtype(DType::F32);
        let vocab = st
            .get("model.embed_tokens.weight")?
            .shape()
            .first()
            .copied();
        let vocab = vocab.unwrap_or(0);
        let embed = Arc::new(dense("model.embed_tokens.weight", vocab, hidden)?);
        let tied = config
            .get("tie_word_embeddings")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let output = if tied || st.get("lm_head.weight").is_err() {
            Output::Tied(embed.clone())
        } else {
            Output::Own(Linear::Dense(dense("lm_head.weight", vocab, hidden)?))
        };
        let inter = need("intermediate_size")?;
        let (q_rows, kv_rows) = (n_head * head_dim, n_kv * head_dim);
        let mut layers = Vec::with_capacity(layers_n);
        for l in 0..layers_n {
            let p = format!("model.layers.{l}");
            let qkv = vec![
                dense(&format!("{p}.self_attn.q_proj.weight"), q_rows, hidden)?,
                dense(&format!("{p}.self_attn.k_proj.weight"), kv_rows, hidden)?,
                dense(&format!("{p}.self_attn.v_proj.weight"), kv_rows, hidden)?,
            ];
            let gate_up = vec![
                dense(&format!("{p}.mlp.gate_proj.weight"), inter, hidden)?,
                dense(&format!("{p}.mlp.up_proj.weight"), inter, hidden)?,
            ];
            layers.push(Layer::new(
                vector(&format!("{p}.input_layernorm.weight"))?,
                Stack::dense(qkv)?,
                Linear::Dense(dense(
                    &format!("{p}.self_attn.o_proj.weight"),
                    hidden,
                    q_rows,
                )?),
                (
                    vector(&format!("{p}.post_attention_layernorm.weight"))?,
                    Stack::dense(gate_up)?,
                    Linear::Dense(dense(&format!("{p}.mlp.down_proj.weight"), hidden, inter)?),
                ),
                (n_kv, head_dim),
            ));
        }
        Ok(FastLlama {
            embed: Embedding::Dense(embed),
            layers,
            norm: vector("model.norm.weight")?,
            output,
            cos,
            sin,
            rope: Rope::Halves,
            n_head,
            n_kv,
            head_dim,
            eps,
            profile: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rope_scaling_and_biases_fall_back_to_candle() {
        let plain =
            serde_json::json!({"rope_parameters": {"rope_theta": 1e5, "rope_type": "default"}});
        assert_eq!(unsupported(&plain), None);
        assert_eq!(rope_theta(&plain), Some(1e5));
        let scaled = serde_json::json!({"rope_scaling": {"rope_type": "llama3", "factor": 8.0}});
        assert!(unsupported(&scaled).unwrap().contains("llama3"));
        let bias = serde_json::json!({"attention_bias": true});
        assert_eq!(unsupported(&bias).as_deref(), Some("attention_bias"));
    }
}
