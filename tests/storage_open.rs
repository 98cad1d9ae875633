//! The store on a real temp file: migrations, pragmas, file mode, append-only
//! verdicts, CHECK constraints, refusal of foreign or newer files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::storage::testing::RawConnection;
use blindstep::storage::{SCHEMA_VERSION, Store, StoreError};
use rusqlite::Connection;
use std::path::Path;

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn migrations_apply_and_pragmas_hold() {
    let dir = tmp();
    let path = dir.path().join("a.db");
    let store = Store::open(&path).unwrap();
    let c = store.connection();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = c
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let busy: i64 = c
        .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
        .unwrap();
    assert!(busy >= 1000, "busy_timeout {busy}");
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[cfg(unix)]
#[test]
fn new_database_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp();
    let path = dir.path().join("a.db");
    drop(Store::open(&path).unwrap());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
}

#[test]
fn reopening_keeps_data() {
    let dir = tmp();
    let path = dir.path().join("a.db");
    {
        let mut s = Store::open(&path).unwrap();
        s.add_model(&blindstep::storage::NewModel {
            name: "m".into(),
            role: blindstep::domain::Role::Student,
            source: blindstep::domain::ModelSource::OutputsOnly,
            tokenizer: None,
            chat_template: None,
            label: None,
        })
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.models().unwrap().len(), 1);
}

fn assert_untouched(path: &Path, before: &[u8], err: StoreError, needle: &str) {
    let msg = err.to_string();
    assert!(msg.contains(needle), "{msg}");
    assert!(
        msg.contains(&path.display().to_string()),
        "error names the file: {msg}"
    );
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "file must be left byte-identical"
    );
    assert!(!path.with_extension("db-wal").exists());
}

#[test]
fn garbage_file_is_refused_and_left_identical() {
    let dir = tmp();
    let path = dir.path().join("g.db");
    let garbage: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert_untouched(&path, &garbage, err, "not a blindstep database");
}

#[test]
fn foreign_sqlite_database_is_refused_and_left_identical() {
    let dir = tmp();
    let path = dir.path().join("other.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert_untouched(&path, &before, err, "not a blindstep database");
}

#[test]
fn newer_schema_is_refused_and_left_identical() {
    let dir = tmp();
    let path = dir.path().join("new.db");
    drop(Store::open(&path).unwrap());
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert_untouched(&path, &before, err, "newer than this blindstep");
}

#[test]
fn truncated_database_is_refused_and_left_identical() {
    let dir = tmp();
    let path = dir.path().join("t.db");
    let full = demo_file_without_wal(&path);
    let cut = &full[..full.len() / 3];
    std::fs::write(&path, cut).unwrap();
    let err = Store::open(&path).err().unwrap();
    let msg = err.to_string();
    assert!(msg.contains("t.db"), "{msg}");
    assert_eq!(std::fs::read(&path).unwrap(), cut);
}

#[test]
fn a_cut_file_is_named_truncated_by_its_header_before_any_page_is_read() {
    let dir = tmp();
    let path = dir.path().join("cut.db");
    let full = demo_file_without_wal(&path);
    let cut = &full[..full.len() - 4096];
    std::fs::write(&path, cut).unwrap();
    let msg = Store::open(&path).err().unwrap().to_string();
    assert!(msg.contains("cut.db") && msg.contains("truncated"), "{msg}");
    assert_eq!(std::fs::read(&path).unwrap(), cut);
    // the whole file opens
    std::fs::write(&path, &full).unwrap();
    Store::open(&path).unwrap();
}

/// The demo study in a database at `path`, in rollback-journal mode (one file, no WAL); its bytes.
fn demo_file_without_wal(path: &std::path::Path) -> Vec<u8> {
    {
        let mut s = Store::open(path).unwrap();
        blindstep::workflow::demo::ensure_demo(&mut s).unwrap();
        s.connection()
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
    }
    std::fs::read(path).unwrap()
}
