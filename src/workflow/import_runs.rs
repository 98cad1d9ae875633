//! Run import: parse a model-output file, join each record to a case, strip
//! every run into its chain, and store everything in one transaction.

use super::error::{WorkflowError, WorkflowResult, refuse};
use crate::domain::{Case, CaseId, Chain, Model, Provenance};
use crate::ingest::records::read_records;
use crate::ingest::run_formats::{RawRun, RunFormat, parse_runs};
use crate::storage::{NewRun, RunImportReport, Store};
use std::collections::HashMap;
use std::path::Path;

/// How chains are made from runs: the step budget and a token limit the
/// outputs were generated under (`--max-tokens` on `runs import`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainSettings {
    /// At most this many steps per chain (`--max-steps`); 0: no budget.
    pub max_steps: usize,
    /// A record whose completion-token count equals this stopped at the limit.
    pub max_tokens: Option<u64>,
}

impl Default for ChainSettings {
    fn default() -> Self {
        ChainSettings {
            max_steps: crate::strip::DEFAULT_MAX_STEPS,
            max_tokens: None,
        }
    }
}

/// Did generation stop at the token limit or a full context? From the
/// provenance's stop reason (`max_tokens`, `context_full`, OpenAI's
/// `length`), or a completion-token count equal to the limit the run was
/// generated under or the one the import names.
pub fn stopped_at_limit(p: &Provenance, max_tokens: Option<u64>) -> bool {
    let reason = ["stop_reason", "finish_reason"]
        .iter()
        .find_map(|k| p.extra.get(*k).and_then(serde_json::Value::as_str));
    match reason {
        Some("max_tokens" | "context_full" | "length" | "cancelled") => true,
        // A stated natural stop is believed over a token count.
        Some("end_of_sequence" | "stop_string" | "stop" | "eos") => false,
        _ => {
            let limits = [max_tokens, p.sampling.max_tokens];
            p.completion_tokens
                .is_some_and(|n| n > 0 && limits.iter().flatten().any(|&l| l == n))
        }
    }
}

/// The chain of `case`'s output with the default budget and nothing known
/// about how generation stopped.
pub fn chain_for(case: &Case, output: &str, reasoning: Option<&str>) -> Chain {
    chain_for_run(
        case,
        output,
        reasoning,
        &Provenance::default(),
        &ChainSettings::default(),
    )
}

/// The chain of a run of `case`: the answer shape from the case's task, the
/// step budget, and truncation from the text or the provenance.
pub fn chain_for_run(
    case: &Case,
    output: &str,
    reasoning: Option<&str>,
    provenance: &Provenance,
    settings: &ChainSettings,
) -> Chain {
    let opts = crate::strip::Options {
        max_steps: settings.max_steps,
        cut_off: stopped_at_limit(provenance, settings.max_tokens),
        exact_steps: None,
    };
    // An MCQ answer given as the option's text maps to its letter.
    crate::strip::strip_run_with(
        output,
        reasoning,
        crate::strip::AnswerHint::for_task(&case.task),
        &opts,
    )
}

pub struct ImportOptions<'a> {
    pub format: RunFormat,
    /// Keep only records whose own `model` field equals this.
    pub only_model: Option<&'a str>,
    pub skip_unmatched: bool,
    /// Read the file through this mapping instead of `format`.
    pub mapping: Option<&'a crate::ingest::mapping::Mapping>,
    /// Step budget and token limit for the chains made.
    pub chains: ChainSettings,
}

#[derive(Debug)]
pub struct ImportOutcome {
    pub report: RunImportReport,
    pub records: usize,
    pub skipped_unmatched: Vec<String>,
    /// Cases that already had a different run of this model: a new study
    /// will use the newest one.
    pub superseded: Vec<CaseId>,
}

pub fn import_runs(
    store: &mut Store,
    file: &Path,
    model: &Model,
    opts: &ImportOptions<'_>,
) -> WorkflowResult<ImportOutcome> {
    let text = std::fs::read_to_string(file)
        .map_err(WorkflowError::io(format!("reading {}", file.display())))?;
    import_runs_text(store, file, &text, model, opts)
}

