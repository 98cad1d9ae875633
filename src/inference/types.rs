//! Plain values the inference layer takes and returns: chat messages, sampling
//! settings, a finished generation, and a model's identity. No I/O here.

use crate::domain::SamplingParams;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Who speaks in a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatRole {
    System,
    User,
    Assistant,
}

impl ChatRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatRole::System => "system",
            ChatRole::User => "user",
            ChatRole::Assistant => "assistant",
        }
    }
}

/// One message of a chat, as a chat template and an OpenAI endpoint see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: ChatRole,
    pub content: String,
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: ChatRole::System,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: ChatRole::User,
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: ChatRole::Assistant,
            content: content.into(),
        }
    }
}

/// Sampling and stopping settings of one generation.
///
/// `temperature == 0` means greedy decoding (arg-max), which is deterministic
/// for a given model, prompt and device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenerationConfig {
    pub max_tokens: usize,
    pub temperature: f64,
    pub top_p: Option<f64>,
    pub top_k: Option<usize>,
    /// 1.0 disables the penalty.
    pub repeat_penalty: f32,
    /// How many of the last tokens the repeat penalty looks at.
    pub repeat_last_n: usize,
    pub seed: u64,
    /// Extra stop strings; the model's own end-of-turn tokens always stop.
    pub stop: Vec<String>,
}

impl Default for GenerationConfig {
    fn default() -> Self {
        Self {
            max_tokens: 1024,
            temperature: 0.0,
            top_p: None,
            top_k: None,
            repeat_penalty: 1.1,
            repeat_last_n: 64,
            seed: 299_792_458,
            stop: Vec::new(),
        }
    }
}

impl GenerationConfig {
    /// Greedy decoding?
    pub fn is_greedy(&self) -> bool {
        self.temperature <= 0.0
    }

    /// Rejects settings that would make sampling meaningless.
    pub fn validate(&self) -> Result<(), super::InferenceError> {
        use super::InferenceError::Config;
        if !self.temperature.is_finite() || self.temperature < 0.0 {
            return Err(Config(format!(
                "temperature must be >= 0, got {}",
                self.temperature
            )));
        }
        if let Some(p) = self.top_p
            && !(p > 0.0 && p <= 1.0)
        {
            return Err(Config(format!("top-p must be in (0, 1], got {p}")));
        }
        if self.top_k == Some(0) {
            return Err(Config("top-k must be >= 1".into()));
        }
        if !self.repeat_penalty.is_finite() || self.repeat_penalty <= 0.0 {
            return Err(Config(format!(
                "repeat penalty must be > 0, got {}",
                self.repeat_penalty
            )));
        }
        if self.max_tokens == 0 {
            return Err(Config("max tokens must be >= 1".into()));
        }
        if self.stop.iter().any(String::is_empty) {
            return Err(Config("stop strings must not be empty".into()));
        }
        Ok(())
    }

    /// The settings as a run's provenance records them.
    pub fn sampling_params(&self) -> SamplingParams {
        SamplingParams {
            temperature: Some(self.temperature),
            top_p: self.top_p,
            top_k: self.top_k.map(|k| k as u64),
            repeat_penalty: Some(f64::from(self.repeat_penalty)),
            max_tokens: Some(self.max_tokens as u64),
            seed: Some(self.seed),
        }
    }
}

/// Why a generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The model emitted an end-of-sequence / end-of-turn token.
    EndOfSequence,
    /// One of the configured stop strings appeared.
    StopString,
    /// `max_tokens` were generated.
    MaxTokens,
    /// The context window is full.
    ContextFull,
    /// The caller asked to stop (the token callback returned `Break`).
    Cancelled,
}

impl StopReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::EndOfSequence => "end_of_sequence",
            StopReason::StopString => "stop_string",
            StopReason::MaxTokens => "max_tokens",
            StopReason::ContextFull => "context_full",
            StopReason::Cancelled => "cancelled",
        }
    }
}

