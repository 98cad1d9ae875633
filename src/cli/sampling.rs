//! Sampling options shared by `generate` and `lab`, and the generation
//! settings they make.

use crate::inference::{DTypeChoice, DeviceChoice, GenerationConfig};
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct SamplingArgs {
    #[arg(long, default_value_t = 1024)]
    pub max_tokens: usize,
    /// 0 = greedy (deterministic).
    #[arg(long, default_value_t = 0.0)]
    pub temperature: f64,
    #[arg(long)]
    pub top_p: Option<f64>,
    #[arg(long)]
    pub top_k: Option<usize>,
    /// 1.0 disables it.
    #[arg(long, default_value_t = 1.1)]
    pub repeat_penalty: f32,
    #[arg(long, default_value_t = 299_792_458)]
    pub seed: u64,
    /// CPU threads for local models (default: candle's choice, physical cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long, default_value = "cpu")]
    pub device: DeviceChoice,
    /// Safetensors weights: keep and run them as stored (auto: BF16 stays BF16), or as
    /// f32, f16 or bf16. GGUF files run in their quantised format.
    #[arg(long, default_value = "auto")]
    pub dtype: DTypeChoice,
    /// A prompt template (Jinja with `system` and `user` blocks) instead of the shipped one.
    #[arg(long)]
    pub prompt_template: Option<PathBuf>,
}

impl SamplingArgs {
    /// The generation settings these options ask for (other fields at their defaults).
    pub fn config(&self) -> GenerationConfig {
        GenerationConfig {
            max_tokens: self.max_tokens,
            temperature: self.temperature,
            top_p: self.top_p,
            top_k: self.top_k,
            repeat_penalty: self.repeat_penalty,
            seed: self.seed,
            ..GenerationConfig::default()
        }
    }
}
