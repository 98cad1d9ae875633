//! The parts of the tally that are not per model: reviewer progress, inter-rater agreement on
//! step labels (pairwise Cohen, Fleiss where defined, Krippendorff bootstrapped over items),
//! on error-mode tags and on severity, and the blinding check (could reviewers tell which
//! side was the student?), with an item-clustered test.
//!
//! Must not: name a model. Agreement units are chain steps keyed by slot, because the same
//! chain sits on different sides for different reviewers; the slot never leaves this file.

use super::cells::Cell;
use super::input::TallyInput;
use super::result::{
    Agreement, Ci, FacetAgreement, GuessTally, KappaValue, Metric, PairKappa, Progress,
};
use crate::domain::Slot;
use crate::domain::{ErrorMode, Role, Severity, StepLabel};
use crate::stats::{
    BootstrapConfig, Kappa, Units, binomial_test, cohen_kappa, fleiss_kappa,
    krippendorff_alpha_cluster_bootstrap, paired_permutation_test, percent_agreement,
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

/// `(unit key, reviewer, category)` ratings; the unit key's top bits are the item.
type Rating = (u64, u32, u32);

fn unit_key(item: u32, slot: Slot, step: u32) -> u64 {
    (u64::from(item) << 33) | ((slot.index() as u64) << 32) | u64::from(step)
}

/// Ratings grouped by unit, with each unit's item (the bootstrap cluster).
struct Grouped {
    units: Units,
    items: Vec<u64>,
    /// `(reviewer, category)` of every rating, unit after unit (unit i's are the
    /// `units.unit(i).len()` after those of the units before it).
    raters: Vec<(u32, u32)>,
}

/// Group ratings by unit (sorting them; input already in key order sorts in linear time).
/// `raters` is filled only when `with_raters` (the pairwise matrix needs it).
fn group_units(mut ratings: Vec<Rating>, with_raters: bool) -> Grouped {
    if !ratings.is_sorted() {
        ratings.sort_unstable();
    }
    let mut g = Grouped {
        units: Units::new(),
        items: Vec::new(),
        raters: Vec::new(),
    };
    let mut start = 0;
    while start < ratings.len() {
        let key = ratings[start].0;
        let end = start + ratings[start..].iter().take_while(|r| r.0 == key).count();
        let unit = &ratings[start..end];
        g.units.push_unit(unit.iter().map(|r| r.2));
        g.items.push(key >> 33);
        if with_raters {
            g.raters.extend(unit.iter().map(|r| (r.1, r.2)));
        }
        start = end;
    }
    g
}

/// `(unit key, reviewer, index into steps)` of every step, ascending. Steps come item by item
/// (the store reads them so), and a unit key's top bits are its item, so sorting each item's
/// run gives the same order as one sort of everything; otherwise everything is sorted.
fn unit_order(steps: &[crate::tally::input::StepObs]) -> Vec<(u64, u32, usize)> {
    let mut order: Vec<(u64, u32, usize)> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| (unit_key(s.item, s.slot, s.step), s.reviewer, i))
        .collect();
    // (Items below 2^31 keep their whole index in the key.)
    if steps.is_sorted_by_key(|s| s.item) && steps.last().is_none_or(|s| s.item < 1 << 31) {
        for run in order.chunk_by_mut(|a, b| a.0 >> 33 == b.0 >> 33) {
            run.sort_unstable();
        }
    } else {
        order.sort_unstable();
    }
    order
}

/// Why agreement over `g` is undefined, if it is.
fn why_undefined(g: &Grouped, reviewers: usize) -> Option<String> {
    if reviewers < 2 {
        return Some("one reviewer: agreement needs two".into());
    }
    let pairable: Vec<usize> = (0..g.units.len())
        .filter(|&i| g.units.unit(i).len() >= 2)
        .collect();
    if pairable.is_empty() {
        return Some("no unit rated by two reviewers".into());
    }
    let first = g.units.unit(pairable[0])[0];
    if pairable
        .iter()
        .all(|&i| g.units.unit(i).iter().all(|c| *c == first))
    {
        return Some(
            "one category only: every rating is the same, chance agreement is total".into(),
        );
    }
    None
}

fn facet(
    name: &str,
    ratings: Vec<Rating>,
    reviewers: usize,
    bootstrap: &BootstrapConfig,
    notes: &mut Vec<String>,
) -> FacetAgreement {
    let g = group_units(ratings, false);
    let units = (0..g.units.len())
        .filter(|&i| g.units.unit(i).len() >= 2)
        .count();
    let why = why_undefined(&g, reviewers);
    let alpha = if why.is_none() {
        krippendorff_alpha_cluster_bootstrap(&g.units, &g.items, bootstrap)
            .map_err(|e| notes.push(format!("agreement on {name}: {e}")))
            .ok()
            .flatten()
    } else {
        None
    };
    FacetAgreement {
        facet: name.into(),
        units,
        percent: percent_agreement(&g.units),
        krippendorff: alpha.map(|a| a.value),
        krippendorff_ci: alpha
            .and_then(|a| a.interval)
            .map(|i| Ci { lo: i.lo, hi: i.hi }),
        why_na: why,
    }
}

