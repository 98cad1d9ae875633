//! The per-model tally: accumulate each reviewer's verdicts per item and slot once, then
//! sum and vote them per group. Pure: values in, values out.
//!
//! Rules (also in the methods text of the README):
//! - step metrics pool every reviewer's current verdicts; abstained and unmarked steps are out
//!   of every step denominator, and tags count only on judged (sound/neutral/error) steps;
//! - chain- and answer-level outcomes (and each red flag recognised and acted on) resolve the
//!   item's reviewers by the study's tie rule (`exclude`, `any`, `majority-else-exclude`); an
//!   adjudication wins;
//! - step- and reviewer-level rates carry a cluster-bootstrap interval over items beside
//!   Wilson;
//! - the automatic answer score counts a chain with no extracted answer as wrong.
//!
//! Must not: look at model names; the per-model output exists only when `models` is known.

use super::agreement::{agreement, blinding, progress};
pub(crate) use super::cells::{Cell, ChainAcc, cells};
use super::input::{GroupBy, ItemInfo, TallyConfig, TallyInput};
use super::measures::{calibration, paired_measures, rank_tally, resolution_rows};
use super::resolve::{Decisions, Outcome, Resolved, decisions, resolve, votes};
use super::result::{
    Contrast, GroupTally, MethodInfo, Metric, ModeTally, ModelTally, PairedTest, Tally,
};
pub(crate) use super::shared::{Ctx, ItemOutcome, Outcomes, cluster_ci};
use crate::domain::Slot;
use crate::domain::{ErrorMode, TaskKind, TieRule};
use crate::stats::{McNemar, SignificanceLevel, holm};
use rayon::prelude::*;
use std::collections::BTreeMap;

fn outcome(
    item: u32,
    cells: &[&Cell<'_>],
    slot: Slot,
    rule: TieRule,
    decided: &Decisions,
) -> ItemOutcome {
    let all = votes(cells, slot.index());
    let get = |o: Outcome| {
        let v: Vec<bool> = all
            .get(&o)
            .map(|v| v.iter().map(|x| x.1).collect())
            .unwrap_or_default();
        resolve(&v, rule, decided.get(&(item, slot, o)).copied())
    };
    let (mut n_flags, mut n_acted) = (0, 0);
    for o in all.keys() {
        match o {
            Outcome::RedFlag(i) => n_flags = n_flags.max(*i as usize + 1),
            Outcome::ActedOn(i) => n_acted = n_acted.max(*i as usize + 1),
            _ => {}
        }
    }
    ItemOutcome {
        answer: get(Outcome::AnswerCorrect),
        has_error: get(Outcome::ChainError),
        modes: [0u8, 1, 2, 3].map(|m| get(Outcome::Mode(m))),
        flags: (0..n_flags)
            .map(|i| get(Outcome::RedFlag(i as u16)))
            .collect(),
        acted: (0..n_acted)
            .map(|i| get(Outcome::ActedOn(i as u16)))
            .collect(),
    }
}

fn count<'a>(values: impl Iterator<Item = &'a Option<bool>>) -> Metric {
    let (mut k, mut n) = (0, 0);
    for v in values.flatten() {
        n += 1;
        k += u64::from(*v);
    }
    Metric::wilson(k, n)
}

fn count_resolved<'a>(values: impl Iterator<Item = &'a Resolved>) -> Metric {
    let (mut k, mut n) = (0, 0);
    for v in values.filter_map(|r| r.value) {
        n += 1;
        k += u64::from(v);
    }
    Metric::wilson(k, n)
}

