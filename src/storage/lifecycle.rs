//! The study lifecycle after creation: whether verdicts are still taken (not after
//! `unblind`, unless the study was reopened), reopening, and `study assign` (a reviewer
//! added, a dropped reviewer's unstarted items moved). Each change is one transaction with
//! its audit event.

use super::audit::record_event;
use super::{Store, StoreError};
use crate::domain::{ItemId, Side, StudyId};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::collections::BTreeSet;

/// One assignment moved from a dropped reviewer to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentMove {
    pub item: ItemId,
    pub from: String,
    pub to: String,
    pub position: u32,
    pub a_side: Side,
}

impl Store {
    /// `Some(unblinded_at)` when the study is unblinded and not reopened: no new verdicts.
    pub fn verdicts_closed(&self, study: StudyId) -> Result<Option<String>, StoreError> {
        let unblinded: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT created_at FROM study_events WHERE study_id = ?1 AND kind = 'unblinded'",
            )?
            .query_row([study.0], |r| r.get(0))
            .optional()?;
        let Some(at) = unblinded else {
            return Ok(None);
        };
        Ok((self.reopened_at(study)?.is_none()).then_some(at))
    }

    /// When the study was reopened after unblinding, if it was.
    pub fn reopened_at(&self, study: StudyId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT max(created_at) FROM study_events WHERE study_id = ?1 AND kind = 'reopened'",
                [study.0],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Take verdicts again after unblinding (audited). Returns the time recorded.
    pub fn reopen(
        &mut self,
        study: StudyId,
        actor: &str,
        reason: Option<&str>,
    ) -> Result<String, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let unblinded: Option<String> = tx
            .query_row(
                "SELECT created_at FROM study_events WHERE study_id = ?1 AND kind = 'unblinded'",
                [study.0],
                |r| r.get(0),
            )
            .optional()?;
        if unblinded.is_none() {
            return Err(StoreError::Conflict(
                "the study is still blinded and takes verdicts; there is nothing to reopen".into(),
            ));
        }
        let reopened: i64 = tx.query_row(
            "SELECT count(*) FROM study_events WHERE study_id = ?1 AND kind = 'reopened'",
            [study.0],
            |r| r.get(0),
        )?;
        if reopened > 0 {
            return Err(StoreError::Conflict(
                "the study was already reopened".into(),
            ));
        }
        let detail = serde_json::json!({ "reason": reason });
        let id = record_event(&tx, study, "reopened", actor, &detail.to_string())?;
        let at: String = tx.query_row(
            "SELECT created_at FROM study_events WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(at)
    }

    /// Items on which `reviewer` has any verdict event (started items never move).
    pub fn started_items(
        &self,
        study: StudyId,
        reviewer: &str,
    ) -> Result<BTreeSet<ItemId>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT a.item_id FROM assignments a JOIN items i ON i.id = a.item_id
             WHERE i.study_id = ?1 AND a.reviewer = ?2 AND (
               EXISTS (SELECT 1 FROM step_verdict_events e WHERE e.item_id = a.item_id AND e.reviewer = a.reviewer)
               OR EXISTS (SELECT 1 FROM case_verdict_events e WHERE e.item_id = a.item_id AND e.reviewer = a.reviewer))",
        )?;
        let rows = st.query_map(params![study.0, reviewer], |r| Ok(ItemId(r.get(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Add reviewers and move assignments, with one `assigned` audit event.
    pub fn reassign(
        &mut self,
        study: StudyId,
        added: &[String],
        moves: &[AssignmentMove],
        actor: &str,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for r in added {
            let n = tx.execute(
                "INSERT OR IGNORE INTO study_reviewers (study_id, reviewer) VALUES (?1, ?2)",
                params![study.0, r],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict(format!(
                    "{r:?} is already a reviewer of the study"
                )));
            }
        }
        for m in moves {
            let started: i64 = tx.query_row(
                "SELECT (SELECT count(*) FROM step_verdict_events WHERE item_id = ?1 AND reviewer = ?2)
                      + (SELECT count(*) FROM case_verdict_events WHERE item_id = ?1 AND reviewer = ?2)",
                params![m.item.0, m.from],
                |r| r.get(0),
            )?;
            if started > 0 {
                return Err(StoreError::Conflict(format!(
                    "item {} was started by {} meanwhile; nothing was moved",
                    m.item, m.from
                )));
            }
            let n = tx.execute(
                "DELETE FROM assignments WHERE item_id = ?1 AND reviewer = ?2",
                params![m.item.0, m.from],
            )?;
            if n != 1 {
                return Err(StoreError::Conflict(format!(
                    "item {} is not assigned to {}; nothing was moved",
                    m.item, m.from
                )));
            }
            tx.execute(
                "INSERT INTO assignments (item_id, reviewer, position, a_side) VALUES (?1, ?2, ?3, ?4)",
                params![m.item.0, m.to, m.position, m.a_side],
            )?;
            tx.execute(
                "UPDATE review_cursors SET item_id = NULL WHERE study_id = ?1 AND reviewer = ?2 AND item_id = ?3",
                params![study.0, m.from, m.item.0],
            )?;
        }
        record_event(&tx, study, "assigned", actor, &detail.to_string())?;
        tx.commit()?;
        Ok(())
    }
}
