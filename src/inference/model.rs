//! The candle model families blindstep can run, behind one `forward` with a
//! position offset (KV cache inside) and one `reset`. No tokenizer or
//! sampling here.

use candle_core::{DType, Device, Tensor};
use candle_transformers::models::{
    llama, mistral, phi3, quantized_gemma3, quantized_llama, quantized_phi3, quantized_qwen2,
    quantized_qwen3, qwen2, qwen3,
};

pub enum LocalModel {
    FastLlama(Box<super::fast_llama::FastLlama>),
    QuantizedLlama(quantized_llama::ModelWeights),
    QuantizedQwen2(quantized_qwen2::ModelWeights),
    QuantizedQwen3(quantized_qwen3::ModelWeights),
    QuantizedPhi3(quantized_phi3::ModelWeights),
    QuantizedGemma3(quantized_gemma3::ModelWeights),
    Llama {
        model: llama::Llama,
        cache: llama::Cache,
        config: llama::Config,
        dtype: DType,
        device: Device,
    },
    Qwen2(qwen2::ModelForCausalLM),
    Qwen3(qwen3::ModelForCausalLM),
    Mistral(mistral::Model),
    Phi3(phi3::Model),
}

impl LocalModel {
    /// Logits for the last position of `input` (shape `(1, seq)`), whose first
    /// token sits at `pos` in the sequence.
    pub fn forward(&mut self, input: &Tensor, pos: usize) -> candle_core::Result<Tensor> {
        match self {
            LocalModel::FastLlama(m) => m.forward(input, pos),
            LocalModel::QuantizedLlama(m) => m.forward(input, pos),
            LocalModel::QuantizedQwen2(m) => m.forward(input, pos),
            LocalModel::QuantizedQwen3(m) => m.forward(input, pos),
            LocalModel::QuantizedPhi3(m) => m.forward(input, pos),
            LocalModel::QuantizedGemma3(m) => m.forward(input, pos),
            LocalModel::Llama { model, cache, .. } => model.forward(input, pos, cache),
            LocalModel::Qwen2(m) => m.forward(input, pos),
            LocalModel::Qwen3(m) => m.forward(input, pos),
            LocalModel::Mistral(m) => m.forward(input, pos),
            LocalModel::Phi3(m) => m.forward(input, pos),
        }
    }

    /// Empties the KV cache before a new prompt.
    pub fn reset(&mut self) -> candle_core::Result<()> {
        match self {
            LocalModel::FastLlama(m) => m.clear_kv_cache(),
            LocalModel::QuantizedLlama(m) => m.clear_kv_cache(),
            LocalModel::QuantizedQwen2(m) => m.clear_kv_cache(),
            LocalModel::QuantizedQwen3(m) => m.clear_kv_cache(),
            // These two reset their caches when a forward starts at position 0.
            LocalModel::QuantizedPhi3(_) | LocalModel::QuantizedGemma3(_) => {}
            LocalModel::Llama {
                cache,
                config,
                dtype,
                device,
                ..
            } => *cache = llama::Cache::new(true, *dtype, config, device)?,
            LocalModel::Qwen2(m) => m.clear_kv_cache(),
            LocalModel::Qwen3(m) => m.clear_kv_cache(),
            LocalModel::Mistral(m) => m.clear_kv_cache(),
            LocalModel::Phi3(m) => m.clear_kv_cache(),
        }
        Ok(())
    }
}

/// Runs a third-party loader, turning a panic inside it (some candle loaders
/// `unwrap` on malformed weights) into an error message. The panic is caught
/// quietly: a terminal screen (the lab) stays as it is.
pub fn guard_panics<T>(f: impl FnOnce() -> candle_core::Result<T>) -> Result<T, String> {
    match crate::primitives::panic::catch_quietly(f) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(candle_message(&e)),
        Err(message) if message == "panicked" => Err("the loader panicked".to_string()),
        Err(message) => Err(message),
    }
}

/// A candle error's message without the backtrace candle appends when
/// `RUST_BACKTRACE` is set.
pub fn candle_message(e: &candle_core::Error) -> String {
    let text = e.to_string();
    match text.find("\n   0: ") {
        Some(at) => text[..at].trim_end().to_string(),
        None => text,
    }
}
