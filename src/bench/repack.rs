//! `blindstep bench repack MODEL.gguf`: the numerical effect of loading a GGUF file the
//! default way (the lean llama with its weights repacked into tiles) against the same model
//! code on the file's own candle kernels (`BLINDSTEP_REPACK=lean`): the largest logit
//! difference after each bench prompt, whether greedy decoding picks the same tokens, and
//! both decode speeds. `BLINDSTEP_BENCH_BASE=off` compares with candle's own model instead
//! (whose attention sums in another order, so its greedy text may part after many tokens).

use crate::inference::gguf::load_gguf_with;
use crate::inference::repack::Repack;
use crate::inference::{ChatMessage, GenerationConfig, InferenceError, LoadOptions};
use std::ops::ControlFlow;
use std::path::Path;

/// The bench prompts (the decode benchmark's question and two of the shipped cases' kind).
pub const PROMPTS: [&str; 3] = [
    "A 47-year-old woman develops a sudden, severe occipital headache while lifting weights, followed by vomiting and neck stiffness. Blood pressure is 168/96 mmHg. She has no fever. Neurological examination shows no focal deficit. Think step by step about the most likely diagnosis, the must-not-miss alternatives, and the first investigation.",
    "A 60-year-old man has crushing chest pain radiating to the left arm with sweating. What is the most likely diagnosis?",
    "A 30-year-old woman, 6 weeks after a long-haul flight, has sudden breathlessness and pleuritic chest pain. Think step by step.",
];

/// One prompt's comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptFigures {
    pub prompt_tokens: usize,
    pub largest_logit_difference: f32,
    /// The two greedy texts are identical.
    pub identical: bool,
    /// Characters the two greedy texts share before they first differ.
    pub common_chars: usize,
    pub decoded: usize,
    pub file_kernels_tok_s: f64,
    pub repacked_tok_s: f64,
}

pub struct Figures {
    pub quantization: String,
    pub prompts: Vec<PromptFigures>,
}

pub fn run(path: &Path, decode: usize) -> Result<Figures, InferenceError> {
    let opts = LoadOptions::default();
    let base = match std::env::var("BLINDSTEP_BENCH_BASE").as_deref() {
        Ok("off") => Repack::Off,
        _ => Repack::Lean,
    };
    let mut plain = load_gguf_with(path, &opts, base)?;
    let mode = match std::env::var("BLINDSTEP_BENCH_AGAINST").as_deref() {
        Ok("lean") => Repack::Lean,
        Ok("requantise") => Repack::Requantise,
        _ => Repack::Exact,
    };
    let mut fast = load_gguf_with(path, &opts, mode)?;
    let quantization = crate::inference::Generator::identity(&fast)
        .quantization
        .clone()
        .unwrap_or_default();
    let mut prompts = Vec::new();
    for p in PROMPTS {
        let rendered = plain.render(&[ChatMessage::user(p)])?;
        let ids = plain.encode(&rendered)?;
        let a = plain.prompt_logits(&ids)?;
        let b = fast.prompt_logits(&ids)?;
        let largest = a
            .iter()
            .zip(&b)
            .fold(0f32, |m, (x, y)| m.max((x - y).abs()));
        let cfg = GenerationConfig {
            max_tokens: decode,
            temperature: 0.0,
            ..GenerationConfig::default()
        };
        let ga = plain.generate_ids(&ids, &cfg, &mut |_| ControlFlow::Continue(()))?;
        let gb = fast.generate_ids(&ids, &cfg, &mut |_| ControlFlow::Continue(()))?;
        let same = ga
            .text
            .chars()
            .zip(gb.text.chars())
            .take_while(|(x, y)| x == y)
            .count();
        prompts.push(PromptFigures {
            prompt_tokens: ids.len(),
            largest_logit_difference: largest,
            identical: ga.text == gb.text,
            common_chars: same,
            decoded: ga.completion_tokens as usize,
            file_kernels_tok_s: ga.tokens_per_second,
            repacked_tok_s: gb.tokens_per_second,
        });
    }
    Ok(Figures {
        quantization,
        prompts,
    })
}
