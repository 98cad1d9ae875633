//! Case names: a case row's id, and its aliases (ids it had before). A name
//! resolves to the row whose id it is, else to the row it is an alias of.
//! Runs, chains and items always point at a row id; aliases let old ids (in
//! runs files, scripts, `--cases` lists) keep finding the case.

use super::{Store, StoreError};
use crate::domain::{Case, CaseId};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;

/// The row a name resolves to: a case id first, else an alias.
pub(super) fn resolve(conn: &Connection, name: &str) -> Result<Option<String>, StoreError> {
    let row: Option<String> = conn
        .query_row("SELECT id FROM cases WHERE id = ?1", [name], |r| r.get(0))
        .optional()?;
    if row.is_some() {
        return Ok(row);
    }
    Ok(conn
        .query_row(
            "SELECT case_id FROM case_aliases WHERE alias = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?)
}

/// Every alias, by the row it names.
pub(super) fn aliases_by_case(
    conn: &Connection,
) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let mut stmt = conn.prepare("SELECT alias, case_id FROM case_aliases ORDER BY alias")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        let (alias, case) = row?;
        out.entry(case).or_default().push(alias);
    }
    Ok(out)
}

/// Add the registered aliases of a stored case to the ones its body lists.
pub(super) fn with_aliases(mut case: Case, registered: Option<&Vec<String>>) -> Case {
    for a in registered.into_iter().flatten() {
        if a != case.id.as_str() && !case.aliases.contains(a) {
            case.aliases.push(a.clone());
        }
    }
    case
}

/// Point `names` at `row`. A name that is itself a case row's id is left
/// alone (the row wins); a name already an alias of another row is a conflict.
pub(super) fn register(
    conn: &Connection,
    row: &str,
    names: &[String],
    where_: &str,
) -> Result<(), StoreError> {
    for name in names {
        if name == row {
            continue;
        }
        let is_row: bool = conn
            .query_row("SELECT 1 FROM cases WHERE id = ?1", [name], |_| Ok(true))
            .optional()?
            .unwrap_or(false);
        if is_row {
            continue;
        }
        let current: Option<String> = conn
            .query_row(
                "SELECT case_id FROM case_aliases WHERE alias = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        match current {
            Some(c) if c == row => {}
            Some(c) => {
                return Err(StoreError::Conflict(format!(
                    "{where_}: aliases: {name:?} already names case {c:?}, not {row:?}; nothing was imported"
                )));
            }
            None => {
                conn.execute(
                    "INSERT INTO case_aliases (alias, case_id) VALUES (?1, ?2)",
                    params![name, row],
                )?;
            }
        }
    }
    Ok(())
}

/// The aliases registered for `row`.
pub(super) fn registered(conn: &Connection, row: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT alias FROM case_aliases WHERE case_id = ?1 ORDER BY alias")?;
    let rows = stmt.query_map([row], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r?);
    }
    Ok(out)
}

/// Same case apart from its names (id and aliases)?
pub(super) fn same_content(a: &Case, b: &Case) -> bool {
    let strip = |c: &Case| Case {
        id: CaseId(String::new()),
        aliases: Vec::new(),
        ..c.clone()
    };
    strip(a) == strip(b)
}

impl Store {
    /// The case row a name (id or alias) resolves to.
    pub fn resolve_case(&self, name: &str) -> Result<Option<CaseId>, StoreError> {
        Ok(resolve(&self.conn, name.trim())?.map(CaseId))
    }
}
