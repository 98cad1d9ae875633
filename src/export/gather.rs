//! From the store to the tally's plain input: the one place (with the CSV tables) where the
//! sides a reviewer saw are joined to model slots, and slots to model names, the latter only
//! once the study is unblinded. Everything is read in one snapshot.
//!
//! Must not: compute statistics (that is `tally`), or name a model of a blinded study.

use crate::domain::{FinalAnswer, Preference, Study, Task};
use crate::storage::{ChainFacts, ReportItem, Rows, Slot, Store, StoreError};
use crate::tally::{
    AdjudicationObs, CaseObs, ItemDetail, ItemInfo, ModelInfo, Outcome, StepObs, Tally,
    TallyConfig, TallyInput, rank_obs,
};
use std::collections::{BTreeSet, HashMap};

/// Score a chain's extracted answer against gold: the MCQ letter, or top-5 inclusion of the
/// gold diagnosis (or a synonym) for differentials. `None` when the chain gave no answer.
pub fn auto_correct(task: &Task, answer: Option<&FinalAnswer>) -> Option<bool> {
    if matches!(task, Task::Plan { .. }) {
        // No automatic scoring of plans: the reviewer rates them.
        return None;
    }
    let answer = answer?;
    Some(match (task, answer) {
        (Task::Mcq { answer: gold, .. }, FinalAnswer::Letter(l)) => {
            l.trim().eq_ignore_ascii_case(gold.trim())
        }
        (Task::Mcq { .. }, FinalAnswer::Text(t) | FinalAnswer::YesNoMaybe(t)) => {
            task.matches_diagnosis(t)
        }
        (Task::Mcq { .. }, FinalAnswer::Differential(_)) => false,
        (Task::Differential { .. }, FinalAnswer::Differential(list)) => {
            list.iter().take(5).any(|d| task.matches_diagnosis(d))
        }
        (Task::Differential { .. }, FinalAnswer::Text(t) | FinalAnswer::YesNoMaybe(t)) => {
            task.matches_diagnosis(t)
        }
        (Task::Differential { .. }, FinalAnswer::Letter(_)) | (Task::Plan { .. }, _) => false,
    })
}

/// The model names and roles, `[A, B]`, if the study is unblinded.
pub fn models(store: &Store, study: &Study) -> Result<Option<[ModelInfo; 2]>, StoreError> {
    if study.unblinded_at.is_none() {
        return Ok(None);
    }
    let a = store.model_by_id(study.model_a)?;
    let b = store.model_by_id(study.model_b)?;
    Ok(Some([
        ModelInfo {
            name: a.name,
            role: a.role,
        },
        ModelInfo {
            name: b.name,
            role: b.role,
        },
    ]))
}

/// The top option's probability and whether it is the gold letter.
fn top_option(task: &Task, probs: &std::collections::BTreeMap<String, f64>) -> Option<(f64, bool)> {
    let Task::Mcq { answer, .. } = task else {
        return None;
    };
    let (letter, p) = probs
        .iter()
        .filter(|(_, p)| p.is_finite())
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    Some((
        p.clamp(0.0, 1.0),
        letter.trim().eq_ignore_ascii_case(answer.trim()),
    ))
}

fn item_detail(
    r: &ReportItem,
    facts: &HashMap<i64, &ChainFacts>,
    probs: &std::collections::BTreeMap<
        crate::domain::RunId,
        std::collections::BTreeMap<String, f64>,
    >,
) -> ItemDetail {
    let mut d = ItemDetail::default();
    for i in 0..2 {
        if let Some(f) = facts.get(&r.chains[i].0) {
            d.truncated[i] = f.truncated;
            d.step_words[i] = f.step_words.clone();
            if let Some(p) = probs.get(&f.run) {
                d.calibration[i] = top_option(&r.case.task, p);
            }
        }
        if let Some(FinalAnswer::Differential(list)) = r.answers[i].as_ref() {
            d.rank[i] = rank_obs(&r.case, list);
        }
    }
    d
}

fn item_info(r: &ReportItem, detail: ItemDetail) -> ItemInfo {
    ItemInfo {
        item: r.item,
        case_id: r.case.id.to_string(),
        specialty: r.case.specialty,
        incidence: r.case.incidence,
        stage: r.case.stage,
        task: r.case.task.kind(),
        source: crate::tally::source_group(&r.case.source),
        red_flags: r.case.red_flags.len(),
        steps: r.steps,
        auto_correct: [0, 1].map(|i| auto_correct(&r.case.task, r.answers[i].as_ref())),
        detail,
        outcomes: r.outcomes,
        conflicts: r.conflicts,
    }
}

