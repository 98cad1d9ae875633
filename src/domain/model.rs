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
    /// An OpenAI-compatible endpoint: the base URL and the served model id sent as `model`.
    Endpoint { base: String, served: String },
}

impl ModelSource {
    /// An endpoint given as `URL` or `URL#served_model`; without a fragment the served
    /// model id is `name` (the registered name). The one place the `#` form is read.
    pub fn endpoint(spec: &str, name: &str) -> ModelSource {
        let (base, served) = match spec.split_once('#') {
            Some((b, s)) if !s.trim().is_empty() => (b, s.trim()),
            Some((b, _)) => (b, name),
            None => (spec, name),
        };
        ModelSource::Endpoint {
            base: base.to_string(),
            served: served.to_string(),
        }
    }

    /// The endpoint as one string, `URL#served_model` (how the registry stores it).
    pub fn endpoint_spec(base: &str, served: &str) -> String {
        format!("{base}#{served}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_fragment_names_the_served_model() {
        assert_eq!(
            ModelSource::endpoint("http://h:8000/v1#qwq-32b", "teacher"),
            ModelSource::Endpoint {
                base: "http://h:8000/v1".into(),
                served: "qwq-32b".into()
            }
        );
        assert_eq!(
            ModelSource::endpoint("http://h:8000/v1", "teacher"),
            ModelSource::Endpoint {
                base: "http://h:8000/v1".into(),
                served: "teacher".into()
            }
        );
        assert_eq!(
            ModelSource::endpoint("http://h:8000/v1#", "teacher"),
            ModelSource::endpoint("http://h:8000/v1", "teacher")
        );
    }
}
