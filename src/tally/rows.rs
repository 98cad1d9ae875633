//! A tally as tidy long rows (one number per row with its interval and counts) for
//! `--format csv` and `export --what tally`, the newer figures included.
//!
//! Must not: compute statistics; only lay out what `compute` produced. "n/a", never NaN.

use super::result::{GroupTally, Metric, ModelTally, Tally};
use serde::Serialize;

/// One number of the tally, tidy: filter by `by`/`group`/`model`/`metric`, read `estimate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TallyRow {
    pub study: String,
    /// `all`, `specialty`, `incidence`, `stage` or `reviewer`.
    pub by: String,
    pub group: String,
    /// Model name (after unblinding), `A vs B` names for paired tests, empty otherwise.
    pub model: String,
    pub role: String,
    /// `A` or `B` (after unblinding).
    pub slot: String,
    pub metric: String,
    pub estimate: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    pub k: Option<u64>,
    pub n: Option<u64>,
    pub p_value: Option<f64>,
    pub p_adjusted: Option<f64>,
    /// How the interval or p-value was computed.
    pub method: String,
}

impl TallyRow {
    pub(crate) fn new(
        t: &Tally,
        by: &str,
        group: &str,
        metric: impl Into<String>,
        method: &str,
    ) -> Self {
        Self {
            study: t.study.clone(),
            by: by.into(),
            group: group.into(),
            model: String::new(),
            role: String::new(),
            slot: String::new(),
            metric: metric.into(),
            estimate: None,
            lo: None,
            hi: None,
            k: None,
            n: None,
            p_value: None,
            p_adjusted: None,
            method: method.into(),
        }
    }

    pub(crate) fn metric(mut self, m: &Metric) -> Self {
        self.estimate = m.estimate;
        self.lo = m.lo;
        self.hi = m.hi;
        self.k = Some(m.k);
        self.n = Some(m.n);
        self
    }

    pub(crate) fn slot(mut self, t: &Tally, i: usize) -> Self {
        if let Some(models) = &t.models {
            self.model = models[i].name.clone();
            self.role = models[i].role.to_string();
            self.slot = ["A", "B"][i].into();
        }
        self
    }
}

fn model_rows(t: &Tally, g: &GroupTally, i: usize, m: &ModelTally, out: &mut Vec<TallyRow>) {
    let row =
        |metric: &str, method: &str| TallyRow::new(t, &g.by, &g.group, metric, method).slot(t, i);
    let count = |metric: &str, k: u64| TallyRow {
        k: Some(k),
        ..row(metric, "count")
    };
    out.push(row("answer_correct", "wilson").metric(&m.answer_correct));
    out.push(row("mcq_accuracy", "wilson").metric(&m.mcq_accuracy));
    out.push(row("top5_inclusion", "wilson").metric(&m.top5_inclusion));
    out.push(row("auto_answer_correct", "wilson").metric(&m.auto_answer_correct));
    out.push(row("step_error_rate", "wilson").metric(&m.step_error));
    let mut boot = row("step_error_rate", "cluster_bootstrap_items").metric(&m.step_error);
    boot.lo = m.step_error_cluster.map(|c| c.lo);
    boot.hi = m.step_error_cluster.map(|c| c.hi);
    out.push(boot);
    out.push(count("steps_abstained", m.steps_abstained));
    out.push(count("steps_unmarked", m.steps_unmarked));
    out.push(row("chains_with_error", "wilson").metric(&m.chains_with_error));
    let cluster = |metric: &str, m: &Metric| {
        let mut r = row(metric, "cluster_bootstrap_items").metric(m);
        r.lo = m.cluster.map(|c| c.lo);
        r.hi = m.cluster.map(|c| c.hi);
        r
    };
    for mode in &m.modes {
        out.push(row(&format!("steps_with_{}", mode.mode), "wilson").metric(&mode.steps));
        out.push(cluster(&format!("steps_with_{}", mode.mode), &mode.steps));
        out.push(row(&format!("chains_with_{}", mode.mode), "wilson").metric(&mode.chains));
    }
    out.push(row("red_flag_recognition", "wilson").metric(&m.red_flag_recognition));
    out.push(cluster("red_flag_recognition", &m.red_flag_recognition));
    out.push(row("red_flag_consensus", "wilson").metric(&m.red_flag_consensus));
    out.push(row("red_flag_action", "wilson").metric(&m.red_flag_action));
    out.push(cluster("red_flag_action", &m.red_flag_action));
    out.push(row("red_flag_action_consensus", "wilson").metric(&m.red_flag_action_consensus));
    out.push(row("right_answer_wrong_reasoning", "wilson").metric(&m.right_answer_wrong_reasoning));
    let total = m.severity.total();
    for (name, k) in [
        ("minor", m.severity.minor),
        ("major", m.severity.major),
        ("harmful", m.severity.harmful),
        ("unspecified", m.severity.unspecified),
    ] {
        out.push(row(&format!("severity_{name}"), "wilson").metric(&Metric::wilson(k, total)));
    }
    out.push(row("bad_split", "wilson").metric(&m.bad_split));
    out.push(cluster("bad_split", &m.bad_split));
}

