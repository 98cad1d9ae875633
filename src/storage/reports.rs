//! Reporting reads for the tally and the exports: a study's items with their gold answers
//! and extracted answers, current (or every) step and case verdict with the model slot each
//! side held for that reviewer, and the study audit trail. Steps stream through a callback,
//! so a million verdicts never sit in memory at once.
//!
//! Must not: write, or decide what may be shown before unblinding. Rows carry the model
//! *slot* (A/B) because agreement needs it even while blinded; the caller (`export`) decides
//! what reaches a file or a screen.

use super::review::parse_tags;
use super::{Store, StoreError};
use crate::domain::{
    Case, CaseVerdict, ChainId, ErrorMode, EventId, FinalAnswer, ItemId, Preference, Severity,
    Side, StepLabel, StepVerdict, StudyId,
};
use std::collections::HashMap;

pub use crate::domain::Slot;

/// One study item with everything the tally needs about its case and chains.
/// Per-slot arrays are `[A, B]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportItem {
    pub item: ItemId,
    pub case: Case,
    pub chains: [ChainId; 2],
    /// The answers the stripper extracted from each chain.
    pub answers: [Option<FinalAnswer>; 2],
    /// Given, none given, or cut off before an answer, per chain.
    pub outcomes: [crate::domain::AnswerOutcome; 2],
    /// The final answer contradicts the reasoning's own conclusion, per chain.
    pub conflicts: [bool; 2],
    /// Number of steps in each chain.
    pub steps: [usize; 2],
}

/// One reviewer's assignment to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportAssignment {
    pub item: ItemId,
    pub reviewer: String,
    pub position: u32,
    pub a_side: Side,
}

/// Current verdicts only, or the whole event history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    Current,
    History,
}

/// One step-verdict event (or the current one) with its place in the study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub event: EventId,
    /// The event this one superseded (old → new).
    pub previous: Option<EventId>,
    pub item: ItemId,
    pub reviewer: String,
    pub side: Side,
    pub slot: Slot,
    pub chain: ChainId,
    pub step_index: usize,
    /// The step's display text, when asked for.
    pub text: Option<String>,
    pub verdict: StepVerdict,
    pub ms_spent: u64,
    pub created_at: String,
    /// When this reviewer first judged this step (the time of its first event).
    pub first_at: String,
    /// 1 for the first event on this step by this reviewer, 2 for the next, ...
    pub revision: u32,
    /// Whether this is the reviewer's current verdict on the step.
    pub current: bool,
}

/// A current step verdict reduced to what a tally counts: no text, note or timestamps, the
/// reviewer as an index into the list the caller gave, the tags as bits (see [`mode_bits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelRow {
    pub item: ItemId,
    pub reviewer: usize,
    pub slot: Slot,
    pub step_index: usize,
    pub label: Option<StepLabel>,
    pub severity: Option<Severity>,
    pub tags: u8,
    pub bad_split: bool,
}

/// Stored tags (`drift;red_flag`) as bits: bit i is `ErrorMode::ALL[i]`.
pub fn mode_bits(text: &str) -> Result<u8, StoreError> {
    let mut bits = 0u8;
    for t in text.split(';').filter(|t| !t.is_empty()) {
        let mode: ErrorMode = t.parse().map_err(StoreError::corrupt)?;
        let i = ErrorMode::ALL.iter().position(|m| *m == mode).unwrap_or(0);
        bits |= 1 << i;
    }
    Ok(bits)
}

/// One case-verdict event (or the current one). `verdict` is by side, as the reviewer saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub event: EventId,
    pub previous: Option<EventId>,
    pub item: ItemId,
    pub reviewer: String,
    /// The side model A was shown on for this reviewer.
    pub a_side: Side,
    pub verdict: CaseVerdict,
    pub ms_spent: u64,
    pub created_at: String,
    pub first_at: String,
    pub revision: u32,
    pub current: bool,
}

/// One entry of the study audit trail (`created`, `unblinded`, `exported`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyEventRow {
    pub id: i64,
    pub kind: String,
    pub actor: String,
    pub detail: Option<String>,
    pub created_at: String,
    /// The process's OS user and host (`None` for events before schema 0004).
    pub os_user: Option<String>,
    pub host: Option<String>,
}

fn flags(text: &str) -> Vec<bool> {
    text.chars().map(|c| c == '1').collect()
}

fn non_negative(v: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::corrupt(format!("negative {what}: {v}")))
}

