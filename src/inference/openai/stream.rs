//! Server-sent events of a streaming `/v1/chat/completions` answer: lines → events
//! (`data:` lines joined, comments and other fields skipped, `[DONE]` ends) → the chunks'
//! deltas, finish reason and usage, accumulated. Pure: the client feeds it lines.

use super::wire::Completion;
use serde_json::Value;

/// What one event carried.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Delta {
    pub content: String,
    pub reasoning: String,
}

/// One streamed answer being put together.
#[derive(Debug, Clone, Default)]
pub struct StreamState {
    /// `data:` lines of the event being read.
    data: Vec<String>,
    /// Events read so far (for messages).
    pub events: usize,
    /// Events that carried text: the token count when the server sends no usage.
    pub text_events: u64,
    pub text: String,
    pub reasoning: String,
    pub finish_reason: Option<String>,
    /// vLLM's `stop_reason`: the stop string (or token id) that ended the answer.
    pub matched_stop: Option<Value>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub model: Option<String>,
    /// `data: [DONE]` was read.
    pub done: bool,
}

/// What a line gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Nothing to show yet (a field, a comment, a keep-alive).
    Nothing,
    /// An event with text (either part may be empty).
    Text(Delta),
    /// `[DONE]`: the answer is complete.
    Done,
}

impl StreamState {
    /// Feed one line (without its line ending). `Err` says which event was malformed.
    pub fn push_line(&mut self, line: &str) -> Result<Line, String> {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return Ok(Line::Nothing);
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        if field == "data" {
            self.data.push(value.to_string());
        }
        Ok(Line::Nothing)
    }

    /// The end of the body: an event not followed by a blank line still counts.
    pub fn finish(&mut self) -> Result<Line, String> {
        self.dispatch()
    }

    fn dispatch(&mut self) -> Result<Line, String> {
        if self.data.is_empty() {
            return Ok(Line::Nothing);
        }
        let payload = self.data.join("\n");
        self.data.clear();
        self.events += 1;
        let n = self.events;
        if payload.trim() == "[DONE]" {
            self.done = true;
            return Ok(Line::Done);
        }
        let v: Value = serde_json::from_str(&payload).map_err(|e| {
            let excerpt: String = payload.chars().take(120).collect();
            format!("event {n}: not JSON ({e}): {excerpt:?}")
        })?;
        if let Some(err) = v.get("error") {
            let msg = err
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| err.to_string());
            return Err(format!("event {n}: server error: {msg}"));
        }
        if let Some(m) = v.get("model").and_then(Value::as_str) {
            self.model = Some(m.to_string());
        }
        if let Some(u) = v.get("usage").filter(|u| !u.is_null()) {
            let count = |k: &str| u.get(k).and_then(Value::as_u64);
            self.prompt_tokens = count("prompt_tokens").or(self.prompt_tokens);
            self.completion_tokens = count("completion_tokens").or(self.completion_tokens);
        }
        let Some(choice) = v
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
        else {
            // The usage-only chunk (`stream_options.include_usage`) has no choices.
            return Ok(Line::Nothing);
        };
        if let Some(f) = choice.get("finish_reason").and_then(Value::as_str) {
            self.finish_reason = Some(f.to_string());
        }
        if let Some(s) = choice.get("stop_reason").filter(|s| !s.is_null()) {
            self.matched_stop = Some(s.clone());
        }
        let delta = choice.get("delta").or_else(|| choice.get("message"));
        let text = |k: &str| -> Result<String, String> {
            match delta.and_then(|d| d.get(k)) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(Value::Null) | None => Ok(String::new()),
                Some(other) => Err(format!("event {n}: delta.{k} is not text: {other}")),
            }
        };
        let content = text("content")?;
        let mut reasoning = text("reasoning_content")?;
        if reasoning.is_empty() {
            reasoning = text("reasoning")?;
        }
        if content.is_empty() && reasoning.is_empty() {
            return Ok(Line::Nothing);
        }
        self.text_events += 1;
        self.text.push_str(&content);
        self.reasoning.push_str(&reasoning);
        Ok(Line::Text(Delta { content, reasoning }))
    }

    /// The answer as a non-streamed completion would give it.
    pub fn completion(&self) -> Completion {
        Completion {
            text: self.text.clone(),
            reasoning: Some(self.reasoning.clone()).filter(|r| !r.is_empty()),
            finish_reason: self.finish_reason.clone(),
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens.or(Some(self.text_events)),
            model: self.model.clone(),
            matched_stop: self.matched_stop.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(s: &mut StreamState, text: &str) -> Vec<Line> {
        text.split('\n').map(|l| s.push_line(l).unwrap()).collect()
    }

    #[test]
    fn chunks_accumulate_with_reasoning_usage_and_finish_reason() {
        let mut s = StreamState::default();
        let lines = feed(
            &mut s,
            ": keep-alive\n\
             data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\
             \n\
             data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"Step 1.\"}}]}\n\
             \n\
             event: message\n\
             data: {\"choices\":[{\"delta\":{\"content\":\"Final \"}}]}\n\
             \n\
             data: {\"choices\":[{\"delta\":{\"content\":\"answer: B\"},\"finish_reason\":\"length\"}]}\n\
             \n\
             data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}\n\
             \n\
             data: [DONE]\n",
        );
        let texts: Vec<&Line> = lines
            .iter()
            .filter(|l| matches!(l, Line::Text(_)))
            .collect();
        assert_eq!(texts.len(), 3);
        assert!(lines.contains(&Line::Done));
        let c = s.completion();
        assert_eq!(c.text, "Final answer: B");
        assert_eq!(c.reasoning.as_deref(), Some("Step 1."));
        assert_eq!(c.finish_reason.as_deref(), Some("length"));
        assert_eq!((c.prompt_tokens, c.completion_tokens), (Some(5), Some(3)));
        assert_eq!(c.model.as_deref(), Some("m"));
    }

    #[test]
    fn without_usage_text_events_count_the_tokens() {
        let mut s = StreamState::default();
        feed(
            &mut s,
            "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n",
        );
        assert_eq!(s.completion().completion_tokens, Some(2));
        assert!(!s.done);
    }

    #[test]
    fn multi_line_data_and_crlf_are_one_event() {
        let mut s = StreamState::default();
        s.push_line("data: {\"choices\":[{\"delta\":\r").unwrap();
        s.push_line("data: {\"content\":\"x\"}}]}\r").unwrap();
        assert!(matches!(s.push_line("\r").unwrap(), Line::Text(_)));
        assert_eq!(s.text, "x");
    }

    #[test]
    fn malformed_and_error_events_say_which_event() {
        let mut s = StreamState::default();
        s.push_line("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}")
            .unwrap();
        s.push_line("").unwrap();
        s.push_line("data: {\"choices\":[{\"delta\"").unwrap();
        let e = s.push_line("").unwrap_err();
        assert!(e.starts_with("event 2: not JSON"), "{e}");
        let mut s = StreamState::default();
        s.push_line("data: {\"error\":{\"message\":\"out of memory\"}}")
            .unwrap();
        let e = s.push_line("").unwrap_err();
        assert!(e.contains("out of memory"), "{e}");
    }
}
