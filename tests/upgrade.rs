//! Upgrades keep studies: `tests/data/release-0.1.0-schema1.sqlite` was made by release 0.1.0
//! (schema 1: the demo study with verdicts, a second study "duo" with two reviewers, an export
//! and an unblinding). This build opens it, migrates it to the current schema, and keeps every
//! verdict event and audit event, byte for byte in every column that existed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::ReviewerId;
use blindstep::storage::testing::RawConnection;
use blindstep::storage::{SCHEMA_VERSION, Store};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

const FIXTURE: &str = "tests/data/release-0.1.0-schema1.sqlite";

type Rows = Vec<Vec<rusqlite::types::Value>>;

fn dump(path: &Path, sql: &str) -> Rows {
    let c = Connection::open(path).unwrap();
    let mut st = c.prepare(sql).unwrap();
    let n = st.column_count();
    st.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Every column of schema 1 (explicit, so later migrations may add columns).
const TABLES: &[&str] = &[
    "SELECT id, item_id, reviewer, side, chain_id, step_idx, label, severity, tags, note, bad_split, ms_spent, previous_id, created_at FROM step_verdict_events ORDER BY id",
    "SELECT id, item_id, reviewer, answer_correct_left, answer_correct_right, red_flags_left, red_flags_right, preferred, student_guess, confidence, ms_spent, previous_id, created_at FROM case_verdict_events ORDER BY id",
    "SELECT id, study_id, kind, actor, detail, created_at FROM study_events ORDER BY id",
    "SELECT item_id, reviewer, position, a_side FROM assignments ORDER BY item_id, reviewer",
    "SELECT id, study_id, case_id, chain_a, chain_b FROM items ORDER BY id",
    "SELECT id, name, model_a, model_b, seed, overlap, created_at FROM studies ORDER BY id",
    "SELECT study_id, reviewer, item_id, side, step_idx, updated_at FROM review_cursors ORDER BY study_id, reviewer",
    "SELECT id, item_id, reviewer, side, step_idx, label, severity, tags, note FROM current_step_verdicts ORDER BY id",
    "SELECT id, item_id, reviewer, preferred, confidence FROM current_case_verdicts ORDER BY id",
    "SELECT id, name, role, source_kind, location, label FROM models ORDER BY id",
    "SELECT chain_id, idx, text, spans FROM steps ORDER BY chain_id, idx",
];

fn copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("old.db");
    std::fs::copy(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FIXTURE), &p).unwrap();
    (dir, p)
}

#[test]
fn a_release_0_1_0_database_migrates_and_keeps_everything() {
    let (_dir, db) = copy();
    let version: i64 = Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "the fixture is schema 1");
    let before: Vec<Rows> = TABLES.iter().map(|q| dump(&db, q)).collect();
    assert!(before[0].len() >= 90 && before[1].len() >= 8 && before[2].len() == 4);

    let store = Store::open(&db).unwrap();
    let v: i64 = store
        .connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let ok: String = store
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(store);
    let after: Vec<Rows> = TABLES.iter().map(|q| dump(&db, q)).collect();
    for (q, (b, a)) in TABLES.iter().zip(before.iter().zip(&after)) {
        assert_eq!(b, a, "{q}");
    }

    // and it works: the demo study still takes verdicts, the unblinded one does not
    let mut store = Store::open(&db).unwrap();
    let demo = store.study("demo").unwrap();
    assert_eq!(store.verdicts_closed(demo.id).unwrap(), None);
    let duo = store.study("duo").unwrap();
    assert!(store.verdicts_closed(duo.id).unwrap().is_some());
    let me = ReviewerId("you".into());
    let q = store.reviewer_queue(demo.id, &me).unwrap();
    assert_eq!(q.len(), 10);
    assert!(q.iter().any(|e| e.steps_judged > 0));
    let item = q[0].item;
    store
        .append_step_verdict(
            demo.id,
            item,
            &me,
            blindstep::domain::Side::Left,
            0,
            &blindstep::domain::StepVerdict {
                label: Some(blindstep::domain::StepLabel::Sound),
                ..Default::default()
            },
            1,
        )
        .unwrap();
    // the rebuilt audit trail is still append-only, and new events carry user and host
    let err = store
        .connection()
        .execute("DELETE FROM study_events", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    store.reopen(duo.id, "coordinator", Some("test")).unwrap();
    let (user, host): (Option<String>, Option<String>) = store
        .connection()
        .query_row(
            "SELECT os_user, host FROM study_events WHERE kind = 'reopened'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(user.is_some_and(|u| !u.is_empty()) && host.is_some_and(|h| !h.is_empty()));
    let dup = store
        .connection()
        .execute(
            "INSERT INTO study_events (study_id, kind, actor) VALUES (?1, 'unblinded', 'x')",
            [duo.id.0],
        )
        .unwrap_err();
    assert!(dup.to_string().contains("UNIQUE"), "one unblinding: {dup}");
}
