//! `blindstep runs score --model M`: the calibration scoring pass over a local model's MCQ
//! runs. For each run: the case's prompt as generated, the run's output, "Final answer:",
//! and the model's next-token probability of each option letter, stored beside the run.
//! Endpoint models: not yet (their option probabilities would come from `logprobs`).

use crate::domain::{ModelSource, Task};
use crate::inference::{LoadOptions, build_prompt, load_candle, load_prompt_template};
use crate::storage::Store;
use anyhow::{Context, bail};
use std::path::Path;

/// Score every MCQ run of `model`; returns (scored, skipped as not MCQ).
pub fn score_runs(
    store: &mut Store,
    model: &str,
    prompt_template: Option<&Path>,
) -> anyhow::Result<(usize, usize)> {
    let m = store.model(model)?;
    let ModelSource::Local(path) = &m.source else {
        bail!(
            "model {model:?} is not a local model: the scoring pass runs local GGUF or safetensors models"
        );
    };
    let template = load_prompt_template(prompt_template)?;
    let opts = LoadOptions {
        tokenizer: m.tokenizer.clone(),
        chat_template: m.chat_template.clone(),
        ..LoadOptions::default()
    };
    let mut generator =
        load_candle(path, &opts).with_context(|| format!("loading model {model:?}"))?;
    let (mut scored, mut skipped) = (0, 0);
    for summary in store.list_runs(Some(model), None)? {
        let case = store.case(&summary.case_id)?;
        let Task::Mcq { options, .. } = &case.task else {
            skipped += 1;
            continue;
        };
        let letters: Vec<String> = options.keys().cloned().collect();
        let run = store.run(summary.id)?;
        let messages = build_prompt(&case, &template)?;
        let scores = generator
            .option_probabilities(&messages, &run.output, &letters)
            .with_context(|| format!("scoring run {} ({})", run.id, case.id))?;
        store.record_option_probabilities(
            run.id,
            "candle_scoring_pass",
            &scores.probabilities,
            scores.mass,
        )?;
        scored += 1;
    }
    Ok((scored, skipped))
}
