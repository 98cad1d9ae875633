//! The HTTP side: one request with a timeout, streamed as server-sent events when the
//! server supports it (one JSON response otherwise), retried with exponential backoff
//! (honouring `Retry-After`) on 429, 5xx, transport errors and broken streams; other 4xx
//! answers fail at once with the server's message.

use super::stream::{Delta, Line as StreamLine, StreamState};
use super::wire::{Completion, completions_url, parse_response, request_body, stop_reason};
use crate::inference::{
    ChatMessage, Generation, GenerationConfig, Generator, InferenceError, ModelFormat,
    ModelIdentity, StopReason,
};
use std::io::{BufRead, BufReader};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// `http://host:8000`, `…/v1`, or the full `/v1/chat/completions` URL.
    pub base_url: String,
    /// The served model id sent as `model`.
    pub model: String,
    pub api_key: Option<String>,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubles per retry up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Ask for server-sent events (falls back to one response when the server answers
    /// whole or refuses streaming).
    pub stream: bool,
}

impl OpenAiConfig {
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            timeout: Duration::from_secs(600),
            retries: 3,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            stream: true,
        }
    }
}

/// A client for one served model. `complete` takes `&self`, so one client
/// serves many threads.
#[derive(Debug, Clone)]
pub struct OpenAiClient {
    cfg: OpenAiConfig,
    url: String,
    agent: ureq::Agent,
    identity: ModelIdentity,
    /// The server refused a streaming request once; ask whole from then on.
    stream_refused: Arc<AtomicBool>,
}

/// A client for `model` at `base_url`, with the API key read from the
/// environment variable `api_key_env` when given and set.
pub fn openai_client(
    base_url: &str,
    model: &str,
    api_key_env: Option<&str>,
    timeout: Duration,
    retries: u32,
) -> OpenAiClient {
    let mut cfg = OpenAiConfig::new(base_url, model);
    cfg.api_key = api_key_env
        .and_then(|v| std::env::var(v).ok())
        .filter(|k| !k.is_empty());
    cfg.timeout = timeout;
    cfg.retries = retries;
    OpenAiClient::new(cfg)
}

enum Attempt {
    /// The answer, and when its first text arrived (streamed answers only).
    Done(Completion, Option<Instant>),
    /// The caller stopped the stream; the text so far.
    Cancelled(Completion, Option<Instant>),
    /// Worth retrying; carries the error and the server's `Retry-After`.
    Retry(InferenceError, Option<Duration>),
    /// The server refused the streaming request itself: ask again without streaming.
    NoStream,
    Fail(InferenceError),
}

/// What the caller has been shown across attempts, so a retry after a broken stream
/// repeats nothing it already showed.
#[derive(Default)]
struct Shown {
    text: String,
    /// This attempt's text.
    attempt: String,
    diverged: bool,
    saw_reasoning: bool,
    saw_content: bool,
}

impl Shown {
    fn restart(&mut self) {
        self.attempt.clear();
        self.saw_reasoning = false;
        self.saw_content = false;
    }

    /// The display text of `d` not yet shown.
    fn piece(&mut self, d: &Delta) -> String {
        let mut p = d.reasoning.clone();
        self.saw_reasoning |= !d.reasoning.is_empty();
        if !d.content.is_empty() {
            if self.saw_reasoning && !self.saw_content {
                p.push('\n');
            }
            self.saw_content = true;
            p.push_str(&d.content);
        }
        self.attempt.push_str(&p);
        if self.diverged {
            self.text.push_str(&p);
            return p;
        }
        if self.attempt.len() <= self.text.len() && self.text.starts_with(&self.attempt) {
            return String::new();
        }
        if let Some(rest) = self.attempt.strip_prefix(self.text.as_str()) {
            let rest = rest.to_string();
            self.text.clone_from(&self.attempt);
            return rest;
        }
        self.diverged = true;
        self.text.push_str(&p);
        p
    }
}

