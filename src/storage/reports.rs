//! Reporting reads for the tally and the exports: a study's items with their gold answers
//! and extracted answers, its assignments, the current (or every) case verdict with the side
//! model A was shown on for that reviewer, and the study audit trail. Step verdicts stream
//! from [`super::report_steps`].
//!
//! Must not: write, or decide what may be shown before unblinding. Rows carry the model
//! *slot* (A/B) because agreement needs it even while blinded; the caller (`export`) decides
//! what reaches a file or a screen.

use super::{Store, StoreError};
use crate::domain::{
    Case, CaseVerdict, ChainId, EventId, FinalAnswer, ItemId, Preference, Side, StudyId,
};

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

pub(super) fn non_negative(v: i64, what: &str) -> Result<u64, StoreError> {
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