/// As [`import_runs`], from text already read (`file` names it in messages).
pub fn import_runs_text(
    store: &mut Store,
    file: &Path,
    text: &str,
    model: &Model,
    opts: &ImportOptions<'_>,
) -> WorkflowResult<ImportOutcome> {
    let mut raw = match opts.mapping {
        Some(m) => {
            let records = m.records(file, text)?;
            m.runs(file, &records).map_err(crate::ingest::Problems)?
        }
        None => {
            let records = read_records(file, text)?;
            parse_runs(file, &records, opts.format)?
        }
    };
    if raw.is_empty() {
        refuse!("{}: no records", file.display());
    }
    let models: std::collections::BTreeSet<String> =
        raw.iter().filter_map(|r| r.source_model.clone()).collect();
    match opts.only_model {
        Some(m) => {
            raw.retain(|r| r.source_model.as_deref() == Some(m));
            if raw.is_empty() {
                refuse!(
                    "{}: no record has model {m:?} (models in the file: {})",
                    file.display(),
                    models.into_iter().collect::<Vec<_>>().join(", ")
                );
            }
        }
        None if models.len() > 1 => refuse!(
            "{}: the file holds outputs of several models ({}); pick one with --only-model",
            file.display(),
            models.into_iter().collect::<Vec<_>>().join(", ")
        ),
        None => {
            // The file names its model and it is not the one given: refuse rather
            // than file one model's outputs under another's name.
            if let Some(other) = models.iter().next().filter(|m| *m != &model.name) {
                refuse!(
                    "{}: the records say model {other:?}, but --model is {:?}; pass --only-model {other:?} to confirm they are {:?}'s outputs; nothing was imported",
                    file.display(),
                    model.name,
                    model.name
                );
            }
        }
    }
    let cases: HashMap<CaseId, Case> = store
        .all_cases()?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let by_question = store.case_ids_by_question()?;
    let mut batch = Vec::new();
    let mut unmatched = Vec::new();
    for r in &raw {
        match join(r, &cases, &by_question) {
            Some(case) => {
                let chain = chain_for_run(
                    case,
                    &r.output,
                    r.reasoning.as_deref(),
                    &r.provenance,
                    &opts.chains,
                );
                batch.push((
                    NewRun {
                        case_id: case.id.clone(),
                        model_id: model.id,
                        output: r.output.clone(),
                        reasoning: r.reasoning.clone(),
                        provenance: r.provenance.clone(),
                        settings_key: None,
                    },
                    chain,
                ));
            }
            None => unmatched.push(format!(
                "{}:{}: {} matches no case",
                file.display(),
                r.line,
                r.case_key
                    .as_deref()
                    .map(|k| format!("id {k:?}"))
                    .unwrap_or_else(|| "record".into())
            )),
        }
    }
    if !unmatched.is_empty() && !opts.skip_unmatched {
        refuse!(
            "{}\n{} record(s) match no case (import the cases first, or pass --skip-unmatched); nothing was imported",
            unmatched.join("\n"),
            unmatched.len()
        );
    }
    let before: std::collections::HashMap<CaseId, crate::domain::ChainId> =
        store.latest_chains(model.id)?.into_iter().collect();
    let (report, _) = store.import_runs(&batch)?;
    let after: std::collections::HashMap<CaseId, crate::domain::ChainId> =
        store.latest_chains(model.id)?.into_iter().collect();
    let mut superseded: Vec<CaseId> = before
        .iter()
        .filter(|(case, old)| after.get(*case).is_some_and(|new| new != *old))
        .map(|(case, _)| case.clone())
        .collect();
    superseded.sort();
    Ok(ImportOutcome {
        superseded,
        report,
        records: raw.len(),
        skipped_unmatched: unmatched,
    })
}

/// Join a record to a case: by id or alias (with or without a source prefix), else by question text.
fn join<'a>(
    r: &RawRun,
    cases: &'a HashMap<CaseId, Case>,
    by_question: &HashMap<String, Vec<CaseId>>,
) -> Option<&'a Case> {
    if let Some(key) = &r.case_key {
        let key = key.trim();
        if let Some(c) = cases.get(&CaseId(key.to_string())) {
            return Some(c);
        }
        // An old id of a renamed case (an alias) joins like its id.
        if let Some(c) = cases.values().find(|c| c.aliases.iter().any(|a| a == key)) {
            return Some(c);
        }
        if !key.contains(':') {
            let suffix = format!(":{key}");
            let mut hits = cases.values().filter(|c| c.id.as_str().ends_with(&suffix));
            if let (Some(c), None) = (hits.next(), hits.next()) {
                return Some(c);
            }
        }
    }
    let q = r.question.as_deref()?;
    let ids = by_question.get(&crate::storage::normalise_question(q))?;
    match ids.as_slice() {
        [one] => cases.get(one),
        _ => None,
    }
}

/// Give every run (of `model`, or all) a chain made by the current stripper
/// version, leaving older chains as they are. Returns (made, already current).
pub fn restrip(store: &mut Store, model: Option<&str>) -> WorkflowResult<(usize, usize)> {
    restrip_with(store, model, &ChainSettings::default())
}

/// [`restrip`] with a step budget (`runs restrip --max-steps`).
pub fn restrip_with(
    store: &mut Store,
    model: Option<&str>,
    settings: &ChainSettings,
) -> WorkflowResult<(usize, usize)> {
    let runs = store.list_runs(model, None)?;
    let cases: HashMap<CaseId, Case> = store
        .all_cases()?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let (mut made, mut current) = (0, 0);
    for summary in runs {
        let latest = match summary.chain {
            Some(c) => Some(store.chain(c)?),
            None => None,
        };
        if latest
            .as_ref()
            .is_some_and(|c| c.stripper_version == crate::strip::VERSION)
        {
            current += 1;
            continue;
        }
        let run = store.run(summary.id)?;
        let case = cases.get(&run.case_id).ok_or_else(|| {
            WorkflowError::Missing(format!(
                "run {} names case {} which is missing",
                run.id, run.case_id
            ))
        })?;
        let chain = chain_for_run(
            case,
            &run.output,
            run.reasoning.as_deref(),
            &run.provenance,
            settings,
        );
        store.add_chain(run.id, &chain)?;
        made += 1;
    }
    Ok((made, current))
}
