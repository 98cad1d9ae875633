//! Per-group measures beyond rates: rank-aware scores with item-bootstrap intervals,
//! calibration of option probabilities, paired permutation tests of per-item measures, and
//! the dispute counts of the tie rule.
//!
//! Must not: name a model; a computation that fails leaves a note saying why.

use super::cells::Cell;
use super::input::ItemInfo;
use super::result::{
    CalibrationTally, Ci, Estimate, Metric, PairedMeasure, RankTally, ReliabilityBin, ResolutionRow,
};
use super::shared::{Ctx, Outcomes};
use crate::domain::Slot;
use crate::stats::{
    BootstrapConfig, brier_score, calibration_bins, cluster_mean_bootstrap,
    expected_calibration_error, paired_permutation_test,
};
use std::collections::BTreeMap;

/// Reliability bins of the calibration table (and of ECE).
pub const CALIBRATION_BINS: usize = 10;

fn estimate(
    clusters: &[(f64, f64)],
    config: &BootstrapConfig,
    what: &str,
    notes: &mut Vec<String>,
) -> Estimate {
    match cluster_mean_bootstrap(clusters, config) {
        Ok(r) => Estimate {
            value: r.estimate,
            ci: r.interval.map(|i| Ci { lo: i.lo, hi: i.hi }),
            items: clusters.len() as u64,
        },
        Err(e) => {
            notes.push(format!("{what}: {e}"));
            Estimate::default()
        }
    }
}

/// Rank-aware scores of slot `s` over the group's items.
pub(crate) fn rank_tally(
    items: &[ItemInfo],
    outcomes: &Outcomes,
    s: usize,
    config: &BootstrapConfig,
    notes: &mut Vec<String>,
) -> RankTally {
    let ranks: Vec<_> = outcomes
        .iter()
        .filter_map(|(i, _)| items.get(*i as usize)?.detail.rank[s])
        .collect();
    let rr: Vec<(f64, f64)> = ranks
        .iter()
        .map(|r| (r.gold_rank.map_or(0.0, |k| 1.0 / f64::from(k)), 1.0))
        .collect();
    let mnm: Vec<(f64, f64)> = ranks
        .iter()
        .filter(|r| r.must_not_miss > 0)
        .map(|r| (f64::from(r.covered), f64::from(r.must_not_miss)))
        .collect();
    let inv: Vec<(f64, f64)> = ranks
        .iter()
        .map(|r| (f64::from(r.inversions), 1.0))
        .collect();
    let top1 = ranks.iter().filter(|r| r.gold_rank == Some(1)).count() as u64;
    let side = ["A", "B"][s.min(1)];
    RankTally {
        mrr: estimate(
            &rr,
            config,
            &format!("mean reciprocal rank ({side})"),
            notes,
        ),
        top1: Metric::wilson(top1, ranks.len() as u64),
        must_not_miss: estimate(
            &mnm,
            config,
            &format!("must-not-miss coverage ({side})"),
            notes,
        ),
        inversions: estimate(
            &inv,
            config,
            &format!("priority inversions ({side})"),
            notes,
        ),
    }
}

/// ECE, Brier and the reliability table of slot `s`, from items whose run has option
/// probabilities; `None` when none has.
pub(crate) fn calibration(
    items: &[ItemInfo],
    outcomes: &Outcomes,
    s: usize,
    notes: &mut Vec<String>,
) -> Option<CalibrationTally> {
    let pairs: Vec<(f64, bool)> = outcomes
        .iter()
        .filter_map(|(i, _)| items.get(*i as usize)?.detail.calibration[s])
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let (conf, ok): (Vec<f64>, Vec<bool>) = pairs.into_iter().unzip();
    let mut note = |what: &str, e: crate::stats::StatsError| {
        notes.push(format!(
            "calibration ({}): {what}: {e}",
            ["A", "B"][s.min(1)]
        ));
    };
    let ece = expected_calibration_error(&conf, &ok, CALIBRATION_BINS)
        .map_err(|e| note("ECE", e))
        .ok()
        .flatten();
    let brier = brier_score(&conf, &ok)
        .map_err(|e| note("Brier", e))
        .ok()
        .flatten();
    let bins = calibration_bins(&conf, &ok, CALIBRATION_BINS)
        .map_err(|e| note("reliability table", e))
        .unwrap_or_default()
        .into_iter()
        .map(|b| ReliabilityBin {
            lo: b.lo,
            hi: b.hi,
            count: b.count,
            mean_confidence: b.mean_confidence,
            accuracy: b.accuracy,
        })
        .collect();
    Some(CalibrationTally {
        items: conf.len(),
        ece,
        brier,
        bins,
    })
}

