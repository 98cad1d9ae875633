//! The local generation loop (the candle examples' pipeline): chat template →
//! tokens → prefill → sample → `forward(token, pos)` with the KV cache →
//! incremental detokenize → stop checks. Loading lives in `gguf` and
//! `safetensors`; this file never touches the filesystem.

use super::chat_template::ChatTemplate;
use super::detokenizer::TokenStream;
use super::fast_llama::profile::{Op, OpTimes};
use super::model::LocalModel;
use super::sampler::Sampler;
use super::stop::StopMatcher;
use super::vocab::Vocab;
use super::{
    ChatMessage, Generation, GenerationConfig, Generator, InferenceError, ModelIdentity, StopReason,
};
use candle_core::{Device, Tensor};
use std::ops::ControlFlow;
use std::time::Instant;

pub struct CandleGenerator {
    pub(crate) model: LocalModel,
    pub(crate) vocab: Vocab,
    pub(crate) template: ChatTemplate,
    pub(crate) identity: ModelIdentity,
    pub(crate) device: Device,
    /// The most positions the model can attend over.
    pub(crate) context_length: usize,
}

fn gen_err(what: &str, e: candle_core::Error) -> InferenceError {
    InferenceError::Generation(format!("{what}: {}", super::model::candle_message(&e)))
}

impl CandleGenerator {
    /// Renders the conversation with the model's chat template.
    pub fn render(&self, messages: &[ChatMessage]) -> Result<String, InferenceError> {
        self.template.render(messages, true)
    }

    /// Token ids of a rendered prompt (BOS added when the model wants it).
    pub fn encode(&self, rendered: &str) -> Result<Vec<u32>, InferenceError> {
        self.vocab.encode_prompt(rendered)
    }

