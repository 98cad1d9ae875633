//! Writing a reviewer's verdicts: each change is one appended event in its own transaction,
//! committed before returning, plus one row of the reviewer's change log for the item
//! (`review_changes`, migration 0003) so that undo works from the store.
//!
//! Collected pack verdicts are logged as changes too (by `collect_pack`), and undo refuses
//! to take them back: a reviewer undoes inside their pack.
//!
//! The stale-save rule: a save names the event its screen was showing for that verdict
//! (`base`, `None` when it had never been judged). When the current event is another one
//! (another session of the same reviewer, or a collected pack, changed it meanwhile) the save
//! is refused with [`StoreError::Stale`] and nothing is written.

use super::review::{flags, flags_text};
use super::{Store, StoreError};
use crate::domain::{
    CaseVerdict, EventId, ItemId, ReviewerId, Side, StepLabel, StepVerdict, StudyId, UndoneChange,
};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

/// What a base-checked save compares against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Append whatever the current verdict is (imports, tools, tests).
    Any,
    /// The save was based on this event (`None`: on "never judged"); refuse it otherwise.
    Event(Option<EventId>),
}

impl Base {
    fn check(
        self,
        current: Option<EventId>,
        what: impl FnOnce() -> String,
    ) -> Result<(), StoreError> {
        match self {
            Base::Event(b) if b != current => Err(StoreError::Stale {
                what: what(),
                base: b,
                current,
            }),
            _ => Ok(()),
        }
    }
}

/// Which verdict a change in the log wrote.
pub(super) enum Written {
    Step(i64),
    Case(i64),
}

