//! Reviewer packs, the study side: recording a pack when it is made, merging a returned
//! pack's new verdict events ([`Store::collect_pack`]), and each pack's last collection.
//!
//! A pack event's stable id is (pack, kind, its id inside the pack): one that is already in
//! `pack_events` was copied into the pack or collected before, and is skipped. A new event is
//! applied only when the event it was based on (its `previous` in the pack) is still the
//! current verdict here; otherwise the verdict changed meanwhile (in the study database or
//! through another pack) and the event is reported as a conflict, not applied: nothing is
//! overwritten silently.

use super::audit::record_event;
use super::packs::{PackIds, PackRead};
use super::review_save::{Written, log_change};
use super::{Store, StoreError};
use crate::domain::{ItemId, ReviewerId, StudyId};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::collections::HashMap;

/// What the study database knows of a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackRecord {
    pub id: String,
    pub study: StudyId,
    pub reviewer: String,
    pub content_hash: String,
}

/// One pack of a study, for `study show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackSummary {
    pub pack: String,
    pub reviewer: String,
    pub created_at: String,
    pub collections: u32,
    pub last_collected_at: Option<String>,
    pub last_steps_added: Option<u32>,
    pub last_cases_added: Option<u32>,
    pub last_conflicts: Option<u32>,
}

/// What one collection did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CollectReport {
    pub steps_added: usize,
    pub cases_added: usize,
    /// Events already here (copied at packing or collected before).
    pub already_known: usize,
    /// Events not applied because the verdict changed since they were based on it.
    pub conflicts: Vec<String>,
}

