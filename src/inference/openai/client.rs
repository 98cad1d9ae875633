//! The HTTP side: one request with a timeout, retried with exponential
//! backoff (honouring `Retry-After`) on 429, 5xx and transport errors;
//! other 4xx answers fail at once with the server's message.

use super::wire::{Completion, completions_url, parse_response, request_body};
use crate::inference::{
    ChatMessage, Generation, GenerationConfig, Generator, InferenceError, ModelFormat,
    ModelIdentity, StopReason,
};
use std::ops::ControlFlow;
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
    Done(Completion),
    /// Worth retrying; carries the error and the server's `Retry-After`.
    Retry(InferenceError, Option<Duration>),
    Fail(InferenceError),
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
        }
    }

    pub fn config(&self) -> &OpenAiConfig {
        &self.cfg
    }

    fn attempt(&self, body: &str) -> Attempt {
        let mut req = self
            .agent
            .post(&self.url)
            .header("content-type", "application/json");
        if let Some(key) = &self.cfg.api_key {
            req = req.header("authorization", &format!("Bearer {key}"));
        }
        let mut resp = match req.send(body) {
            Ok(r) => r,
            Err(ureq::Error::Timeout(_)) => {
                return Attempt::Retry(
                    InferenceError::Timeout {
                        url: self.url.clone(),
                        seconds: self.cfg.timeout.as_secs_f64(),
                    },
                    None,
                );
            }
            Err(e) => {
                return Attempt::Retry(
                    InferenceError::Http {
                        url: self.url.clone(),
                        detail: e.to_string(),
                    },
                    None,
                );
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = match resp.body_mut().read_to_string() {
            Ok(t) => t,
            Err(ureq::Error::Timeout(_)) => {
                return Attempt::Retry(
                    InferenceError::Timeout {
                        url: self.url.clone(),
                        seconds: self.cfg.timeout.as_secs_f64(),
                    },
                    None,
                );
            }
            Err(e) => {
                return Attempt::Retry(
                    InferenceError::Http {
                        url: self.url.clone(),
                        detail: format!("reading the response: {e}"),
                    },
                    None,
                );
            }
        };
        let excerpt: String = text.chars().take(300).collect();
        let http = |detail: String| InferenceError::Http {
            url: self.url.clone(),
            detail,
        };
        match status {
            200..=299 => match parse_response(&text) {
                Ok(c) => Attempt::Done(c),
                Err(detail) => Attempt::Fail(InferenceError::MalformedResponse {
                    url: self.url.clone(),
                    detail: format!("{detail}; body starts {excerpt:?}"),
                }),
            },
            429 | 500..=599 => {
                Attempt::Retry(http(format!("HTTP {status}: {excerpt}")), retry_after)
            }
            _ => Attempt::Fail(http(format!("HTTP {status}: {excerpt}"))),
        }
    }

    /// One chat completion, with retries. Blocks.
    pub fn complete(
        &self,
        messages: &[ChatMessage],
        cfg: &GenerationConfig,
    ) -> Result<Generation, InferenceError> {
        cfg.validate()?;
        let body = request_body(&self.cfg.model, messages, cfg);
        let body_text = body.to_string();
        let rendered = serde_json::to_string(&body["messages"]).unwrap_or_default();
        let start = Instant::now();
        let mut attempt_no = 0u32;
        let completion = loop {
            match self.attempt(&body_text) {
                Attempt::Done(c) => break c,
                Attempt::Fail(e) => return Err(e),
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
        let elapsed = start.elapsed().as_secs_f64();
        let completion_tokens = completion.completion_tokens.unwrap_or(0);
        let stopped = match completion.finish_reason.as_deref() {
            Some("length") => StopReason::MaxTokens,
            _ => StopReason::EndOfSequence,
        };
        Ok(Generation {
            text: completion.text,
            reasoning: completion.reasoning,
            prompt_tokens: completion.prompt_tokens.unwrap_or(0),
            completion_tokens,
            // Without streaming the first token arrives with the last.
            ttft_ms: elapsed * 1e3,
            tokens_per_second: if elapsed > 0.0 {
                completion_tokens as f64 / elapsed
            } else {
                0.0
            },
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
        let generation = self.complete(messages, cfg)?;
        if let Some(r) = &generation.reasoning {
            let _ = on_token(r);
        }
        let _ = on_token(&generation.text);
        Ok(generation)
    }
}
