//! Runs and their chains. Runs are immutable; a chain is stored once per
//! (run, stripper version) and never rewritten.

use super::cases::sha256_hex;
use super::{Store, StoreError};
use crate::domain::{
    AnswerOutcome, CaseId, Chain, ChainId, FinalAnswer, ModelId, Provenance, Run, RunId, Span, Step,
};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

/// A run to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    pub case_id: CaseId,
    pub model_id: ModelId,
    pub output: String,
    pub reasoning: Option<String>,
    pub provenance: Provenance,
    /// Identifies generation settings (model file hash + sampling), so
    /// `generate` can skip what is done. `None` for imports.
    pub settings_key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunImportReport {
    pub added: usize,
    pub unchanged: usize,
}

/// One row of `runs list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    pub id: RunId,
    pub case_id: CaseId,
    pub model: String,
    pub chain: Option<ChainId>,
    pub steps: usize,
    pub truncated: bool,
    pub answer: Option<String>,
    /// given / none / truncated.
    pub outcome: AnswerOutcome,
    pub conflict: bool,
    pub origin: String,
    pub created_at: String,
}

fn run_hash(r: &NewRun) -> String {
    let mut bytes = Vec::with_capacity(r.output.len() + 64);
    bytes.extend_from_slice(r.output.as_bytes());
    bytes.push(0);
    if let Some(x) = &r.reasoning {
        bytes.extend_from_slice(x.as_bytes());
    }
    bytes.push(0);
    if let Some(k) = &r.settings_key {
        bytes.extend_from_slice(k.as_bytes());
    }
    sha256_hex(&bytes)
}

impl Store {
    /// Store runs with their chains in one transaction. A run identical to a
    /// stored one (same model, case and text) is skipped.
    pub fn import_runs(
        &mut self,
        runs: &[(NewRun, Chain)],
    ) -> Result<(RunImportReport, Vec<RunId>), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut report = RunImportReport::default();
        let mut ids = Vec::new();
        for (run, chain) in runs {
            let (id, added) = save_run_raw(&tx, run)?;
            if added {
                report.added += 1;
            } else {
                report.unchanged += 1;
            }
            save_chain_raw(&tx, id, chain)?;
            ids.push(id);
        }
        tx.commit()?;
        Ok((report, ids))
    }

    /// Store one run and its chain (used by generation: each finished case is durable at once).
    pub fn save_run(&mut self, run: &NewRun, chain: &Chain) -> Result<RunId, StoreError> {
        let (_, ids) = self.import_runs(&[(run.clone(), chain.clone())])?;
        ids.first()
            .copied()
            .ok_or_else(|| StoreError::corrupt("run insert returned no id"))
    }

    /// Add a chain made by another stripper version; an existing chain of the
    /// same version is kept as it is.
    pub fn add_chain(&mut self, run: RunId, chain: &Chain) -> Result<ChainId, StoreError> {
        let tx = self.conn.transaction()?;
        let id = save_chain_raw(&tx, run, chain)?;
        tx.commit()?;
        Ok(id)
    }

    /// The run of `model` on `case` with this settings key, if one exists.
    pub fn find_run_with_settings(
        &self,
        model: ModelId,
        case: &CaseId,
        settings_key: &str,
    ) -> Result<Option<RunId>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM runs WHERE model_id = ?1 AND case_id = ?2 AND settings_key = ?3 ORDER BY id DESC LIMIT 1",
                params![model.0, case.as_str(), settings_key],
                |r| r.get(0).map(RunId),
            )
            .optional()?)
    }

    pub fn run(&self, id: RunId) -> Result<Run, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT r.case_id, r.model_id, m.name, r.output, r.reasoning, r.provenance, r.created_at
                 FROM runs r JOIN models m ON m.id = r.model_id WHERE r.id = ?1",
                [id.0],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no run {id}")))?;
        Ok(Run {
            id,
            case_id: CaseId(row.0),
            model_id: ModelId(row.1),
            model_name: row.2,
            output: row.3,
            reasoning: row.4,
            provenance: serde_json::from_str(&row.5)?,
            created_at: row.6,
        })
    }

    /// The run a chain was made from.
    pub fn run_of_chain(&self, chain: ChainId) -> Result<Option<RunId>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT run_id FROM chains WHERE id = ?1", [chain.0], |r| {
                r.get(0).map(RunId)
            })
            .optional()?)
    }

    /// The newest chain of a run.
    pub fn latest_chain_of_run(&self, run: RunId) -> Result<Option<ChainId>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT max(id) FROM chains WHERE run_id = ?1 AND stripper_version NOT LIKE '%/eq%'",
                [run.0],
                |r| r.get::<_, Option<i64>>(0),
            )?
            .map(ChainId))
    }

    /// The newest chain of the newest run of `model` on each case that has one.
    pub fn latest_chains(&self, model: ModelId) -> Result<Vec<(CaseId, ChainId)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT r.case_id, (SELECT max(c.id) FROM chains c WHERE c.run_id = r.id AND c.stripper_version NOT LIKE '%/eq%')
             FROM runs r
             WHERE r.model_id = ?1 AND r.id = (SELECT max(r2.id) FROM runs r2 WHERE r2.model_id = r.model_id AND r2.case_id = r.case_id)
             ORDER BY r.case_id",
        )?;
        let rows = stmt.query_map([model.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (case, chain) = row?;
            if let Some(c) = chain {
                out.push((CaseId(case), ChainId(c)));
            }
        }
        Ok(out)
    }

    pub fn chain(&self, id: ChainId) -> Result<Chain, StoreError> {
        type Head = (
            String,
            Option<String>,
            bool,
            Option<String>,
            Option<bool>,
            Option<i64>,
        );
        let (version, answer, truncated, outcome, conflict, sentences): Head = self
            .conn
            .query_row(
                "SELECT stripper_version, answer, truncated, outcome, conflict, sentences FROM chains WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no chain {id}")))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT idx, text, spans, duplicates FROM steps WHERE chain_id = ?1 ORDER BY idx",
        )?;
        let rows = stmt.query_map([id.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut steps = Vec::new();
        for row in rows {
            let (idx, text, spans, dups) = row?;
            steps.push(Step {
                index: usize::try_from(idx).map_err(StoreError::corrupt)?,
                text,
                spans: serde_json::from_str::<Vec<Span>>(&spans)?,
                duplicates: serde_json::from_str::<Vec<Span>>(&dups)?,
            });
        }
        let answer = answer
            .map(|a| serde_json::from_str::<FinalAnswer>(&a))
            .transpose()?;
        let outcome = outcome_of(outcome.as_deref(), answer.as_ref(), truncated)?;
        Ok(Chain {
            sentences: sentences.and_then(|n| usize::try_from(n).ok()).unwrap_or(0),
            steps,
            answer,
            truncated,
            stripper_version: version,
            outcome,
            conflict: conflict.unwrap_or(false),
        })
    }

    pub fn list_runs(
        &self,
        model: Option<&str>,
        case: Option<&str>,
    ) -> Result<Vec<RunSummary>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.case_id, m.name, c.id, (SELECT count(*) FROM steps s WHERE s.chain_id = c.id),
                    c.truncated, c.answer, json_extract(r.provenance, '$.origin'), r.created_at,
                    c.outcome, c.conflict
             FROM runs r JOIN models m ON m.id = r.model_id
             LEFT JOIN chains c ON c.id = (SELECT max(id) FROM chains WHERE run_id = r.id AND stripper_version NOT LIKE '%/eq%')
             WHERE (?1 IS NULL OR m.name = ?1) AND (?2 IS NULL OR r.case_id = ?2)
             ORDER BY r.case_id, m.name, r.id",
        )?;
        let rows = stmt.query_map(params![model, case], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<bool>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<bool>>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, case_id, model, chain, steps, truncated, answer, origin, created_at, oc, cf) =
                row?;
            let answer = answer
                .map(|a| serde_json::from_str::<FinalAnswer>(&a))
                .transpose()?;
            let truncated = truncated.unwrap_or(false);
            let outcome = outcome_of(oc.as_deref(), answer.as_ref(), truncated)?;
            let answer = answer.map(|a| a.display());
            out.push(RunSummary {
                id: RunId(id),
                case_id: CaseId(case_id),
                model,
                chain: chain.map(ChainId),
                steps: usize::try_from(steps).unwrap_or(0),
                truncated,
                answer,
                outcome,
                conflict: cf.unwrap_or(false),
                origin: origin.unwrap_or_default(),
                created_at,
            });
        }
        Ok(out)
    }
}