/// A finished generation with its timings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    /// The answer text (for local models: everything generated, up to a stop).
    pub text: String,
    /// A separate reasoning channel, when the server returned one.
    pub reasoning: Option<String>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Time to first token, milliseconds (prefill for local models).
    pub ttft_ms: f64,
    /// Decode speed: completion tokens after the first, per second of decode time.
    pub tokens_per_second: f64,
    /// Prefill speed: prompt tokens per second (local models; 0 when unknown).
    pub prefill_tokens_per_second: f64,
    pub elapsed_ms: f64,
    /// The prompt exactly as the model saw it (for endpoints: the messages as JSON).
    pub rendered_prompt: String,
    pub stopped: StopReason,
}

/// Where the weights live and how they are run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelFormat {
    Gguf,
    Safetensors,
    Endpoint,
}

/// What a run's provenance records about the model that produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelIdentity {
    pub format: ModelFormat,
    /// `llama`, `qwen2`, `qwen3`, `phi3`, `gemma3`, `mistral`, or the served model id.
    pub architecture: String,
    pub parameters: Option<u64>,
    /// `Q4_1`, `Q4_K_M`-like mix (`Q4_K+Q6_K`), `F32`, `BF16` …
    pub quantization: Option<String>,
    pub context_length: Option<usize>,
    /// SHA-256 of the weights (GGUF file, or of the weight files in order).
    pub sha256: Option<String>,
    /// The file, directory or endpoint URL.
    pub location: String,
    /// `cpu`, `cuda:0`, `metal:0`, or `remote`.
    pub device: String,
    pub threads: Option<usize>,
    /// Where the chat template came from (`gguf metadata`, a file path, …).
    pub chat_template_source: String,
    /// Vocabulary size of the tokenizer in use (local models).
    pub vocab_size: Option<usize>,
}

/// Which device to run a local model on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    #[default]
    Cpu,
    Cuda,
    Metal,
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "cpu" => Ok(DeviceChoice::Cpu),
            "cuda" | "gpu" => Ok(DeviceChoice::Cuda),
            "metal" => Ok(DeviceChoice::Metal),
            other => Err(format!("unknown device {other:?} (cpu, cuda or metal)")),
        }
    }
}

/// The dtype a safetensors model's weights are kept and run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DTypeChoice {
    /// The stored dtype (BF16 stays BF16); on a GPU, BF16 for F32 files.
    #[default]
    Auto,
    F32,
    F16,
    Bf16,
}

impl DTypeChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            DTypeChoice::Auto => "auto",
            DTypeChoice::F32 => "f32",
            DTypeChoice::F16 => "f16",
            DTypeChoice::Bf16 => "bf16",
        }
    }
}

impl std::fmt::Display for DTypeChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DTypeChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(DTypeChoice::Auto),
            "f32" | "float32" => Ok(DTypeChoice::F32),
            "f16" | "float16" => Ok(DTypeChoice::F16),
            "bf16" | "bfloat16" => Ok(DTypeChoice::Bf16),
            other => Err(format!("unknown dtype {other:?} (auto, f32, f16 or bf16)")),
        }
    }
}

/// How to load a local model.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// A `tokenizer.json` to use instead of the model's own tokenizer.
    pub tokenizer: Option<PathBuf>,
    /// A chat template file (Jinja) to use instead of the model's own.
    pub chat_template: Option<PathBuf>,
    pub device: DeviceChoice,
    /// Requested CPU threads; `None` keeps candle's default.
    pub threads: Option<usize>,
    /// Safetensors weights: the dtype to keep and run them in. GGUF files run as stored.
    pub dtype: DTypeChoice,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_rejects_bad_settings() {
        let ok = GenerationConfig::default();
        assert!(ok.validate().is_ok());
        let bad = GenerationConfig {
            top_p: Some(1.5),
            ..ok.clone()
        };
        assert!(bad.validate().unwrap_err().to_string().contains("top-p"));
        let bad = GenerationConfig {
            temperature: -1.0,
            ..ok.clone()
        };
        assert!(bad.validate().is_err());
        let bad = GenerationConfig {
            stop: vec![String::new()],
            ..ok
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn device_parses() {
        assert_eq!("CUDA".parse::<DeviceChoice>(), Ok(DeviceChoice::Cuda));
        assert!("tpu".parse::<DeviceChoice>().is_err());
    }
}
