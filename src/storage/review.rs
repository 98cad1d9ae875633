//! The reviewer's path: their queue, one blinded item, and appending verdict
//! events. Each verdict is its own transaction, committed before returning.
//! What leaves this file for the review screen is a blinded type.

use super::{Store, StoreError};
use crate::domain::{
    BlindChain, BlindItem, BlindStep, CaseId, CaseVerdict, ChainId, ErrorMode, EventId,
    FinalAnswer, ItemId, Preference, QueueEntry, ReviewCursor, ReviewerId, Severity, Side,
    StepLabel, StepVerdict, StudyId,
};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeSet;

const LATEST_STEP: &str =
    "e.id = (SELECT max(e2.id) FROM step_verdict_events e2 WHERE e2.item_id = e.item_id
    AND e2.reviewer = e.reviewer AND e2.side = e.side AND e2.step_idx = e.step_idx)";

impl Store {
    /// The reviewer's items in their shuffled order, with progress.
    pub fn reviewer_queue(
        &self,
        study: StudyId,
        reviewer: &ReviewerId,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        let sql = format!(
            "SELECT a.item_id, a.position, i.case_id, c.title, c.specialty,
                (SELECT count(*) FROM steps s WHERE s.chain_id = i.chain_a)
                  + (SELECT count(*) FROM steps s WHERE s.chain_id = i.chain_b),
                (SELECT count(*) FROM step_verdict_events e WHERE e.item_id = a.item_id AND e.reviewer = a.reviewer
                   AND e.label IS NOT NULL AND {LATEST_STEP}),
                json_array_length(c.body, '$.red_flags'),
                cv.answer_correct_left, cv.answer_correct_right, cv.red_flags_left, cv.red_flags_right,
                cv.preferred, cv.student_guess, cv.confidence, cv.acted_on_left, cv.acted_on_right,
                c.question || char(10) || coalesce(json_extract(c.body, '$.task.options'), '') || char(10) || c.vignette
             FROM assignments a
             JOIN items i ON i.id = a.item_id
             JOIN cases c ON c.id = i.case_id
             LEFT JOIN case_verdict_events cv ON cv.id = (SELECT max(id) FROM case_verdict_events x
                  WHERE x.item_id = a.item_id AND x.reviewer = a.reviewer)
             WHERE i.study_id = ?1 AND a.reviewer = ?2
             ORDER BY a.position"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![study.0, reviewer.as_str()], |r| {
            let n_flags: i64 = r.get::<_, Option<i64>>(7)?.unwrap_or(0);
            let complete = r.get::<_, Option<bool>>(8)?.is_some()
                && r.get::<_, Option<bool>>(9)?.is_some()
                && r.get::<_, Option<String>>(10)?
                    .is_some_and(|s| s.len() as i64 == n_flags)
                && r.get::<_, Option<String>>(11)?
                    .is_some_and(|s| s.len() as i64 == n_flags)
                && r.get::<_, Option<String>>(12)?.is_some()
                && r.get::<_, Option<String>>(13)?.is_some()
                && r.get::<_, Option<i64>>(14)?.is_some()
                && r.get::<_, Option<String>>(15)?
                    .is_some_and(|s| s.len() as i64 == n_flags)
                && r.get::<_, Option<String>>(16)?
                    .is_some_and(|s| s.len() as i64 == n_flags);
            Ok(QueueEntry {
                item: ItemId(r.get(0)?),
                position: r.get(1)?,
                case_id: CaseId(r.get(2)?),
                title: r.get(3)?,
                specialty: r.get(4)?,
                steps_total: r.get::<_, i64>(5)? as usize,
                steps_judged: r.get::<_, i64>(6)? as usize,
                case_verdict_complete: complete,
                search_text: r.get(17)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Model A's side and both chains for one reviewer's assignment.
    pub(super) fn assignment(
        &self,
        study: StudyId,
        item: ItemId,
        reviewer: &ReviewerId,
    ) -> Result<(u32, Side, ChainId, ChainId, CaseId), StoreError> {
        self.conn
            .prepare_cached(
                "SELECT a.position, a.a_side, i.chain_a, i.chain_b, i.case_id FROM assignments a JOIN items i ON i.id = a.item_id
                 WHERE i.study_id = ?1 AND a.item_id = ?2 AND a.reviewer = ?3",
            )?
            .query_row(params![study.0, item.0, reviewer.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, ChainId(r.get(2)?), ChainId(r.get(3)?), CaseId(r.get(4)?)))
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("item {item} is not assigned to reviewer {reviewer} in this study")))
    }

    /// The chain shown on `side` of this reviewer's screen.
    pub(super) fn chain_on_side(
        a_side: Side,
        chain_a: ChainId,
        chain_b: ChainId,
        side: Side,
    ) -> ChainId {
        if side == a_side { chain_a } else { chain_b }
    }

    /// One item as this reviewer's screen sees it: no model, run or timing.
    pub fn load_blind_item(
        &self,
        study: StudyId,
        item: ItemId,
        reviewer: &ReviewerId,
    ) -> Result<BlindItem, StoreError> {
        let (position, a_side, chain_a, chain_b, case_id) =
            self.assignment(study, item, reviewer)?;
        let case = self.case(&case_id)?;
        let mut chains = Vec::with_capacity(2);
        let mut verdicts = Vec::with_capacity(2);
        let mut events = crate::domain::VerdictEvents::default();
        for side in [Side::Left, Side::Right] {
            let chain_id = Self::chain_on_side(a_side, chain_a, chain_b, side);
            let chain = self.chain(chain_id)?;
            let differential = match &chain.answer {
                Some(FinalAnswer::Differential(d)) => d.clone(),
                _ => Vec::new(),
            };
            let mut v = vec![StepVerdict::default(); chain.steps.len()];
            events.steps[side.index()] = vec![None; chain.steps.len()];
            for (idx, verdict, event) in self.current_step_verdicts(item, reviewer, side)? {
                if let Some(slot) = v.get_mut(idx) {
                    *slot = verdict;
                    events.set_step(side, idx, event);
                }
            }
            verdicts.push(v);
            chains.push(BlindChain {
                cut_off: chain.truncated,
                steps: chain
                    .steps
                    .into_iter()
                    .map(|s| BlindStep { text: s.text })
                    .collect(),
                // A differential is shown once, as the ranked list.
                answer: match &chain.answer {
                    Some(FinalAnswer::Differential(_)) | None => None,
                    Some(other) => Some(other.display()),
                },
                differential,
            });
        }
        let (case_event, case_verdict) = match self.current_case_verdict(item, reviewer)? {
            Some((id, v)) => (Some(id), v),
            None => (None, CaseVerdict::default()),
        };
        events.case = case_event;
        let right_v = verdicts.pop().unwrap_or_default();
        let left_v = verdicts.pop().unwrap_or_default();
        let right_c = chains
            .pop()
            .ok_or_else(|| StoreError::corrupt("missing chain"))?;
        let left_c = chains
            .pop()
            .ok_or_else(|| StoreError::corrupt("missing chain"))?;
        Ok(BlindItem {
            item,
            position,
            case,
            chains: [left_c, right_c],
            verdicts: [left_v, right_v],
            case_verdict,
            events,
        })
    }

    /// The reviewer's current verdict of every judged step on one side, with its event.
    pub(super) fn current_step_verdicts(
        &self,
        item: ItemId,
        reviewer: &ReviewerId,
        side: Side,
    ) -> Result<Vec<(usize, StepVerdict, EventId)>, StoreError> {
        let sql = format!(
            "SELECT e.step_idx, e.label, e.severity, e.tags, e.note, e.bad_split, e.id FROM step_verdict_events e
             WHERE e.item_id = ?1 AND e.reviewer = ?2 AND e.side = ?3 AND {LATEST_STEP}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![item.0, reviewer.as_str(), side], |r| {
            Ok((
                r.get::<_, i64>(0)? as usize,
                r.get::<_, Option<StepLabel>>(1)?,
                r.get::<_, Option<Severity>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
                EventId(r.get(6)?),
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (idx, label, severity, tags, note, bad_split, id) = row?;
            out.push((
                idx,
                StepVerdict {
                    label,
                    severity,
                    tags: parse_tags(&tags)?,
                    note,
                    bad_split,
                },
                id,
            ));
        }
        Ok(out)
    }

    pub(super) fn current_case_verdict(
        &self,
        item: ItemId,
        reviewer: &ReviewerId,
    ) -> Result<Option<(EventId, CaseVerdict)>, StoreError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, answer_correct_left, answer_correct_right, red_flags_left, red_flags_right, preferred, student_guess, confidence,
                    acted_on_left, acted_on_right, plan_left, plan_right
                 FROM case_verdict_events WHERE item_id = ?1 AND reviewer = ?2 ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![item.0, reviewer.as_str()], |r| {
                Ok((
                    EventId(r.get(0)?),
                    CaseVerdict {
                        answer_correct: [r.get(1)?, r.get(2)?],
                        red_flags: [flags(&r.get::<_, String>(3)?), flags(&r.get::<_, String>(4)?)],
                        preferred: r.get::<_, Option<Preference>>(5)?,
                        student_guess: r.get::<_, Option<Side>>(6)?,
                        confidence: r.get::<_, Option<u8>>(7)?,
                        acted_on: [flags(&r.get::<_, String>(8)?), flags(&r.get::<_, String>(9)?)],
                        plan: [r.get(10)?, r.get(11)?],
                    },
                ))
            })
            .optional()?;
        Ok(row)
    }

    pub fn save_cursor(
        &mut self,
        study: StudyId,
        reviewer: &ReviewerId,
        c: &ReviewCursor,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO review_cursors (study_id, reviewer, item_id, side, step_idx) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (study_id, reviewer) DO UPDATE SET item_id = excluded.item_id, side = excluded.side,
                 step_idx = excluded.step_idx, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')",
            )?
            .execute(params![study.0, reviewer.as_str(), c.item.map(|i| i.0), c.side, c.step as i64])?;
        Ok(())
    }

    pub fn load_cursor(
        &self,
        study: StudyId,
        reviewer: &ReviewerId,
    ) -> Result<Option<ReviewCursor>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT item_id, side, step_idx FROM review_cursors WHERE study_id = ?1 AND reviewer = ?2")?
            .query_row(params![study.0, reviewer.as_str()], |r| {
                Ok(ReviewCursor { item: r.get::<_, Option<i64>>(0)?.map(ItemId), side: r.get(1)?, step: r.get::<_, i64>(2)? as usize })
            })
            .optional()?)
    }
}

pub(crate) fn parse_tags(text: &str) -> Result<BTreeSet<ErrorMode>, StoreError> {
    text.split(';')
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<ErrorMode>().map_err(StoreError::corrupt))
        .collect()
}

pub(super) fn flags(text: &str) -> Vec<bool> {
    text.chars().map(|c| c == '1').collect()
}

pub(super) fn flags_text(v: &[bool]) -> String {
    v.iter().map(|&b| if b { '1' } else { '0' }).collect()
}