pub(super) fn log_change(
    tx: &Transaction<'_>,
    item: ItemId,
    reviewer: &ReviewerId,
    written: Written,
    undoes: Option<i64>,
) -> Result<(), StoreError> {
    let (step, case) = match written {
        Written::Step(id) => (Some(id), None),
        Written::Case(id) => (None, Some(id)),
    };
    tx.prepare_cached(
        "INSERT INTO review_changes (item_id, reviewer, step_event_id, case_event_id, undoes_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![item.0, reviewer.as_str(), step, case, undoes])?;
    Ok(())
}

impl Store {
    /// Append one step-verdict event (the full new state) and commit it, whatever the current
    /// verdict is. Returns only once the event is durable.
    #[allow(clippy::too_many_arguments)]
    pub fn append_step_verdict(
        &mut self,
        study: StudyId,
        item: ItemId,
        reviewer: &ReviewerId,
        side: Side,
        step_index: usize,
        verdict: &StepVerdict,
        ms_spent: u64,
    ) -> Result<EventId, StoreError> {
        self.save_step_verdict(
            study,
            item,
            reviewer,
            side,
            step_index,
            verdict,
            ms_spent,
            Base::Any,
        )
    }

    /// Append one step-verdict event based on `base` and commit it; refuse it with
    /// [`StoreError::Stale`] when the step's current event is not `base`. The reviewer's
    /// cursor moves to the step in the same commit (after a crash they resume there).
    #[allow(clippy::too_many_arguments)]
    pub fn save_step_verdict(
        &mut self,
        study: StudyId,
        item: ItemId,
        reviewer: &ReviewerId,
        side: Side,
        step_index: usize,
        verdict: &StepVerdict,
        ms_spent: u64,
        base: Base,
    ) -> Result<EventId, StoreError> {
        if verdict.severity.is_some() && verdict.label != Some(StepLabel::Error) {
            return Err(StoreError::Invalid(
                "a severity is only given to an error step".into(),
            ));
        }
        let (_, a_side, chain_a, chain_b, _) = self.assignment(study, item, reviewer)?;
        let chain = Self::chain_on_side(a_side, chain_a, chain_b, side);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let previous = latest_step_event(&tx, item, reviewer, side, step_index)?;
        base.check(previous.map(EventId), || {
            format!("{side} step {}", step_index + 1)
        })?;
        let id = insert_step(
            &tx, item, reviewer, side, chain.0, step_index, verdict, ms_spent, previous,
        )?;
        log_change(&tx, item, reviewer, Written::Step(id), None)?;
        // Where the reviewer was, in the same commit: after a crash they resume
        // at the step they last judged, at no extra write.
        tx.prepare_cached(
            "INSERT INTO review_cursors (study_id, reviewer, item_id, side, step_idx) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (study_id, reviewer) DO UPDATE SET item_id = excluded.item_id, side = excluded.side,
             step_idx = excluded.step_idx, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')",
        )?
        .execute(params![study.0, reviewer.as_str(), item.0, side, step_index as i64])?;
        tx.commit()?;
        Ok(EventId(id))
    }

    /// Append one case-verdict event (the full new state) and commit it, whatever the current
    /// verdict is.
    pub fn append_case_verdict(
        &mut self,
        study: StudyId,
        item: ItemId,
        reviewer: &ReviewerId,
        verdict: &CaseVerdict,
        ms_spent: u64,
    ) -> Result<EventId, StoreError> {
        self.save_case_verdict(study, item, reviewer, verdict, ms_spent, Base::Any)
    }

    /// Append one case-verdict event based on `base` and commit it; refuse it with
    /// [`StoreError::Stale`] when the item's current case verdict event is not `base`.
    pub fn save_case_verdict(
        &mut self,
        study: StudyId,
        item: ItemId,
        reviewer: &ReviewerId,
        verdict: &CaseVerdict,
        ms_spent: u64,
        base: Base,
    ) -> Result<EventId, StoreError> {
        self.assignment(study, item, reviewer)?;
        if verdict.confidence.is_some_and(|c| !(1..=5).contains(&c)) {
            return Err(StoreError::Invalid("confidence must be 1 to 5".into()));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let previous = latest_case_event(&tx, item, reviewer)?;
        base.check(previous.map(EventId), || "the case verdict".to_string())?;
        let id = insert_case(&tx, item, reviewer, verdict, ms_spent, previous)?;
        log_change(&tx, item, reviewer, Written::Case(id), None)?;
        tx.commit()?;
        Ok(EventId(id))
    }

    /// Undo the reviewer's last change to `item` that is not undone yet, from the change log
    /// (so it works across sessions and restarts): append the state before it as a new event,
    /// logged as undoing it. `None` when there is nothing left to undo. A verdict collected
    /// from a reviewer pack is not taken back ([`StoreError::Conflict`], saying so, nothing
    /// written): neither when it is the last change nor when undoing an older change of the
    /// same verdict would discard it.
    pub fn undo_last_change(
        &mut self,
        study: StudyId,
        item: ItemId,
        reviewer: &ReviewerId,
    ) -> Result<Option<UndoneChange>, StoreError> {
        let (_, a_side, chain_a, chain_b, _) = self.assignment(study, item, reviewer)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut stack: Vec<(i64, Option<i64>, Option<i64>)> = Vec::new();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT id, step_event_id, case_event_id, undoes_id FROM review_changes
                 WHERE item_id = ?1 AND reviewer = ?2 ORDER BY id",
            )?;
            let mut rows = stmt.query(params![item.0, reviewer.as_str()])?;
            while let Some(r) = rows.next()? {
                let undoes: Option<i64> = r.get(3)?;
                match undoes {
                    Some(u) => stack.retain(|(id, _, _)| *id != u),
                    None => stack.push((r.get(0)?, r.get(1)?, r.get(2)?)),
                }
            }
        }
        let Some((change, step_event, case_event)) = stack.pop() else {
            return Ok(None);
        };
        let undone = match (step_event, case_event) {
            (Some(ev), _) => {
                let (side, step_idx, previous): (Side, i64, Option<i64>) = tx
                    .prepare_cached(
                        "SELECT side, step_idx, previous_id FROM step_verdict_events WHERE id = ?1",
                    )?
                    .query_row([ev], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                let step_index = step_idx as usize;
                if let Some(pack) =
                    collected_step_since(&tx, study, item, reviewer, side, step_idx, ev)?
                {
                    return Err(from_pack(&format!("{side} step {}", step_index + 1), &pack));
                }
                let verdict = match previous {
                    Some(p) => step_event_verdict(&tx, p)?,
                    None => StepVerdict::default(),
                };
                let chain = Self::chain_on_side(a_side, chain_a, chain_b, side);
                let current = latest_step_event(&tx, item, reviewer, side, step_index)?;
                let id = insert_step(
                    &tx, item, reviewer, side, chain.0, step_index, &verdict, 0, current,
                )?;
                log_change(&tx, item, reviewer, Written::Step(id), Some(change))?;
                UndoneChange::Step {
                    side,
                    step_index,
                    verdict,
                    event: EventId(id),
                }
            }
            (None, Some(ev)) => {
                if let Some(pack) = collected_case_since(&tx, study, item, reviewer, ev)? {
                    return Err(from_pack("the case verdict", &pack));
                }
                let previous: Option<i64> = tx
                    .prepare_cached("SELECT previous_id FROM case_verdict_events WHERE id = ?1")?
                    .query_row([ev], |r| r.get(0))?;
                let verdict = match previous {
                    Some(p) => case_event_verdict(&tx, p)?,
                    None => CaseVerdict::default(),
                };
                let current = latest_case_event(&tx, item, reviewer)?;
                let id = insert_case(&tx, item, reviewer, &verdict, 0, current)?;
                log_change(&tx, item, reviewer, Written::Case(id), Some(change))?;
                UndoneChange::Case {
                    verdict,
                    event: EventId(id),
                }
            }
            (None, None) => return Err(StoreError::corrupt("a review change that wrote nothing")),
        };
        tx.commit()?;
        Ok(Some(undone))
    }
}

/// Undo never takes back a verdict collected from a reviewer pack: the reviewer undoes inside
/// their pack before sending it, and here a collected verdict is changed by a new verdict.
fn from_pack(what: &str, pack: &str) -> StoreError {
    StoreError::Conflict(format!(
        "{what}: the last change came from reviewer pack {pack} (merged by `study collect`), and \
         undo here does not take back a collected verdict; give a new verdict instead (a reviewer \
         undoes inside their pack, before sending it back)"
    ))
}

/// The pack of the newest verdict event collected from a pack of this reviewer for this step
/// at or after event `since` (undoing `since` would discard it).
fn collected_step_since(
    tx: &Transaction<'_>,
    study: StudyId,
    item: ItemId,
    reviewer: &ReviewerId,
    side: Side,
    step_idx: i64,
    since: i64,
) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT pe.pack_id FROM packs p
             JOIN pack_events pe ON pe.pack_id = p.id AND pe.kind = 'step' AND pe.origin = 'collected'
             JOIN step_verdict_events s ON s.id = pe.event_id
             WHERE p.study_id = ?1 AND p.reviewer = ?2 AND s.item_id = ?3 AND s.side = ?4
               AND s.step_idx = ?5 AND s.id >= ?6
             ORDER BY s.id DESC LIMIT 1",
        )?
        .query_row(
            params![study.0, reviewer.as_str(), item.0, side, step_idx, since],
            |r| r.get(0),
        )
        .optional()?)
}

