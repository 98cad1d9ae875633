//! The tokenizer a local model runs with, plus the special-token facts
//! generation needs (BOS, end-of-turn tokens). Loads `tokenizer.json` and
//! `tokenizer_config.json`; never downloads.

use super::InferenceError;
use std::path::Path;
use tokenizers::Tokenizer;

/// End-of-turn markers used by common chat formats; any present in the
/// vocabulary stops generation.
pub const KNOWN_END_TOKENS: &[&str] = &[
    "<|im_end|>",
    "<|eot_id|>",
    "<|eom_id|>",
    "<|end|>",
    "<end_of_turn>",
    "<|endoftext|>",
    "<|end_of_text|>",
    "</s>",
    "<｜end▁of▁sentence｜>",
];

pub struct Vocab {
    pub tokenizer: Tokenizer,
    pub bos_id: Option<u32>,
    pub eos_ids: Vec<u32>,
    /// Prepend BOS when the rendered prompt does not already start with it.
    pub add_bos: bool,
}

impl Vocab {
    pub fn token_text(&self, id: u32) -> Option<String> {
        self.tokenizer.id_to_token(id)
    }

    pub fn bos_text(&self) -> String {
        self.bos_id
            .and_then(|id| self.token_text(id))
            .unwrap_or_default()
    }

    pub fn eos_text(&self) -> String {
        self.eos_ids
            .first()
            .and_then(|&id| self.token_text(id))
            .unwrap_or_default()
    }

    /// Adds every known end-of-turn token present in the vocabulary.
    pub fn add_known_end_tokens(&mut self) {
        for name in KNOWN_END_TOKENS {
            if let Some(id) = self.tokenizer.token_to_id(name)
                && !self.eos_ids.contains(&id)
            {
                self.eos_ids.push(id);
            }
        }
    }

    /// Encodes a rendered prompt, adding BOS if the model wants it and the
    /// template did not already write it.
    pub fn encode_prompt(&self, rendered: &str) -> Result<Vec<u32>, InferenceError> {
        let enc = self
            .tokenizer
            .encode(rendered, false)
            .map_err(|e| InferenceError::Generation(format!("tokenizing the prompt: {e}")))?;
        let mut ids = enc.get_ids().to_vec();
        if self.add_bos
            && let Some(bos) = self.bos_id
            && ids.first() != Some(&bos)
        {
            ids.insert(0, bos);
        }
        Ok(ids)
    }
}

/// Loads a `tokenizer.json`, naming the file in any error.
pub fn load_tokenizer_json(path: &Path) -> Result<Tokenizer, InferenceError> {
    if !path.exists() {
        return Err(InferenceError::Tokenizer {
            path: path.to_path_buf(),
            detail: "not found".into(),
        });
    }
    Tokenizer::from_file(path).map_err(|e| InferenceError::Tokenizer {
        path: path.to_path_buf(),
        detail: format!("cannot parse: {e}"),
    })
}

/// A token given in `tokenizer_config.json` either as a string or as `{"content": …}`.
pub fn config_token(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(o) => o.get("content")?.as_str().map(str::to_string),
        _ => None,
    }
}

/// The chat template in a `tokenizer_config.json` (a string, or a list of
/// named templates of which `default` is used).
pub fn config_chat_template(cfg: &serde_json::Value) -> Option<String> {
    match cfg.get("chat_template")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(list) => list
            .iter()
            .find(|t| t.get("name").and_then(|n| n.as_str()) == Some("default"))
            .or_else(|| list.first())
            .and_then(|t| t.get("template"))
            .and_then(|t| t.as_str())
            .map(str::to_string),
        _ => None,
    }
}