fn judged(label: Option<StepLabel>) -> bool {
    matches!(
        label,
        Some(StepLabel::Sound | StepLabel::Neutral | StepLabel::Error)
    )
}

/// Agreement on sound / neutral / error (abstained steps are missing ratings), on each tag
/// and on severity; every n/a says why.
pub(crate) fn agreement(
    input: &TallyInput,
    bootstrap: &BootstrapConfig,
    notes: &mut Vec<String>,
) -> Agreement {
    // Steps in unit order once, so every facet below groups already-sorted ratings.
    let order = unit_order(&input.steps);
    let n_reviewers = input.reviewers.len();
    // The facets (each tag, and severity) are independent of the label agreement and of each
    // other: rate them on scoped threads beside it (each has its own seeded stream, so the
    // result does not depend on scheduling), joined in a fixed order; each gathers its own
    // ratings. Their notes follow the label agreement's.
    let names: Vec<String> = ErrorMode::ALL
        .iter()
        .map(|mode| format!("tag:{mode}"))
        .chain(["severity".to_string()])
        .collect();
    let (mut out, mut rated) = std::thread::scope(|scope| {
        let handles: Vec<_> = names
            .iter()
            .enumerate()
            .map(|(f, name)| {
                let order = &order;
                scope.spawn(move || {
                    let mut n = Vec::new();
                    let r = facet_ratings(input, order, f);
                    (facet(name, r, n_reviewers, bootstrap, &mut n), n)
                })
            })
            .collect();
        let out = label_agreement(input, &order, bootstrap, notes);
        let rated: Vec<(FacetAgreement, Vec<String>)> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect();
        (out, rated)
    });
    let severity = rated.pop();
    for (f, n) in rated {
        out.tags.push(f);
        notes.extend(n);
    }
    out.severity = severity.map(|(f, n)| {
        notes.extend(n);
        f
    });
    out
}

/// The ratings of facet `f`: tag `ErrorMode::ALL[f]` present or not on judged steps, or past
/// the tags, the severity of error steps.
fn facet_ratings(input: &TallyInput, order: &[(u64, u32, usize)], f: usize) -> Vec<Rating> {
    let sorted = || order.iter().map(|&(k, r, i)| (k, r, &input.steps[i]));
    match ErrorMode::ALL.get(f) {
        Some(_) => sorted()
            .filter(|(_, _, s)| judged(s.label))
            .map(|(k, r, s)| (k, r, u32::from(s.tags & (1 << f) != 0)))
            .collect(),
        None => sorted()
            .filter(|(_, _, s)| s.label == Some(StepLabel::Error))
            .filter_map(|(k, r, s)| {
                let c = match s.severity? {
                    Severity::Minor => 0,
                    Severity::Major => 1,
                    Severity::Harmful => 2,
                };
                Some((k, r, c))
            })
            .collect(),
    }
}

