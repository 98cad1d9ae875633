//! Reviewer packs, reading a returned pack: its content hash (recomputed over what the
//! reviewer sees, compared at collection with the one recorded at packing) and its events.

use super::packs::{CASE_EVENT_COLS, PackRead, STEP_EVENT_COLS, case_event, step_event};
use super::{Store, StoreError};
use sha2::{Digest, Sha256};

/// (item, reviewer, position, side of "A", case id, case body, chain A, chain B)
type HashedItem = (i64, String, i64, String, String, String, i64, i64);

impl Store {
    /// SHA-256 over what the reviewer of this pack sees: the study and reviewer names, each
    /// item (id, position, side of "A"), its case and both chains, in item order.
    pub fn pack_content_hash(&self) -> Result<String, StoreError> {
        let mut h = Sha256::new();
        let mut put = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        let mut st = self.conn.prepare(
            "SELECT s.name, r.reviewer FROM studies s JOIN study_reviewers r ON r.study_id = s.id ORDER BY s.id, r.reviewer",
        )?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (s, r) = row?;
            put(&s);
            put(&r);
        }
        let mut st = self.conn.prepare(
            "SELECT i.id, a.reviewer, a.position, a.a_side, i.case_id, c.body, i.chain_a, i.chain_b
             FROM items i JOIN assignments a ON a.item_id = i.id JOIN cases c ON c.id = i.case_id
             ORDER BY i.id, a.reviewer",
        )?;
        let rows: Vec<HashedItem> = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        for (item, reviewer, position, a_side, case_id, body, ca, cb) in rows {
            put(&item.to_string());
            put(&reviewer);
            put(&position.to_string());
            put(&a_side);
            put(&case_id);
            put(&body);
            for chain in [ca, cb] {
                let (answer, truncated): (Option<String>, bool) = self.conn.query_row(
                    "SELECT answer, truncated FROM chains WHERE id = ?1",
                    [chain],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                put(answer.as_deref().unwrap_or("-"));
                put(if truncated { "1" } else { "0" });
                let mut st = self.conn.prepare_cached(
                    "SELECT idx, text FROM steps WHERE chain_id = ?1 ORDER BY idx",
                )?;
                for row in st.query_map([chain], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })? {
                    let (idx, text) = row?;
                    put(&idx.to_string());
                    put(&text);
                }
                put("end of chain");
            }
        }
        Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Read a returned pack: its identity, content hash, reviewers and every verdict event.
    pub fn read_pack(&self) -> Result<PackRead, StoreError> {
        let meta = self.pack_meta()?.ok_or_else(|| {
            StoreError::Invalid(format!(
                "{}: not a reviewer pack (a study database?)",
                self.path.display()
            ))
        })?;
        let content_hash = self.pack_content_hash()?;
        let mut reviewers: Vec<String> = {
            let mut st = self.conn.prepare(
                "SELECT reviewer FROM study_reviewers UNION SELECT reviewer FROM assignments
                 UNION SELECT reviewer FROM step_verdict_events UNION SELECT reviewer FROM case_verdict_events",
            )?;
            st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
        };
        reviewers.sort();
        let mut st = self.conn.prepare(&format!(
            "SELECT {STEP_EVENT_COLS} FROM step_verdict_events e ORDER BY e.id"
        ))?;
        let step_events = st.query_map([], step_event)?.collect::<Result<_, _>>()?;
        let mut st = self.conn.prepare(&format!(
            "SELECT {CASE_EVENT_COLS} FROM case_verdict_events e ORDER BY e.id"
        ))?;
        let case_events = st.query_map([], case_event)?.collect::<Result<_, _>>()?;
        Ok(PackRead {
            meta,
            content_hash,
            reviewers,
            step_events,
            case_events,
        })
    }
}
