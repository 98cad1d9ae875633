//! A tally as text for the terminal, and as tidy long rows (one number per row with its
//! interval and counts) for `--format csv` and `export --what tally`.
//!
//! Must not: compute statistics; only format what `compute` produced. "n/a", never NaN.

use super::result::{GroupTally, Metric, ModelTally, Tally};
use serde::Serialize;
use std::fmt::Write;

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
    super::render_more::extra_rows(t, &mut out);
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

/// Left-aligned columns, two spaces apart.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, c) in cells.enumerate() {
            let _ = write!(s, "{c:<w$}  ", w = widths.get(i).copied().unwrap_or(0));
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for r in rows {
        line(&mut r.iter().map(String::as_str));
    }
    out
}

use super::format::format_p as p_text;

/// The per-model rows of one group, `[A, B]` side by side.
fn group_table(t: &Tally, g: &GroupTally) -> String {
    let [a, b] = &g.models;
    let both = |f: &dyn Fn(&ModelTally) -> String| vec![f(a), f(b)];
    let mut rows: Vec<(String, Vec<String>)> = vec![
        (
            "answer correct (reviewed)".into(),
            both(&|m| m.answer_correct.full()),
        ),
        ("  MCQ accuracy".into(), both(&|m| m.mcq_accuracy.full())),
        (
            "  top-5 inclusion".into(),
            both(&|m| m.top5_inclusion.full()),
        ),
        (
            "answer correct (auto vs gold)".into(),
            both(&|m| m.auto_answer_correct.full()),
        ),
        (
            "  answers given / none / cut off".into(),
            both(&|m| {
                let [g, n, c] = m.answer_outcomes;
                format!("{g} / {n} / {c}")
            }),
        ),
        (
            "  answer conflicts reasoning".into(),
            both(&|m| m.answer_conflicts.to_string()),
        ),
        ("step error rate".into(), both(&|m| m.step_error.labelled())),
        (
            "chains with ≥1 error".into(),
            both(&|m| m.chains_with_error.full()),
        ),
    ];
    for (i, mode) in a.modes.iter().enumerate() {
        rows.push((
            format!("{}: steps", mode.mode),
            both(&|m| m.modes.get(i).map_or("n/a".into(), |x| x.steps.labelled())),
        ));
        rows.push((
            format!("{}: chains", mode.mode),
            both(&|m| m.modes.get(i).map_or("n/a".into(), |x| x.chains.full())),
        ));
    }
    rows.extend([
        (
            "red-flag recognition (reviewer level)".into(),
            both(&|m| m.red_flag_recognition.labelled()),
        ),
        (
            "red flags recognised (item level, tie rule)".into(),
            both(&|m| m.red_flag_consensus.full()),
        ),
        (
            "right answer, wrong reasoning".into(),
            both(&|m| m.right_answer_wrong_reasoning.full()),
        ),
        (
            "severity minor/major/harmful/none".into(),
            both(&|m| {
                format!(
                    "{}/{}/{}/{}",
                    m.severity.minor, m.severity.major, m.severity.harmful, m.severity.unspecified
                )
            }),
        ),
        ("bad-split flags".into(), both(&|m| m.bad_split.labelled())),
        (
            "steps abstained / unmarked".into(),
            both(&|m| format!("{} / {}", m.steps_abstained, m.steps_unmarked)),
        ),
    ]);
    let head_a = format!("A: {}", t.model_name(0));
    let head_b = format!("B: {}", t.model_name(1));
    let body: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(k, v)| std::iter::once(k).chain(v).collect())
        .collect();
    table(&["", &head_a, &head_b], &body)
}

fn paired_table(g: &GroupTally) -> String {
    let rows: Vec<Vec<String>> = g
        .paired
        .iter()
        .map(|p| {
            vec![
                p.metric.clone(),
                p.pairs.to_string(),
                p.a_only.to_string(),
                p.b_only.to_string(),
                if p.a_only + p.b_only == 0 {
                    "n/a (no discordant pairs)".into()
                } else {
                    p_text(p.p_value)
                },
                match p.p_holm {
                    Some(_) if p.a_only + p.b_only == 0 => "n/a".into(),
                    Some(h) => p_text(h),
                    None => "-".into(),
                },
                if p.significant {
                    "yes".into()
                } else {
                    "no".into()
                },
                if p.primary {
                    "primary".into()
                } else {
                    "secondary".into()
                },
            ]
        })
        .collect();
    table(
        &[
            "outcome",
            "pairs",
            "A only",
            "B only",
            "p",
            "p (Holm)",
            "significant",
            "plan",
        ],
        &rows,
    )
}