/// The whole tally as tidy rows.
pub fn tally_rows(t: &Tally) -> Vec<TallyRow> {
    let mut out = Vec::new();
    for p in &t.progress {
        out.push(
            TallyRow::new(t, "reviewer", &p.reviewer, "steps_judged", "wilson")
                .metric(&Metric::wilson(p.steps_judged, p.steps_total)),
        );
        out.push(
            TallyRow::new(t, "reviewer", &p.reviewer, "items_done", "wilson")
                .metric(&Metric::wilson(p.items_done, p.items)),
        );
    }
    let a = &t.agreement;
    let n = Some(a.pairable_units as u64);
    out.push(TallyRow {
        estimate: a.percent,
        n,
        ..TallyRow::new(t, "all", "all", "percent_agreement", "percent")
    });
    for (metric, k) in [("cohen_kappa", &a.cohen), ("fleiss_kappa", &a.fleiss)] {
        out.push(TallyRow {
            estimate: k.map(|k| k.value),
            n: k.map(|k| k.units as u64),
            ..TallyRow::new(t, "all", "all", metric, metric)
        });
    }
    out.push(TallyRow {
        estimate: a.krippendorff,
        lo: a.krippendorff_ci.map(|c| c.lo),
        hi: a.krippendorff_ci.map(|c| c.hi),
        n,
        ..TallyRow::new(
            t,
            "all",
            "all",
            "krippendorff_alpha",
            "krippendorff_nominal_bootstrap_units",
        )
    });
    for g in &t.groups {
        for (i, m) in g.models.iter().enumerate() {
            model_rows(t, g, i, m, &mut out);
        }
        let pair = format!("{} vs {}", t.model_name(0), t.model_name(1));
        for p in &g.paired {
            out.push(TallyRow {
                model: pair.clone(),
                k: Some(p.a_only),
                n: Some(p.a_only + p.b_only),
                p_value: Some(p.p_value),
                p_adjusted: p.p_holm,
                ..TallyRow::new(
                    t,
                    &g.by,
                    &g.group,
                    format!("mcnemar_{}", p.metric),
                    if p.p_holm.is_some() {
                        "exact_mcnemar_holm"
                    } else {
                        "exact_mcnemar"
                    },
                )
            });
        }
    }
    extra_rows(t, &mut out);
    for b in &t.blinding {
        out.push(TallyRow {
            p_value: b.p_value,
            ..TallyRow::new(
                t,
                "reviewer",
                &b.reviewer,
                "student_guess_correct",
                "binomial_exact_vs_0.5",
            )
            .metric(&b.correct)
        });
    }
    out
}

