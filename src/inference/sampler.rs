//! Token sampling: repeat penalty, then arg-max (temperature 0) or seeded
//! top-k / top-p sampling through candle's `LogitsProcessor`. No model code.

use super::GenerationConfig;
use candle_core::{DType, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};

pub struct Sampler {
    processor: LogitsProcessor,
    repeat_penalty: f32,
    repeat_last_n: usize,
}

impl Sampler {
    pub fn new(cfg: &GenerationConfig) -> Self {
        let t = cfg.temperature;
        let sampling = if cfg.is_greedy() {
            Sampling::ArgMax
        } else {
            match (cfg.top_k, cfg.top_p) {
                (None, None) => Sampling::All { temperature: t },
                (Some(k), None) => Sampling::TopK { k, temperature: t },
                (None, Some(p)) => Sampling::TopP { p, temperature: t },
                (Some(k), Some(p)) => Sampling::TopKThenTopP {
                    k,
                    p,
                    temperature: t,
                },
            }
        };
        Self {
            processor: LogitsProcessor::from_sampling(cfg.seed, sampling),
            repeat_penalty: cfg.repeat_penalty,
            repeat_last_n: cfg.repeat_last_n,
        }
    }

    /// Picks the next token from `logits` (any shape whose elements are the
    /// vocabulary), penalising tokens among the last `repeat_last_n` of `history`.
    pub fn sample(&mut self, logits: &Tensor, history: &[u32]) -> candle_core::Result<u32> {
        let logits = logits.flatten_all()?.to_dtype(DType::F32)?;
        let logits = if (self.repeat_penalty - 1.0).abs() < f32::EPSILON || history.is_empty() {
            logits
        } else {
            let start = history.len().saturating_sub(self.repeat_last_n);
            candle_transformers::utils::apply_repeat_penalty(
                &logits,
                self.repeat_penalty,
                &history[start..],
            )?
        };
        self.processor.sample(&logits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn greedy_picks_the_maximum_and_penalty_can_change_it() {
        let logits = Tensor::new(&[1.0f32, 3.0, 2.9], &Device::Cpu).unwrap();
        let mut s = Sampler::new(&GenerationConfig {
            repeat_penalty: 1.0,
            ..GenerationConfig::default()
        });
        assert_eq!(s.sample(&logits, &[1]).unwrap(), 1);
        let mut s = Sampler::new(&GenerationConfig {
            repeat_penalty: 2.0,
            ..GenerationConfig::default()
        });
        assert_eq!(s.sample(&logits, &[1]).unwrap(), 2);
    }

    #[test]
    fn seeded_sampling_is_reproducible() {
        let logits = Tensor::new(&[0.5f32, 0.4, 0.3, 0.2, 0.1], &Device::Cpu).unwrap();
        let cfg = GenerationConfig {
            temperature: 1.0,
            seed: 7,
            ..GenerationConfig::default()
        };
        let draw = |cfg: &GenerationConfig| {
            let mut s = Sampler::new(cfg);
            (0..20)
                .map(|_| s.sample(&logits, &[]).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(&cfg), draw(&cfg));
        assert!(
            draw(&cfg).iter().any(|&t| t != 0),
            "temperature 1 should not be greedy"
        );
    }
}
