//! Study creation: pick the cases both models have chains for, draw the
//! assignments, store everything at once.

use super::error::{WorkflowError, WorkflowResult, refuse};
use crate::domain::assign::{assign_grouped, stable_hash};
use crate::domain::model_family::{FAMILY_NAMES, is_eponym};
use crate::domain::{CaseId, ChainId, StudyId};
use crate::storage::{NewStudy, Store, StoreError};
use std::collections::BTreeMap;

pub struct StudySpec<'a> {
    pub name: &'a str,
    pub model_a: &'a str,
    pub model_b: &'a str,
    /// Comma-separated exact case ids (or aliases); with `matching` `None`, `None` means all.
    pub cases: Option<&'a str>,
    /// Cases whose text has every word of this (the case search).
    pub matching: Option<&'a str>,
    pub reviewers: Vec<String>,
    pub overlap: u32,
    pub seed: Option<u64>,
    pub actor: &'a str,
    /// Create the study even when chain text names a model.
    pub allow_named_models: bool,
}

pub struct CreatedStudy {
    pub id: StudyId,
    pub items: usize,
    pub seed: u64,
    pub skipped_cases: usize,
    /// (case, chain A, chain B) per item, for the leakage check.
    pub chains: Vec<(CaseId, ChainId, ChainId)>,
    /// Cases left out because a chain has no step.
    pub empty_chains: Vec<CaseId>,
}

/// Select cases for a study: `ids`, a comma-separated list of exact ids or aliases (each must
/// exist), and/or the cases matching every word of `matching`. A study's case set must be
/// exactly what the coordinator meant.
pub fn select_cases(
    all: &[crate::domain::Case],
    ids: Option<&str>,
    matching: Option<&str>,
) -> Result<std::collections::HashSet<CaseId>, crate::select::SelectError> {
    Ok(crate::select::select(all, ids, matching)?
        .into_iter()
        .collect())
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Chains whose text names a model: (case, side A or B, the name found).
fn named_models(
    store: &Store,
    items: &[(CaseId, ChainId, ChainId)],
    names: &[String],
) -> Result<Vec<(CaseId, &'static str, String)>, StoreError> {
    // Family names, matched as whole words (a multi-word name word by word).
    let mut needles: Vec<Vec<String>> = FAMILY_NAMES.iter().map(|n| words(n)).collect();
    for n in names {
        let w = words(n);
        if !w.is_empty() {
            needles.push(w);
        }
    }
    let mut hits = Vec::new();
    for (case, a, b) in items {
        for (slot, id) in [("A", a), ("B", b)] {
            let chain = store.chain(*id)?;
            let mut text: Vec<String> = chain.steps.iter().flat_map(|s| words(&s.text)).collect();
            if let Some(ans) = &chain.answer {
                text.extend(words(&ans.display()));
            }
            if let Some(n) = needles.iter().find(|n| {
                text.windows(n.len())
                    .enumerate()
                    .any(|(at, w)| w == n.as_slice() && !is_eponym(&text, at))
            }) {
                hits.push((case.clone(), slot, n.join(" ")));
            }
        }
    }
    Ok(hits)
}

/// Study settings beyond the spec.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StudyOptions {
    /// Re-segment both chains of an item to one step count (`--equal-steps`).
    pub equal_steps: bool,
}

pub fn create_study(store: &mut Store, spec: &StudySpec<'_>) -> WorkflowResult<CreatedStudy> {
    create_study_with(store, spec, &StudyOptions::default())
}

/// The step count both chains of an item are re-segmented to: the midpoint
/// of the two natural counts, no more than either side's sentence-steps
/// allow (a side is split only at sentence boundaries).
pub fn common_step_count(natural: [usize; 2], splittable: [usize; 2]) -> usize {
    let mid = (natural[0] + natural[1]).div_ceil(2);
    mid.min(splittable[0]).min(splittable[1]).max(1)
}

/// Re-segment the two chains of one item to a common step count; the new
/// chains are stored beside the natural ones (stripper version
/// `strip-N/eqK`), which stay as they are. Returns the chain ids to use.
fn equalise(store: &mut Store, a: ChainId, b: ChainId) -> WorkflowResult<(ChainId, ChainId)> {
    let chains = [store.chain(a)?, store.chain(b)?];
    let natural = [chains[0].steps.len(), chains[1].steps.len()];
    if natural[0] == natural[1] {
        return Ok((a, b));
    }
    let mut runs = Vec::with_capacity(2);
    let mut splittable = [0usize; 2];
    for (i, id) in [a, b].into_iter().enumerate() {
        let run_id = store
            .run_of_chain(id)?
            .ok_or_else(|| WorkflowError::Missing(format!("chain {id} has no run")))?;
        let run = store.run(run_id)?;
        let case = store.case(&run.case_id)?;
        let cut_off =
            chains[i].truncated || super::import_runs::stopped_at_limit(&run.provenance, None);
        let hint = crate::strip::AnswerHint::for_task(&case.task);
        let uncapped = crate::strip::Options {
            max_steps: 0,
            cut_off,
            exact_steps: None,
        };
        splittable[i] =
            crate::strip::strip_run_with(&run.output, run.reasoning.as_deref(), hint, &uncapped)
                .steps
                .len();
        runs.push((run, case, cut_off));
    }
    let target = common_step_count(natural, splittable);
    let mut out = [a, b];
    for (i, (run, case, cut_off)) in runs.iter().enumerate() {
        let opts = crate::strip::Options {
            max_steps: 0,
            cut_off: *cut_off,
            exact_steps: Some(target),
        };
        let hint = crate::strip::AnswerHint::for_task(&case.task);
        let mut chain =
            crate::strip::strip_run_with(&run.output, run.reasoning.as_deref(), hint, &opts);
        chain.stripper_version = format!("{}/eq{target}", chain.stripper_version);
        out[i] = store.add_chain(run.id, &chain)?;
    }
    Ok((out[0], out[1]))
}