/// Read everything a tally needs, in one snapshot.
pub fn tally_input(store: &Store, study: &Study) -> Result<TallyInput, StoreError> {
    store.read_snapshot(|s| {
        let report_items = s.report_items(study.id)?;
        let item_index: HashMap<i64, u32> = report_items
            .iter()
            .enumerate()
            .map(|(i, r)| (r.item.0, i as u32))
            .collect();
        let mut reviewers = s.study_reviewers(study.id)?;
        reviewers.sort();
        let reviewer_index: HashMap<&str, u32> = reviewers
            .iter()
            .enumerate()
            .map(|(i, r)| (r.as_str(), i as u32))
            .collect();
        let unknown = |what: &str| StoreError::corrupt(format!("study {:?}: {what}", study.name));
        let mut assignments = Vec::new();
        for a in s.report_assignments(study.id)? {
            let item = *item_index
                .get(&a.item.0)
                .ok_or_else(|| unknown("assignment to an unknown item"))?;
            let reviewer = *reviewer_index
                .get(a.reviewer.as_str())
                .ok_or_else(|| unknown("assignment to an unlisted reviewer"))?;
            assignments.push((item, reviewer));
        }
        // About one current verdict per assigned step: reserve that much once.
        let expected: usize = assignments
            .iter()
            .filter_map(|&(item, _)| report_items.get(item as usize))
            .map(|r| r.steps[0] + r.steps[1])
            .sum();
        let mut steps = Vec::with_capacity(expected);
        // Rows come item by item: look each item up once.
        let mut last: Option<(i64, u32)> = None;
        s.visit_current_labels(study.id, &reviewers, |row| {
            let item = match last {
                Some((id, i)) if id == row.item.0 => i,
                _ => {
                    let i = *item_index
                        .get(&row.item.0)
                        .ok_or_else(|| unknown("a verdict outside the study's items"))?;
                    last = Some((row.item.0, i));
                    i
                }
            };
            steps.push(StepObs {
                item,
                reviewer: u32::try_from(row.reviewer).unwrap_or(u32::MAX),
                slot: row.slot,
                step: u32::try_from(row.step_index).unwrap_or(u32::MAX),
                label: row.label,
                severity: row.severity,
                tags: row.tags,
                bad_split: row.bad_split,
            });
            Ok::<(), StoreError>(())
        })?;
        let mut cases = Vec::new();
        for row in s.case_verdict_rows(study.id, Rows::Current)? {
            let (Some(&item), Some(&reviewer)) = (
                item_index.get(&row.item.0),
                reviewer_index.get(row.reviewer.as_str()),
            ) else {
                return Err(unknown(
                    "a case verdict outside the study's items or reviewers",
                ));
            };
            let n_flags = report_items
                .get(item as usize)
                .map_or(0, |r| r.case.red_flags.len());
            let by_slot = Slot::BOTH.map(|slot| slot.side(row.a_side).index());
            cases.push(CaseObs {
                item,
                reviewer,
                answer_correct: by_slot.map(|i| row.verdict.answer_correct[i]),
                red_flags: by_slot.map(|i| row.verdict.red_flags[i].clone()),
                acted_on: by_slot.map(|i| row.verdict.acted_on[i].clone()),
                student_guess: row
                    .verdict
                    .student_guess
                    .map(|g| Slot::on_side(g, row.a_side)),
                preferred: match row.verdict.preferred {
                    Some(Preference::Left) => {
                        Some(Slot::on_side(crate::domain::Side::Left, row.a_side))
                    }
                    Some(Preference::Right) => {
                        Some(Slot::on_side(crate::domain::Side::Right, row.a_side))
                    }
                    _ => None,
                },
                preferred_tie: row.verdict.preferred == Some(Preference::Tie),
                confidence: row.verdict.confidence,
                complete: row.verdict.is_complete(n_flags),
            });
        }
        let chain_facts = s.study_chain_facts(study.id)?;
        let facts: HashMap<i64, &ChainFacts> = chain_facts.iter().map(|f| (f.chain.0, f)).collect();
        let probs = s.study_option_probabilities(study.id)?;
        let items: Vec<ItemInfo> = report_items
            .iter()
            .map(|r| item_info(r, item_detail(r, &facts, &probs)))
            .collect();
        let mut adjudications = Vec::new();
        for a in s.current_adjudications(study.id)? {
            let (Some(&item), Some(r)) = (
                item_index.get(&a.item.0),
                report_items.iter().find(|r| r.item == a.item),
            ) else {
                return Err(unknown("an adjudication outside the study's items"));
            };
            let slot = if a.chain == r.chains[0] {
                Slot::A
            } else if a.chain == r.chains[1] {
                Slot::B
            } else {
                return Err(unknown("an adjudication of a chain outside its item"));
            };
            let outcome: Outcome = a.outcome.parse().map_err(StoreError::corrupt)?;
            adjudications.push(AdjudicationObs {
                item,
                slot,
                outcome,
                value: a.value,
            });
        }
        let plan_history = s.plan_history(study.id)?;
        let stripper_versions: BTreeSet<String> = chain_facts
            .iter()
            .map(|f| f.stripper_version.clone())
            .collect();
        Ok(TallyInput {
            study: study.name.clone(),
            models: models(s, study)?,
            reviewers,
            items,
            assignments,
            steps,
            cases,
            plan: plan_history
                .last()
                .map(|p| p.plan.clone())
                .unwrap_or_default(),
            plan_history,
            adjudications,
            stripper_versions: stripper_versions.into_iter().collect(),
        })
    })
}

/// Read and tally a study by name.
pub fn tally_study(store: &Store, name: &str, config: &TallyConfig) -> Result<Tally, StoreError> {
    let study = store.study(name)?;
    let input = tally_input(store, &study)?;
    Ok(crate::tally::tally(&input, config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn auto_scoring_uses_letter_and_top_five() {
        let mcq = Task::Mcq {
            options: BTreeMap::new(),
            answer: "C".into(),
        };
        assert_eq!(
            auto_correct(&mcq, Some(&FinalAnswer::Letter("c".into()))),
            Some(true)
        );
        assert_eq!(
            auto_correct(&mcq, Some(&FinalAnswer::Letter("B".into()))),
            Some(false)
        );
        assert_eq!(auto_correct(&mcq, None), None);
        let dx = Task::Differential {
            diagnosis: "Ectopic pregnancy".into(),
            synonyms: vec![],
        };
        let list = |n: usize| {
            let mut v: Vec<String> = (0..n).map(|i| format!("other {i}")).collect();
            v.push("Ruptured ectopic pregnancy".into());
            FinalAnswer::Differential(v)
        };
        assert_eq!(auto_correct(&dx, Some(&list(4))), Some(true));
        assert_eq!(
            auto_correct(&dx, Some(&list(5))),
            Some(false),
            "sixth place is out of the top five"
        );
    }
}
