//! A run: one model's raw output on one case, with provenance. Runs are immutable.

use super::ids::{CaseId, ModelId, RunId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub id: RunId,
    pub case_id: CaseId,
    pub model_id: ModelId,
    pub model_name: String,
    /// The main output text.
    pub output: String,
    /// A separate reasoning field, when the source had one.
    pub reasoning: Option<String>,
    pub provenance: Provenance,
    pub created_at: String,
}

/// Sampling settings of a generation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SamplingParams {
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub top_k: Option<u64>,
    pub repeat_penalty: Option<f64>,
    pub max_tokens: Option<u64>,
    pub seed: Option<u64>,
}

/// Where a run came from. Imported runs carry what their file had.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Provenance {
    /// `import:<format>`, `candle`, `openai`.
    pub origin: String,
    /// The file the run was imported from, or the model file.
    pub source_file: Option<String>,
    pub model_sha256: Option<String>,
    pub quantization: Option<String>,
    pub architecture: Option<String>,
    pub prompt_template: Option<String>,
    pub rendered_prompt: Option<String>,
    pub sampling: SamplingParams,
    pub device: Option<String>,
    pub threads: Option<u32>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub time_to_first_token_ms: Option<f64>,
    pub tokens_per_second: Option<f64>,
    pub elapsed_ms: Option<f64>,
    /// Anything else the source carried, verbatim.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub extra: serde_json::Value,
}
