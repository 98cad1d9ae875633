//! Migration 0005 (task kind `plan`) on a real schema-1 file that already holds cases with
//! runs, chains and study items: the `cases` table is rebuilt under deferred foreign keys,
//! every reference still resolves, and plan cases and plan ratings can then be stored.
//! Migration 0008 (`acted_on:<n>` adjudications) on a schema-7 file holding an adjudication:
//! the row keeps its id and the append-only triggers still hold.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::storage::testing::RawConnection;
use blindstep::storage::{APPLICATION_ID, MIGRATIONS, Store};
use rusqlite::Connection;

const V1: &str = include_str!("../migrations/0001_initial.sql");

fn schema_1_file(path: &std::path::Path) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(V1).unwrap();
    c.execute_batch(
        "INSERT INTO cases (id, title, specialty, incidence, task_kind, vignette, question, body, source, licence, content_hash)
           VALUES ('c1', 'T', 'other', NULL, 'mcq', 'v', 'q?', '{}', 's', 'l', 'h1'),
                  ('c2', 'T2', 'surgery', 'rare', 'differential', 'v', 'q?', '{}', 's', 'l', 'h2');
         INSERT INTO models (id, name, role, source_kind) VALUES (1, 'a', 'student', 'outputs_only'), (2, 'b', 'teacher', 'outputs_only');
         INSERT INTO runs (id, case_id, model_id, output, provenance, content_hash) VALUES (1, 'c1', 1, 'x', '{}', 'r1'), (2, 'c1', 2, 'y', '{}', 'r2');
         INSERT INTO chains (id, run_id, stripper_version, truncated) VALUES (1, 1, 's', 0), (2, 2, 's', 0);
         INSERT INTO studies (id, name, model_a, model_b, seed, overlap) VALUES (1, 'st', 1, 2, 7, 1);
         INSERT INTO items (id, study_id, case_id, chain_a, chain_b) VALUES (1, 1, 'c1', 1, 2);",
    )
    .unwrap();
    c.pragma_update(None, "user_version", 1).unwrap();
    c.pragma_update(None, "application_id", APPLICATION_ID)
        .unwrap();
}

#[test]
fn cases_are_rebuilt_keeping_every_row_and_reference() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    schema_1_file(&path);
    let store = Store::open(&path).unwrap();
    let c = store.connection();
    let n: i64 = c
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    let hash: String = c
        .query_row("SELECT content_hash FROM cases WHERE id = 'c2'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(hash, "h2");
    let dangling: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0);
    // references still point at the rebuilt table
    let fk_target: String = c
        .query_row(
            "SELECT \"table\" FROM pragma_foreign_key_list('runs') WHERE \"from\" = 'case_id'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fk_target, "cases");
    // a plan case is now allowed, an unknown kind still is not
    c.execute(
        "INSERT INTO cases (id, title, specialty, task_kind, vignette, question, body, source, licence, content_hash)
         VALUES ('p1', 'P', 'other', 'plan', 'v', 'q?', '{}', 's', 'l', 'h3')",
        [],
    )
    .unwrap();
    assert!(
        c.execute(
            "INSERT INTO cases (id, title, specialty, task_kind, vignette, question, body, source, licence, content_hash)
             VALUES ('p2', 'P', 'other', 'essay', 'v', 'q?', '{}', 's', 'l', 'h4')",
            [],
        )
        .is_err()
    );
    // deleting a case that runs reference is still refused
    assert!(c.execute("DELETE FROM cases WHERE id = 'c1'", []).is_err());
    // the plan ratings' columns take exactly the three ratings
    let cols: Vec<String> = c
        .prepare("SELECT name FROM pragma_table_info('case_verdict_events')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(cols.contains(&"plan_left".to_string()) && cols.contains(&"plan_right".to_string()));
}

#[test]
fn adjudications_are_rebuilt_to_take_acted_on_keeping_rows_and_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v7.db");
    schema_1_file(&path);
    {
        let mut c = Connection::open(&path).unwrap();
        // As the store migrates: one transaction (0005 defers foreign keys inside it).
        let tx = c.transaction().unwrap();
        for (_, sql) in &MIGRATIONS[1..7] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 7).unwrap();
        tx.commit().unwrap();
        c.execute_batch(
            "INSERT INTO adjudication_events (id, item_id, chain_id, adjudicator, outcome, value, created_at)
               VALUES (41, 1, 1, 'chief', 'red_flag:0', 1, '2026-01-01T00:00:00.000Z');",
        )
        .unwrap();
        let refused = c.execute(
            "INSERT INTO adjudication_events (item_id, chain_id, adjudicator, outcome, value)
             VALUES (1, 1, 'chief', 'acted_on:0', 0)",
            [],
        );
        assert!(refused.is_err(), "schema 7 does not know acted_on");
    }
    let store = Store::open(&path).unwrap();
    let c = store.connection();
    let kept: (i64, String, String) = c
        .query_row(
            "SELECT id, outcome, created_at FROM adjudication_events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        kept,
        (41, "red_flag:0".into(), "2026-01-01T00:00:00.000Z".into())
    );
    c.execute(
        "INSERT INTO adjudication_events (item_id, chain_id, adjudicator, outcome, value)
         VALUES (1, 2, 'chief', 'acted_on:1', 0)",
        [],
    )
    .unwrap();
    for bad in ["acted_on:x", "acted", "bogus"] {
        assert!(
            c.execute(
                "INSERT INTO adjudication_events (item_id, chain_id, adjudicator, outcome, value)
                 VALUES (1, 1, 'chief', ?1, 0)",
                [bad],
            )
            .is_err(),
            "{bad}"
        );
    }
    let err = |sql: &str| c.execute(sql, []).unwrap_err().to_string();
    assert!(err("UPDATE adjudication_events SET value = 0").contains("append-only"));
    assert!(err("DELETE FROM adjudication_events").contains("append-only"));
    assert!(
        err(
            "INSERT INTO adjudication_events (item_id, chain_id, adjudicator, outcome, value)
             VALUES (1, 99, 'chief', 'acted_on:0', 1)"
        )
        .contains("not one of the item's chains")
    );
    let index: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'adjudications_by_item'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(index, 1);
}