    /// Runs the model on raw token ids (no template); used by benchmarks.
    pub fn generate_ids(
        &mut self,
        prompt: &[u32],
        cfg: &GenerationConfig,
        on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation, InferenceError> {
        cfg.validate()?;
        if prompt.is_empty() {
            return Err(InferenceError::Generation("empty prompt".into()));
        }
        if prompt.len() >= self.context_length {
            return Err(InferenceError::PromptTooLong {
                prompt_tokens: prompt.len(),
                context_length: self.context_length,
            });
        }
        let start = Instant::now();
        self.model
            .reset()
            .map_err(|e| gen_err("resetting the cache", e))?;
        let mut sampler = Sampler::new(cfg);
        let mut stream = TokenStream::new();
        let mut stops = StopMatcher::new(&cfg.stop);
        let mut history: Vec<u32> = prompt.to_vec();
        let mut text = String::new();

        let input = Tensor::new(prompt, &self.device)
            .and_then(|t| t.unsqueeze(0))
            .map_err(|e| gen_err("building the prompt tensor", e))?;
        let mut logits = self
            .model
            .forward(&input, 0)
            .map_err(|e| gen_err("prefill", e))?;
        let mut pos = prompt.len();
        let mut first_token_at: Option<Instant> = None;
        let mut completion = 0usize;

        let stopped = loop {
            let next = sampler
                .sample(&logits, &history)
                .map_err(|e| gen_err("sampling", e))?;
            if first_token_at.is_none() {
                first_token_at = Some(Instant::now());
            }
            if self.vocab.eos_ids.contains(&next) {
                break StopReason::EndOfSequence;
            }
            completion += 1;
            history.push(next);
            let piece = stream
                .push(&self.vocab.tokenizer, next)
                .map_err(|e| InferenceError::Generation(format!("decoding: {e}")))?;
            if let Some(piece) = piece {
                let step = stops.push(&piece);
                text.push_str(&step.emit);
                if !step.emit.is_empty() && on_token(&step.emit).is_break() {
                    break StopReason::Cancelled;
                }
                if step.stopped {
                    break StopReason::StopString;
                }
            }
            if completion >= cfg.max_tokens {
                break StopReason::MaxTokens;
            }
            if pos + 1 >= self.context_length {
                break StopReason::ContextFull;
            }
            let input = Tensor::new(&[next], &self.device)
                .and_then(|t| t.unsqueeze(0))
                .map_err(|e| gen_err("building the token tensor", e))?;
            logits = self
                .model
                .forward(&input, pos)
                .map_err(|e| gen_err("decode", e))?;
            pos += 1;
        };

        if stopped != StopReason::StopString && stopped != StopReason::Cancelled {
            let tail = stream
                .finish(&self.vocab.tokenizer)
                .map_err(|e| InferenceError::Generation(format!("decoding: {e}")))?
                .unwrap_or_default();
            let mut rest = String::new();
            let step = stops.push(&tail);
            rest.push_str(&step.emit);
            if !step.stopped {
                rest.push_str(&stops.finish());
            }
            if !rest.is_empty() {
                text.push_str(&rest);
                let _ = on_token(&rest);
            }
        }

        let end = Instant::now();
        let first = first_token_at.unwrap_or(end);
        let ttft = first.duration_since(start).as_secs_f64();
        let decode_secs = end.duration_since(first).as_secs_f64();
        let decoded_after_first = completion.saturating_sub(1) as f64;
        Ok(Generation {
            text,
            reasoning: None,
            prompt_tokens: prompt.len() as u64,
            completion_tokens: completion as u64,
            ttft_ms: ttft * 1e3,
            tokens_per_second: if decode_secs > 0.0 {
                decoded_after_first / decode_secs
            } else {
                0.0
            },
            prefill_tokens_per_second: if ttft > 0.0 {
                prompt.len() as f64 / ttft
            } else {
                0.0
            },
            elapsed_ms: end.duration_since(start).as_secs_f64() * 1e3,
            rendered_prompt: String::new(),
            stopped,
        })
    }
}

impl CandleGenerator {
    /// The logits after a prefill of `prompt` (no sampling): for comparing two loads of the
    /// same weights, e.g. with and without repacking.
    /// Per-operation times of `steps` greedy decode steps after `prompt` (profiled after
    /// the prefill), or `None` when the model is not the lean llama.
    /// Per-operation times of one prompt pass on the lean llama (`None` on other models).
    pub fn profile_prefill(&mut self, prompt: &[u32]) -> Result<Option<OpTimes>, InferenceError> {
        let device = self.device.clone();
        let LocalModel::FastLlama(m) = &mut self.model else {
            return Ok(None);
        };
        m.clear_kv_cache();
        let input = Tensor::new(prompt, &device)
            .and_then(|t| t.unsqueeze(0))
            .map_err(|e| gen_err("prompt", e))?;
        m.start_profile();
        m.forward(&input, 0).map_err(|e| gen_err("prefill", e))?;
        Ok(m.take_profile())
    }

    pub fn profile_decode(
        &mut self,
        prompt: &[u32],
        steps: usize,
    ) -> Result<Option<OpTimes>, InferenceError> {
        let device = self.device.clone();
        let LocalModel::FastLlama(m) = &mut self.model else {
            return Ok(None);
        };
        let ids = |t: &[u32]| Tensor::new(t, &device).and_then(|t| t.unsqueeze(0));
        m.clear_kv_cache();
        let input = ids(prompt).map_err(|e| gen_err("prompt", e))?;
        let mut logits = m.forward(&input, 0).map_err(|e| gen_err("prefill", e))?;
        m.start_profile();
        for pos in prompt.len()..prompt.len() + steps {
            let t = Instant::now();
            let v = logits
                .flatten_all()
                .and_then(|l| l.to_vec1::<f32>())
                .map_err(|e| gen_err("logits", e))?;
            let next = v
                .iter()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |best, (i, &x)| {
                    if x > best.1 { (i, x) } else { best }
                })
                .0 as u32;
            m.note(Op::LogitsAndSampling, t.elapsed());
            let input = ids(&[next]).map_err(|e| gen_err("token", e))?;
            logits = m.forward(&input, pos).map_err(|e| gen_err("decode", e))?;
        }
        Ok(m.take_profile())
    }

