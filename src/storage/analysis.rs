//! Analysis-side records (issue 16): the study's analysis plan and its audited changes,
//! adjudications of disputed outcomes, per-chain style facts for the tally, and option
//! probabilities of runs (calibration).
//!
//! Must not: decide anything statistical; plain reads and append-only writes.

use super::{Store, StoreError};
use crate::domain::{AnalysisPlan, ChainId, ItemId, PlanRecord, RunId, StudyId, TieRule};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;

/// One current adjudication, by chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjudicationRow {
    pub item: ItemId,
    pub chain: ChainId,
    pub adjudicator: String,
    pub outcome: String,
    pub value: bool,
    pub created_at: String,
}

/// Per-chain facts the tally's style control and rank scoring read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainFacts {
    pub chain: ChainId,
    pub run: RunId,
    pub truncated: bool,
    pub stripper_version: String,
    /// Words per step, in order.
    pub step_words: Vec<u32>,
}

/// Words in a stored step text, exactly as SQLite's `CASE WHEN length(trim(t)) = 0 THEN 0
/// ELSE length(trim(t)) - length(replace(trim(t), ' ', '')) + 1 END` counts them: `trim`
/// strips spaces only, and `length` counts characters up to the first NUL, so the difference
/// is the number of spaces before that NUL (counted on bytes: a space is one byte in UTF-8).
fn step_words(text: rusqlite::types::ValueRef<'_>) -> Result<u32, StoreError> {
    let bytes = match text {
        rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => b,
        other => {
            return Err(StoreError::corrupt(format!(
                "step text of type {:?}",
                other.data_type()
            )));
        }
    };
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |i| i + 1);
    let trimmed = bytes.get(start..end).unwrap_or_default();
    let before_nul = trimmed.split(|&b| b == 0).next().unwrap_or_default();
    if before_nul.is_empty() {
        return Ok(0);
    }
    let spaces = before_nul.iter().filter(|&&b| b == b' ').count();
    Ok(u32::try_from(spaces + 1).unwrap_or(0))
}

