//! Cases in the store: all-or-nothing imports, lookup and listing.

use super::{Store, StoreError};
use crate::domain::{Case, CaseId};
use crate::ingest::LoadedCase;
use rusqlite::{OptionalExtension, Transaction, params};

/// What to do with a case whose id exists with different content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Refuse: the import fails and changes nothing.
    Refuse,
    /// Replace it, unless it already has runs.
    Replace,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseImportReport {
    pub added: usize,
    pub unchanged: usize,
    pub replaced: usize,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn case_hash(case: &Case) -> Result<(String, String), StoreError> {
    let body = serde_json::to_string(case)?;
    Ok((sha256_hex(body.as_bytes()), body))
}

impl Store {
    /// Import cases in one transaction: identical cases are no-ops; a different
    /// case under an existing id fails the whole import unless `Replace`; a case
    /// that has runs is never replaced.
    pub fn import_cases(
        &mut self,
        cases: &[LoadedCase],
        mode: ImportMode,
    ) -> Result<CaseImportReport, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut report = CaseImportReport::default();
        for lc in cases {
            save_case_raw(&tx, lc, mode, &mut report)?;
        }
        tx.commit()?;
        Ok(report)
    }

    pub fn case(&self, id: &CaseId) -> Result<Case, StoreError> {
        self.find_case(id)?
            .ok_or_else(|| StoreError::NotFound(format!("no case {:?}", id.as_str())))
    }

    pub fn find_case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM cases WHERE id = ?1", [id.as_str()], |r| {
                r.get(0)
            })
            .optional()?;
        body.map(|b| serde_json::from_str(&b).map_err(StoreError::from))
            .transpose()
    }

    /// Every case, ordered by id.
    pub fn all_cases(&self) -> Result<Vec<Case>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT body FROM cases ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for body in rows {
            out.push(serde_json::from_str(&body?)?);
        }
        Ok(out)
    }

    /// Case ids whose question text is exactly `question` (after trimming).
    pub fn case_ids_by_question(
        &self,
    ) -> Result<std::collections::HashMap<String, Vec<CaseId>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, vignette, question FROM cases")?;
        let mut map: std::collections::HashMap<String, Vec<CaseId>> =
            std::collections::HashMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, vignette, question) = row?;
            for key in [
                question.trim().to_string(),
                join_question(&vignette, &question),
            ] {
                let ids = map.entry(normalise_question(&key)).or_default();
                if !ids.iter().any(|c| c.as_str() == id) {
                    ids.push(CaseId(id.clone()));
                }
            }
        }
        Ok(map)
    }
}

fn join_question(vignette: &str, question: &str) -> String {
    if vignette.is_empty() {
        question.to_string()
    } else {
        format!("{vignette} {question}")
    }
}

/// Whitespace-insensitive question key for joining runs by question text.
pub fn normalise_question(q: &str) -> String {
    q.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn save_case_raw(
    tx: &Transaction<'_>,
    lc: &LoadedCase,
    mode: ImportMode,
    report: &mut CaseImportReport,
) -> Result<(), StoreError> {
    let case = &lc.case;
    let (hash, body) = case_hash(case)?;
    let existing: Option<String> = tx
        .query_row(
            "SELECT content_hash FROM cases WHERE id = ?1",
            [case.id.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    let where_ = || format!("{}:{}", lc.file.display(), lc.line);
    match existing {
        Some(h) if h == hash => {
            report.unchanged += 1;
            return Ok(());
        }
        Some(_) => {
            if mode == ImportMode::Refuse {
                return Err(StoreError::Conflict(format!(
                    "{}: id: case {:?} already exists with different content (use --replace to replace it); nothing was imported",
                    where_(),
                    case.id.as_str()
                )));
            }
            let runs: i64 = tx.query_row(
                "SELECT count(*) FROM runs WHERE case_id = ?1",
                [case.id.as_str()],
                |r| r.get(0),
            )?;
            if runs > 0 {
                return Err(StoreError::Conflict(format!(
                    "{}: id: case {:?} has {runs} run(s) and is never replaced; give the new case another id; nothing was imported",
                    where_(),
                    case.id.as_str()
                )));
            }
            tx.execute("DELETE FROM cases WHERE id = ?1", [case.id.as_str()])?;
            report.replaced += 1;
        }
        None => report.added += 1,
    }
    tx.execute(
        "INSERT INTO cases (id, title, specialty, incidence, task_kind, vignette, question, body, source, licence, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            case.id.as_str(),
            case.title,
            case.specialty,
            case.incidence,
            case.task.kind(),
            case.vignette,
            case.question,
            body,
            case.source,
            case.licence,
            hash
        ],
    )?;
    Ok(())
}