/// The tally as terminal text. `by` limits subgroup tables to one dimension.
pub fn render_table(t: &Tally) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "study {:?}", t.study);
    match &t.models {
        Some(_) => {
            let _ = writeln!(
                s,
                "model A = {}, model B = {}",
                t.model_name(0),
                t.model_name(1)
            );
        }
        None => {
            let _ = writeln!(
                s,
                "blinded: per-model figures appear after `blindstep study unblind`; progress and agreement only."
            );
        }
    }
    if let Some(g) = t.overall() {
        let _ = writeln!(s, "\n== per model, {} item(s) ==", g.items);
        s.push_str(&group_table(t, g));
        let _ = writeln!(
            s,
            "\n== paired, A vs B on the same items (exact McNemar; error modes Holm-adjusted; α = {}) ==",
            t.alpha
        );
        let _ = writeln!(
            s,
            "(for answer_correct, 'A only' = A right and B wrong; for a mode, 'A only' = only A's chain has it)"
        );
        s.push_str(&paired_table(g));
        s.push_str(&super::render_more::group_sections(t, g));
    }
    if let Some(c) = &t.contrast {
        let _ = writeln!(s, "\n== answer accuracy vs step error ==");
        for i in 0..2 {
            let _ = writeln!(
                s,
                "{}: answers {}, step errors {}",
                t.model_name(i),
                c.answer_correct[i].percent(),
                c.step_error[i].percent()
            );
        }
        let _ = writeln!(s, "{}", super::render_more::contrast_sentence(t, c));
    }
    let subgroups: Vec<&GroupTally> = t.groups.iter().filter(|g| g.by != "all").collect();
    if !subgroups.is_empty() {
        let _ = writeln!(s, "\n== by subgroup ==");
        let mut rows = Vec::new();
        for g in &subgroups {
            for (i, m) in g.models.iter().enumerate() {
                let acc = g.paired.first().map_or("-".into(), |p| p_text(p.p_value));
                rows.push(vec![
                    g.by.clone(),
                    g.group.clone(),
                    g.items.to_string(),
                    ["A", "B"][i].to_string(),
                    m.answer_correct.full(),
                    m.step_error.full(),
                    m.right_answer_wrong_reasoning.full(),
                    m.red_flag_recognition.full(),
                    if i == 0 { acc } else { String::new() },
                ]);
            }
        }
        s.push_str(&table(
            &[
                "by",
                "group",
                "items",
                "model",
                "answer correct",
                "step error",
                "right ans., wrong reas.",
                "red flags recognised",
                "McNemar p (acc.)",
            ],
            &rows,
        ));
    }
    s.push_str(&super::render_more::agreement_section(t));
    if !t.blinding.is_empty() {
        let _ = writeln!(
            s,
            "\n== blinding: \"which side is the student?\" guessed right (exact binomial vs 50%) =="
        );
        let rows: Vec<Vec<String>> = t
            .blinding
            .iter()
            .map(|b| {
                vec![
                    b.reviewer.clone(),
                    b.correct.labelled(),
                    b.p_value.map_or("n/a (no guesses)".into(), p_text),
                    b.p_cluster.map_or("-".into(), p_text),
                ]
            })
            .collect();
        s.push_str(&table(
            &[
                "reviewer",
                "correct guesses",
                "p (binomial)",
                "p (items, sign-flip)",
            ],
            &rows,
        ));
    }
    let _ = writeln!(s, "\n== progress ==");
    let rows: Vec<Vec<String>> = t
        .progress
        .iter()
        .map(|p| {
            vec![
                p.reviewer.clone(),
                format!("{}/{}", p.items_done, p.items),
                format!("{}/{}", p.steps_judged, p.steps_total),
            ]
        })
        .collect();
    s.push_str(&table(&["reviewer", "items done", "steps judged"], &rows));
    s.push_str(&super::render_more::plan_and_notes(t));
    s
}
