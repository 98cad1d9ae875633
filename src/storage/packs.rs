//! Reviewer packs, the file side: what one reviewer's pack holds, read from the study
//! database ([`Store::pack_content`]), written fresh into a new database file
//! ([`Store::fill_pack`]) and read back from a returned pack ([`Store::read_pack`], in
//! `pack_read`).
//!
//! A pack is a blindstep database of its own (so the review screens open it unchanged) that
//! holds only the reviewer's items, the cases, the blinded chains (step texts, no spans, no
//! raw output), the sides as left/right only (the pack's "model A" is simply the left chain,
//! under a placeholder name) and the reviewer's own verdicts. Every row is inserted anew, with
//! the pack's own ids; the study's ids stay in the study database (`pack_items`,
//! `pack_events`).
//!
//! Must not: copy a row with its database id, or write a model's name, role, label, location,
//! run, provenance, timing or any other reviewer's verdict into a pack.

use super::{Store, StoreError};
use crate::domain::{Case, CaseId, FinalAnswer, ItemId, Side};
use crate::ingest::LoadedCase;
use rusqlite::{TransactionBehavior, params};

/// Pack format version, in `pack_meta`.
pub const PACK_FORMAT: i64 = 1;

/// The placeholder "models" of a pack: the left and the right chain.
const LEFT: &str = "pack-left";
const RIGHT: &str = "pack-right";

/// A chain as a pack carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackChain {
    pub stripper_version: String,
    pub answer: Option<FinalAnswer>,
    pub truncated: bool,
    pub steps: Vec<String>,
}

/// A step-verdict event, with the id of the database it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackStepEvent {
    pub id: i64,
    pub previous: Option<i64>,
    pub item: i64,
    pub reviewer: String,
    pub side: Side,
    pub step_idx: i64,
    pub label: Option<String>,
    pub severity: Option<String>,
    pub tags: String,
    pub note: Option<String>,
    pub bad_split: bool,
    pub ms_spent: i64,
    pub created_at: String,
}

/// A case-verdict event, with the id of the database it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackCaseEvent {
    pub id: i64,
    pub previous: Option<i64>,
    pub item: i64,
    pub reviewer: String,
    pub answer_correct: [Option<bool>; 2],
    pub red_flags: [String; 2],
    pub preferred: Option<String>,
    pub student_guess: Option<String>,
    pub confidence: Option<i64>,
    pub ms_spent: i64,
    pub created_at: String,
    /// Red flags acted on, per side (the same encoding as `red_flags`).
    pub acted_on: [String; 2],
    /// Plan ratings of treatment-planning cases, per side.
    pub plan: [Option<String>; 2],
}

/// One of the reviewer's items: `chains` as the reviewer sees them, `[left, right]`.
#[derive(Debug, Clone)]
pub struct PackItem {
    /// The item's id in the database it was read from (never written into a pack).
    pub item: ItemId,
    pub position: u32,
    pub case: Case,
    pub chains: [PackChain; 2],
}

/// Everything a reviewer's pack holds.
#[derive(Debug, Clone)]
pub struct PackContent {
    pub pack_id: String,
    pub study: String,
    pub reviewer: String,
    pub items: Vec<PackItem>,
    pub step_events: Vec<PackStepEvent>,
    pub case_events: Vec<PackCaseEvent>,
}

/// The identity row of a pack file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackMeta {
    pub pack_id: String,
    pub study: String,
    pub reviewer: String,
    pub format: i64,
    pub created_at: String,
}

/// A pack's ids for what it was filled with, in the order given.
#[derive(Debug, Clone, Default)]
pub struct PackIds {
    /// (pack item, source item)
    pub items: Vec<(i64, i64)>,
    /// (pack event, source event)
    pub step_events: Vec<(i64, i64)>,
    pub case_events: Vec<(i64, i64)>,
}

/// What a returned pack holds, read from the pack file.
#[derive(Debug, Clone)]
pub struct PackRead {
    pub meta: PackMeta,
    /// SHA-256 of the items, cases and chains as they are in the file now.
    pub content_hash: String,
    /// Reviewers the pack's study lists, and those its assignments name.
    pub reviewers: Vec<String>,
    pub step_events: Vec<PackStepEvent>,
    pub case_events: Vec<PackCaseEvent>,
}

pub(super) fn step_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<PackStepEvent> {
    Ok(PackStepEvent {
        id: r.get(0)?,
        previous: r.get(1)?,
        item: r.get(2)?,
        reviewer: r.get(3)?,
        side: r.get(4)?,
        step_idx: r.get(5)?,
        label: r.get(6)?,
        severity: r.get(7)?,
        tags: r.get(8)?,
        note: r.get(9)?,
        bad_split: r.get(10)?,
        ms_spent: r.get(11)?,
        created_at: r.get(12)?,
    })
}

