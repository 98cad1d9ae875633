//! OpenAI-compatible `/v1/chat/completions` client (vLLM, TGI, SGLang,
//! llama.cpp server): server-sent-event streaming with a one-response fallback,
//! timeouts, retries with backoff on 429/5xx and transport errors,
//! `reasoning_content` kept, and a bounded-concurrency runner.
//! Knows HTTP and JSON only; never reads model files.

mod client;
pub mod logprobs;
mod pool;
mod stream;
mod wire;

pub use client::{OpenAiClient, OpenAiConfig, openai_client};
pub use pool::run_concurrent;
