//! Running models: local GGUF files and safetensors directories with candle,
//! and OpenAI-compatible `/v1/chat/completions` endpoints, behind one
//! [`Generator`] trait. Also the prompt for a case (from an editable Jinja
//! template) and each model's own chat template.
//!
//! Map: `types` (values), `generator` (the trait), `prompt` (case → messages),
//! `chat_template` (messages → prompt text), `gguf` / `safetensors` / `shards` (loading),
//! `gguf_tokenizer` / `vocab` (tokenizers), `model` (candle families),
//! `engine` (the decode loop), `sampler`, `detokenizer`, `stop`, `device`,
//! `identity` (hashes, quantisation names), `repack` / `fast_llama` (GGUF weights in
//! 16-row tiles for AVX-512 VNNI kernels, half-precision checkpoints kept as stored, a
//! leaner llama decode), `mmap` (one of two audited `unsafe` exceptions: memory-mapping
//! safetensors files; the other is `fast_llama::vnni`'s call into its kernels),
//! `openai` (HTTP client and pool).
//!
//! This module never downloads anything and never touches the database: the
//! caller stores runs.

pub mod chat_template;
pub mod detokenizer;
pub mod device;
pub mod engine;
pub mod error;
pub mod fast_llama;
pub mod generator;
pub mod gguf;
pub mod gguf_tokenizer;
pub mod identity;
pub mod mmap;
pub mod model;
pub mod openai;
pub mod prompt;
pub mod repack;
pub mod safetensors;
pub mod sampler;
pub mod scoring;
pub mod shards;
pub mod stop;
pub mod types;
pub mod vocab;

pub use engine::CandleGenerator;
pub use error::InferenceError;
pub use generator::Generator;
pub use openai::{OpenAiClient, OpenAiConfig, openai_client, run_concurrent};
pub use prompt::{DEFAULT_PROMPT_TEMPLATE, build_prompt, load_prompt_template};
pub use scoring::{ANSWER_CUE, OptionScores};
pub use types::{
    ChatMessage, ChatRole, DTypeChoice, DeviceChoice, Generation, GenerationConfig, LoadOptions,
    ModelFormat, ModelIdentity, StopReason,
};

use std::path::Path;

/// Which local format a path holds.
pub fn detect_format(path: &Path) -> Result<ModelFormat, InferenceError> {
    if path.is_dir() {
        return Ok(ModelFormat::Safetensors);
    }
    if !path.exists() {
        return Err(InferenceError::NotFound {
            path: path.to_path_buf(),
        });
    }
    if path.extension().is_some_and(|e| e == "safetensors") {
        return Ok(ModelFormat::Safetensors);
    }
    Ok(ModelFormat::Gguf)
}

/// Loads a local model with its concrete type (benchmarks, the TUI worker).
pub fn load_candle(path: &Path, opts: &LoadOptions) -> Result<CandleGenerator, InferenceError> {
    match detect_format(path)? {
        ModelFormat::Safetensors => {
            let dir = if path.is_dir() {
                path
            } else {
                path.parent().unwrap_or(Path::new("."))
            };
            safetensors::load_safetensors(dir, opts)
        }
        _ => gguf::load_gguf(path, opts),
    }
}

/// Loads a GGUF file or a safetensors directory from local disk.
pub fn load_local(path: &Path, opts: &LoadOptions) -> Result<Box<dyn Generator>, InferenceError> {
    Ok(Box::new(load_candle(path, opts)?))
}