impl Store {
    /// Run `f` inside one read transaction, so every query it makes sees the same snapshot
    /// even while reviewers keep saving.
    pub fn read_snapshot<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| E::from(StoreError::Sql(e)))?;
        let out = f(self)?;
        tx.commit().map_err(|e| E::from(StoreError::Sql(e)))?;
        Ok(out)
    }

    /// The study's items in id order, with case, chains, extracted answers and step counts.
    pub fn report_items(&self, study: StudyId) -> Result<Vec<ReportItem>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT i.id, c.body, i.chain_a, i.chain_b, ca.answer, cb.answer,
                (SELECT count(*) FROM steps s WHERE s.chain_id = i.chain_a),
                (SELECT count(*) FROM steps s WHERE s.chain_id = i.chain_b),
                ca.truncated, cb.truncated, ca.outcome, cb.outcome, ca.conflict, cb.conflict
             FROM items i JOIN cases c ON c.id = i.case_id
             JOIN chains ca ON ca.id = i.chain_a JOIN chains cb ON cb.id = i.chain_b
             WHERE i.study_id = ?1 ORDER BY i.id",
        )?;
        let mut rows = stmt.query([study.0])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let item = ItemId(r.get(0)?);
            let case: Case = serde_json::from_str(&r.get::<_, String>(1)?)?;
            let answer = |i: usize| -> Result<Option<FinalAnswer>, StoreError> {
                r.get::<_, Option<String>>(i)?
                    .map(|a| serde_json::from_str(&a).map_err(StoreError::from))
                    .transpose()
            };
            let answers = [answer(4)?, answer(5)?];
            let outcome =
                |i: usize, truncated: bool, stored: Option<String>| match stored.as_deref() {
                    Some(s) => crate::domain::AnswerOutcome::parse(s)
                        .ok_or_else(|| StoreError::corrupt(format!("chain outcome {s:?}"))),
                    None => Ok(crate::domain::AnswerOutcome::of(
                        answers[i].as_ref(),
                        truncated,
                    )),
                };
            let outcomes = [
                outcome(0, r.get(8)?, r.get(10)?)?,
                outcome(1, r.get(9)?, r.get(11)?)?,
            ];
            let conflicts = [
                r.get::<_, Option<bool>>(12)?.unwrap_or(false),
                r.get::<_, Option<bool>>(13)?.unwrap_or(false),
            ];
            out.push(ReportItem {
                item,
                case,
                chains: [ChainId(r.get(2)?), ChainId(r.get(3)?)],
                answers,
                outcomes,
                conflicts,
                steps: [
                    non_negative(r.get(6)?, "step count")? as usize,
                    non_negative(r.get(7)?, "step count")? as usize,
                ],
            });
        }
        Ok(out)
    }

    /// Every assignment of the study, by item then reviewer.
    pub fn report_assignments(&self, study: StudyId) -> Result<Vec<ReportAssignment>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.item_id, a.reviewer, a.position, a.a_side FROM assignments a
             JOIN items i ON i.id = a.item_id WHERE i.study_id = ?1 ORDER BY a.item_id, a.reviewer",
        )?;
        let rows = stmt.query_map([study.0], |r| {
            Ok(ReportAssignment {
                item: ItemId(r.get(0)?),
                reviewer: r.get(1)?,
                position: r.get(2)?,
                a_side: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stream the study's step verdicts to `f`, ordered by item, reviewer, side, step and
    /// event. Reads item by item along the `step_events_by_step` index, so the current verdict
    /// is simply the last event of each run and no grouping query is needed.
    pub fn visit_step_verdicts<E: From<StoreError>>(
        &self,
        study: StudyId,
        which: Rows,
        with_text: bool,
        mut f: impl FnMut(StepRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut a_sides: HashMap<(i64, String), Side> = HashMap::new();
        for a in self.report_assignments(study)? {
            a_sides.insert((a.item.0, a.reviewer), a.a_side);
        }
        let items: Vec<(i64, i64, i64)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id, chain_a, chain_b FROM items WHERE study_id = ?1 ORDER BY id")
                .map_err(StoreError::from)?;
            let rows = stmt
                .query_map([study.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(StoreError::from)?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)?
        };
        let mut texts: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, reviewer, side, chain_id, step_idx, label, severity, tags, note, bad_split,
                    ms_spent, previous_id, created_at
                 FROM step_verdict_events WHERE item_id = ?1
                 ORDER BY reviewer, side, step_idx, id",
            )
            .map_err(StoreError::from)?;
        for (item, chain_a, chain_b) in items {
            if with_text {
                texts.clear();
                for chain in [chain_a, chain_b] {
                    texts.insert(chain, self.step_texts(chain)?);
                }
            }
            let mut rows = stmt.query([item]).map_err(StoreError::from)?;
            let mut pending: Option<StepRow> = None;
            while let Some(r) = rows.next().map_err(StoreError::from)? {
                let row = step_row(r, item, &a_sides, with_text.then_some(&texts))?;
                let same_step = pending.as_ref().is_some_and(|p| {
                    p.reviewer == row.reviewer
                        && p.side == row.side
                        && p.step_index == row.step_index
                });
                let row = match pending.take() {
                    Some(p) if same_step => {
                        let next = StepRow {
                            first_at: p.first_at.clone(),
                            revision: p.revision + 1,
                            ..row
                        };
                        if which == Rows::History {
                            f(StepRow {
                                current: false,
                                ..p
                            })?;
                        }
                        next
                    }
                    Some(p) => {
                        f(p)?;
                        row
                    }
                    None => row,
                };
                pending = Some(row);
            }
            if let Some(p) = pending {
                f(p)?;
            }
        }
        Ok(())
    }

    /// Stream the current step verdicts of the study in their lean form, for the tally.
    /// `reviewers` names the reviewers [`LabelRow::reviewer`] indexes; a verdict by anyone
    /// else is an error. One grouped query per item along `step_events_by_step`; SQLite takes
    /// the bare columns from the row holding `max(id)`, i.e. the current event.
    pub fn visit_current_labels<E: From<StoreError>>(
        &self,
        study: StudyId,
        reviewers: &[String],
        mut f: impl FnMut(LabelRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut by_item: HashMap<i64, Vec<(usize, Side)>> = HashMap::new();
        for a in self.report_assignments(study)? {
            let r = reviewers
                .iter()
                .position(|x| *x == a.reviewer)
                .ok_or_else(|| {
                    StoreError::corrupt(format!(
                        "item {}: reviewer {:?} is not listed",
                        a.item, a.reviewer
                    ))
                })?;
            by_item.entry(a.item.0).or_default().push((r, a.a_side));
        }
        let mut items: Vec<i64> = by_item.keys().copied().collect();
        items.sort_unstable();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT max(id), reviewer, side, step_idx, label, severity, tags, bad_split
                 FROM step_verdict_events WHERE item_id = ?1 GROUP BY reviewer, side, step_idx",
            )
            .map_err(StoreError::from)?;
        for item in items {
            let assigned = by_item.get(&item).map(Vec::as_slice).unwrap_or_default();
            let mut rows = stmt.query([item]).map_err(StoreError::from)?;
            while let Some(r) = rows.next().map_err(StoreError::from)? {
                let row = label_row(r, item, reviewers, assigned)?;
                f(row)?;
            }
        }
        Ok(())
    }

    fn step_texts(&self, chain: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT text FROM steps WHERE chain_id = ?1 ORDER BY idx")?;
        let rows = stmt.query_map([chain], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The study's case verdicts (current, or every event), by item, reviewer and event.
    pub fn case_verdict_rows(
        &self,
        study: StudyId,
        which: Rows,
    ) -> Result<Vec<CaseRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT e.id, e.item_id, e.reviewer, a.a_side, e.answer_correct_left, e.answer_correct_right,
                e.red_flags_left, e.red_flags_right, e.preferred, e.student_guess, e.confidence,
                e.ms_spent, e.previous_id, e.created_at, e.acted_on_left, e.acted_on_right,
                e.plan_left, e.plan_right
             FROM case_verdict_events e
             JOIN items i ON i.id = e.item_id
             JOIN assignments a ON a.item_id = e.item_id AND a.reviewer = e.reviewer
             WHERE i.study_id = ?1 ORDER BY e.item_id, e.reviewer, e.id",
        )?;
        let mut rows = stmt.query([study.0])?;
        let mut out: Vec<CaseRow> = Vec::new();
        while let Some(r) = rows.next()? {
            let created_at: String = r.get(13)?;
            let row = CaseRow {
                event: EventId(r.get(0)?),
                item: ItemId(r.get(1)?),
                reviewer: r.get(2)?,
                a_side: r.get(3)?,
                verdict: CaseVerdict {
                    answer_correct: [r.get(4)?, r.get(5)?],
                    red_flags: [
                        flags(&r.get::<_, String>(6)?),
                        flags(&r.get::<_, String>(7)?),
                    ],
                    preferred: r.get::<_, Option<Preference>>(8)?,
                    student_guess: r.get::<_, Option<Side>>(9)?,
                    confidence: r.get::<_, Option<u8>>(10)?,
                    acted_on: [
                        flags(&r.get::<_, String>(14)?),
                        flags(&r.get::<_, String>(15)?),
                    ],
                    plan: [r.get(16)?, r.get(17)?],
                },
                ms_spent: non_negative(r.get(11)?, "ms_spent")?,
                previous: r.get::<_, Option<i64>>(12)?.map(EventId),
                first_at: created_at.clone(),
                created_at,
                revision: 1,
                current: true,
            };
            match out.last_mut() {
                Some(last) if last.item == row.item && last.reviewer == row.reviewer => {
                    let next = CaseRow {
                        first_at: last.first_at.clone(),
                        revision: last.revision + 1,
                        ..row
                    };
                    if which == Rows::History {
                        last.current = false;
                        out.push(next);
                    } else {
                        *last = next;
                    }
                }
                _ => out.push(row),
            }
        }
        Ok(out)
    }

    /// The study's audit trail, oldest first.
    pub fn study_events(&self, study: StudyId) -> Result<Vec<StudyEventRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, actor, detail, created_at, os_user, host FROM study_events WHERE study_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([study.0], |r| {
            Ok(StudyEventRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                actor: r.get(2)?,
                detail: r.get(3)?,
                created_at: r.get(4)?,
                os_user: r.get(5)?,
                host: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn label_row(
    r: &rusqlite::Row<'_>,
    item: i64,
    reviewers: &[String],
    assigned: &[(usize, Side)],
) -> Result<LabelRow, StoreError> {
    let name = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
    let (reviewer, a_side) = assigned
        .iter()
        .find(|(i, _)| reviewers.get(*i).is_some_and(|x| x == name))
        .copied()
        .ok_or_else(|| {
            StoreError::corrupt(format!(
                "item {item}: verdicts by {name:?}, who has no assignment"
            ))
        })?;
    let side: Side = r.get(2)?;
    Ok(LabelRow {
        item: ItemId(item),
        reviewer,
        slot: Slot::on_side(side, a_side),
        step_index: non_negative(r.get(3)?, "step index")? as usize,
        label: r.get(4)?,
        severity: r.get(5)?,
        tags: mode_bits(r.get_ref(6)?.as_str().map_err(rusqlite::Error::from)?)?,
        bad_split: r.get(7)?,
    })
}

fn step_row(
    r: &rusqlite::Row<'_>,
    item: i64,
    a_sides: &HashMap<(i64, String), Side>,
    texts: Option<&HashMap<i64, Vec<String>>>,
) -> Result<StepRow, StoreError> {
    let reviewer: String = r.get(1)?;
    let side: Side = r.get(2)?;
    let chain: i64 = r.get(3)?;
    let step_index = non_negative(r.get(4)?, "step index")? as usize;
    let a_side = *a_sides.get(&(item, reviewer.clone())).ok_or_else(|| {
        StoreError::corrupt(format!(
            "item {item}: verdicts by {reviewer:?}, who has no assignment"
        ))
    })?;
    let text = match texts {
        Some(t) => Some(
            t.get(&chain)
                .and_then(|steps| steps.get(step_index))
                .cloned()
                .ok_or_else(|| {
                    StoreError::corrupt(format!(
                        "item {item}: chain {chain} has no step {step_index}"
                    ))
                })?,
        ),
        None => None,
    };
    let created_at: String = r.get(12)?;
    Ok(StepRow {
        event: EventId(r.get(0)?),
        previous: r.get::<_, Option<i64>>(11)?.map(EventId),
        item: ItemId(item),
        slot: Slot::on_side(side, a_side),
        side,
        reviewer,
        chain: ChainId(chain),
        step_index,
        text,
        verdict: StepVerdict {
            label: r.get(5)?,
            severity: r.get(6)?,
            tags: parse_tags(r.get_ref(7)?.as_str().map_err(rusqlite::Error::from)?)?,
            note: r.get(8)?,
            bad_split: r.get(9)?,
        },
        ms_spent: non_negative(r.get(10)?, "ms_spent")?,
        first_at: created_at.clone(),
        created_at,
        revision: 1,
        current: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_map_to_sides_both_ways() {
        for a_side in [Side::Left, Side::Right] {
            for slot in Slot::BOTH {
                assert_eq!(Slot::on_side(slot.side(a_side), a_side), slot);
            }
        }
        assert_eq!(Slot::on_side(Side::Right, Side::Left), Slot::B);
    }
}