/// A chain's stored outcome, or the one its answer and truncation flag give
/// (chains made before the outcome column).
fn outcome_of(
    stored: Option<&str>,
    answer: Option<&FinalAnswer>,
    truncated: bool,
) -> Result<AnswerOutcome, StoreError> {
    match stored {
        Some(s) => AnswerOutcome::parse(s)
            .ok_or_else(|| StoreError::corrupt(format!("chain outcome {s:?}"))),
        None => Ok(AnswerOutcome::of(answer, truncated)),
    }
}

fn save_run_raw(tx: &Transaction<'_>, run: &NewRun) -> Result<(RunId, bool), StoreError> {
    let hash = run_hash(run);
    if let Some(id) = tx
        .query_row(
            "SELECT id FROM runs WHERE model_id = ?1 AND case_id = ?2 AND content_hash = ?3",
            params![run.model_id.0, run.case_id.as_str(), hash],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
    {
        return Ok((RunId(id), false));
    }
    tx.execute(
        "INSERT INTO runs (case_id, model_id, output, reasoning, provenance, settings_key, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            run.case_id.as_str(),
            run.model_id.0,
            run.output,
            run.reasoning,
            serde_json::to_string(&run.provenance)?,
            run.settings_key,
            hash
        ],
    )?;
    Ok((RunId(tx.last_insert_rowid()), true))
}

fn save_chain_raw(tx: &Transaction<'_>, run: RunId, chain: &Chain) -> Result<ChainId, StoreError> {
    if let Some(id) = tx
        .query_row(
            "SELECT id FROM chains WHERE run_id = ?1 AND stripper_version = ?2",
            params![run.0, chain.stripper_version],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
    {
        return Ok(ChainId(id));
    }
    tx.execute(
        "INSERT INTO chains (run_id, stripper_version, answer, truncated, outcome, conflict, sentences)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            run.0,
            chain.stripper_version,
            chain
                .answer
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
            chain.truncated,
            chain.outcome.as_str(),
            chain.conflict,
            i64::try_from(chain.sentences).unwrap_or(i64::MAX)
        ],
    )?;
    let id = tx.last_insert_rowid();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO steps (chain_id, idx, text, spans, duplicates) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, step) in chain.steps.iter().enumerate() {
        stmt.execute(params![
            id,
            i as i64,
            step.text,
            serde_json::to_string(&step.spans)?,
            serde_json::to_string(&step.duplicates)?
        ])?;
    }
    Ok(ChainId(id))
}
