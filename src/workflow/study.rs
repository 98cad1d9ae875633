//! Study creation: pick the cases both models have chains for, draw the
//! assignments, store everything at once.

use super::assign::{assign, stable_hash};
use crate::domain::{CaseId, ChainId, StudyId};
use crate::storage::{NewStudy, Store};
use anyhow::bail;
use std::collections::BTreeMap;

pub struct StudySpec<'a> {
    pub name: &'a str,
    pub model_a: &'a str,
    pub model_b: &'a str,
    /// Fuzzy query over cases; `None` means all cases.
    pub cases: Option<&'a str>,
    pub reviewers: Vec<String>,
    pub overlap: u32,
    pub seed: Option<u64>,
    pub actor: &'a str,
}

pub struct CreatedStudy {
    pub id: StudyId,
    pub items: usize,
    pub seed: u64,
    pub skipped_cases: usize,
    /// (case, chain A, chain B) per item, for the leakage check.
    pub chains: Vec<(CaseId, ChainId, ChainId)>,
}

pub fn create_study(store: &mut Store, spec: &StudySpec<'_>) -> anyhow::Result<CreatedStudy> {
    if spec.model_a == spec.model_b {
        bail!(
            "a study compares two different models; both are {:?}",
            spec.model_a
        );
    }
    if spec.name.trim().is_empty() {
        bail!("the study needs a name");
    }
    let a = store.model(spec.model_a)?;
    let b = store.model(spec.model_b)?;
    let chains_a: BTreeMap<CaseId, ChainId> = store.latest_chains(a.id)?.into_iter().collect();
    let chains_b: BTreeMap<CaseId, ChainId> = store.latest_chains(b.id)?.into_iter().collect();
    let wanted: Option<std::collections::HashSet<CaseId>> = match spec.cases {
        None => None,
        Some(q) => Some(
            crate::cli::cases::rank(store.all_cases()?, Some(q))
                .into_iter()
                .map(|c| c.id)
                .collect(),
        ),
    };
    let mut items = Vec::new();
    let mut skipped = 0;
    for (case, ca) in &chains_a {
        if wanted.as_ref().is_some_and(|w| !w.contains(case)) {
            continue;
        }
        match chains_b.get(case) {
            Some(cb) => items.push((case.clone(), *ca, *cb)),
            None => skipped += 1,
        }
    }
    skipped += chains_b
        .keys()
        .filter(|c| !chains_a.contains_key(*c) && wanted.as_ref().is_none_or(|w| w.contains(*c)))
        .count();
    if items.is_empty() {
        bail!(
            "no case has runs of both {:?} and {:?}{}; import or generate runs first (see `blindstep runs list`)",
            spec.model_a,
            spec.model_b,
            spec.cases
                .map(|q| format!(" matching {q:?}"))
                .unwrap_or_default()
        );
    }
    let seed = spec.seed.unwrap_or_else(|| stable_hash(0, &[spec.name]));
    let ids: Vec<String> = items.iter().map(|(c, _, _)| c.to_string()).collect();
    let draws = assign(&ids, &spec.reviewers, spec.overlap, seed)?;
    let detail = serde_json::json!({
        "model_a": spec.model_a, "model_b": spec.model_b, "cases": spec.cases,
        "reviewers": spec.reviewers, "overlap": spec.overlap, "seed": seed, "items": items.len(),
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
    })?;
    Ok(CreatedStudy {
        id,
        items: items.len(),
        seed,
        skipped_cases: skipped,
        chains: items,
    })
}

/// Who is acting, for the audit trail: `$BLINDSTEP_USER`, `$USER`, or "unknown".
pub fn actor() -> String {
    std::env::var("BLINDSTEP_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into())
}
