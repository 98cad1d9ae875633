//! JSON shapes of `/v1/chat/completions`: building the request body and
//! reading the parts of a response blindstep keeps. Pure.

use crate::inference::{ChatMessage, GenerationConfig, StopReason};
use serde_json::{Value, json};

/// The request body. `top_k` and `repetition_penalty` are extensions that
/// vLLM, SGLang, TGI and llama.cpp accept; they are sent only when set. A streaming
/// request also asks for the usage in the last chunk (`stream_options.include_usage`).
pub fn request_body(
    model: &str,
    messages: &[ChatMessage],
    cfg: &GenerationConfig,
    stream: bool,
) -> Value {
    let mut body = json!({
        "model": model,
        "messages": messages,
        "max_tokens": cfg.max_tokens,
        "temperature": cfg.temperature,
        "seed": cfg.seed,
        "stream": stream,
    });
    if stream {
        body["stream_options"] = json!({ "include_usage": true });
    }
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
    /// vLLM's `stop_reason`: the stop string (or token id) that matched.
    pub matched_stop: Option<Value>,
}

/// Why a served answer ended, from its `finish_reason` (`length` and the spellings other
/// servers use for it, `stop_sequence`, `stop` with the matched stop string), and from the
/// token count where the reason is missing or says `stop` at the limit: a reply that used
/// every allowed token is recorded as cut at `max_tokens` (an end token that happens to
/// fall exactly on the limit is marked truncated too; the other way round would hide
/// truncation, which an audit must not).
pub fn stop_reason(c: &Completion, cfg: &GenerationConfig) -> StopReason {
    let at_limit = c
        .completion_tokens
        .is_some_and(|n| n >= cfg.max_tokens as u64);
    let matched_stop_string = c
        .matched_stop
        .as_ref()
        .and_then(Value::as_str)
        .is_some_and(|s| cfg.stop.iter().any(|t| t == s));
    match c.finish_reason.as_deref() {
        Some("length" | "max_tokens" | "max_length" | "model_length") => StopReason::MaxTokens,
        Some("stop_sequence") => StopReason::StopString,
        Some("stop") if matched_stop_string => StopReason::StopString,
        _ if at_limit => StopReason::MaxTokens,
        _ => StopReason::EndOfSequence,
    }
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
        matched_stop: choice.get("stop_reason").filter(|s| !s.is_null()).cloned(),
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
        let b = request_body("m", &[ChatMessage::user("hi")], &cfg, false);
        assert_eq!(b["stream"], false);
        assert!(b.get("stream_options").is_none());
        let streamed = request_body("m", &[ChatMessage::user("hi")], &cfg, true);
        assert_eq!(streamed["stream"], true);
        assert_eq!(streamed["stream_options"]["include_usage"], true);
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
    fn finish_reasons_map_to_stop_reasons() {
        let cfg = GenerationConfig {
            max_tokens: 10,
            stop: vec!["</answer>".into()],
            ..GenerationConfig::default()
        };
        let c = |finish: Option<&str>, tokens: Option<u64>, matched: Option<Value>| Completion {
            text: "x".into(),
            reasoning: None,
            finish_reason: finish.map(str::to_string),
            prompt_tokens: None,
            completion_tokens: tokens,
            model: None,
            matched_stop: matched,
        };
        let r = |x: Completion| stop_reason(&x, &cfg);
        assert_eq!(r(c(Some("length"), Some(10), None)), StopReason::MaxTokens);
        assert_eq!(r(c(Some("length"), None, None)), StopReason::MaxTokens);
        assert_eq!(r(c(Some("max_tokens"), None, None)), StopReason::MaxTokens);
        assert_eq!(r(c(Some("stop"), Some(4), None)), StopReason::EndOfSequence);
        assert_eq!(
            r(c(Some("stop"), Some(10), None)),
            StopReason::MaxTokens,
            "a server that says stop at the limit was cut"
        );
        assert_eq!(r(c(None, Some(10), None)), StopReason::MaxTokens);
        assert_eq!(r(c(None, None, None)), StopReason::EndOfSequence);
        assert_eq!(
            r(c(Some("stop"), Some(10), Some(json!("</answer>")))),
            StopReason::StopString
        );
        assert_eq!(
            r(c(Some("stop"), Some(3), Some(json!(2)))),
            StopReason::EndOfSequence,
            "a token id is an end token, not a stop string"
        );
        assert_eq!(
            r(c(Some("stop_sequence"), Some(3), None)),
            StopReason::StopString
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
