//! No command destroys or leaks a study: `--out` never lands on a database, replaces another
//! file only with `--force`, writes owner-only files whatever the umask; no export names a
//! model before unblinding; a database that cannot be written says so; a read never writes
//! into a missing or empty file; `models add --path` refuses what cannot be loaded;
//! `study assign` moves only unstarted items, balanced and audited.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pack_support;

use pack_support::*;
use std::path::Path;

fn export(db: &Path, what: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["export", "--study", "site", "--what", what, "--out", f(out)];
    args.extend_from_slice(extra);
    run(db, &args)
}

#[test]
fn export_never_overwrites_a_database_and_replaces_files_only_with_force() {
    let s = site();
    let db = &s.db;
    let before = std::fs::read(db).unwrap();
    for target in [
        f(db).to_string(),
        format!("{}-wal", f(db)),
        format!("{}-shm", f(db)),
        format!("{}/./site.db", s.dir.path().display()),
    ] {
        for force in [false, true] {
            let extra: &[&str] = if force { &["--force"] } else { &[] };
            let o = export(db, "steps", Path::new(&target), extra);
            assert!(!o.status.success(), "{target}: {}", text(&o));
            assert!(
                text(&o).contains("never writes over a database"),
                "{}",
                text(&o)
            );
        }
    }
    assert_eq!(
        std::fs::read(db).unwrap(),
        before,
        "the database is byte-identical"
    );
    // any other SQLite file, even with --force
    let other = s.path("other.sqlite");
    std::fs::copy(db, &other).unwrap();
    let o = export(db, "cases", &other, &["--force"]);
    assert!(text(&o).contains("is an SQLite database"), "{}", text(&o));
    assert_eq!(std::fs::read(&other).unwrap(), before);
    // an existing CSV: refused, then replaced with --force
    let csv = write(&s.path("steps.csv"), "keep me\n");
    let o = export(db, "steps", &csv, &[]);
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "keep me\n");
    assert!(export(db, "steps", &csv, &["--force"]).status.success());
    assert!(std::fs::read_to_string(&csv).unwrap().starts_with("study,"));
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM study_events WHERE kind = 'exported'"
        ),
        1,
        "refused exports are not recorded"
    );
}

#[cfg(unix)]
#[test]
fn exports_and_packs_are_owner_only_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    let s = site();
    let out = s.path("events.csv");
    let pack = s.path("ana.pack");
    for cmd in [
        format!(
            "umask 000; exec \"$0\" --db '{}' export --study site --what events --out '{}'",
            s.db.display(),
            out.display()
        ),
        format!(
            "umask 000; exec \"$0\" --db '{}' study pack site --reviewer ana --out '{}'",
            s.db.display(),
            pack.display()
        ),
    ] {
        let o = std::process::Command::new("sh")
            .args(["-c", &cmd, env!("CARGO_BIN_EXE_blindstep")])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    for p in [&out, &pack] {
        let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}: mode {mode:o}", p.display());
    }
}

#[test]
fn no_export_names_a_model_before_unblinding() {
    let s = site();
    let db = &s.db;
    let keys = write(&s.path("k"), "Enter\n1\nj\n3\nTab\ny\nj\nn\nEsc\nq\n");
    ok(
        db,
        &[
            "review",
            "--study",
            "site",
            "--reviewer",
            "ana",
            "--replay",
            f(&keys),
        ],
    );
    ok(db, &["study", "assign", "site", "--add", "dan"]);
    let mut files = Vec::new();
    for what in ["steps", "cases", "tally", "events"] {
        for history in [false, true] {
            if history && (what == "tally" || what == "events") {
                continue;
            }
            let out = s.path(&format!("{what}-{history}.csv"));
            let extra: &[&str] = if history { &["--history"] } else { &[] };
            let o = export(db, what, &out, extra);
            assert!(o.status.success(), "{}", text(&o));
            files.push(out);
        }
    }
    // the previous exports are now in the audit trail: export it again
    let events = s.path("events-again.csv");
    assert!(export(db, "events", &events, &[]).status.success());
    files.push(events.clone());
    for p in &files {
        assert_eq!(leaks(p), Vec::<&str>::new(), "{}", p.display());
    }
    let ev = std::fs::read_to_string(&events).unwrap();
    assert!(
        ev.contains("created") && ev.contains("\"\"overlap\"\":2"),
        "{ev}"
    );
    assert!(
        !ev.contains("\"\"seed\"\""),
        "the seed would redraw the sides: {ev}"
    );
    // after unblinding, the models are named
    ok(db, &["study", "unblind", "site", "--yes"]);
    let after = s.path("events-unblinded.csv");
    assert!(export(db, "events", &after, &[]).status.success());
    let ev = std::fs::read_to_string(&after).unwrap();
    assert!(ev.contains(STUDENT) && ev.contains(TEACHER));
    let steps = s.path("steps-unblinded.csv");
    assert!(export(db, "steps", &steps, &[]).status.success());
    let t = std::fs::read_to_string(&steps).unwrap();
    assert!(t.contains(STUDENT) || t.contains(TEACHER), "{t}");
}

/// Makes a file impossible to write for this process, and undoes it on drop. As root,
/// permission bits do not bind, so the immutable attribute is used (if the file system has it).
struct ReadOnly(std::path::PathBuf, bool);