/// Paired permutation tests, A − B per item: step error rate (pooled over the item's
/// reviewers), reciprocal rank, must-not-miss coverage and priority inversions.
pub(crate) fn paired_measures(
    items: &[ItemInfo],
    by_item: &BTreeMap<u32, Vec<&Cell<'_>>>,
    ctx: &Ctx,
    notes: &mut Vec<String>,
) -> Vec<PairedMeasure> {
    let mut diffs: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (item, cs) in by_item {
        let rate = |s: usize| {
            let (e, j) = cs.iter().fold((0u64, 0u64), |(e, j), c| {
                (e + c.chains[s].error, j + c.chains[s].judged())
            });
            (j > 0).then(|| e as f64 / j as f64)
        };
        if let (Some(a), Some(b)) = (rate(0), rate(1)) {
            diffs.entry("step_error_rate").or_default().push(a - b);
        }
        let Some(info) = items.get(*item as usize) else {
            continue;
        };
        if let [Some(a), Some(b)] = info.detail.rank {
            let rr = |r: super::input::RankObs| r.gold_rank.map_or(0.0, |k| 1.0 / f64::from(k));
            diffs
                .entry("reciprocal_rank")
                .or_default()
                .push(rr(a) - rr(b));
            if a.must_not_miss > 0 {
                let share = |r: super::input::RankObs| {
                    f64::from(r.covered) / f64::from(r.must_not_miss.max(1))
                };
                diffs
                    .entry("must_not_miss_coverage")
                    .or_default()
                    .push(share(a) - share(b));
            }
            diffs
                .entry("priority_inversions")
                .or_default()
                .push(f64::from(a.inversions) - f64::from(b.inversions));
        }
    }
    fn primary_name(m: &str) -> &str {
        match m {
            "reciprocal_rank" => "mrr",
            other => other,
        }
    }
    let mut out = Vec::new();
    for metric in [
        "step_error_rate",
        "reciprocal_rank",
        "must_not_miss_coverage",
        "priority_inversions",
    ] {
        let Some(d) = diffs.get(metric) else {
            continue;
        };
        match paired_permutation_test(d, ctx.bootstrap.seed) {
            Ok(t) => out.push(PairedMeasure {
                metric: metric.into(),
                pairs: t.pairs as u64,
                nonzero: t.nonzero as u64,
                mean_difference: t.mean_difference,
                p_value: t.p_value,
                exact: t.exact,
                significant: t.nonzero > 0 && t.p_value < ctx.alpha.get(),
                primary: ctx.is_primary(primary_name(metric)),
            }),
            Err(e) => notes.push(format!("paired test of {metric}: {e}")),
        }
    }
    out
}

/// Disputes per outcome and slot: multi-rated, unresolved, adjudicated, excluded.
pub(crate) fn resolution_rows(outcomes: &Outcomes) -> Vec<ResolutionRow> {
    let mut out = Vec::new();
    let names = [
        "answer_correct",
        "chain_error",
        "mode",
        "red_flag",
        "acted_on",
    ];
    for slot in Slot::BOTH {
        let s = slot.index();
        for name in names {
            let groups: Vec<(String, Vec<&super::resolve::Resolved>)> = match name {
                "mode" => crate::domain::ErrorMode::ALL
                    .iter()
                    .enumerate()
                    .map(|(m, mode)| {
                        (
                            format!("mode:{mode}"),
                            outcomes.iter().map(|(_, o)| &o[s].modes[m]).collect(),
                        )
                    })
                    .collect(),
                "answer_correct" => vec![(
                    name.into(),
                    outcomes.iter().map(|(_, o)| &o[s].answer).collect(),
                )],
                "chain_error" => vec![(
                    name.into(),
                    outcomes.iter().map(|(_, o)| &o[s].has_error).collect(),
                )],
                "acted_on" => vec![(
                    name.into(),
                    outcomes
                        .iter()
                        .flat_map(|(_, o)| o[s].acted.iter())
                        .collect(),
                )],
                _ => vec![(
                    name.into(),
                    outcomes
                        .iter()
                        .flat_map(|(_, o)| o[s].flags.iter())
                        .collect(),
                )],
            };
            for (outcome, rs) in groups {
                out.push(ResolutionRow {
                    outcome,
                    slot: slot.as_str().into(),
                    multi_rated: rs.iter().filter(|r| r.multi).count() as u64,
                    unresolved: rs.iter().filter(|r| r.unresolved).count() as u64,
                    adjudicated: rs.iter().filter(|r| r.adjudicated).count() as u64,
                    excluded: rs.iter().filter(|r| r.excluded).count() as u64,
                });
            }
        }
    }
    out
}