/// As [`collected_step_since`], for the item's case verdict.
fn collected_case_since(
    tx: &Transaction<'_>,
    study: StudyId,
    item: ItemId,
    reviewer: &ReviewerId,
    since: i64,
) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT pe.pack_id FROM packs p
             JOIN pack_events pe ON pe.pack_id = p.id AND pe.kind = 'case' AND pe.origin = 'collected'
             JOIN case_verdict_events c ON c.id = pe.event_id
             WHERE p.study_id = ?1 AND p.reviewer = ?2 AND c.item_id = ?3 AND c.id >= ?4
             ORDER BY c.id DESC LIMIT 1",
        )?
        .query_row(params![study.0, reviewer.as_str(), item.0, since], |r| {
            r.get(0)
        })
        .optional()?)
}

fn latest_step_event(
    tx: &Transaction<'_>,
    item: ItemId,
    reviewer: &ReviewerId,
    side: Side,
    step_index: usize,
) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT max(id) FROM step_verdict_events WHERE item_id = ?1 AND reviewer = ?2 AND side = ?3 AND step_idx = ?4",
        )?
        .query_row(params![item.0, reviewer.as_str(), side, step_index as i64], |r| r.get(0))?)
}

fn latest_case_event(
    tx: &Transaction<'_>,
    item: ItemId,
    reviewer: &ReviewerId,
) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT max(id) FROM case_verdict_events WHERE item_id = ?1 AND reviewer = ?2",
        )?
        .query_row(params![item.0, reviewer.as_str()], |r| r.get(0))?)
}