impl ReadOnly {
    fn new(p: &Path) -> Option<Self> {
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if root {
            let ok = std::process::Command::new("chattr")
                .arg("+i")
                .arg(p)
                .status()
                .is_ok_and(|s| s.success());
            ok.then(|| ReadOnly(p.to_path_buf(), true))
        } else {
            let mut perm = std::fs::metadata(p).unwrap().permissions();
            perm.set_readonly(true);
            std::fs::set_permissions(p, perm).unwrap();
            Some(ReadOnly(p.to_path_buf(), false))
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.1 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
        } else if let Ok(m) = std::fs::metadata(&self.0) {
            let mut perm = m.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            let _ = std::fs::set_permissions(&self.0, perm);
        }
    }
}

#[test]
fn a_read_only_database_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ro.db");
    ok(&db, &["models", "add", "m", "--role", "student"]);
    let before = std::fs::read(&db).unwrap();
    let Some(_guard) = ReadOnly::new(&db) else {
        eprintln!("skipping: cannot make a file read-only here (root without chattr)");
        return;
    };
    for args in [
        &["study", "list"][..],
        &["models", "add", "n", "--role", "teacher"][..],
    ] {
        let t = fail(&db, args);
        assert!(t.contains("cannot be written"), "{args:?}: {t}");
        assert!(!t.contains("not a blindstep database"), "{t}");
        assert!(t.contains(&db.display().to_string()), "names the file: {t}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn reads_never_write_into_a_missing_or_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(&dir.path().join("empty.db"), "");
    let missing = dir.path().join("missing.db");
    for args in [
        &["study", "list"][..],
        &["tally", "--study", "x"][..],
        &["models", "list"][..],
        &["cases", "list"][..],
        &["runs", "list"][..],
    ] {
        let t = fail(&empty, args);
        assert!(t.contains("empty file"), "{args:?}: {t}");
        fail(&missing, args);
    }
    assert_eq!(
        std::fs::metadata(&empty).unwrap().len(),
        0,
        "0-byte file untouched"
    );
    assert!(!missing.exists(), "no file created by a read");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["empty.db"], "no -wal or -shm either");
    // a review of a missing pack creates nothing either
    let o = bin()
        .args(["review", "--pack", f(&dir.path().join("nope.pack"))])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(!dir.path().join("nope.pack").exists());
}

#[test]
fn models_add_path_loads_the_model_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let bogus = write(&dir.path().join("model.gguf"), "not a model at all");
    let t = fail(
        &db,
        &[
            "models",
            "add",
            "m",
            "--role",
            "student",
            "--path",
            f(&bogus),
        ],
    );
    assert!(t.contains("cannot be loaded"), "{t}");
    assert!(t.contains("nothing was registered"), "{t}");
    if db.exists() {
        assert_eq!(count(&db, "SELECT count(*) FROM models"), 0);
    }
}

#[test]
fn assign_adds_a_reviewer_and_moves_unstarted_items_balanced() {
    let s = site();
    let db = &s.db;
    // ben starts one item: it stays his
    let keys = write(&s.path("k"), "Enter\n1\nq\n");
    ok(
        db,
        &[
            "review",
            "--study",
            "site",
            "--reviewer",
            "ben",
            "--replay",
            f(&keys),
        ],
    );
    let t = ok(
        db,
        &[
            "study", "assign", "site", "--add", "dan,eve", "--drop", "ben",
        ],
    );
    assert!(t.contains("moved 9 unstarted item(s)"), "{t}");
    assert!(t.contains("1 started item(s) stay theirs"), "{t}");
    let n = |r: &str| {
        count(
            db,
            &format!("SELECT count(*) FROM assignments WHERE reviewer = '{r}'"),
        )
    };
    assert_eq!(n("ben"), 1);
    assert_eq!(n("dan") + n("eve"), 9, "ana already has every item");
    assert!((n("dan") - n("eve")).abs() <= 1, "balanced");
    for r in ["dan", "eve"] {
        let left = count(
            db,
            &format!("SELECT count(*) FROM assignments WHERE reviewer = '{r}' AND a_side = 'left'"),
        );
        assert!((2 * left - n(r)).abs() <= 1, "{r}: sides balanced");
    }
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM study_events WHERE kind = 'assigned' AND os_user IS NOT NULL AND host IS NOT NULL"
        ),
        1
    );
    // the new reviewers can review; the moved items are theirs
    ok(
        db,
        &[
            "review",
            "--study",
            "site",
            "--reviewer",
            "dan",
            "--replay",
            f(&keys),
        ],
    );
    let t = fail(db, &["study", "assign", "site", "--add", "ana"]);
    assert!(t.contains("already a reviewer"), "{t}");
}

/// A tiny tmpfs, unmounted on drop (needs root and mount rights; else the test is skipped).
struct TinyDisk(std::path::PathBuf);

impl TinyDisk {
    fn new(at: &Path) -> Option<Self> {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=80k", "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| TinyDisk(at.to_path_buf()))
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().join("disk");
    let Some(_disk) = TinyDisk::new(&at) else {
        eprintln!("skipping: cannot mount a small tmpfs here");
        return;
    };
    // fill most of it, then ask for a new database
    std::fs::write(at.join("filler"), vec![0u8; 60 << 10]).unwrap();
    let t = fail(
        &at.join("s.db"),
        &["models", "add", "m", "--role", "student"],
    );
    assert!(t.contains("the disk is full"), "{t}");
    let _ = std::fs::remove_file(at.join("filler"));
}
