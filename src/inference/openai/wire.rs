//! JSON shapes of `/v1/chat/completions`: building the request body and
//! reading the parts of a response blindstep keeps. Pure.

use crate::inference::{ChatMessage, GenerationConfig};
use serde_json::{Value, json};

/// The request body. `top_k` and `repetition_penalty` are extensions that
/// vLLM, SGLang, TGI and llama.cpp accept; they are sent only when set.
pub fn request_body(model: &str, messages: &[ChatMessage], cfg: &GenerationConfig) -> Value {
    let mut body = json!({
        "model": model,
        "messages": messages,
        "max_tokens": cfg.max_tokens,
        "temperature": cfg.temperature,
        "seed": cfg.seed,
        "stream": false,
    });
    if let Some(p) = cfg.top_p {
        body["top_p"] = json!(p);
    }
    if let Some(k) = cfg.top_k {
        body["top_k"] = json!(k);
    }
    if (cfg.repeat_penalty - 1.0).abs() > f32::EPSILON {
        body["repetition_penalty"] = json!(cfg.repeat_penalty);
    }
    if !cfg.stop.is_empty() {
        body["stop"] = json!(cfg.stop);
    }
    body
}

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    pub reasoning: Option<String>,
    pub finish_reason: Option<String>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub model: Option<String>,
}

/// Reads a non-streaming chat completion; `Err` says what was wrong.
pub fn parse_response(body: &str) -> Result<Completion, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(err) = v.get("error") {
        let msg = err
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| err.to_string());
        return Err(format!("server error: {msg}"));
    }
    let choice = v
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .ok_or("no choices[0]")?;
    let message = choice.get("message").ok_or("choices[0] has no message")?;
    let text = match message.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => return Err(format!("message.content is not a string: {other}")),
    };
    let reasoning = ["reasoning_content", "reasoning"]
        .iter()
        .find_map(|k| message.get(*k).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if text.is_empty() && reasoning.is_none() {
        return Err("message has neither content nor reasoning_content".into());
    }
    let usage = v.get("usage");
    let count = |k: &str| usage.and_then(|u| u.get(k)).and_then(Value::as_u64);
    Ok(Completion {
        text,
        reasoning,
        finish_reason: choice
            .get("finish_reason")
            .and_then(Value::as_str)
            .map(str::to_string),
        prompt_tokens: count("prompt_tokens"),
        completion_tokens: count("completion_tokens"),
        model: v.get("model").and_then(Value::as_str).map(str::to_string),
    })
}

/// `http://h:8000`, `http://h:8000/v1` or the full path → the full endpoint URL.
pub fn completions_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/chat/completions") {
        base.to_string()
    } else if base.ends_with("/v1") {
        format!("{base}/chat/completions")
    } else {
        format!("{base}/v1/chat/completions")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_messages_and_optional_extensions() {
        let cfg = GenerationConfig {
            top_k: Some(40),
            repeat_penalty: 1.0,
            stop: vec!["</s>".into()],
            ..GenerationConfig::default()
        };
        let b = request_body("m", &[ChatMessage::user("hi")], &cfg);
        assert_eq!(b["messages"][0]["role"], "user");
        assert_eq!(b["messages"][0]["content"], "hi");
        assert_eq!(b["top_k"], 40);
        assert!(b.get("repetition_penalty").is_none());
        assert!(b.get("top_p").is_none());
        assert_eq!(b["stop"][0], "</s>");
    }

    #[test]
    fn reasoning_content_is_kept() {
        let c = parse_response(
            r#"{"model":"m","choices":[{"message":{"role":"assistant","content":"B","reasoning_content":"step 1"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":7}}"#,
        )
        .unwrap();
        assert_eq!(c.text, "B");
        assert_eq!(c.reasoning.as_deref(), Some("step 1"));
        assert_eq!(c.prompt_tokens, Some(5));
        assert_eq!(c.finish_reason.as_deref(), Some("stop"));
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong() {
        assert!(parse_response("<html>").unwrap_err().contains("not JSON"));
        assert!(
            parse_response(r#"{"choices":[]}"#)
                .unwrap_err()
                .contains("choices[0]")
        );
        assert!(
            parse_response(r#"{"error":{"message":"model not loaded"}}"#)
                .unwrap_err()
                .contains("model not loaded")
        );
    }

    #[test]
    fn urls_are_normalised() {
        assert_eq!(
            completions_url("http://h:1/"),
            "http://h:1/v1/chat/completions"
        );
        assert_eq!(
            completions_url("http://h:1/v1"),
            "http://h:1/v1/chat/completions"
        );
        assert_eq!(
            completions_url("http://h:1/v1/chat/completions"),
            "http://h:1/v1/chat/completions"
        );
    }
}