/// Tidy rows of the newer figures.
pub fn extra_rows(t: &Tally, out: &mut Vec<TallyRow>) {
    for g in &t.groups {
        for (i, m) in g.models.iter().enumerate() {
            let row = |metric: &str, method: &str| {
                TallyRow::new(t, &g.by, &g.group, metric, method).slot(t, i)
            };
            for (metric, e) in [
                ("mean_reciprocal_rank", &m.rank.mrr),
                ("must_not_miss_coverage", &m.rank.must_not_miss),
                ("priority_inversions_per_item", &m.rank.inversions),
            ] {
                out.push(TallyRow {
                    estimate: e.value,
                    lo: e.ci.map(|c| c.lo),
                    hi: e.ci.map(|c| c.hi),
                    n: Some(e.items),
                    ..row(metric, "bootstrap_items")
                });
            }
            out.push(row("top1", "wilson").metric(&m.rank.top1));
            if let Some(c) = &m.calibration {
                out.push(TallyRow {
                    estimate: c.ece,
                    n: Some(c.items as u64),
                    ..row("ece", "equal_width_10_bins")
                });
                out.push(TallyRow {
                    estimate: c.brier,
                    n: Some(c.items as u64),
                    ..row("brier", "mean_squared_error")
                });
            }
        }
        let pair = format!("{} vs {}", t.model_name(0), t.model_name(1));
        for p in &g.paired_measures {
            out.push(TallyRow {
                model: pair.clone(),
                estimate: Some(p.mean_difference),
                n: Some(p.pairs),
                p_value: Some(p.p_value),
                ..TallyRow::new(
                    t,
                    &g.by,
                    &g.group,
                    format!("paired_{}", p.metric),
                    if p.exact {
                        "sign_flip_permutation_exact"
                    } else {
                        "sign_flip_permutation_monte_carlo"
                    },
                )
            });
        }
        if let Some(st) = &g.style {
            for (name, f) in [
                ("style_step_error", &st.step_error),
                ("style_preference", &st.preference),
            ] {
                for (suffix, e) in [
                    ("unadjusted", &f.without_covariates),
                    ("adjusted", &f.with_covariates),
                ] {
                    out.push(TallyRow {
                        model: pair.clone(),
                        estimate: e.as_ref().map(|v| v.estimate),
                        n: Some(f.observations as u64),
                        p_value: e.as_ref().map(|v| v.p_value),
                        ..TallyRow::new(
                            t,
                            &g.by,
                            &g.group,
                            format!("{name}_{suffix}"),
                            "logit_cluster_robust_items",
                        )
                    });
                }
            }
        }
    }
    for b in t.blinding.iter().filter(|b| b.p_cluster.is_some()) {
        let mut row = TallyRow {
            p_value: b.p_cluster,
            ..TallyRow::new(
                t,
                "reviewer",
                &b.reviewer,
                "student_guess_correct",
                "cluster_bootstrap_items_sign_flip_items",
            )
            .metric(&b.correct)
        };
        row.lo = b.correct.cluster.map(|c| c.lo);
        row.hi = b.correct.cluster.map(|c| c.hi);
        out.push(row);
    }
    for p in &t.agreement.pairwise {
        out.push(TallyRow {
            estimate: p.kappa,
            n: Some(p.units as u64),
            ..TallyRow::new(
                t,
                "reviewer_pair",
                &format!("{} & {}", p.a, p.b),
                "cohen_kappa",
                "cohen_kappa",
            )
        });
    }
    for f in t.agreement.tags.iter().chain(t.agreement.severity.as_ref()) {
        out.push(TallyRow {
            estimate: f.krippendorff,
            lo: f.krippendorff_ci.map(|c| c.lo),
            hi: f.krippendorff_ci.map(|c| c.hi),
            n: Some(f.units as u64),
            ..TallyRow::new(
                t,
                "all",
                "all",
                format!("krippendorff_alpha_{}", f.facet.replace(' ', "_")),
                "krippendorff_nominal_bootstrap_items",
            )
        });
    }
}