type Known = HashMap<(&'static str, i64), i64>;

impl Store {
    /// Record a pack just written: its items and the events copied into it, and a `packed`
    /// audit event, in one transaction.
    pub fn record_pack(
        &mut self,
        rec: &PackRecord,
        path: &str,
        ids: &PackIds,
        actor: &str,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO packs (id, study_id, reviewer, content_hash, path) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![rec.id, rec.study.0, rec.reviewer, rec.content_hash, path],
        )?;
        for (pack_item, item) in &ids.items {
            tx.execute(
                "INSERT INTO pack_items (pack_id, pack_item, item_id) VALUES (?1, ?2, ?3)",
                params![rec.id, pack_item, item],
            )?;
        }
        for (kind, list) in [("step", &ids.step_events), ("case", &ids.case_events)] {
            for (pack_event, event) in list {
                tx.execute(
                    "INSERT INTO pack_events (pack_id, kind, pack_event, event_id, origin) VALUES (?1, ?2, ?3, ?4, 'packed')",
                    params![rec.id, kind, pack_event, event],
                )?;
            }
        }
        let detail = serde_json::json!({
            "pack": rec.id, "reviewer": rec.reviewer, "items": ids.items.len(), "path": path,
            "events": ids.step_events.len() + ids.case_events.len(),
        });
        record_event(&tx, rec.study, "packed", actor, &detail.to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// The record of pack `id`, if it was made from this database.
    pub fn pack_record(&self, id: &str) -> Result<Option<PackRecord>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, study_id, reviewer, content_hash FROM packs WHERE id = ?1",
                [id],
                |r| {
                    Ok(PackRecord {
                        id: r.get(0)?,
                        study: StudyId(r.get(1)?),
                        reviewer: r.get(2)?,
                        content_hash: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every pack of a study with its last collection, oldest pack first.
    pub fn study_packs(&self, study: StudyId) -> Result<Vec<PackSummary>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT p.id, p.reviewer, p.created_at,
                (SELECT count(*) FROM pack_collections c WHERE c.pack_id = p.id),
                l.collected_at, l.steps_added, l.cases_added, l.conflicts
             FROM packs p
             LEFT JOIN pack_collections l ON l.id = (SELECT max(id) FROM pack_collections c WHERE c.pack_id = p.id)
             WHERE p.study_id = ?1 ORDER BY p.created_at, p.id",
        )?;
        let rows = st.query_map([study.0], |r| {
            Ok(PackSummary {
                pack: r.get(0)?,
                reviewer: r.get(1)?,
                created_at: r.get(2)?,
                collections: r.get(3)?,
                last_collected_at: r.get(4)?,
                last_steps_added: r.get(5)?,
                last_cases_added: r.get(6)?,
                last_conflicts: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Merge a returned pack's new verdict events (checked by the caller: same study,
    /// reviewer and content as recorded). One transaction: all of it or nothing.
    pub fn collect_pack(
        &mut self,
        rec: &PackRecord,
        pack: &PackRead,
        actor: &str,
    ) -> Result<CollectReport, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let items: HashMap<i64, i64> = {
            let mut st =
                tx.prepare("SELECT pack_item, item_id FROM pack_items WHERE pack_id = ?1")?;
            st.query_map([&rec.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?
        };
        let mut known: Known = {
            let mut st = tx
                .prepare("SELECT kind, pack_event, event_id FROM pack_events WHERE pack_id = ?1")?;
            let rows: Vec<(String, i64, i64)> = st
                .query_map([&rec.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(k, p, e)| (if k == "step" { "step" } else { "case" }, p, e))
                .map(|(k, p, e)| ((k, p), e))
                .collect()
        };
        let mut report = CollectReport::default();
        let reviewer = ReviewerId(rec.reviewer.clone());
        let item_of = |pack_item: i64| {
            items.get(&pack_item).copied().ok_or_else(|| {
                StoreError::Invalid(format!(
                    "the pack has a verdict on item {pack_item}, which it was not made with"
                ))
            })
        };
        for e in &pack.step_events {
            if known.contains_key(&("step", e.id)) {
                report.already_known += 1;
                continue;
            }
            let item = item_of(e.item)?;
            let case: Option<(String, String, i64, i64)> = tx
                .query_row(
                    "SELECT i.case_id, a.a_side, i.chain_a, i.chain_b FROM items i JOIN assignments a ON a.item_id = i.id
                     WHERE i.id = ?1 AND a.reviewer = ?2",
                    params![item, rec.reviewer],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((case_id, a_side, chain_a, chain_b)) = case else {
                report.conflicts.push(format!(
                    "item {item}: no longer assigned to {} (moved by `study assign`); its step verdict was not applied",
                    rec.reviewer
                ));
                continue;
            };
            let base = match e.previous {
                None => None,
                Some(p) => match known.get(&("step", p)) {
                    Some(id) => Some(*id),
                    None => {
                        report.conflicts.push(format!(
                            "case {case_id}, {} step {}: based on a verdict that was not applied",
                            e.side,
                            e.step_idx + 1
                        ));
                        continue;
                    }
                },
            };
            let current: Option<i64> = tx.query_row(
                "SELECT max(id) FROM step_verdict_events WHERE item_id = ?1 AND reviewer = ?2 AND side = ?3 AND step_idx = ?4",
                params![item, rec.reviewer, e.side, e.step_idx],
                |r| r.get(0),
            )?;
            if current != base {
                report.conflicts.push(format!(
                    "case {case_id}, {} step {}: the verdict changed in the study since the pack's was based on it",
                    e.side,
                    e.step_idx + 1
                ));
                continue;
            }
            let chain = if e.side.as_str() == a_side.as_str() {
                chain_a
            } else {
                chain_b
            };
            tx.execute(
                "INSERT INTO step_verdict_events (item_id, reviewer, side, chain_id, step_idx, label, severity, tags, note, bad_split, ms_spent, previous_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![item, rec.reviewer, e.side, chain, e.step_idx, e.label, e.severity, e.tags, e.note, e.bad_split, e.ms_spent, current, e.created_at],
            )
            .map_err(|err| StoreError::Invalid(format!("case {case_id}, {} step {}: {err}", e.side, e.step_idx + 1)))?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO pack_events (pack_id, kind, pack_event, event_id, origin) VALUES (?1, 'step', ?2, ?3, 'collected')",
                params![rec.id, e.id, id],
            )?;
            // In the reviewer's change log too, so that the study database's undo knows the
            // pack's verdict is the last change (and refuses to take it back).
            log_change(&tx, ItemId(item), &reviewer, Written::Step(id), None)?;
            known.insert(("step", e.id), id);
            report.steps_added += 1;
        }
        for e in &pack.case_events {
            if known.contains_key(&("case", e.id)) {
                report.already_known += 1;
                continue;
            }
            let item = item_of(e.item)?;
            let case: Option<String> = tx
                .query_row(
                    "SELECT i.case_id FROM items i JOIN assignments a ON a.item_id = i.id WHERE i.id = ?1 AND a.reviewer = ?2",
                    params![item, rec.reviewer],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(case_id) = case else {
                report.conflicts.push(format!(
                    "item {item}: no longer assigned to {}; its case verdict was not applied",
                    rec.reviewer
                ));
                continue;
            };
            let base = match e.previous {
                None => None,
                Some(p) => match known.get(&("case", p)) {
                    Some(id) => Some(*id),
                    None => {
                        report.conflicts.push(format!(
                            "case {case_id}: case verdict based on one that was not applied"
                        ));
                        continue;
                    }
                },
            };
            let current: Option<i64> = tx.query_row(
                "SELECT max(id) FROM case_verdict_events WHERE item_id = ?1 AND reviewer = ?2",
                params![item, rec.reviewer],
                |r| r.get(0),
            )?;
            if current != base {
                report.conflicts.push(format!(
                    "case {case_id}: the case verdict changed in the study since the pack's was based on it"
                ));
                continue;
            }
            tx.execute(
                "INSERT INTO case_verdict_events (item_id, reviewer, answer_correct_left, answer_correct_right, red_flags_left, red_flags_right, preferred, student_guess, confidence, ms_spent, previous_id, created_at, acted_on_left, acted_on_right, plan_left, plan_right)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                params![item, rec.reviewer, e.answer_correct[0], e.answer_correct[1], e.red_flags[0], e.red_flags[1], e.preferred, e.student_guess, e.confidence, e.ms_spent, current, e.created_at, e.acted_on[0], e.acted_on[1], e.plan[0], e.plan[1]],
            )
            .map_err(|err| StoreError::Invalid(format!("case {case_id}: case verdict: {err}")))?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO pack_events (pack_id, kind, pack_event, event_id, origin) VALUES (?1, 'case', ?2, ?3, 'collected')",
                params![rec.id, e.id, id],
            )?;
            log_change(&tx, ItemId(item), &reviewer, Written::Case(id), None)?;
            known.insert(("case", e.id), id);
            report.cases_added += 1;
        }
        tx.execute(
            "INSERT INTO pack_collections (pack_id, steps_added, cases_added, conflicts) VALUES (?1, ?2, ?3, ?4)",
            params![
                rec.id,
                report.steps_added as i64,
                report.cases_added as i64,
                report.conflicts.len() as i64
            ],
        )?;
        let detail = serde_json::json!({
            "pack": rec.id, "reviewer": rec.reviewer, "steps_added": report.steps_added,
            "cases_added": report.cases_added, "conflicts": report.conflicts.len(),
        });
        record_event(&tx, rec.study, "collected", actor, &detail.to_string())?;
        tx.commit()?;
        Ok(report)
    }
}
