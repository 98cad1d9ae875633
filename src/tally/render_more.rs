//! The newer sections of the text tally (dispute resolution, rank-aware scores, paired
//! permutation tests, calibration, style control, agreement detail, plan and notes); their
//! tidy rows are in [`super::rows`]. Re-exports the p-value format: 4 significant digits,
//! never 0.9999999999999998.
//!
//! Must not: compute statistics; format what `compute` produced. Every n/a says why.

use super::format::table;
use super::result::{Contrast, GroupTally, StyleFit, Tally};
use std::fmt::Write;

pub use super::format::format_p;

fn pct(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |x| format!("{:.1}%", 100.0 * x))
}

fn num(v: Option<f64>, why: Option<&String>) -> String {
    match (v, why) {
        (Some(x), _) => format!("{x:.3}"),
        (None, Some(w)) => format!("n/a ({w})"),
        (None, None) => "n/a".into(),
    }
}

/// The contrast sentence, stated only when both paired tests are significant at α.
pub fn contrast_sentence(t: &Tally, c: &Contrast) -> String {
    let p = |v: Option<f64>| v.map_or("n/a".into(), format_p);
    match &c.hidden_by_answers {
        Some(m) if c.supported => format!(
            "{m} has the better answers AND the worse steps (McNemar p {}, step error permutation p {}, both < α = {}): answer accuracy hides its reasoning errors.",
            p(c.answer_p),
            p(c.step_p),
            t.alpha
        ),
        Some(m) => format!(
            "{m} has the higher answer accuracy and the higher step error rate, but the differences are not significant at α = {} (McNemar p {}, step error permutation p {}).",
            t.alpha,
            p(c.answer_p),
            p(c.step_p)
        ),
        None => "No model has both the better answers and the worse steps.".into(),
    }
}

fn style_lines(s: &mut String, f: &StyleFit) {
    let e = |x: &Option<super::result::StyleEffect>| {
        x.as_ref().map_or("n/a".into(), |v| {
            format!(
                "{:+.3} (SE {:.3}, OR {:.2}, p {})",
                v.estimate,
                v.se,
                v.estimate.exp(),
                format_p(v.p_value)
            )
        })
    };
    let _ = writeln!(
        s,
        "{}: {} observations in {} items",
        f.effect, f.observations, f.clusters
    );
    let _ = writeln!(s, "  without covariates: {}", e(&f.without_covariates));
    let _ = writeln!(s, "  with covariates:    {}", e(&f.with_covariates));
    for (name, c) in &f.covariates {
        let _ = writeln!(s, "    {name:<16} {}", e(&Some(c.clone())));
    }
    if let Some(w) = &f.why_na {
        let _ = writeln!(s, "  n/a: {w}");
    }
}

