//! `blindstep runs score --model M`: the calibration scoring pass over a local model's MCQ
//! runs. For each run: the case's prompt as generated, the run's output, "Final answer:",
//! and the model's next-token probability of each option letter, stored beside the run.
//! Endpoint models: the same pass asked of the server with `logprobs` (see
//! `inference::openai::logprobs`).

use crate::domain::{ModelSource, Task};
use crate::inference::openai::logprobs::score_options_at_endpoint;
use crate::inference::{
    LoadOptions, OpenAiConfig, build_prompt, load_candle, load_prompt_template,
};
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
    let template = load_prompt_template(prompt_template)?;
    if let ModelSource::Endpoint { base, served } = &m.source {
        let mut cfg = OpenAiConfig::new(base.clone(), served.clone());
        cfg.api_key = std::env::var("OPENAI_API_KEY")
            .ok()
            .filter(|k| !k.is_empty());
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
            let s = score_options_at_endpoint(&cfg, &messages, &run.output, &letters)
                .with_context(|| format!("scoring run {} ({})", run.id, case.id))?;
            store.record_option_probabilities(
                run.id,
                "endpoint_logprobs",
                &s.probabilities,
                s.mass,
            )?;
            scored += 1;
        }
        return Ok((scored, skipped));
    }
    let ModelSource::Local(path) = &m.source else {
        bail!(
            "model {model:?} has only imported outputs: the scoring pass needs a local model or an endpoint"
        );
    };
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