/// The tally of one group of cells.
fn group_tally(
    input: &TallyInput,
    cells: &[&Cell<'_>],
    by: &str,
    group: String,
    ctx: &Ctx,
    notes: &mut Vec<String>,
) -> GroupTally {
    let items = &input.items;
    let boot = &ctx.bootstrap;
    let mut by_item: BTreeMap<u32, Vec<&Cell<'_>>> = BTreeMap::new();
    for c in cells {
        by_item.entry(c.item).or_default().push(c);
    }
    let outcomes: Outcomes = by_item
        .iter()
        .map(|(&item, cs)| {
            (
                item,
                Slot::BOTH.map(|slot| outcome(item, cs, slot, ctx.rule, &ctx.decided)),
            )
        })
        .collect();
    let info = |item: u32| items.get(item as usize);
    let per_item = |f: &dyn Fn(&Cell<'_>) -> (u64, u64)| -> Vec<(u64, u64)> {
        by_item
            .values()
            .map(|cs| {
                cs.iter().fold((0, 0), |(a, b), c| {
                    let (x, y) = f(c);
                    (a + x, b + y)
                })
            })
            .collect()
    };
    let model = |slot: Slot, notes: &mut Vec<String>| {
        let s = slot.index();
        let label = |what: &str| format!("{what} ({})", slot.as_str());
        let mut total = ChainAcc::default();
        for c in cells {
            total.add(&c.chains[s]);
        }
        let step_error_cluster = cluster_ci(
            &per_item(&|c| (c.chains[s].error, c.chains[s].judged())),
            boot,
            &label("step error rate"),
            notes,
        );
        let answers_of = |kind: Option<TaskKind>| {
            count_resolved(
                outcomes
                    .iter()
                    .filter(|(i, _)| kind.is_none_or(|k| info(*i).is_some_and(|x| x.task == k)))
                    .map(|(_, o)| &o[s].answer),
            )
        };
        let auto: Vec<Option<bool>> = outcomes
            .iter()
            // Only given answers are right or wrong; none given and cut off
            // are reported apart (answer outcomes), not counted as wrong.
            .map(|(i, _)| info(*i).and_then(|x| x.auto_correct[s]))
            .collect();
        let modes = ErrorMode::ALL
            .iter()
            .enumerate()
            .map(|(m, mode)| ModeTally {
                mode: *mode,
                steps: Metric::wilson(total.mode_steps[m], total.judged()).with_cluster(
                    cluster_ci(
                        &per_item(&|c| (c.chains[s].mode_steps[m], c.chains[s].judged())),
                        boot,
                        &label(&format!("{mode} step rate")),
                        notes,
                    ),
                ),
                chains: count_resolved(outcomes.iter().map(|(_, o)| &o[s].modes[m])),
            })
            .collect();
        let flag_counts = |c: &Cell<'_>| {
            c.case.map_or((0, 0), |case| {
                (
                    case.red_flags[s].iter().filter(|f| **f).count() as u64,
                    case.red_flags[s].len() as u64,
                )
            })
        };
        let flag_clusters = per_item(&flag_counts);
        let (flags_k, flags_n) = flag_clusters
            .iter()
            .fold((0, 0), |(a, b), (x, y)| (a + x, b + y));
        let acted_clusters = per_item(&|c: &Cell<'_>| {
            c.case.map_or((0, 0), |case| {
                (
                    case.acted_on[s].iter().filter(|f| **f).count() as u64,
                    case.acted_on[s].len() as u64,
                )
            })
        });
        let (acted_k, acted_n) = acted_clusters
            .iter()
            .fold((0, 0), |(a, b), (x, y)| (a + x, b + y));
        let rawr: Vec<Option<bool>> = outcomes
            .iter()
            .filter(|(_, o)| o[s].answer.value == Some(true))
            .map(|(_, o)| o[s].has_error.value)
            .collect();
        let mut answer_outcomes = [0u64; 3];
        let mut answer_conflicts = 0u64;
        for (i, _) in &outcomes {
            if let Some(x) = info(*i) {
                answer_outcomes[match x.outcomes[s] {
                    crate::domain::AnswerOutcome::Given => 0,
                    crate::domain::AnswerOutcome::None => 1,
                    crate::domain::AnswerOutcome::Truncated => 2,
                }] += 1;
                answer_conflicts += u64::from(x.conflicts[s]);
            }
        }
        ModelTally {
            answer_outcomes,
            answer_conflicts,
            answer_correct: answers_of(None),
            mcq_accuracy: answers_of(Some(TaskKind::Mcq)),
            top5_inclusion: answers_of(Some(TaskKind::Differential)),
            auto_answer_correct: count(auto.iter()),
            step_error: Metric::wilson(total.error, total.judged())
                .with_cluster(step_error_cluster),
            step_error_cluster,
            steps_abstained: total.abstain,
            steps_unmarked: cells
                .iter()
                .map(|c| {
                    let steps = info(c.item).map_or(0, |x| x.steps[s]) as u64;
                    steps.saturating_sub(c.chains[s].labelled())
                })
                .sum(),
            chains_with_error: count_resolved(outcomes.iter().map(|(_, o)| &o[s].has_error)),
            modes,
            red_flag_recognition: Metric::wilson(flags_k, flags_n).with_cluster(cluster_ci(
                &flag_clusters,
                boot,
                &label("red-flag recognition"),
                notes,
            )),
            red_flag_action: Metric::wilson(acted_k, acted_n).with_cluster(cluster_ci(
                &acted_clusters,
                boot,
                &label("red-flag action"),
                notes,
            )),
            right_answer_wrong_reasoning: count(rawr.iter()),
            severity: total.severity,
            bad_split: Metric::wilson(total.bad_split, total.labelled()).with_cluster(cluster_ci(
                &per_item(&|c| (c.chains[s].bad_split, c.chains[s].labelled())),
                boot,
                &label("bad-split flags"),
                notes,
            )),
            red_flag_consensus: count_resolved(
                outcomes.iter().flat_map(|(_, o)| o[s].flags.iter()),
            ),
            red_flag_action_consensus: count_resolved(
                outcomes.iter().flat_map(|(_, o)| o[s].acted.iter()),
            ),
            rank: rank_tally(items, &outcomes, s, boot, notes),
            calibration: calibration(items, &outcomes, s, notes),
        }
    };
    // The two slots are independent (each bootstrap has its own seeded stream): side by side
    // on the thread pool, their notes kept in slot order.
    let ((a, notes_a), (b, notes_b)) = rayon::join(
        || {
            let mut n = Vec::new();
            (model(Slot::A, &mut n), n)
        },
        || {
            let mut n = Vec::new();
            (model(Slot::B, &mut n), n)
        },
    );
    notes.extend(notes_a);
    notes.extend(notes_b);
    let models = [a, b];
    GroupTally {
        by: by.to_string(),
        group,
        items: by_item.len() as u64,
        models,
        paired: paired(&outcomes, items, ctx),
        paired_measures: paired_measures(items, &by_item, ctx, notes),
        resolution: resolution_rows(&outcomes),
        // Filled in by `tally` for the overall group (computed beside the groups).
        style: None,
    }
}

