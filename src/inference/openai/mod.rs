//! OpenAI-compatible `/v1/chat/completions` client (vLLM, TGI, SGLang,
//! llama.cpp server): timeouts, retries with backoff on 429/5xx and transport
//! errors, `reasoning_content` kept, and a bounded-concurrency runner.
//! Knows HTTP and JSON only; never reads model files.

mod client;
pub mod logprobs;
mod pool;
mod wire;

pub use client::{OpenAiClient, OpenAiConfig, openai_client};
pub use pool::run_concurrent;