#[allow(clippy::too_many_arguments)]
fn insert_step(
    tx: &Transaction<'_>,
    item: ItemId,
    reviewer: &ReviewerId,
    side: Side,
    chain: i64,
    step_index: usize,
    verdict: &StepVerdict,
    ms_spent: u64,
    previous: Option<i64>,
) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO step_verdict_events (item_id, reviewer, side, chain_id, step_idx, label, severity, tags, note, bad_split, ms_spent, previous_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        item.0,
        reviewer.as_str(),
        side,
        chain,
        step_index as i64,
        verdict.label,
        verdict.severity,
        verdict.tags_text(),
        verdict.note.as_deref().filter(|n| !n.is_empty()),
        verdict.bad_split,
        ms_spent.min(i64::MAX as u64) as i64,
        previous
    ])
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, Some(m)) if m.contains("FOREIGN KEY") || f.extended_code == 787 => {
            StoreError::Invalid(format!("step {} does not exist on the {side} side", step_index + 1))
        }
        other => StoreError::Sql(other),
    })?;
    Ok(tx.last_insert_rowid())
}

fn insert_case(
    tx: &Transaction<'_>,
    item: ItemId,
    reviewer: &ReviewerId,
    verdict: &CaseVerdict,
    ms_spent: u64,
    previous: Option<i64>,
) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO case_verdict_events (item_id, reviewer, answer_correct_left, answer_correct_right, red_flags_left, red_flags_right,
            preferred, student_guess, confidence, ms_spent, previous_id, acted_on_left, acted_on_right,
            plan_left, plan_right)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        item.0,
        reviewer.as_str(),
        verdict.answer_correct[0],
        verdict.answer_correct[1],
        flags_text(&verdict.red_flags[0]),
        flags_text(&verdict.red_flags[1]),
        verdict.preferred,
        verdict.student_guess,
        verdict.confidence,
        ms_spent.min(i64::MAX as u64) as i64,
        previous,
        flags_text(&verdict.acted_on[0]),
        flags_text(&verdict.acted_on[1]),
        verdict.plan[0],
        verdict.plan[1],
    ])?;
    Ok(tx.last_insert_rowid())
}

fn step_event_verdict(tx: &Transaction<'_>, id: i64) -> Result<StepVerdict, StoreError> {
    let row = tx
        .prepare_cached(
            "SELECT label, severity, tags, note, bad_split FROM step_verdict_events WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })
        .optional()?
        .ok_or_else(|| StoreError::corrupt(format!("step verdict event {id} is missing")))?;
    let (label, severity, tags, note, bad_split) = row;
    Ok(StepVerdict {
        label,
        severity,
        tags: super::review::parse_tags(&tags)?,
        note,
        bad_split,
    })
}

fn case_event_verdict(tx: &Transaction<'_>, id: i64) -> Result<CaseVerdict, StoreError> {
    tx.prepare_cached(
        "SELECT answer_correct_left, answer_correct_right, red_flags_left, red_flags_right, preferred,
            student_guess, confidence, acted_on_left, acted_on_right, plan_left, plan_right
             FROM case_verdict_events WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(CaseVerdict {
            answer_correct: [r.get(0)?, r.get(1)?],
            red_flags: [flags(&r.get::<_, String>(2)?), flags(&r.get::<_, String>(3)?)],
            preferred: r.get(4)?,
            student_guess: r.get(5)?,
            confidence: r.get(6)?,
            acted_on: [flags(&r.get::<_, String>(7)?), flags(&r.get::<_, String>(8)?)],
            plan: [r.get(9)?, r.get(10)?],
        })
    })
    .optional()?
    .ok_or_else(|| StoreError::corrupt(format!("case verdict event {id} is missing")))
}