fn paired(outcomes: &Outcomes, items: &[ItemInfo], ctx: &Ctx) -> Vec<PairedTest> {
    let alpha = ctx.alpha.get();
    let test = |metric: &str, pairs: Vec<(bool, bool)>| {
        let t = McNemar::from_pairs(pairs.iter().copied());
        PairedTest {
            metric: metric.to_string(),
            pairs: pairs.len() as u64,
            a_only: t.b,
            b_only: t.c,
            p_value: t.p_value.min(1.0),
            p_holm: None,
            significant: t.b + t.c > 0 && t.p_value < alpha,
            primary: ctx.is_primary(metric),
        }
    };
    let both = |f: &dyn Fn(&ItemOutcome) -> Option<bool>| -> Vec<(bool, bool)> {
        outcomes
            .iter()
            .filter_map(|(_, o)| Some((f(&o[0])?, f(&o[1])?)))
            .collect()
    };
    let mut out = vec![
        test("answer_correct", both(&|o| o.answer.value)),
        test("chain_error", both(&|o| o.has_error.value)),
    ];
    let top1: Vec<(bool, bool)> = outcomes
        .iter()
        .filter_map(|(i, _)| {
            let d = &items.get(*i as usize)?.detail;
            let [a, b] = [d.rank[0]?, d.rank[1]?];
            Some((a.gold_rank == Some(1), b.gold_rank == Some(1)))
        })
        .collect();
    out.push(test("top1", top1));
    let modes: Vec<PairedTest> = (0..ErrorMode::ALL.len())
        .map(|m| test(ErrorMode::ALL[m].as_str(), both(&|o| o.modes[m].value)))
        .collect();
    let adjusted = holm(&modes.iter().map(|t| t.p_value).collect::<Vec<_>>());
    out.extend(modes.into_iter().zip(adjusted).map(|(t, p)| PairedTest {
        p_holm: Some(p.min(1.0)),
        significant: t.a_only + t.b_only > 0 && p < alpha,
        ..t
    }));
    out
}

