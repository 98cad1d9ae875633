//! The per-model tally: accumulate each reviewer's verdicts per item and slot once, then
//! sum and vote them per group. Pure: values in, values out.
//!
//! Rules (also in the methods text of the README):
//! - step metrics pool every reviewer's current verdicts; abstained and unmarked steps are out
//!   of every step denominator, and tags count only on judged (sound/neutral/error) steps;
//! - chain- and answer-level outcomes take the majority of the item's reviewers; an exact tie
//!   goes to the reviewer whose id sorts first (reviewer-level rows remain in the exports);
//! - the automatic answer score counts a chain with no extracted answer as wrong.
//!
//! Must not: look at model names; the per-model output exists only when `models` is known.

use super::agreement::{agreement, blinding, progress};
use super::input::{CaseObs, GroupBy, ItemInfo, TallyConfig, TallyInput};
use super::result::{
    Ci, Contrast, GroupTally, Metric, ModeTally, ModelTally, PairedTest, SeverityMix, Tally,
};
use crate::domain::{ErrorMode, Severity, StepLabel, TaskKind};
use crate::stats::{McNemar, cluster_ratio_bootstrap, holm};
use crate::storage::Slot;
use std::collections::{BTreeMap, HashMap};

/// One reviewer's verdicts on one chain, summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ChainAcc {
    pub sound: u64,
    pub neutral: u64,
    pub error: u64,
    pub abstain: u64,
    pub mode_steps: [u64; 4],
    pub severity: SeverityMix,
    pub bad_split: u64,
}

impl ChainAcc {
    pub fn judged(&self) -> u64 {
        self.sound + self.neutral + self.error
    }

    pub fn labelled(&self) -> u64 {
        self.judged() + self.abstain
    }

    fn add(&mut self, o: &ChainAcc) {
        self.sound += o.sound;
        self.neutral += o.neutral;
        self.error += o.error;
        self.abstain += o.abstain;
        for (a, b) in self.mode_steps.iter_mut().zip(o.mode_steps) {
            *a += b;
        }
        self.severity.minor += o.severity.minor;
        self.severity.major += o.severity.major;
        self.severity.harmful += o.severity.harmful;
        self.severity.unspecified += o.severity.unspecified;
        self.bad_split += o.bad_split;
    }
}

/// One assignment (item × reviewer) with its verdicts.
#[derive(Debug, Clone)]
pub(crate) struct Cell<'a> {
    pub item: u32,
    pub reviewer: u32,
    /// `[A, B]`.
    pub chains: [ChainAcc; 2],
    pub case: Option<&'a CaseObs>,
}

/// Accumulate the input into one cell per assignment, in (item, reviewer) order.
pub(crate) fn cells(input: &TallyInput) -> Vec<Cell<'_>> {
    let mut keys: Vec<(u32, u32)> = input.assignments.clone();
    keys.sort_unstable();
    keys.dedup();
    let index: HashMap<(u32, u32), usize> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut cells: Vec<Cell<'_>> = keys
        .iter()
        .map(|&(item, reviewer)| Cell {
            item,
            reviewer,
            chains: [ChainAcc::default(); 2],
            case: None,
        })
        .collect();
    for s in &input.steps {
        let Some(&i) = index.get(&(s.item, s.reviewer)) else {
            continue;
        };
        let acc = &mut cells[i].chains[s.slot.index()];
        match s.label {
            Some(StepLabel::Sound) => acc.sound += 1,
            Some(StepLabel::Neutral) => acc.neutral += 1,
            Some(StepLabel::Error) => {
                acc.error += 1;
                match s.severity {
                    Some(Severity::Minor) => acc.severity.minor += 1,
                    Some(Severity::Major) => acc.severity.major += 1,
                    Some(Severity::Harmful) => acc.severity.harmful += 1,
                    None => acc.severity.unspecified += 1,
                }
            }
            Some(StepLabel::Abstain) => acc.abstain += 1,
            None => {}
        }
        if matches!(
            s.label,
            Some(StepLabel::Sound | StepLabel::Neutral | StepLabel::Error)
        ) {
            for (m, count) in acc.mode_steps.iter_mut().enumerate() {
                *count += u64::from(s.tags & (1 << m) != 0);
            }
        }
        if s.label.is_some() && s.bad_split {
            acc.bad_split += 1;
        }
    }
    for c in &input.cases {
        if let Some(&i) = index.get(&(c.item, c.reviewer)) {
            cells[i].case = Some(c);
        }
    }
    cells
}