/// Sections of the overall group after the paired McNemar table.
pub fn group_sections(t: &Tally, g: &GroupTally) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n== paired permutation tests of per-item measures, A − B (sign-flip; α = {}) ==",
        t.alpha
    );
    let rows: Vec<Vec<String>> = g
        .paired_measures
        .iter()
        .map(|p| {
            vec![
                p.metric.clone(),
                p.pairs.to_string(),
                p.nonzero.to_string(),
                format!("{:+.4}", p.mean_difference),
                if p.nonzero == 0 {
                    "n/a (no item differs)".into()
                } else {
                    format_p(p.p_value)
                },
                if p.exact { "exact" } else { "Monte Carlo" }.into(),
                if p.significant { "yes" } else { "no" }.into(),
                if p.primary { "primary" } else { "secondary" }.into(),
            ]
        })
        .collect();
    s.push_str(&table(
        &[
            "measure",
            "pairs",
            "differing",
            "mean A−B",
            "p",
            "method",
            "significant",
            "plan",
        ],
        &rows,
    ));
    let _ = writeln!(
        s,
        "\n== rank-aware scoring of differentials (intervals: bootstrap over items) =="
    );
    let [a, b] = &g.models;
    let rows = vec![
        vec![
            "mean reciprocal rank of gold".into(),
            a.rank.mrr.text(3),
            b.rank.mrr.text(3),
        ],
        vec![
            "gold ranked first (top-1)".into(),
            a.rank.top1.full(),
            b.rank.top1.full(),
        ],
        vec![
            "must-not-miss in top 5".into(),
            a.rank.must_not_miss.text(3),
            b.rank.must_not_miss.text(3),
        ],
        vec![
            "priority inversions per item".into(),
            a.rank.inversions.text(3),
            b.rank.inversions.text(3),
        ],
    ];
    s.push_str(&table(&["", "A", "B"], &rows));
    let _ = writeln!(
        s,
        "\n== disputed item outcomes (tie rule: {}) ==",
        t.plan.ties
    );
    let rows: Vec<Vec<String>> = g
        .resolution
        .iter()
        .filter(|r| r.multi_rated > 0)
        .map(|r| {
            vec![
                r.outcome.clone(),
                r.slot.clone(),
                r.multi_rated.to_string(),
                r.unresolved.to_string(),
                r.adjudicated.to_string(),
                r.excluded.to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        let _ = writeln!(s, "no item outcome was rated by two reviewers");
    } else {
        s.push_str(&table(
            &[
                "outcome",
                "model",
                "rated by ≥2",
                "unresolved",
                "adjudicated",
                "excluded by rule",
            ],
            &rows,
        ));
    }
    let _ = writeln!(
        s,
        "\n== calibration of option probabilities (MCQ; 10 equal-width bins) =="
    );
    for (i, m) in g.models.iter().enumerate() {
        let side = ["A", "B"][i];
        match &m.calibration {
            None => {
                let _ = writeln!(
                    s,
                    "{side}: n/a (no run of this model carries option probabilities; see `blindstep runs score`)"
                );
            }
            Some(c) => {
                let _ = writeln!(
                    s,
                    "{side}: {} items, ECE {}, Brier {}",
                    c.items,
                    c.ece.map_or("n/a".into(), |v| format!("{v:.4}")),
                    c.brier.map_or("n/a".into(), |v| format!("{v:.4}"))
                );
                let rows: Vec<Vec<String>> = c
                    .bins
                    .iter()
                    .filter(|b| b.count > 0)
                    .map(|b| {
                        vec![
                            format!(
                                "[{:.1}, {:.1}{}",
                                b.lo,
                                b.hi,
                                if b.hi >= 1.0 { "]" } else { ")" }
                            ),
                            b.count.to_string(),
                            pct(b.mean_confidence),
                            pct(b.accuracy),
                        ]
                    })
                    .collect();
                s.push_str(&table(
                    &["confidence bin", "items", "mean confidence", "accuracy"],
                    &rows,
                ));
            }
        }
    }
    if let Some(st) = &g.style {
        let _ = writeln!(
            s,
            "\n== style control (logistic, item-clustered robust SE) =="
        );
        style_lines(&mut s, &st.step_error);
        style_lines(&mut s, &st.preference);
        let _ = writeln!(s, "  preference ties excluded: {}", st.preference_ties);
    }
    s
}

/// Agreement on labels, the pairwise matrix, tags and severity.
pub fn agreement_section(t: &Tally) -> String {
    let a = &t.agreement;
    let why = |k: &str| a.why_na.get(k);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n== agreement on step labels (sound/neutral/error; abstain = missing) =="
    );
    let _ = writeln!(
        s,
        "steps judged by ≥2 reviewers: {}; percent agreement {}; Cohen's κ {}; Fleiss' κ {}; Krippendorff's α {}{}",
        a.pairable_units,
        match (a.percent, why("percent")) {
            (Some(p), _) => format!("{:.1}%", 100.0 * p),
            (None, w) => num(None, w),
        },
        num(a.cohen.map(|k| k.value), why("cohen")),
        num(a.fleiss.map(|k| k.value), why("fleiss")),
        num(a.krippendorff, why("krippendorff")),
        a.krippendorff_ci.map_or(String::new(), |c| format!(
            " [{:.3}, {:.3}] (bootstrap over {} items)",
            c.lo, c.hi, a.krippendorff_items
        )),
    );
    let _ = writeln!(s, "{}", a.fleiss_note);
    if a.pairwise.len() > 1 {
        let _ = writeln!(s, "pairwise Cohen's κ (steps both judged):");
        let rows: Vec<Vec<String>> = a
            .pairwise
            .iter()
            .map(|p| {
                vec![
                    p.a.clone(),
                    p.b.clone(),
                    p.units.to_string(),
                    num(p.kappa, p.why_na.as_ref()),
                ]
            })
            .collect();
        s.push_str(&table(&["reviewer", "reviewer", "n", "κ"], &rows));
    }
    let facets: Vec<&super::result::FacetAgreement> =
        a.tags.iter().chain(a.severity.as_ref()).collect();
    let rows: Vec<Vec<String>> = facets
        .iter()
        .map(|f| {
            vec![
                f.facet.clone(),
                f.units.to_string(),
                pct(f.percent),
                num(f.krippendorff, f.why_na.as_ref()),
                f.krippendorff_ci
                    .map_or(String::new(), |c| format!("[{:.3}, {:.3}]", c.lo, c.hi)),
            ]
        })
        .collect();
    s.push_str(&table(
        &[
            "facet",
            "units",
            "percent",
            "Krippendorff α",
            "interval (items)",
        ],
        &rows,
    ));
    s
}

/// The plan, its changes after unblinding, α's source, and the notes.
pub fn plan_and_notes(t: &Tally) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "\n== analysis plan ==");
    let _ = writeln!(
        s,
        "tie rule {} ({}); α = {} ({}); primary: {}",
        t.plan.ties,
        t.plan.ties.describe(),
        t.alpha,
        t.alpha_source,
        t.plan.primary.join(", ")
    );
    for r in t.plan_history.iter().skip(1) {
        let _ = writeln!(
            s,
            "{}changed {} by {}: ties {}, α {}, primary {}{}",
            if r.after_unblinding {
                "AFTER UNBLINDING: "
            } else {
                ""
            },
            r.created_at,
            r.actor,
            r.plan.ties,
            r.plan.alpha,
            r.plan.primary.join(", "),
            r.reason
                .as_ref()
                .map_or(String::new(), |w| format!(" (reason: {w})"))
        );
    }
    if !t.notes.is_empty() {
        let _ = writeln!(s, "\n== notes ==");
        for n in &t.notes {
            let _ = writeln!(s, "- {n}");
        }
    }
    s
}