impl OpenAiClient {
    pub fn new(cfg: OpenAiConfig) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(cfg.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let url = completions_url(&cfg.base_url);
        let identity = ModelIdentity {
            format: ModelFormat::Endpoint,
            architecture: cfg.model.clone(),
            parameters: None,
            quantization: None,
            context_length: None,
            sha256: None,
            location: url.clone(),
            device: "remote".into(),
            threads: None,
            chat_template_source: "server".into(),
            vocab_size: None,
        };
        Self {
            cfg,
            url,
            agent,
            identity,
            stream_refused: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn config(&self) -> &OpenAiConfig {
        &self.cfg
    }

    fn timeout(&self) -> InferenceError {
        InferenceError::Timeout {
            url: self.url.clone(),
            seconds: self.cfg.timeout.as_secs_f64(),
        }
    }

    fn http(&self, detail: String) -> InferenceError {
        InferenceError::Http {
            url: self.url.clone(),
            detail,
        }
    }

    fn attempt(
        &self,
        body: &str,
        streaming: bool,
        on_delta: &mut dyn FnMut(&Delta) -> ControlFlow<()>,
    ) -> Attempt {
        let mut req = self
            .agent
            .post(&self.url)
            .header("content-type", "application/json");
        if streaming {
            req = req.header("accept", "text/event-stream");
        }
        if let Some(key) = &self.cfg.api_key {
            req = req.header("authorization", &format!("Bearer {key}"));
        }
        let started = Instant::now();
        let mut resp = match req.send(body) {
            Ok(r) => r,
            Err(ureq::Error::Timeout(_)) => return Attempt::Retry(self.timeout(), None),
            Err(e) => return Attempt::Retry(self.http(e.to_string()), None),
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let is_stream = resp.body().mime_type() == Some("text/event-stream");
        if (200..=299).contains(&status) && is_stream {
            return self.read_stream(resp.body_mut().as_reader(), started, on_delta);
        }
        let text = match resp.body_mut().read_to_string() {
            Ok(t) => t,
            Err(ureq::Error::Timeout(_)) => return Attempt::Retry(self.timeout(), None),
            Err(e) => return Attempt::Retry(self.http(format!("reading the response: {e}")), None),
        };
        let excerpt: String = text.chars().take(300).collect();
        match status {
            // A server that answers JSON to a streaming request: take the one response.
            200..=299 => match parse_response(&text) {
                Ok(c) => {
                    let d = Delta {
                        content: c.text.clone(),
                        reasoning: c.reasoning.clone().unwrap_or_default(),
                    };
                    let _ = on_delta(&d);
                    Attempt::Done(c, None)
                }
                Err(detail) => Attempt::Fail(InferenceError::MalformedResponse {
                    url: self.url.clone(),
                    detail: format!("{detail}; body starts {excerpt:?}"),
                }),
            },
            400 | 422 if streaming && text.to_ascii_lowercase().contains("stream") => {
                Attempt::NoStream
            }
            429 | 500..=599 => {
                Attempt::Retry(self.http(format!("HTTP {status}: {excerpt}")), retry_after)
            }
            _ => Attempt::Fail(self.http(format!("HTTP {status}: {excerpt}"))),
        }
    }

    /// Reads server-sent events until `[DONE]` (or the end of a body that gave a finish
    /// reason). A body that ends before either is a broken stream, retried like a
    /// dropped connection; a malformed event fails at once.
    fn read_stream(
        &self,
        reader: impl std::io::Read,
        started: Instant,
        on_delta: &mut dyn FnMut(&Delta) -> ControlFlow<()>,
    ) -> Attempt {
        let mut state = StreamState::default();
        let mut first: Option<Instant> = None;
        let mut lines = BufReader::new(reader);
        let mut line = String::new();
        let malformed = |detail: String| {
            Attempt::Fail(InferenceError::MalformedResponse {
                url: self.url.clone(),
                detail,
            })
        };
        loop {
            line.clear();
            let got = match lines.read_line(&mut line) {
                Ok(0) => state.finish(),
                Ok(_) => state.push_line(line.trim_end_matches('\n')),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                    return Attempt::Retry(self.timeout(), None);
                }
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return malformed(format!("the stream is not UTF-8 text: {e}"));
                }
                Err(e) => {
                    let detail = format!("the stream broke after {} event(s): {e}", state.events);
                    return Attempt::Retry(self.http(detail), None);
                }
            };
            match got {
                Err(detail) => return malformed(detail),
                Ok(StreamLine::Done) => break,
                Ok(StreamLine::Text(d)) => {
                    first.get_or_insert_with(Instant::now);
                    if on_delta(&d).is_break() {
                        return Attempt::Cancelled(state.completion(), first);
                    }
                }
                Ok(StreamLine::Nothing) => {}
            }
            if line.is_empty() {
                // End of the body without `[DONE]`.
                if state.finish_reason.is_some() {
                    break;
                }
                let detail = format!(
                    "the stream ended after {} event(s) without finishing ({:.1} s)",
                    state.events,
                    started.elapsed().as_secs_f64()
                );
                return Attempt::Retry(self.http(detail), None);
            }
        }
        let c = state.completion();
        if c.text.is_empty() && c.reasoning.is_none() && c.finish_reason.is_none() {
            return malformed("the stream carried no text".into());
        }
        Attempt::Done(c, first)
    }

    /// One chat completion, with retries. Blocks.
    pub fn complete(
        &self,
        messages: &[ChatMessage],
        cfg: &GenerationConfig,
    ) -> Result<Generation, InferenceError> {
        self.complete_streaming(messages, cfg, &mut |_| ControlFlow::Continue(()))
    }

    /// One chat completion, streamed when the server supports it (`on_token` gets each
    /// piece as it arrives, reasoning first; a server that answers whole gives one piece),
    /// with retries on 429, 5xx, timeouts, dropped connections and broken streams. Returning
    /// `Break` from `on_token` closes the stream: the text so far comes back as cancelled.
    pub fn complete_streaming(
        &self,
        messages: &[ChatMessage],
        cfg: &GenerationConfig,
        on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation, InferenceError> {
        cfg.validate()?;
        let mut streaming = self.cfg.stream && !self.stream_refused.load(Ordering::Relaxed);
        let rendered = serde_json::to_string(&messages).unwrap_or_default();
        let start = Instant::now();
        let mut shown = Shown::default();
        let mut attempt_no = 0u32;
        let (completion, first, cancelled) = loop {
            let body = request_body(&self.cfg.model, messages, cfg, streaming).to_string();
            shown.restart();
            let mut on_delta = |d: &Delta| {
                let piece = shown.piece(d);
                if piece.is_empty() {
                    ControlFlow::Continue(())
                } else {
                    on_token(&piece)
                }
            };
            match self.attempt(&body, streaming, &mut on_delta) {
                Attempt::Done(c, first) => break (c, first, false),
                Attempt::Cancelled(c, first) => break (c, first, true),
                Attempt::Fail(e) => return Err(e),
                Attempt::NoStream => {
                    self.stream_refused.store(true, Ordering::Relaxed);
                    streaming = false;
                }
                Attempt::Retry(e, retry_after) => {
                    if attempt_no >= self.cfg.retries {
                        return Err(e);
                    }
                    let backoff = self
                        .cfg
                        .backoff
                        .saturating_mul(2u32.saturating_pow(attempt_no))
                        .min(self.cfg.max_backoff);
                    let wait = retry_after.map_or(backoff, |r| r.min(self.cfg.max_backoff));
                    std::thread::sleep(wait);
                    attempt_no += 1;
                }
            }
        };
        let end = Instant::now();
        let elapsed = end.duration_since(start).as_secs_f64();
        let completion_tokens = completion.completion_tokens.unwrap_or(0);
        let stopped = if cancelled {
            StopReason::Cancelled
        } else {
            stop_reason(&completion, cfg)
        };
        let (ttft, tokens_per_second) = match first {
            // Streamed: the first token's arrival is measured.
            Some(first) => {
                let decode = end.duration_since(first).as_secs_f64();
                let after_first = completion_tokens.saturating_sub(1) as f64;
                (
                    first.duration_since(start).as_secs_f64(),
                    if decode > 0.0 {
                        after_first / decode
                    } else {
                        0.0
                    },
                )
            }
            // One response: the first token arrives with the last.
            None => (
                elapsed,
                if elapsed > 0.0 {
                    completion_tokens as f64 / elapsed
                } else {
                    0.0
                },
            ),
        };
        Ok(Generation {
            text: completion.text,
            reasoning: completion.reasoning,
            prompt_tokens: completion.prompt_tokens.unwrap_or(0),
            completion_tokens,
            ttft_ms: ttft * 1e3,
            tokens_per_second,
            prefill_tokens_per_second: 0.0,
            elapsed_ms: elapsed * 1e3,
            rendered_prompt: rendered,
            stopped,
        })
    }
}

impl Generator for OpenAiClient {
    fn identity(&self) -> &ModelIdentity {
        &self.identity
    }

    fn generate(
        &mut self,
        messages: &[ChatMessage],
        cfg: &GenerationConfig,
        on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation, InferenceError> {
        self.complete_streaming(messages, cfg, on_token)
    }
}