/// Majority of the votes (given in reviewer order); an exact tie goes to the first vote.
pub(crate) fn consensus(votes: impl IntoIterator<Item = bool>) -> Option<bool> {
    let (mut yes, mut no, mut first) = (0u32, 0u32, None);
    for v in votes {
        first.get_or_insert(v);
        if v { yes += 1 } else { no += 1 }
    }
    match yes.cmp(&no) {
        std::cmp::Ordering::Greater => Some(true),
        std::cmp::Ordering::Less => Some(false),
        std::cmp::Ordering::Equal => first,
    }
}

/// One item's consensus outcomes for one slot.
#[derive(Debug, Clone, Copy, Default)]
struct ItemOutcome {
    answer: Option<bool>,
    has_error: Option<bool>,
    modes: [Option<bool>; 4],
}

fn outcome(cells: &[&Cell<'_>], slot: usize) -> ItemOutcome {
    let judged: Vec<&ChainAcc> = cells
        .iter()
        .map(|c| &c.chains[slot])
        .filter(|a| a.judged() > 0)
        .collect();
    let mut modes = [None; 4];
    for (m, v) in modes.iter_mut().enumerate() {
        *v = consensus(judged.iter().map(|a| a.mode_steps[m] > 0));
    }
    ItemOutcome {
        answer: consensus(
            cells
                .iter()
                .filter_map(|c| c.case.and_then(|k| k.answer_correct[slot])),
        ),
        has_error: consensus(judged.iter().map(|a| a.error > 0)),
        modes,
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

/// The tally of one group of cells.
fn group_tally(
    items: &[ItemInfo],
    cells: &[&Cell<'_>],
    by: &str,
    group: String,
    config: &TallyConfig,
) -> GroupTally {
    let mut by_item: BTreeMap<u32, Vec<&Cell<'_>>> = BTreeMap::new();
    for c in cells {
        by_item.entry(c.item).or_default().push(c);
    }
    let outcomes: Vec<(u32, [ItemOutcome; 2])> = by_item
        .iter()
        .map(|(&item, cs)| (item, [outcome(cs, 0), outcome(cs, 1)]))
        .collect();
    let info = |item: u32| items.get(item as usize);
    let models = Slot::BOTH.map(|slot| {
        let s = slot.index();
        let mut total = ChainAcc::default();
        for c in cells {
            total.add(&c.chains[s]);
        }
        let clusters: Vec<(u64, u64)> = by_item
            .values()
            .map(|cs| {
                cs.iter().fold((0, 0), |(e, j), c| {
                    (e + c.chains[s].error, j + c.chains[s].judged())
                })
            })
            .collect();
        let step_error_cluster = cluster_ratio_bootstrap(&clusters, &config.bootstrap)
            .ok()
            .and_then(|r| r.interval)
            .map(|i| Ci { lo: i.lo, hi: i.hi });
        let answers_of = |kind: Option<TaskKind>| {
            count(
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
                steps: Metric::wilson(total.mode_steps[m], total.judged()),
                chains: count(outcomes.iter().map(|(_, o)| &o[s].modes[m])),
            })
            .collect();
        let (mut flags_k, mut flags_n) = (0u64, 0u64);
        for c in cells {
            if let Some(case) = c.case {
                flags_n += case.red_flags[s].len() as u64;
                flags_k += case.red_flags[s].iter().filter(|f| **f).count() as u64;
            }
        }
        let rawr: Vec<Option<bool>> = outcomes
            .iter()
            .filter(|(_, o)| o[s].answer == Some(true))
            .map(|(_, o)| o[s].has_error)
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
            step_error: Metric::wilson(total.error, total.judged()),
            step_error_cluster,
            steps_abstained: total.abstain,
            steps_unmarked: cells
                .iter()
                .map(|c| {
                    let steps = info(c.item).map_or(0, |x| x.steps[s]) as u64;
                    steps.saturating_sub(c.chains[s].labelled())
                })
                .sum(),
            chains_with_error: count(outcomes.iter().map(|(_, o)| &o[s].has_error)),
            modes,
            red_flag_recognition: Metric::wilson(flags_k, flags_n),
            right_answer_wrong_reasoning: count(rawr.iter()),
            severity: total.severity,
            bad_split: Metric::wilson(total.bad_split, total.labelled()),
        }
    });
    GroupTally {
        by: by.to_string(),
        group,
        items: by_item.len() as u64,
        models,
        paired: paired(&outcomes, config),
    }
}

fn paired(outcomes: &[(u32, [ItemOutcome; 2])], config: &TallyConfig) -> Vec<PairedTest> {
    let test = |metric: &str, pairs: Vec<(bool, bool)>| {
        let t = McNemar::from_pairs(pairs.iter().copied());
        PairedTest {
            metric: metric.to_string(),
            pairs: pairs.len() as u64,
            a_only: t.b,
            b_only: t.c,
            p_value: t.p_value,
            p_holm: None,
            significant: t.p_value < config.alpha.get(),
        }
    };
    let both = |f: &dyn Fn(&ItemOutcome) -> Option<bool>| -> Vec<(bool, bool)> {
        outcomes
            .iter()
            .filter_map(|(_, o)| Some((f(&o[0])?, f(&o[1])?)))
            .collect()
    };
    let mut out = vec![test("answer_correct", both(&|o| o.answer))];
    let modes: Vec<PairedTest> = (0..ErrorMode::ALL.len())
        .map(|m| test(ErrorMode::ALL[m].as_str(), both(&|o| o.modes[m])))
        .collect();
    let adjusted = holm(&modes.iter().map(|t| t.p_value).collect::<Vec<_>>());
    out.extend(modes.into_iter().zip(adjusted).map(|(t, p)| PairedTest {
        p_holm: Some(p),
        significant: p < config.alpha.get(),
        ..t
    }));
    out
}

fn groups(input: &TallyInput, cells: &[Cell<'_>], config: &TallyConfig) -> Vec<GroupTally> {
    let all: Vec<&Cell<'_>> = cells.iter().collect();
    let mut out = vec![group_tally(&input.items, &all, "all", "all".into(), config)];
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
                GroupBy::Specialty | GroupBy::Incidence => {
                    let Some(item) = input.items.get(c.item as usize) else {
                        continue;
                    };
                    if *by == GroupBy::Specialty {
                        (item.specialty as usize, item.specialty.to_string())
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
        for ((_, name), cs) in keyed {
            out.push(group_tally(&input.items, &cs, by.as_str(), name, config));
        }
    }
    out
}

fn contrast(t: &Tally) -> Option<Contrast> {
    let g = t.overall()?;
    let acc = [g.models[0].answer_correct, g.models[1].answer_correct];
    let err = [g.models[0].step_error, g.models[1].step_error];
    let hidden = (0..2).find(|&i| {
        let j = 1 - i;
        matches!((acc[i].estimate, acc[j].estimate, err[i].estimate, err[j].estimate),
            (Some(ai), Some(aj), Some(ei), Some(ej)) if ai > aj && ei > ej)
    });
    Some(Contrast {
        answer_correct: acc,
        step_error: err,
        hidden_by_answers: hidden.map(|i| t.model_name(i)),
    })
}

/// Tally a study. While `input.models` is `None` (blinded), only progress and agreement are
/// computed; per-model figures, blinding checks and the contrast stay empty.
pub fn tally(input: &TallyInput, config: &TallyConfig) -> Tally {
    let cells = cells(input);
    let mut t = Tally {
        study: input.study.clone(),
        unblinded: input.models.is_some(),
        alpha: config.alpha.get(),
        models: input.models.clone(),
        progress: progress(input, &cells),
        agreement: agreement(input, &config.bootstrap),
        groups: Vec::new(),
        blinding: Vec::new(),
        contrast: None,
    };
    if input.models.is_some() {
        t.groups = groups(input, &cells, config);
        t.blinding = blinding(input);
        t.contrast = contrast(&t);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consensus_is_majority_with_first_breaking_ties() {
        assert_eq!(consensus([true, false, false]), Some(false));
        assert_eq!(consensus([true, true, false]), Some(true));
        assert_eq!(consensus([false, true]), Some(false));
        assert_eq!(consensus([true, false]), Some(true));
        assert_eq!(consensus(std::iter::empty()), None);
    }
}
