//! The adjudication queue: every item of a study on which the reviewers disagree about a
//! binary outcome, for someone who reviewed none of those items, shown blind (sides drawn
//! per adjudicator and item, reviewers numbered "reviewer 1, 2, …", never named), and the
//! decisions recorded as adjudication events.
//!
//! Must not: let a model name, run, timing, file path or reviewer name reach an
//! [`AdjudicationItem`]; let an item's own reviewer adjudicate it.

use super::error::{WorkflowError, WorkflowResult, refuse};
pub use crate::domain::adjudication::{AdjudicationItem, DisputeView, StepDisagreement};
use crate::domain::{ItemId, Side, StepLabel, Study};
use crate::export::tally_input;
use crate::stats::SplitMix64;
use crate::storage::StoreError;
use crate::storage::{Slot, Store};
use crate::tally::{Dispute, Outcome, disputes};
use std::collections::BTreeMap;

/// Which side model A is shown on for this adjudicator and item: a fixed draw from the
/// study seed, the item and the adjudicator's name (the same every time they look).
pub fn adjudicator_a_side(study: &Study, item: ItemId, adjudicator: &str) -> Side {
    let h =
        crate::primitives::hash::fnv1a(adjudicator.as_bytes(), crate::primitives::hash::FNV_OFFSET);
    let mut rng = SplitMix64::new(study.seed ^ h ^ (item.0 as u64).rotate_left(32));
    if rng.next_u64() & 1 == 0 {
        Side::Left
    } else {
        Side::Right
    }
}

fn label_text(l: Option<StepLabel>) -> String {
    l.map_or("unmarked".into(), |l| l.to_string())
}

/// The queue for `adjudicator`: disputed items they did not review, in item order.
pub fn adjudication_queue(
    store: &Store,
    study_name: &str,
    adjudicator: &str,
) -> Result<Vec<AdjudicationItem>, StoreError> {
    let study = store.study(study_name)?;
    let mut input = tally_input(store, &study)?;
    // Blind by construction: the queue never reads model identity.
    input.models = None;
    let report = store.report_items(study.id)?;
    let mut by_item: BTreeMap<u32, Vec<Dispute>> = BTreeMap::new();
    for d in disputes(&input) {
        by_item.entry(d.item).or_default().push(d);
    }
    let mut out = Vec::new();
    for (item, ds) in by_item {
        let Some(info) = input.items.get(item as usize) else {
            continue;
        };
        let reviewers: Vec<u32> = {
            let mut r: Vec<u32> = input
                .assignments
                .iter()
                .filter(|a| a.0 == item)
                .map(|a| a.1)
                .collect();
            r.sort_unstable();
            r
        };
        if reviewers.iter().any(|r| {
            input
                .reviewers
                .get(*r as usize)
                .is_some_and(|n| n == adjudicator)
        }) {
            continue;
        }
        let number = |r: u32| reviewers.iter().position(|x| *x == r).map_or(0, |p| p + 1);
        let a_side = adjudicator_a_side(&study, info.item, adjudicator);
        let side_of = |slot: Slot| slot.side(a_side);
        let Some(r) = report.iter().find(|r| r.item == info.item) else {
            continue;
        };
        let mut chains: [Vec<String>; 2] = [Vec::new(), Vec::new()];
        for slot in Slot::BOTH {
            chains[side_of(slot).index()] = store.chain_step_texts(r.chains[slot.index()])?;
        }
        let mut steps: BTreeMap<(usize, usize), Vec<(usize, String)>> = BTreeMap::new();
        for s in input.steps.iter().filter(|s| s.item == item) {
            steps
                .entry((side_of(s.slot).index(), s.step as usize))
                .or_default()
                .push((number(s.reviewer), label_text(s.label)));
        }
        let steps = steps
            .into_iter()
            .filter(|(_, l)| l.len() >= 2 && l.iter().any(|x| x.1 != l[0].1))
            .map(|((side, step), mut labels)| {
                labels.sort();
                StepDisagreement {
                    side: if side == 0 { Side::Left } else { Side::Right },
                    step,
                    labels,
                }
            })
            .collect();
        let mut disputes: Vec<(DisputeView, (String, u8))> = ds
            .into_iter()
            .map(|d| {
                let view = DisputeView {
                    outcome: d.outcome.to_string(),
                    question: match d.outcome {
                        Outcome::RedFlag(i) => r.case.red_flags.get(i as usize).map_or_else(
                            || d.outcome.question(),
                            |f| format!("Is the red flag \"{}\" recognised?", f.finding),
                        ),
                        Outcome::ActedOn(i) => r.case.red_flags.get(i as usize).map_or_else(
                            || d.outcome.question(),
                            |f| {
                                format!(
                                    "Is the red flag \"{}\" acted on (expected: {})?",
                                    f.finding.trim(),
                                    f.action.trim()
                                )
                            },
                        ),
                        _ => d.outcome.question(),
                    },
                    side: side_of(d.slot),
                    votes: d.votes.iter().map(|(r, v)| (number(*r), *v)).collect(),
                    decided: d.adjudicated,
                };
                (view, d.outcome.list_key())
            })
            .collect();
        // By side, then outcome key; a red flag's "acted on" right after its "recognised".
        disputes.sort_by(|x, y| (x.0.side.index(), &x.1).cmp(&(y.0.side.index(), &y.1)));
        let disputes: Vec<DisputeView> = disputes.into_iter().map(|(v, _)| v).collect();
        out.push(AdjudicationItem {
            item: info.item,
            title: r.case.title.clone(),
            vignette: r.case.vignette.clone(),
            question: r.case.question.clone(),
            gold: r.case.task.gold_display(),
            chains,
            disputes,
            steps,
            reviewers: reviewers.len(),
        });
    }
    Ok(out)
}

/// Record `adjudicator`'s decision on `outcome` of the chain shown on `side` of `item`.
pub fn decide(
    store: &mut Store,
    study_name: &str,
    adjudicator: &str,
    item: ItemId,
    side: Side,
    outcome: Outcome,
    value: bool,
) -> WorkflowResult<()> {
    if adjudicator.trim().is_empty() {
        refuse!("--reviewer must name the adjudicator");
    }
    let study = store.study(study_name)?;
    let report = store.report_items(study.id)?;
    let Some(r) = report.iter().find(|r| r.item == item) else {
        refuse!("item {item} is not in study {study_name:?}");
    };
    let a_side = adjudicator_a_side(&study, item, adjudicator);
    let slot = Slot::on_side(side, a_side);
    store
        .append_adjudication(
            item,
            r.chains[slot.index()],
            adjudicator,
            &outcome.to_string(),
            value,
            None,
        )
        .map_err(|e| WorkflowError::from(e).context(format!("adjudicating item {item}")))?;
    Ok(())
}

/// Record `adjudicator`'s decision on a dispute as the queue shows it: `dispute` of `item`
/// (its outcome key and side) is `value`. What the adjudication screen's decisions go
/// through, so a key lands on the item, side and outcome the screen showed.
pub fn decide_shown(
    store: &mut Store,
    study_name: &str,
    adjudicator: &str,
    item: &AdjudicationItem,
    dispute: &DisputeView,
    value: bool,
) -> WorkflowResult<()> {
    let outcome: Outcome = match dispute.outcome.parse() {
        Ok(o) => o,
        Err(e) => refuse!("dispute on item {}: {e}", item.item),
    };
    decide(
        store,
        study_name,
        adjudicator,
        item.item,
        dispute.side,
        outcome,
        value,
    )
}