/// Agreement on sound / neutral / error, tags and severity left empty for [`agreement`].
fn label_agreement(
    input: &TallyInput,
    order: &[(u64, u32, usize)],
    bootstrap: &BootstrapConfig,
    notes: &mut Vec<String>,
) -> Agreement {
    let sorted = || order.iter().map(|&(k, r, i)| (k, r, &input.steps[i]));
    let ratings: Vec<Rating> = sorted()
        .filter_map(|(k, r, s)| Some((k, r, code(s.label)?)))
        .collect();
    let n_reviewers = input.reviewers.len();
    let g = group_units(ratings, true);
    let units = &g.units;
    let mut by_count: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut pair_codes: BTreeMap<(u32, u32), Vec<(u32, u32)>> = BTreeMap::new();
    let mut at = 0;
    for i in 0..units.len() {
        let len = units.unit(i).len();
        let raters = g.raters.get(at..at + len).unwrap_or_default();
        at += len;
        if raters.len() >= 2 {
            by_count.entry(raters.len()).or_default().push(i);
        }
        for (x, (ra, ca)) in raters.iter().enumerate() {
            for (rb, cb) in &raters[x + 1..] {
                pair_codes.entry((*ra, *rb)).or_default().push((*ca, *cb));
            }
        }
    }
    let pairable_units: usize = by_count.values().map(Vec::len).sum();
    let mut why_na = BTreeMap::new();
    let undefined = why_undefined(&g, n_reviewers);
    if let Some(w) = &undefined {
        for k in ["percent", "cohen", "fleiss", "krippendorff"] {
            why_na.insert(k.to_string(), w.clone());
        }
    }
    // Fleiss needs the same number of ratings per unit: take the most common count.
    let chosen = by_count
        .iter()
        .max_by_key(|(m, v)| (v.len(), std::cmp::Reverse(**m)))
        .map(|(m, idx)| (*m, idx.clone()));
    let (fleiss, fleiss_note) = match &chosen {
        Some((m, idx)) => {
            let mut same = Units::new();
            for &i in idx {
                same.push_unit(units.unit(i).iter().copied());
            }
            let note = format!(
                "Fleiss' κ uses the {} of {} pairable steps rated by exactly {m} reviewers",
                idx.len(),
                pairable_units
            );
            match fleiss_kappa(&same) {
                Ok(Some(k)) => (Some(kappa_value(k)), note),
                Ok(None) => {
                    why_na
                        .entry("fleiss".into())
                        .or_insert_with(|| "one category only among those steps".into());
                    (None, note)
                }
                Err(e) => {
                    why_na.insert("fleiss".into(), e.to_string());
                    (None, note)
                }
            }
        }
        None => (None, "Fleiss' κ: no step rated by two reviewers".into()),
    };
    let alpha = if undefined.is_none() {
        match krippendorff_alpha_cluster_bootstrap(units, &g.items, bootstrap) {
            Ok(a) => a,
            Err(e) => {
                why_na.insert("krippendorff".into(), e.to_string());
                notes.push(format!("Krippendorff's α: {e}"));
                None
            }
        }
    } else {
        None
    };
    let name = |r: u32| input.reviewers.get(r as usize).cloned().unwrap_or_default();
    let mut pairwise = Vec::new();
    for a in 0..n_reviewers as u32 {
        for b in a + 1..n_reviewers as u32 {
            let codes = pair_codes.get(&(a, b)).cloned().unwrap_or_default();
            let kappa = cohen_kappa(&codes);
            pairwise.push(PairKappa {
                a: name(a),
                b: name(b),
                units: codes.len(),
                kappa: kappa.map(|k| k.value),
                why_na: match (&kappa, codes.is_empty()) {
                    (Some(_), _) => None,
                    (None, true) => Some("no step judged by both".into()),
                    (None, false) => Some("one category only between them".into()),
                },
            });
        }
    }
    let cohen = if n_reviewers == 2 {
        pair_codes
            .get(&(0, 1))
            .and_then(|c| cohen_kappa(c))
            .map(kappa_value)
    } else {
        if n_reviewers > 2 {
            why_na.insert(
                "cohen".into(),
                format!(
                    "{n_reviewers} reviewers: Cohen's κ is for a pair, see the pairwise matrix"
                ),
            );
        }
        None
    };
    if cohen.is_none() && n_reviewers == 2 {
        why_na
            .entry("cohen".into())
            .or_insert_with(|| "one category only between the two reviewers".into());
    }
    let percent = percent_agreement(units);
    if percent.is_some() {
        why_na.remove("percent");
    }
    Agreement {
        pairable_units,
        percent,
        cohen,
        fleiss,
        krippendorff: alpha.map(|a| a.value),
        krippendorff_ci: alpha
            .and_then(|a| a.interval)
            .map(|i| Ci { lo: i.lo, hi: i.hi }),
        krippendorff_items: {
            let mut it: Vec<u64> = (0..units.len())
                .filter(|&i| units.unit(i).len() >= 2)
                .map(|i| g.items[i])
                .collect();
            it.dedup();
            it.len()
        },
        pairwise,
        fleiss_note,
        why_na,
        tags: Vec::new(),
        severity: None,
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
        p_cluster: None,
    }
}

/// Per reviewer and overall, how often "which side is the student?" was right, with an exact
/// binomial test against 50 %; the overall row adds a cluster-bootstrap interval over items
/// and a sign-flip permutation test over items (per item, right − wrong guesses), since
/// several reviewers' guesses on one item are not independent. Empty unless exactly one of
/// the two models is the student.
pub(crate) fn blinding(
    input: &TallyInput,
    bootstrap: &BootstrapConfig,
    notes: &mut Vec<String>,
) -> Vec<GuessTally> {
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
    let mut per_item: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    for c in &input.cases {
        if let Some(ok) = right(&c) {
            let e = per_item.entry(c.item).or_default();
            e.0 += u64::from(ok);
            e.1 += 1;
        }
    }
    let clusters: Vec<(u64, u64)> = per_item.values().copied().collect();
    let mut all = guesses("all".into(), input.cases.iter().filter_map(|c| right(&c)));
    all.correct = all.correct.with_cluster(super::shared::cluster_ci(
        &clusters,
        bootstrap,
        "blinding guesses",
        notes,
    ));
    let diffs: Vec<f64> = clusters
        .iter()
        .map(|&(k, n)| 2.0 * k as f64 - n as f64)
        .collect();
    if !diffs.is_empty() {
        match paired_permutation_test(&diffs, bootstrap.seed) {
            Ok(t) => all.p_cluster = Some(t.p_value),
            Err(e) => notes.push(format!("blinding cluster test: {e}")),
        }
    }
    out.push(all);
    out
}