/// [`create_study`] with options (`--equal-steps`).
pub fn create_study_with(
    store: &mut Store,
    spec: &StudySpec<'_>,
    opts: &StudyOptions,
) -> WorkflowResult<CreatedStudy> {
    if spec.model_a == spec.model_b {
        refuse!(
            "a study compares two different models; both are {:?}",
            spec.model_a
        );
    }
    if spec.name.trim().is_empty() {
        refuse!("the study needs a name");
    }
    let a = store.model(spec.model_a)?;
    let b = store.model(spec.model_b)?;
    let chains_a: BTreeMap<CaseId, ChainId> = store.latest_chains(a.id)?.into_iter().collect();
    let chains_b: BTreeMap<CaseId, ChainId> = store.latest_chains(b.id)?.into_iter().collect();
    let wanted: Option<std::collections::HashSet<CaseId>> = match (spec.cases, spec.matching) {
        (None, None) => None,
        (ids, matching) => Some(select_cases(&store.all_cases()?, ids, matching)?),
    };
    let mut items = Vec::new();
    let mut skipped = 0;
    let mut empty_chains = Vec::new();
    for (case, ca) in &chains_a {
        if wanted.as_ref().is_some_and(|w| !w.contains(case)) {
            continue;
        }
        match chains_b.get(case) {
            Some(cb) => {
                if store.chain(*ca)?.steps.is_empty() || store.chain(*cb)?.steps.is_empty() {
                    empty_chains.push(case.clone());
                } else {
                    items.push((case.clone(), *ca, *cb));
                }
            }
            None => skipped += 1,
        }
    }
    skipped += chains_b
        .keys()
        .filter(|c| !chains_a.contains_key(*c) && wanted.as_ref().is_none_or(|w| w.contains(*c)))
        .count();
    if items.is_empty() {
        refuse!(
            "no case has runs of both {:?} and {:?}{}; import or generate runs first (see `blindstep runs list`)",
            spec.model_a,
            spec.model_b,
            match (spec.cases, spec.matching) {
                (Some(ids), _) => format!(" among {ids:?}"),
                (None, Some(q)) => format!(" matching {q:?}"),
                (None, None) => String::new(),
            }
        );
    }
    if opts.equal_steps {
        for item in &mut items {
            let (ea, eb) = equalise(store, item.1, item.2)?;
            item.1 = ea;
            item.2 = eb;
        }
    }
    let mut names = vec![a.name.clone(), b.name.clone()];
    names.extend(a.label.clone());
    names.extend(b.label.clone());
    let hits = named_models(store, &items, &names)?;
    if !hits.is_empty() && !spec.allow_named_models {
        let list: Vec<String> = hits
            .iter()
            .map(|(c, slot, n)| format!("  case {c}, model {slot}'s chain names {n:?}"))
            .collect();
        refuse!(
            "the chains name a model, which would unblind the reviewers:\n{}\nedit or re-strip those runs, leave the cases out with --cases, or pass --allow-named-models",
            list.join("\n")
        );
    }
    let seed = spec.seed.unwrap_or_else(|| stable_hash(0, &[spec.name]));
    let ids: Vec<String> = items.iter().map(|(c, _, _)| c.to_string()).collect();
    let groups = stage_groups(&store.all_cases()?, &ids);
    let draws = assign_grouped(&ids, &groups, &spec.reviewers, spec.overlap, seed)?;
    let detail = serde_json::json!({
        "model_a": spec.model_a, "model_b": spec.model_b, "cases": spec.cases, "match": spec.matching,
        "reviewers": spec.reviewers, "overlap": spec.overlap, "seed": seed, "items": items.len(),
        "equal_steps": opts.equal_steps,
    });
    let id = store.create_study(&NewStudy {
        name: spec.name.to_string(),
        model_a: a.id,
        model_b: b.id,
        seed,
        overlap: spec.overlap,
        reviewers: spec.reviewers.clone(),
        items: items.clone(),
        draws,
        actor: spec.actor.to_string(),
        detail,
        equal_steps: opts.equal_steps,
    })?;
    Ok(CreatedStudy {
        id,
        items: items.len(),
        seed,
        skipped_cases: skipped,
        chains: items,
        empty_chains,
    })
}

/// The stage group of each case id: the investigated case's row id, shared by
/// its presentation variants (whose `variant_of` may name it by an alias).
fn stage_groups(all: &[crate::domain::Case], ids: &[String]) -> Vec<String> {
    let row_of = |name: &str| -> String {
        all.iter()
            .find(|c| c.is_named(name))
            .map(|c| c.id.to_string())
            .unwrap_or_else(|| name.to_string())
    };
    ids.iter()
        .map(|id| match all.iter().find(|c| c.id.as_str() == id) {
            Some(c) => row_of(c.stage_group()),
            None => id.clone(),
        })
        .collect()
}

/// Who is acting, for the audit trail: `$BLINDSTEP_USER`, `$USER`, or "unknown".
pub fn actor() -> String {
    std::env::var("BLINDSTEP_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into())
}
