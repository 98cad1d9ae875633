//! `blindstep bench profile MODEL`: where one decode step's time goes on the lean llama
//! (GGUF or llama safetensors): wall time per operation, per token, after the first bench
//! prompt.

use super::repack::PROMPTS;
use crate::inference::fast_llama::profile::{Op, OpTimes};
use crate::inference::{ChatMessage, DTypeChoice, InferenceError, LoadOptions, load_candle};
use std::path::Path;

pub struct Profile {
    pub quantization: String,
    pub prompt_tokens: usize,
    /// `None` when the model does not run on the lean llama.
    pub times: Option<OpTimes>,
}

/// `prefill`: the prompt pass instead of the decode steps.
pub fn run(
    path: &Path,
    decode: usize,
    dtype: DTypeChoice,
    prefill: bool,
) -> Result<Profile, InferenceError> {
    let opts = LoadOptions {
        dtype,
        ..LoadOptions::default()
    };
    let mut model = load_candle(path, &opts)?;
    let quantization = crate::inference::Generator::identity(&model)
        .quantization
        .clone()
        .unwrap_or_default();
    let rendered = model.render(&[ChatMessage::user(PROMPTS[0])])?;
    let ids = model.encode(&rendered)?;
    // A short warm-up (allocation, thread pool), then the profiled steps.
    model.profile_decode(&ids, 4)?;
    let times = if prefill {
        model.profile_prefill(&ids)?.map(|mut t| {
            // Per prompt token, like the decode table.
            t.steps = ids.len();
            t
        })
    } else {
        model.profile_decode(&ids, decode)?
    };
    Ok(Profile {
        quantization,
        prompt_tokens: ids.len(),
        times,
    })
}

/// The table: operation, milliseconds per token, share of the step.
pub fn render(p: &Profile) -> String {
    let Some(t) = &p.times else {
        return "this model does not run on the lean llama; nothing to profile".into();
    };
    let steps = t.steps.max(1) as f64;
    let total = t.total().as_secs_f64();
    let mut out = format!(
        "{:<44} {:>10} {:>7}\n",
        "operation (summed over layers)", "ms/token", "share"
    );
    for op in Op::ALL {
        let s = t.get(op).as_secs_f64();
        out.push_str(&format!(
            "{:<44} {:>10.3} {:>6.1}%\n",
            op.label(),
            s * 1000.0 / steps,
            if total > 0.0 { 100.0 * s / total } else { 0.0 }
        ));
    }
    out.push_str(&format!(
        "{:<44} {:>10.3}   ({:.1} tok/s over {} steps)\n",
        "total",
        total * 1000.0 / steps,
        if total > 0.0 { steps / total } else { 0.0 },
        t.steps
    ));
    out
}
