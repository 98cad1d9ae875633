//! Studies: creation (items, reviewers, drawn assignments and the audit
//! event in one transaction), overview and progress, and unblinding.

use super::audit::record_event;
use super::{Store, StoreError};
use crate::domain::{CaseId, ChainId, ItemId, ModelId, Side, Study, StudyId};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// Everything a new study stores. Draws index into `items`.
#[derive(Debug, Clone)]
pub struct NewStudy {
    pub name: String,
    pub model_a: ModelId,
    pub model_b: ModelId,
    pub seed: u64,
    pub overlap: u32,
    pub reviewers: Vec<String>,
    /// (case, chain of model A, chain of model B)
    pub items: Vec<(CaseId, ChainId, ChainId)>,
    pub draws: Vec<crate::domain::assign::Draw>,
    /// Who created it (recorded in the audit trail).
    pub actor: String,
    pub detail: serde_json::Value,
    /// Both chains of every item re-segmented to a common step count.
    pub equal_steps: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewerProgress {
    pub reviewer: String,
    pub items: usize,
    pub items_done: usize,
    pub steps_total: usize,
    pub steps_judged: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyOverview {
    pub name: String,
    pub items: usize,
    pub overlap: u32,
    pub seed: u64,
    pub created_at: String,
    pub unblinded_at: Option<String>,
    /// Verdicts taken again after unblinding since then.
    pub reopened_at: Option<String>,
    pub reviewers: Vec<ReviewerProgress>,
    /// Reviewer packs made, each with its last collection.
    pub packs: Vec<super::collect::PackSummary>,
}

/// One item with both chains, for exports and tallies (model identity included:
/// never hand this to a review screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub item: ItemId,
    pub case_id: CaseId,
    pub chain_a: ChainId,
    pub chain_b: ChainId,
}

fn study_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Study> {
    Ok(Study {
        id: StudyId(r.get(0)?),
        name: r.get(1)?,
        model_a: ModelId(r.get(2)?),
        model_b: ModelId(r.get(3)?),
        seed: r.get::<_, i64>(4)? as u64,
        overlap: r.get(5)?,
        created_at: r.get(6)?,
        unblinded_at: r.get(7)?,
    })
}

const STUDY_SELECT: &str =
    "SELECT s.id, s.name, s.model_a, s.model_b, s.seed, s.overlap, s.created_at,
    (SELECT created_at FROM study_events e WHERE e.study_id = s.id AND e.kind = 'unblinded')
    FROM studies s";

impl Store {
    pub fn create_study(&mut self, s: &NewStudy) -> Result<StudyId, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let exists: Option<i64> = tx
            .query_row("SELECT id FROM studies WHERE name = ?1", [&s.name], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!(
                "a study named {:?} already exists",
                s.name
            )));
        }
        // SQLite integers are signed: store the seed's bits.
        tx.execute(
            "INSERT INTO studies (name, model_a, model_b, seed, overlap, equal_steps) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![s.name, s.model_a.0, s.model_b.0, s.seed as i64, s.overlap, s.equal_steps],
        )?;
        let study = tx.last_insert_rowid();
        for r in &s.reviewers {
            tx.execute(
                "INSERT INTO study_reviewers (study_id, reviewer) VALUES (?1, ?2)",
                params![study, r],
            )?;
        }
        let mut item_ids = Vec::with_capacity(s.items.len());
        {
            let mut stmt = tx.prepare(
                "INSERT INTO items (study_id, case_id, chain_a, chain_b) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (case, a, b) in &s.items {
                stmt.execute(params![study, case.as_str(), a.0, b.0])?;
                item_ids.push(tx.last_insert_rowid());
            }
            let mut stmt = tx.prepare("INSERT INTO assignments (item_id, reviewer, position, a_side) VALUES (?1, ?2, ?3, ?4)")?;
            for d in &s.draws {
                let item = item_ids.get(d.case_index).ok_or_else(|| {
                    StoreError::Invalid(format!("draw for unknown item {}", d.case_index))
                })?;
                stmt.execute(params![item, d.reviewer, d.position, d.a_side])?;
            }
        }
        tx.execute(
            "INSERT INTO study_events (study_id, kind, actor, detail, os_user, host) VALUES (?1, 'created', ?2, ?3, ?4, ?5)",
            params![study, s.actor, s.detail.to_string(), super::audit::os_user(), super::audit::host()],
        )?;
        tx.commit()?;
        Ok(StudyId(study))
    }

    pub fn study(&self, name: &str) -> Result<Study, StoreError> {
        self.conn
            .query_row(
                &format!("{STUDY_SELECT} WHERE s.name = ?1"),
                [name],
                study_from_row,
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::NotFound(format!(
                    "no study named {name:?} (see `blindstep study list`)"
                ))
            })
    }

    pub fn study_by_id(&self, id: StudyId) -> Result<Study, StoreError> {
        Ok(self.conn.query_row(
            &format!("{STUDY_SELECT} WHERE s.id = ?1"),
            [id.0],
            study_from_row,
        )?)
    }

    pub fn studies(&self) -> Result<Vec<Study>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("{STUDY_SELECT} ORDER BY s.name"))?;
        let rows = stmt.query_map([], study_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn study_reviewers(&self, study: StudyId) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT reviewer FROM study_reviewers WHERE study_id = ?1 ORDER BY reviewer",
        )?;
        let rows = stmt.query_map([study.0], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn study_items(&self, study: StudyId) -> Result<Vec<ItemRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, case_id, chain_a, chain_b FROM items WHERE study_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([study.0], |r| {
            Ok(ItemRow {
                item: ItemId(r.get(0)?),
                case_id: CaseId(r.get(1)?),
                chain_a: ChainId(r.get(2)?),
                chain_b: ChainId(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every assignment of a study: (item, reviewer, position, side of model A).
    pub fn study_assignments(
        &self,
        study: StudyId,
    ) -> Result<Vec<(ItemId, String, u32, Side)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.item_id, a.reviewer, a.position, a.a_side FROM assignments a JOIN items i ON i.id = a.item_id
             WHERE i.study_id = ?1 ORDER BY a.reviewer, a.position",
        )?;
        let rows = stmt.query_map([study.0], |r| {
            Ok((ItemId(r.get(0)?), r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn study_overview(&self, name: &str) -> Result<StudyOverview, StoreError> {
        let study = self.study(name)?;
        let items: i64 = self.conn.query_row(
            "SELECT count(*) FROM items WHERE study_id = ?1",
            [study.id.0],
            |r| r.get(0),
        )?;
        let mut reviewers = Vec::new();
        for r in self.study_reviewers(study.id)? {
            let queue = self.reviewer_queue(study.id, &crate::domain::ReviewerId(r.clone()))?;
            reviewers.push(ReviewerProgress {
                reviewer: r,
                items: queue.len(),
                items_done: queue
                    .iter()
                    .filter(|q| q.status() == crate::domain::ItemStatus::Done)
                    .count(),
                steps_total: queue.iter().map(|q| q.steps_total).sum(),
                steps_judged: queue.iter().map(|q| q.steps_judged).sum(),
            });
        }
        Ok(StudyOverview {
            name: study.name,
            items: usize::try_from(items).unwrap_or(0),
            overlap: study.overlap,
            seed: study.seed,
            created_at: study.created_at,
            unblinded_at: study.unblinded_at,
            reopened_at: self.reopened_at(study.id)?,
            reviewers,
            packs: self.study_packs(study.id)?,
        })
    }

    /// Record the unblinding (once, irreversible) in the audit trail.
    pub fn unblind(&mut self, study: StudyId, actor: &str) -> Result<String, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: Option<String> = tx
            .query_row(
                "SELECT created_at FROM study_events WHERE study_id = ?1 AND kind = 'unblinded'",
                [study.0],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(at) = done {
            return Err(StoreError::Conflict(format!(
                "the study was already unblinded at {at}"
            )));
        }
        tx.execute(
            "INSERT INTO study_events (study_id, kind, actor, os_user, host) VALUES (?1, 'unblinded', ?2, ?3, ?4)",
            params![study.0, actor, super::audit::os_user(), super::audit::host()],
        )?;
        let at: String = tx.query_row(
            "SELECT created_at FROM study_events WHERE id = last_insert_rowid()",
            [],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(at)
    }

    /// Append an audit event (e.g. `exported`).
    pub fn record_study_event(
        &mut self,
        study: StudyId,
        kind: &str,
        actor: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        record_event(&self.conn, study, kind, actor, detail)?;
        Ok(())
    }
}
