//! The one error type of the inference layer. Messages are lowercase and say
//! what failed and where (file, key, endpoint); they never carry a backtrace.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum InferenceError {
    #[error("model file {path}: not found")]
    NotFound { path: PathBuf },

    #[error("model file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("model file {path}: truncated: {detail}")]
    Truncated { path: PathBuf, detail: String },

    #[error("model file {path}: not a valid {format} file: {detail}")]
    InvalidFormat {
        path: PathBuf,
        format: &'static str,
        detail: String,
    },

    #[error(
        "model file {path}: unsupported architecture {architecture:?} (supported: {supported})"
    )]
    UnsupportedArchitecture {
        path: PathBuf,
        architecture: String,
        supported: &'static str,
    },

    #[error("model file {path}: missing {what}")]
    Missing { path: PathBuf, what: String },

    #[error("tokenizer {path}: {detail}")]
    Tokenizer { path: PathBuf, detail: String },

    #[error("chat template ({origin}): {detail}")]
    Template { origin: String, detail: String },

    #[error("model {path}: {detail}")]
    Model { path: PathBuf, detail: String },

    #[error("device {device}: {detail}")]
    Device { device: String, detail: String },

    #[error(
        "threads: {requested} requested but candle's pool has {effective}; set CANDLE_NUM_THREADS={requested} before the process starts"
    )]
    Threads { requested: usize, effective: usize },

    #[error(
        "generation: prompt has {prompt_tokens} tokens, over the context length {context_length}"
    )]
    PromptTooLong {
        prompt_tokens: usize,
        context_length: usize,
    },

    #[error("generation: {0}")]
    Generation(String),

    #[error("invalid generation settings: {0}")]
    Config(String),

    #[error("endpoint {url}: {detail}")]
    Http { url: String, detail: String },

    #[error("endpoint {url}: timed out after {seconds:.1} s")]
    Timeout { url: String, seconds: f64 },

    #[error("endpoint {url}: malformed response: {detail}")]
    MalformedResponse { url: String, detail: String },
}

impl InferenceError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            InferenceError::NotFound { path }
        } else {
            InferenceError::Io { path, source }
        }
    }
}
