//! The parts of the tally that are not per model: reviewer progress, inter-rater agreement on
//! step labels, and the blinding check (could reviewers tell which side was the student?).
//!
//! Must not: name a model. Agreement units are chain steps keyed by slot, because the same
//! chain sits on different sides for different reviewers; the slot never leaves this file.

use super::cell::Cell;
use super::input::TallyInput;
use super::result::{Agreement, Ci, GuessTally, KappaValue, Metric, Progress};
use crate::domain::Slot;
use crate::domain::{Role, StepLabel};
use crate::stats::{
    BootstrapConfig, Kappa, Units, binomial_test, cohen_kappa, fleiss_kappa,
    krippendorff_alpha_bootstrap, percent_agreement,
};
use std::collections::BTreeMap;

/// Each reviewer's items done and steps judged (abstain counts as judged here: it is a decision).
pub(crate) fn progress(input: &TallyInput, cells: &[Cell<'_>]) -> Vec<Progress> {
    let mut out: Vec<Progress> = input
        .reviewers
        .iter()
        .map(|r| Progress {
            reviewer: r.clone(),
            items: 0,
            items_done: 0,
            steps_total: 0,
            steps_judged: 0,
        })
        .collect();
    for c in cells {
        let Some(p) = out.get_mut(c.reviewer as usize) else {
            continue;
        };
        let total: u64 = input
            .items
            .get(c.item as usize)
            .map_or(0, |i| (i.steps[0] + i.steps[1]) as u64);
        let judged: u64 = c.chains.iter().map(|a| a.labelled()).sum();
        p.items += 1;
        p.steps_total += total;
        p.steps_judged += judged;
        if judged >= total && c.case.is_some_and(|k| k.complete) {
            p.items_done += 1;
        }
    }
    out
}

fn code(label: Option<StepLabel>) -> Option<u32> {
    match label {
        Some(StepLabel::Sound) => Some(0),
        Some(StepLabel::Neutral) => Some(1),
        Some(StepLabel::Error) => Some(2),
        Some(StepLabel::Abstain) | None => None,
    }
}

fn kappa_value(k: Kappa) -> KappaValue {
    KappaValue {
        value: k.value,
        observed: k.observed,
        expected: k.expected,
        units: k.units,
    }
}

/// Agreement on sound / neutral / error; abstained steps are missing ratings.
pub(crate) fn agreement(input: &TallyInput, bootstrap: &BootstrapConfig) -> Agreement {
    let mut ratings: Vec<(u64, u32, u32)> = input
        .steps
        .iter()
        .filter_map(|s| {
            let key =
                (u64::from(s.item) << 33) | ((s.slot.index() as u64) << 32) | u64::from(s.step);
            Some((key, s.reviewer, code(s.label)?))
        })
        .collect();
    ratings.sort_unstable();
    let mut units = Units::new();
    let mut pairs = Vec::new();
    let mut by_count: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut start = 0;
    while start < ratings.len() {
        let key = ratings[start].0;
        let end = start + ratings[start..].iter().take_while(|r| r.0 == key).count();
        let unit = &ratings[start..end];
        units.push_unit(unit.iter().map(|r| r.2));
        if let [(_, 0, a), (_, 1, b)] = unit {
            pairs.push((*a, *b));
        }
        if unit.len() >= 2 {
            by_count
                .entry(unit.len())
                .or_default()
                .push(units.len() - 1);
        }
        start = end;
    }
    let pairable_units = by_count.values().map(Vec::len).sum();
    // Fleiss needs the same number of ratings per unit: take the most common count.
    let fleiss = by_count
        .iter()
        .max_by_key(|(m, v)| (v.len(), std::cmp::Reverse(**m)))
        .and_then(|(_, idx)| {
            let mut same = Units::new();
            for &i in idx {
                same.push_unit(units.unit(i).iter().copied());
            }
            fleiss_kappa(&same).ok().flatten()
        });
    let alpha = krippendorff_alpha_bootstrap(&units, bootstrap)
        .ok()
        .flatten();
    Agreement {
        pairable_units,
        percent: percent_agreement(&units),
        cohen: if input.reviewers.len() == 2 {
            cohen_kappa(&pairs).map(kappa_value)
        } else {
            None
        },
        fleiss: fleiss.map(kappa_value),
        krippendorff: alpha.map(|a| a.value),
        krippendorff_ci: alpha
            .and_then(|a| a.interval)
            .map(|i| Ci { lo: i.lo, hi: i.hi }),
    }
}

fn guesses(reviewer: String, correct: impl Iterator<Item = bool>) -> GuessTally {
    let (mut k, mut n) = (0u64, 0u64);
    for c in correct {
        n += 1;
        k += u64::from(c);
    }
    GuessTally {
        reviewer,
        correct: Metric::wilson(k, n),
        p_value: (n > 0).then(|| binomial_test(k, n, 0.5).ok()).flatten(),
    }
}

/// Per reviewer and overall, how often "which side is the student?" was right, with an exact
/// binomial test against 50 %. Empty unless exactly one of the two models is the student.
pub(crate) fn blinding(input: &TallyInput) -> Vec<GuessTally> {
    let Some(models) = &input.models else {
        return Vec::new();
    };
    let students: Vec<Slot> = Slot::BOTH
        .into_iter()
        .filter(|s| models[s.index()].role == Role::Student)
        .collect();
    let [student] = students.as_slice() else {
        return Vec::new();
    };
    let right = |c: &&crate::tally::input::CaseObs| c.student_guess.map(|g| g == *student);
    let mut out: Vec<GuessTally> = input
        .reviewers
        .iter()
        .enumerate()
        .map(|(r, name)| {
            guesses(
                name.clone(),
                input
                    .cases
                    .iter()
                    .filter(|c| c.reviewer as usize == r)
                    .filter_map(|c| right(&c)),
            )
        })
        .collect();
    out.push(guesses(
        "all".into(),
        input.cases.iter().filter_map(|c| right(&c)),
    ));
    out
}
