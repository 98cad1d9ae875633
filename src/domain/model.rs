//! A registered model: a user-chosen name, a role, and how to run it.

use super::enums::Role;
use super::ids::ModelId;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub id: ModelId,
    pub name: String,
    pub role: Role,
    pub source: ModelSource,
    /// A `tokenizer.json` that overrides the model's own tokenizer.
    pub tokenizer: Option<PathBuf>,
    /// Free text for the coordinator (never shown to reviewers).
    pub label: Option<String>,
    /// A chat template file that overrides the model's own.
    pub chat_template: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "location", rename_all = "snake_case")]
pub enum ModelSource {
    /// Known only by its outputs (imported runs).
    OutputsOnly,
    /// A local GGUF file or safetensors directory.
    Local(PathBuf),
    /// An OpenAI-compatible endpoint base URL.
    Endpoint(String),
}
