//! Run import: parse a model-output file, join each record to a case, strip
//! every run into its chain, and store everything in one transaction.

use crate::domain::{Case, CaseId, Chain, Model};
use crate::ingest::records::read_records;
use crate::ingest::run_formats::{RawRun, RunFormat, parse_runs};
use crate::storage::{NewRun, RunImportReport, Store};
use anyhow::{Context, bail};
use std::collections::HashMap;
use std::path::Path;

/// The answer shape to extract for a case.
pub fn chain_for(case: &Case, output: &str, reasoning: Option<&str>) -> Chain {
    // An MCQ answer given as the option's text maps to its letter.
    crate::strip::strip_run(
        output,
        reasoning,
        crate::strip::AnswerHint::for_task(&case.task),
    )
}

pub struct ImportOptions<'a> {
    pub format: RunFormat,
    /// Keep only records whose own `model` field equals this.
    pub only_model: Option<&'a str>,
    pub skip_unmatched: bool,
    /// Read the file through this mapping instead of `format`.
    pub mapping: Option<&'a crate::ingest::mapping::Mapping>,
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
) -> anyhow::Result<ImportOutcome> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    import_runs_text(store, file, &text, model, opts)
}

/// As [`import_runs`], from text already read (`file` names it in messages).
pub fn import_runs_text(
    store: &mut Store,
    file: &Path,
    text: &str,
    model: &Model,
    opts: &ImportOptions<'_>,
) -> anyhow::Result<ImportOutcome> {
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
        bail!("{}: no records", file.display());
    }
    let models: std::collections::BTreeSet<String> =
        raw.iter().filter_map(|r| r.source_model.clone()).collect();
    match opts.only_model {
        Some(m) => {
            raw.retain(|r| r.source_model.as_deref() == Some(m));
            if raw.is_empty() {
                bail!(
                    "{}: no record has model {m:?} (models in the file: {})",
                    file.display(),
                    models.into_iter().collect::<Vec<_>>().join(", ")
                );
            }
        }
        None if models.len() > 1 => bail!(
            "{}: the file holds outputs of several models ({}); pick one with --only-model",
            file.display(),
            models.into_iter().collect::<Vec<_>>().join(", ")
        ),
        None => {
            // The file names its model and it is not the one given: refuse rather
            // than file one model's outputs under another's name.
            if let Some(other) = models.iter().next().filter(|m| *m != &model.name) {
                bail!(
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
                let chain = chain_for(case, &r.output, r.reasoning.as_deref());
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
        bail!(
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
pub fn restrip(store: &mut Store, model: Option<&str>) -> anyhow::Result<(usize, usize)> {
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
        let case = cases.get(&run.case_id).with_context(|| {
            format!("run {} names case {} which is missing", run.id, run.case_id)
        })?;
        let chain = chain_for(case, &run.output, run.reasoning.as_deref());
        store.add_chain(run.id, &chain)?;
        made += 1;
    }
    Ok((made, current))
}