pub(super) fn case_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<PackCaseEvent> {
    Ok(PackCaseEvent {
        id: r.get(0)?,
        previous: r.get(1)?,
        item: r.get(2)?,
        reviewer: r.get(3)?,
        answer_correct: [r.get(4)?, r.get(5)?],
        red_flags: [r.get(6)?, r.get(7)?],
        preferred: r.get(8)?,
        student_guess: r.get(9)?,
        confidence: r.get(10)?,
        ms_spent: r.get(11)?,
        created_at: r.get(12)?,
        acted_on: [r.get(13)?, r.get(14)?],
        plan: [r.get(15)?, r.get(16)?],
    })
}

pub(super) const STEP_EVENT_COLS: &str = "e.id, e.previous_id, e.item_id, e.reviewer, e.side, e.step_idx, e.label, e.severity, e.tags, e.note, e.bad_split, e.ms_spent, e.created_at";
pub(super) const CASE_EVENT_COLS: &str = "e.id, e.previous_id, e.item_id, e.reviewer, e.answer_correct_left, e.answer_correct_right, e.red_flags_left, e.red_flags_right, e.preferred, e.student_guess, e.confidence, e.ms_spent, e.created_at, e.acted_on_left, e.acted_on_right, e.plan_left, e.plan_right";

impl Store {
    /// What a pack for `reviewer` of study `study_name` holds, read in one snapshot.
    pub fn pack_content(
        &self,
        study_name: &str,
        reviewer: &str,
        pack_id: &str,
    ) -> Result<PackContent, StoreError> {
        self.read_snapshot(|s| {
            let study = s.study(study_name)?;
            let mut items = Vec::new();
            for (item, who, position, a_side) in s.study_assignments(study.id)? {
                if who != reviewer {
                    continue;
                }
                let (case_id, chain_a, chain_b): (String, i64, i64) = s.conn.query_row(
                    "SELECT case_id, chain_a, chain_b FROM items WHERE id = ?1",
                    [item.0],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
                let (left, right) = if a_side == Side::Left {
                    (chain_a, chain_b)
                } else {
                    (chain_b, chain_a)
                };
                let chain = |id: i64| -> Result<PackChain, StoreError> {
                    let c = s.chain(crate::domain::ChainId(id))?;
                    Ok(PackChain {
                        stripper_version: c.stripper_version,
                        answer: c.answer,
                        truncated: c.truncated,
                        steps: c.steps.into_iter().map(|st| st.text).collect(),
                    })
                };
                items.push(PackItem {
                    item,
                    position,
                    case: s.case(&CaseId(case_id))?,
                    chains: [chain(left)?, chain(right)?],
                });
            }
            let mut step_events = Vec::new();
            let mut case_events = Vec::new();
            for it in &items {
                let mut st = s.conn.prepare_cached(&format!(
                    "SELECT {STEP_EVENT_COLS} FROM step_verdict_events e WHERE e.item_id = ?1 AND e.reviewer = ?2 ORDER BY e.id"
                ))?;
                for e in st.query_map(params![it.item.0, reviewer], step_event)? {
                    step_events.push(e?);
                }
                let mut st = s.conn.prepare_cached(&format!(
                    "SELECT {CASE_EVENT_COLS} FROM case_verdict_events e WHERE e.item_id = ?1 AND e.reviewer = ?2 ORDER BY e.id"
                ))?;
                for e in st.query_map(params![it.item.0, reviewer], case_event)? {
                    case_events.push(e?);
                }
            }
            step_events.sort_by_key(|e| e.id);
            case_events.sort_by_key(|e| e.id);
            Ok(PackContent {
                pack_id: pack_id.to_string(),
                study: study.name,
                reviewer: reviewer.to_string(),
                items,
                step_events,
                case_events,
            })
        })
    }

    /// Fill this (new, empty) database as the pack of `content`, then compact it.
    pub fn fill_pack(&mut self, content: &PackContent) -> Result<PackIds, StoreError> {
        let has: i64 = self
            .conn
            .query_row("SELECT count(*) FROM studies", [], |r| r.get(0))?;
        if has > 0 {
            return Err(StoreError::Invalid(format!(
                "{}: a pack is written into a new file only",
                self.path.display()
            )));
        }
        let cases: Vec<LoadedCase> = content
            .items
            .iter()
            .map(|it| LoadedCase {
                case: it.case.clone(),
                file: "pack".into(),
                line: 0,
            })
            .collect();
        self.import_cases(&cases, super::ImportMode::Refuse)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TABLE pack_meta (
                pack_id TEXT NOT NULL, study TEXT NOT NULL, reviewer TEXT NOT NULL,
                format INTEGER NOT NULL,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));",
        )?;
        tx.execute(
            "INSERT INTO pack_meta (pack_id, study, reviewer, format) VALUES (?1, ?2, ?3, ?4)",
            params![
                content.pack_id,
                content.study,
                content.reviewer,
                PACK_FORMAT
            ],
        )?;
        let mut model_ids = [0i64; 2];
        for (slot, name) in [LEFT, RIGHT].iter().enumerate() {
            tx.execute(
                "INSERT INTO models (name, role, source_kind) VALUES (?1, 'other', 'outputs_only')",
                [name],
            )?;
            model_ids[slot] = tx.last_insert_rowid();
        }
        tx.execute(
            "INSERT INTO studies (name, model_a, model_b, seed, overlap) VALUES (?1, ?2, ?3, 0, 1)",
            params![content.study, model_ids[0], model_ids[1]],
        )?;
        let study = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO study_reviewers (study_id, reviewer) VALUES (?1, ?2)",
            params![study, content.reviewer],
        )?;
        let mut ids = PackIds::default();
        let mut item_map = std::collections::HashMap::new();
        let mut chain_map = std::collections::HashMap::new();
        for (n, it) in content.items.iter().enumerate() {
            let mut chains = [0i64; 2];
            for (slot, chain) in it.chains.iter().enumerate() {
                tx.execute(
                    "INSERT INTO runs (case_id, model_id, output, provenance, content_hash) VALUES (?1, ?2, '', '{}', ?3)",
                    params![it.case.id.as_str(), model_ids[slot], format!("pack:{n}:{slot}")],
                )?;
                let run = tx.last_insert_rowid();
                let answer = chain
                    .answer
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()?;
                tx.execute(
                    "INSERT INTO chains (run_id, stripper_version, answer, truncated) VALUES (?1, ?2, ?3, ?4)",
                    params![run, chain.stripper_version, answer, chain.truncated],
                )?;
                let chain_id = tx.last_insert_rowid();
                for (idx, text) in chain.steps.iter().enumerate() {
                    tx.execute(
                        "INSERT INTO steps (chain_id, idx, text, spans) VALUES (?1, ?2, ?3, '[]')",
                        params![chain_id, idx as i64, text],
                    )?;
                }
                chains[slot] = chain_id;
            }
            tx.execute(
                "INSERT INTO items (study_id, case_id, chain_a, chain_b) VALUES (?1, ?2, ?3, ?4)",
                params![study, it.case.id.as_str(), chains[0], chains[1]],
            )?;
            let item = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO assignments (item_id, reviewer, position, a_side) VALUES (?1, ?2, ?3, 'left')",
                params![item, content.reviewer, it.position],
            )?;
            item_map.insert(it.item.0, item);
            chain_map.insert(it.item.0, chains);
            ids.items.push((item, it.item.0));
        }
        let mut step_map = std::collections::HashMap::new();
        for e in &content.step_events {
            let (Some(&item), Some(chains)) = (item_map.get(&e.item), chain_map.get(&e.item))
            else {
                continue;
            };
            let previous = e.previous.and_then(|p| step_map.get(&p).copied());
            tx.execute(
                "INSERT INTO step_verdict_events (item_id, reviewer, side, chain_id, step_idx, label, severity, tags, note, bad_split, ms_spent, previous_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![item, content.reviewer, e.side, chains[e.side.index()], e.step_idx, e.label, e.severity, e.tags, e.note, e.bad_split, e.ms_spent, previous, e.created_at],
            )?;
            let id = tx.last_insert_rowid();
            step_map.insert(e.id, id);
            ids.step_events.push((id, e.id));
        }
        let mut case_map = std::collections::HashMap::new();
        for e in &content.case_events {
            let Some(&item) = item_map.get(&e.item) else {
                continue;
            };
            let previous = e.previous.and_then(|p| case_map.get(&p).copied());
            tx.execute(
                "INSERT INTO case_verdict_events (item_id, reviewer, answer_correct_left, answer_correct_right, red_flags_left, red_flags_right, preferred, student_guess, confidence, ms_spent, previous_id, created_at, acted_on_left, acted_on_right, plan_left, plan_right)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                params![item, content.reviewer, e.answer_correct[0], e.answer_correct[1], e.red_flags[0], e.red_flags[1], e.preferred, e.student_guess, e.confidence, e.ms_spent, previous, e.created_at, e.acted_on[0], e.acted_on[1], e.plan[0], e.plan[1]],
            )?;
            let id = tx.last_insert_rowid();
            case_map.insert(e.id, id);
            ids.case_events.push((id, e.id));
        }
        tx.commit()?;
        // Fresh pages only, and a single file once closed.
        self.conn.execute_batch("VACUUM")?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(ids)
    }

    /// The identity row of a pack file; `None` for a study database.
    pub fn pack_meta(&self) -> Result<Option<PackMeta>, StoreError> {
        let has: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'pack_meta'",
            [],
            |r| r.get(0),
        )?;
        if has == 0 {
            return Ok(None);
        }
        let rows: Vec<PackMeta> = {
            let mut st = self
                .conn
                .prepare("SELECT pack_id, study, reviewer, format, created_at FROM pack_meta")?;
            st.query_map([], |r| {
                Ok(PackMeta {
                    pack_id: r.get(0)?,
                    study: r.get(1)?,
                    reviewer: r.get(2)?,
                    format: r.get(3)?,
                    created_at: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?
        };
        match <[PackMeta; 1]>::try_from(rows) {
            Ok([m]) => Ok(Some(m)),
            Err(rows) => Err(StoreError::Corrupt(format!(
                "{}: a pack has one identity row, this one {}",
                self.path.display(),
                rows.len()
            ))),
        }
    }
}
