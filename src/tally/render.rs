//! A tally as text for the terminal (the newer sections are in [`super::render_more`]; the
//! tidy rows in [`super::rows`]).
//!
//! Must not: compute statistics; only format what `compute` produced. "n/a", never NaN.

use super::format::table;
use super::result::{GroupTally, ModelTally, Tally};
use std::fmt::Write;

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
            "red flags acted on (reviewer level)".into(),
            both(&|m| m.red_flag_action.labelled()),
        ),
        (
            "red flags acted on (item level, tie rule)".into(),
            both(&|m| m.red_flag_action_consensus.full()),
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
                    m.red_flag_action.full(),
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
                "red flags acted on",
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