    pub fn prompt_logits(&mut self, prompt: &[u32]) -> Result<Vec<f32>, InferenceError> {
        if prompt.is_empty() || prompt.len() >= self.context_length {
            return Err(InferenceError::Config(format!(
                "{} prompt tokens do not fit the context of {}",
                prompt.len(),
                self.context_length
            )));
        }
        self.model
            .reset()
            .map_err(|e| gen_err("resetting the cache", e))?;
        let input = Tensor::new(prompt, &self.device)
            .and_then(|t| t.unsqueeze(0))
            .map_err(|e| gen_err("building the prompt tensor", e))?;
        self.model
            .forward(&input, 0)
            .and_then(|l| l.flatten_all())
            .and_then(|l| l.to_dtype(candle_core::DType::F32))
            .and_then(|l| l.to_vec1::<f32>())
            .map_err(|e| gen_err("prefill", e))
    }
}

/// Raw model speed, for benchmarks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeedReport {
    pub prompt_tokens: usize,
    pub decode_tokens: usize,
    pub prefill_tokens_per_second: f64,
    pub decode_tokens_per_second: f64,
}

impl CandleGenerator {
    /// Times one prefill of `prompt` and `decode_tokens` greedy decode steps,
    /// ignoring end-of-sequence so every run decodes the same number of tokens.
    pub fn measure_speed(
        &mut self,
        prompt: &[u32],
        decode_tokens: usize,
    ) -> Result<SpeedReport, InferenceError> {
        if prompt.is_empty() || prompt.len() + decode_tokens >= self.context_length {
            return Err(InferenceError::Config(format!(
                "{} prompt + {decode_tokens} decode tokens do not fit the context of {}",
                prompt.len(),
                self.context_length
            )));
        }
        self.model
            .reset()
            .map_err(|e| gen_err("resetting the cache", e))?;
        let input = Tensor::new(prompt, &self.device)
            .and_then(|t| t.unsqueeze(0))
            .map_err(|e| gen_err("building the prompt tensor", e))?;
        let start = Instant::now();
        let mut logits = self
            .model
            .forward(&input, 0)
            .map_err(|e| gen_err("prefill", e))?;
        let mut next = argmax(&logits)?;
        let prefill = start.elapsed().as_secs_f64();
        let start = Instant::now();
        for i in 0..decode_tokens {
            let input = Tensor::new(&[next], &self.device)
                .and_then(|t| t.unsqueeze(0))
                .map_err(|e| gen_err("building the token tensor", e))?;
            logits = self
                .model
                .forward(&input, prompt.len() + i)
                .map_err(|e| gen_err("decode", e))?;
            next = argmax(&logits)?;
        }
        let decode = start.elapsed().as_secs_f64();
        Ok(SpeedReport {
            prompt_tokens: prompt.len(),
            decode_tokens,
            prefill_tokens_per_second: prompt.len() as f64 / prefill.max(f64::EPSILON),
            decode_tokens_per_second: decode_tokens as f64 / decode.max(f64::EPSILON),
        })
    }
}

fn argmax(logits: &Tensor) -> Result<u32, InferenceError> {
    logits
        .flatten_all()
        .and_then(|l| l.argmax(0))
        .and_then(|t| t.to_scalar::<u32>())
        .map_err(|e| gen_err("arg-max", e))
}

impl Generator for CandleGenerator {
    fn identity(&self) -> &ModelIdentity {
        &self.identity
    }

    fn generate(
        &mut self,
        messages: &[ChatMessage],
        cfg: &GenerationConfig,
        on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation, InferenceError> {
        cfg.validate()?;
        let rendered = self.render(messages)?;
        let ids = self.encode(&rendered)?;
        let mut generation = self.generate_ids(&ids, cfg, on_token)?;
        generation.rendered_prompt = rendered;
        Ok(generation)
    }
}
