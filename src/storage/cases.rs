//! Cases in the store: all-or-nothing imports, lookup and listing.

use super::case_names::{
    aliases_by_case, register, registered, resolve, same_content, with_aliases,
};
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
    /// Stored under an old id (an alias) without runs: moved to the new id.
    pub renamed: usize,
    /// Renamed and changed while the old version has runs: stored beside it.
    pub versioned: usize,
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

    /// The case `id` names: its own id, or an alias (an id it had before).
    pub fn find_case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        let Some(row) = resolve(&self.conn, id.as_str())? else {
            return Ok(None);
        };
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM cases WHERE id = ?1", [&row], |r| r.get(0))
            .optional()?;
        let names = registered(&self.conn, &row)?;
        body.map(|b| {
            serde_json::from_str(&b)
                .map(|c| with_aliases(c, Some(&names)))
                .map_err(StoreError::from)
        })
        .transpose()
    }

    /// Every case, ordered by id, each with all its aliases.
    pub fn all_cases(&self) -> Result<Vec<Case>, StoreError> {
        let aliases = aliases_by_case(&self.conn)?;
        let mut stmt = self
            .conn
            .prepare("SELECT id, body FROM cases ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            out.push(with_aliases(serde_json::from_str(&body)?, aliases.get(&id)));
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

/// Save one case. Which stored row is it? The row its id names (directly or
/// as an alias), else the row one of its aliases names: a renamed case is the
/// case it was. A rename of a row without runs moves the row to the new id
/// (the old id becomes an alias). A row with runs is never touched: with the
/// same content (all but the names) it gains the new id as an alias; with new
/// content the new case is stored beside it, and the old id keeps naming the
/// old row, whose runs were made on the old text.
fn save_case_raw(
    tx: &Transaction<'_>,
    lc: &LoadedCase,
    mode: ImportMode,
    report: &mut CaseImportReport,
) -> Result<(), StoreError> {
    let case = &lc.case;
    let id = case.id.as_str();
    let where_ = format!("{}:{}", lc.file.display(), lc.line);
    let mut target = resolve(tx, id)?;
    if target.is_none() {
        for a in &case.aliases {
            if let Some(row) = resolve(tx, a)? {
                if let Some(t) = target.as_ref().filter(|t| **t != row) {
                    return Err(StoreError::Conflict(format!(
                        "{where_}: aliases: case {id:?} names two stored cases, {t:?} and {row:?}; nothing was imported"
                    )));
                }
                target = Some(row);
            }
        }
    }
    let Some(row) = target else {
        insert(tx, case)?;
        report.added += 1;
        return register(tx, id, &case.aliases, &where_);
    };
    let stored = stored_case(tx, &row)?;
    let same = same_content(&stored, case);
    let runs = runs_of(tx, &row)?;
    if row == id {
        if same {
            // Names may have grown (a new alias); the content has not.
            let (hash, body) = case_hash(case)?;
            tx.execute(
                "UPDATE cases SET body = ?2, content_hash = ?3 WHERE id = ?1 AND content_hash <> ?3",
                params![id, body, hash],
            )?;
            report.unchanged += 1;
            return register(tx, id, &case.aliases, &where_);
        }
        refuse_change(mode, runs, &where_, id)?;
        move_row(tx, &row, case, &where_)?;
        report.replaced += 1;
        return Ok(());
    }
    // A renamed case: `row` is the stored case under an old name.
    if runs > 0 {
        let mut names = vec![id.to_string()];
        names.extend(case.aliases.iter().cloned());
        if same {
            // The row keeps its id (runs and items point at it); the new id joins it.
            report.unchanged += 1;
            return register(tx, &row, &names, &where_);
        }
        // A new version of a case whose old version has runs: both are kept.
        // The old id still names the old row (and its runs); the new id the new one.
        insert(tx, case)?;
        report.versioned += 1;
        return register(tx, id, &case.aliases, &where_);
    }
    // No runs: the row moves to the new id and its old id becomes an alias.
    move_row(tx, &row, case, &where_)?;
    report.renamed += 1;
    Ok(())
}

fn refuse_change(mode: ImportMode, runs: i64, where_: &str, id: &str) -> Result<(), StoreError> {
    let what = format!("case {id:?}");
    if mode == ImportMode::Refuse {
        return Err(StoreError::Conflict(format!(
            "{where_}: id: {what} already exists with different content (use --replace to replace it); nothing was imported"
        )));
    }
    if runs > 0 {
        return Err(StoreError::Conflict(format!(
            "{where_}: id: {what} has {runs} run(s) and is never replaced; give the new case another id; nothing was imported"
        )));
    }
    Ok(())
}

/// Replace row `old` (which has no runs) by `case`, carrying its aliases over
/// and keeping `old` itself as an alias when the id changes.
fn move_row(tx: &Transaction<'_>, old: &str, case: &Case, where_: &str) -> Result<(), StoreError> {
    let mut names = registered(tx, old)?;
    tx.execute("DELETE FROM case_aliases WHERE case_id = ?1", [old])?;
    tx.execute("DELETE FROM cases WHERE id = ?1", [old])?;
    insert(tx, case)?;
    names.push(old.to_string());
    names.extend(case.aliases.iter().cloned());
    register(tx, case.id.as_str(), &names, where_)
}

fn stored_case(tx: &Transaction<'_>, row: &str) -> Result<Case, StoreError> {
    let body: String = tx.query_row("SELECT body FROM cases WHERE id = ?1", [row], |r| r.get(0))?;
    Ok(serde_json::from_str(&body)?)
}

fn runs_of(tx: &Transaction<'_>, row: &str) -> Result<i64, StoreError> {
    Ok(
        tx.query_row("SELECT count(*) FROM runs WHERE case_id = ?1", [row], |r| {
            r.get(0)
        })?,
    )
}

fn insert(tx: &Transaction<'_>, case: &Case) -> Result<(), StoreError> {
    let (hash, body) = case_hash(case)?;
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
