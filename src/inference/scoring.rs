//! The calibration scoring pass (issue 16): after a model's own output, how likely is each
//! option letter as its final answer? The prompt as generated, plus the output, plus
//! `"\nFinal answer:"`, one forward pass, and the next-token distribution restricted to the
//! option letters (each letter's single-token forms, with and without a leading space,
//! summed), renormalised over the options. Separate from the generation loop.
//!
//! Must not: sample, or touch the store; the caller records the probabilities.

use super::engine::CandleGenerator;
use super::{ChatMessage, InferenceError};
use candle_core::{DType, Tensor};
use std::collections::BTreeMap;

/// What is appended after the output before reading the next-token distribution.
pub const ANSWER_CUE: &str = "\nFinal answer:";

/// Option probabilities from one scoring pass.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionScores {
    /// Letter → probability, renormalised over the options (sums to 1).
    pub probabilities: BTreeMap<String, f64>,
    /// The probability mass the option letters had before renormalising.
    pub mass: f64,
}

fn err(what: &str, e: candle_core::Error) -> InferenceError {
    InferenceError::Generation(format!(
        "scoring pass: {what}: {}",
        super::model::candle_message(&e)
    ))
}

impl CandleGenerator {
    /// Token ids that spell `letter` alone (`"A"` and `" A"`), those that are one token.
    fn letter_tokens(&self, letter: &str) -> Result<Vec<u32>, InferenceError> {
        let mut ids = Vec::new();
        for form in [letter.to_string(), format!(" {letter}")] {
            let enc = self
                .vocab
                .tokenizer
                .encode(form.as_str(), false)
                .map_err(|e| InferenceError::Generation(format!("tokenizing {form:?}: {e}")))?;
            if let [id] = enc.get_ids()
                && !ids.contains(id)
            {
                ids.push(*id);
            }
        }
        if ids.is_empty() {
            return Err(InferenceError::Generation(format!(
                "scoring pass: option letter {letter:?} is not a single token in this vocabulary"
            )));
        }
        Ok(ids)
    }

    /// The probability of each of `letters` as the next token after the rendered prompt of
    /// `messages`, the model's `output` and [`ANSWER_CUE`].
    pub fn option_probabilities(
        &mut self,
        messages: &[ChatMessage],
        output: &str,
        letters: &[String],
    ) -> Result<OptionScores, InferenceError> {
        if letters.is_empty() {
            return Err(InferenceError::Generation(
                "scoring pass: no option letters".into(),
            ));
        }
        let text = format!("{}{}{ANSWER_CUE}", self.render(messages)?, output);
        let ids = self.encode(&text)?;
        if ids.len() >= self.context_length {
            return Err(InferenceError::PromptTooLong {
                prompt_tokens: ids.len(),
                context_length: self.context_length,
            });
        }
        let tokens: Vec<(String, Vec<u32>)> = letters
            .iter()
            .map(|l| Ok((l.clone(), self.letter_tokens(l)?)))
            .collect::<Result<_, InferenceError>>()?;
        self.model
            .reset()
            .map_err(|e| err("resetting the cache", e))?;
        let input = Tensor::new(ids.as_slice(), &self.device)
            .and_then(|t| t.unsqueeze(0))
            .map_err(|e| err("building the input", e))?;
        let logits: Vec<f32> = self
            .model
            .forward(&input, 0)
            .and_then(|l| l.flatten_all())
            .and_then(|l| l.to_dtype(DType::F32))
            .and_then(|l| l.to_vec1())
            .map_err(|e| err("forward", e))?;
        let max = logits
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(f32::NEG_INFINITY, f32::max);
        if !max.is_finite() {
            return Err(InferenceError::Generation(
                "scoring pass: the model produced no finite logit".into(),
            ));
        }
        let z: f64 = logits
            .iter()
            .filter(|x| x.is_finite())
            .map(|&x| f64::from(x - max).exp())
            .sum();
        let p = |id: u32| {
            logits
                .get(id as usize)
                .filter(|x| x.is_finite())
                .map_or(0.0, |&x| f64::from(x - max).exp() / z)
        };
        let raw: Vec<(String, f64)> = tokens
            .into_iter()
            .map(|(l, ids)| (l, ids.into_iter().map(p).sum()))
            .collect();
        let mass: f64 = raw.iter().map(|(_, v)| v).sum();
        if mass.is_nan() || mass <= 0.0 {
            return Err(InferenceError::Generation(
                "scoring pass: the option letters have zero probability".into(),
            ));
        }
        Ok(OptionScores {
            probabilities: raw.into_iter().map(|(l, v)| (l, v / mass)).collect(),
            mass: mass.min(1.0),
        })
    }
}