impl Store {
    /// Record a version of the study's plan; `after_unblinding` is derived from the audit
    /// trail, never trusted from the caller.
    pub fn record_plan(
        &mut self,
        study: StudyId,
        plan: &AnalysisPlan,
        actor: &str,
        reason: Option<&str>,
    ) -> Result<PlanRecord, StoreError> {
        plan.validate().map_err(StoreError::Invalid)?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let unblinded: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM study_events WHERE study_id = ?1 AND kind = 'unblinded')",
            [study.0],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO study_plans (study_id, ties, alpha, primary_outcomes, actor, reason, after_unblinding)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                study.0,
                plan.ties.as_str(),
                plan.alpha,
                plan.primary.join(";"),
                actor,
                reason,
                unblinded
            ],
        )?;
        let created_at: String = tx.query_row(
            "SELECT created_at FROM study_plans WHERE id = last_insert_rowid()",
            [],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(PlanRecord {
            plan: plan.clone(),
            actor: actor.into(),
            reason: reason.map(str::to_string),
            after_unblinding: unblinded,
            created_at,
        })
    }

    /// Every version of the plan, oldest first (empty for studies created before plans).
    pub fn plan_history(&self, study: StudyId) -> Result<Vec<PlanRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT ties, alpha, primary_outcomes, actor, reason, after_unblinding, created_at
             FROM study_plans WHERE study_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([study.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, f64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (ties, alpha, primary, actor, reason, after, created_at) = row?;
            let ties: TieRule = ties.parse().map_err(StoreError::corrupt)?;
            out.push(PlanRecord {
                plan: AnalysisPlan {
                    ties,
                    alpha,
                    primary: primary.split(';').map(str::to_string).collect(),
                },
                actor,
                reason,
                after_unblinding: after,
                created_at,
            });
        }
        Ok(out)
    }

    /// Append an adjudication. The store refuses an adjudicator who reviewed the item.
    pub fn append_adjudication(
        &mut self,
        item: ItemId,
        chain: ChainId,
        adjudicator: &str,
        outcome: &str,
        value: bool,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        let reviewed: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM assignments WHERE item_id = ?1 AND reviewer = ?2)",
            params![item.0, adjudicator],
            |r| r.get(0),
        )?;
        if reviewed {
            return Err(StoreError::Conflict(format!(
                "{adjudicator:?} reviewed item {item}; an adjudicator must not be one of its reviewers"
            )));
        }
        self.conn.execute(
            "INSERT INTO adjudication_events (item_id, chain_id, adjudicator, outcome, value, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![item.0, chain.0, adjudicator, outcome, value, note],
        )?;
        Ok(())
    }

    /// The current adjudication per (item, chain, outcome) of a study.
    pub fn current_adjudications(
        &self,
        study: StudyId,
    ) -> Result<Vec<AdjudicationRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT e.item_id, e.chain_id, e.adjudicator, e.outcome, e.value, e.created_at
             FROM adjudication_events e JOIN items i ON i.id = e.item_id
             WHERE i.study_id = ?1 AND e.id = (SELECT max(id) FROM adjudication_events x
                 WHERE x.item_id = e.item_id AND x.chain_id = e.chain_id AND x.outcome = e.outcome)
             ORDER BY e.item_id, e.chain_id, e.outcome",
        )?;
        let rows = stmt.query_map([study.0], |r| {
            Ok(AdjudicationRow {
                item: ItemId(r.get(0)?),
                chain: ChainId(r.get(1)?),
                adjudicator: r.get(2)?,
                outcome: r.get(3)?,
                value: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Truncation, stripper version and words per step of every chain in the study. Words
    /// are space-separated runs of the trimmed step text (the stripper writes single spaces),
    /// counted here on the stored bytes as the SQL `length(trim(t)) - length(replace(trim(t),
    /// ' ', '')) + 1` would count them (see [`step_words`]).
    pub fn study_chain_facts(&self, study: StudyId) -> Result<Vec<ChainFacts>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.run_id, c.truncated, c.stripper_version FROM chains c
             WHERE c.id IN (SELECT chain_a FROM items WHERE study_id = ?1
                            UNION SELECT chain_b FROM items WHERE study_id = ?1)
             ORDER BY c.id",
        )?;
        let mut out: Vec<ChainFacts> = stmt
            .query_map([study.0], |r| {
                Ok(ChainFacts {
                    chain: ChainId(r.get(0)?),
                    run: RunId(r.get(1)?),
                    truncated: r.get(2)?,
                    stripper_version: r.get(3)?,
                    step_words: Vec::new(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT s.chain_id, s.text FROM steps s
             WHERE s.chain_id IN (SELECT chain_a FROM items WHERE study_id = ?1
                                  UNION SELECT chain_b FROM items WHERE study_id = ?1)
             ORDER BY s.chain_id, s.idx",
        )?;
        let mut rows = stmt.query([study.0])?;
        let mut at = 0usize;
        while let Some(r) = rows.next()? {
            let chain: i64 = r.get(0)?;
            let words = step_words(r.get_ref(1)?)?;
            while out.get(at).is_some_and(|f| f.chain.0 < chain) {
                at += 1;
            }
            if let Some(f) = out.get_mut(at).filter(|f| f.chain.0 == chain) {
                f.step_words.push(words);
            }
        }
        Ok(out)
    }

    /// Option probabilities of every run behind the study's chains, by run (a scoring pass
    /// preferred over endpoint logprobs).
    pub fn study_option_probabilities(
        &self,
        study: StudyId,
    ) -> Result<BTreeMap<RunId, BTreeMap<String, f64>>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT p.run_id, p.probabilities FROM run_option_probabilities p
             WHERE p.run_id IN (SELECT run_id FROM chains WHERE id IN
                 (SELECT chain_a FROM items WHERE study_id = ?1
                  UNION SELECT chain_b FROM items WHERE study_id = ?1))
             ORDER BY p.run_id, p.method = 'candle_scoring_pass'",
        )?;
        let rows = stmt.query_map([study.0], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (run, json) = row?;
            // Later rows win: the scoring pass sorts after endpoint logprobs.
            out.insert(
                RunId(run),
                serde_json::from_str(&json).map_err(StoreError::corrupt)?,
            );
        }
        Ok(out)
    }

    /// The display text of a chain's steps, in order.
    pub fn chain_step_texts(&self, chain: ChainId) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT text FROM steps WHERE chain_id = ?1 ORDER BY idx")?;
        let rows = stmt.query_map([chain.0], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Store a run's option probabilities (replacing an earlier row of the same method).
    pub fn record_option_probabilities(
        &mut self,
        run: RunId,
        method: &str,
        probabilities: &BTreeMap<String, f64>,
        option_mass: f64,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(probabilities).map_err(StoreError::corrupt)?;
        self.conn.execute(
            "INSERT INTO run_option_probabilities (run_id, method, probabilities, option_mass)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (run_id, method) DO UPDATE SET probabilities = excluded.probabilities,
                 option_mass = excluded.option_mass, created_at = excluded.created_at",
            params![run.0, method, json, option_mass.clamp(0.0, 1.0)],
        )?;
        Ok(())
    }

    /// A run's option probabilities (a scoring pass preferred over endpoint logprobs).
    pub fn option_probabilities(
        &self,
        run: RunId,
    ) -> Result<Option<BTreeMap<String, f64>>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT probabilities FROM run_option_probabilities WHERE run_id = ?1
                 ORDER BY method = 'candle_scoring_pass' DESC LIMIT 1",
                [run.0],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| serde_json::from_str(&j).map_err(StoreError::corrupt))
            .transpose()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::step_words;

    /// The Rust count agrees with the SQL expression it replaced, on awkward texts too.
    #[test]
    fn step_words_match_the_sql_count() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let texts: &[&[u8]] = &[
            b"",
            b" ",
            b"   ",
            b"one",
            b" one ",
            b"two words",
            b"two  spaces",
            b"  lead and trail  ",
            b"tab\tis not a space",
            b"new\nline",
            "caf\u{e9} \u{2014} na\u{ef}ve words".as_bytes(),
            b"nul\0 after",
            b"a \0b c",
            b"\0 x y",
            b" \0",
            b"\xff\xfe invalid utf8 \xc3",
        ];
        for t in texts {
            let sql: i64 = conn
                .query_row(
                    "SELECT CASE WHEN length(trim(t)) = 0 THEN 0
                        ELSE length(trim(t)) - length(replace(trim(t), ' ', '')) + 1 END
                     FROM (SELECT CAST(?1 AS TEXT) AS t)",
                    [rusqlite::types::Value::Blob(t.to_vec())],
                    |r| r.get(0),
                )
                .unwrap();
            let ours = step_words(rusqlite::types::ValueRef::Text(t)).unwrap();
            assert_eq!(i64::from(ours), sql, "{:?}", String::from_utf8_lossy(t));
        }
    }
}