fn groups(
    input: &TallyInput,
    cells: &[Cell<'_>],
    config: &TallyConfig,
    ctx: &Ctx,
    notes: &mut Vec<String>,
) -> Vec<GroupTally> {
    let all: Vec<&Cell<'_>> = cells.iter().collect();
    let mut subgroups: Vec<(GroupBy, String, Vec<&Cell<'_>>)> = Vec::new();
    for by in &config.by {
        let mut keyed: BTreeMap<(usize, String), Vec<&Cell<'_>>> = BTreeMap::new();
        for c in cells {
            let key = match by {
                GroupBy::Reviewer => (
                    c.reviewer as usize,
                    input
                        .reviewers
                        .get(c.reviewer as usize)
                        .cloned()
                        .unwrap_or_default(),
                ),
                GroupBy::TaskKind | GroupBy::Source => {
                    let Some(item) = input.items.get(c.item as usize) else {
                        continue;
                    };
                    if *by == GroupBy::TaskKind {
                        (item.task as usize, item.task.to_string())
                    } else {
                        (0, item.source.clone())
                    }
                }
                GroupBy::Specialty | GroupBy::Incidence | GroupBy::Stage => {
                    let Some(item) = input.items.get(c.item as usize) else {
                        continue;
                    };
                    if *by == GroupBy::Specialty {
                        (item.specialty as usize, item.specialty.to_string())
                    } else if *by == GroupBy::Stage {
                        (item.stage as usize, item.stage.to_string())
                    } else {
                        match item.incidence {
                            Some(i) => (i as usize, i.to_string()),
                            None => (usize::MAX, "unknown".into()),
                        }
                    }
                }
            };
            keyed.entry(key).or_default().push(c);
        }
        subgroups.extend(keyed.into_iter().map(|((_, name), cs)| (*by, name, cs)));
    }
    // Groups are independent: tally them on the thread pool, kept in order. Subgroup notes
    // repeat the overall ones; keep the overall group's only.
    let (overall, rest) = rayon::join(
        || {
            let mut n = Vec::new();
            (
                group_tally(input, &all, "all", "all".into(), ctx, &mut n),
                n,
            )
        },
        || {
            subgroups
                .into_par_iter()
                .map(|(by, name, cs)| {
                    group_tally(input, &cs, by.as_str(), name, ctx, &mut Vec::new())
                })
                .collect::<Vec<_>>()
        },
    );
    notes.extend(overall.1);
    let mut out = vec![overall.0];
    out.extend(rest);
    out
}

fn contrast(t: &Tally, alpha: f64) -> Option<Contrast> {
    let g = t.overall()?;
    let acc = [g.models[0].answer_correct, g.models[1].answer_correct];
    let err = [g.models[0].step_error, g.models[1].step_error];
    let hidden = (0..2).find(|&i| {
        let j = 1 - i;
        matches!((acc[i].estimate, acc[j].estimate, err[i].estimate, err[j].estimate),
            (Some(ai), Some(aj), Some(ei), Some(ej)) if ai > aj && ei > ej)
    });
    let answer_p = g
        .paired
        .iter()
        .find(|p| p.metric == "answer_correct" && p.a_only + p.b_only > 0)
        .map(|p| p.p_value);
    let step_p = g
        .paired_measures
        .iter()
        .find(|p| p.metric == "step_error_rate" && p.nonzero > 0)
        .map(|p| p.p_value);
    let supported = hidden.is_some()
        && answer_p.is_some_and(|p| p < alpha)
        && step_p.is_some_and(|p| p < alpha);
    Some(Contrast {
        answer_correct: acc,
        step_error: err,
        hidden_by_answers: hidden.map(|i| t.model_name(i)),
        answer_p,
        step_p,
        supported,
    })
}

/// Tally a study. While `input.models` is `None` (blinded), only progress and agreement are
/// computed; per-model figures, blinding checks and the contrast stay empty.
pub fn tally(input: &TallyInput, config: &TallyConfig) -> Tally {
    let cells = cells(input);
    let mut notes = Vec::new();
    let plan_alpha = SignificanceLevel::new(input.plan.alpha);
    let (alpha, alpha_source) = match (config.alpha, plan_alpha) {
        (Some(a), Ok(p)) if a == p => (a, "study plan".to_string()),
        (Some(a), Ok(p)) => (
            a,
            format!("--alpha override (the study plan fixed {})", p.get()),
        ),
        (Some(a), Err(e)) => (a, format!("--alpha (the study plan's is invalid: {e})")),
        (None, Ok(p)) if input.plan_history.is_empty() => (
            p,
            "the default plan: none was recorded at study creation".to_string(),
        ),
        (None, Ok(p)) => (p, "study plan".to_string()),
        (None, Err(e)) => {
            notes.push(format!("the study plan's α is invalid ({e}); using 0.01"));
            (SignificanceLevel::DEFAULT, "default".to_string())
        }
    };
    let ctx = Ctx {
        alpha,
        bootstrap: config.bootstrap,
        rule: input.plan.ties,
        decided: decisions(input),
        primary: input.plan.primary.clone(),
    };
    // Agreement and style control do not depend on the groups: compute them on scoped
    // threads beside the per-model figures. Deterministic: each has its own seeded streams.
    let all_cells: Vec<&Cell<'_>> = cells.iter().collect();
    let unblinded = input.models.is_some();
    let ((agreement, agreement_notes), style, (groups, blinding)) = std::thread::scope(|scope| {
        let a = scope.spawn(|| {
            let mut n = Vec::new();
            (agreement(input, &config.bootstrap, &mut n), n)
        });
        let st = scope.spawn(|| {
            unblinded.then(|| super::style::style_control(input, &all_cells, &mut Vec::new()))
        });
        let mut n = Vec::new();
        let per_model = if unblinded {
            let g = groups(input, &cells, config, &ctx, &mut n);
            let b = blinding(input, &config.bootstrap, &mut n);
            (g, b)
        } else {
            (Vec::new(), Vec::new())
        };
        let a = a.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        let st = st.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        notes.extend(n);
        (a, st, per_model)
    });
    let mut agreement_notes = agreement_notes;
    agreement_notes.append(&mut notes);
    notes = agreement_notes;
    let mut t = Tally {
        study: input.study.clone(),
        unblinded: input.models.is_some(),
        alpha: alpha.get(),
        models: input.models.clone(),
        progress: progress(input, &cells),
        agreement,
        groups: Vec::new(),
        blinding: Vec::new(),
        contrast: None,
        plan: input.plan.clone(),
        plan_history: input.plan_history.clone(),
        alpha_source,
        notes: Vec::new(),
        method: MethodInfo {
            replicates: config.bootstrap.replicates,
            seed: config.bootstrap.seed,
            level: config.bootstrap.level,
            stripper_versions: input.stripper_versions.clone(),
            software: format!("blindstep {}", env!("CARGO_PKG_VERSION")),
            items: input.items.len(),
            reviewers: input.reviewers.len(),
        },
    };
    if unblinded {
        t.groups = groups;
        if let Some(g) = t.groups.iter_mut().find(|g| g.by == "all") {
            g.style = style;
        }
        t.blinding = blinding;
        t.contrast = contrast(&t, alpha.get());
    }
    t.notes = notes;
    t
}
