//! The case library end to end through the binary: check, import, list.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_blindstep"))
}

fn run(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> Option<PathBuf> {
    let p = root().join("../shared/fixtures");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

fn count(db: &Path, table: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn shipped_cases_pass_the_check_and_cover_the_design() {
    let o = bin()
        .args(["cases", "check"])
        .arg(root().join("cases"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    // 5 specialties x 3 incidence tiers, both task kinds; cells count investigated
    // library cases only (neither demo cases nor presentation variants); the
    // design asks for at least 6 per cell (the library keeps 7, one spare).
    let mut cells = std::collections::BTreeMap::new();
    let mut kinds = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(root().join("cases")).unwrap() {
        let path = entry.unwrap().path();
        let t = std::fs::read_to_string(&path).unwrap();
        let case = blindstep::ingest::case_toml::parse_case_toml(&path, &t).unwrap();
        if !case.id.as_str().starts_with("demo-")
            && case.stage == blindstep::domain::Stage::Investigated
        {
            *cells.entry((case.specialty, case.incidence)).or_insert(0) += 1;
        }
        kinds.insert(case.task.kind());
        assert!(
            !case.red_flags.is_empty()
                && !case.must_not_miss.is_empty()
                && case.priority.len() >= 2,
            "{}",
            case.id
        );
    }
    assert!(cells.len() >= 15, "{cells:?}");
    for (cell, n) in &cells {
        assert!(*n >= 6, "cell {cell:?} has {n} cases");
    }
    assert_eq!(kinds.len(), 2);
}

#[test]
fn a_broken_case_file_reports_every_problem_with_file_line_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad-1.toml");
    std::fs::write(
        &f,
        "id = \"bad-1\"\ntitle = \"t\"\nspecialty = \"cardiology\"\nincidence = \"often\"\nvignette = \"v\"\nquestion = \"q\"\nmust_not_miss = [\"x\"]\npriority = [\"Y\", \"x\"]\nsource = \"s\"\nlicence = \"l\"\n[task]\nkind = \"mcq\"\nanswer = \"F\"\n[task.options]\nA = \"Y\"\nB = \"Z\"\n",
    )
    .unwrap();
    let o = bin().args(["cases", "check"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o);
    let file = f.display().to_string();
    assert!(
        out.contains(&format!(
            "{file}:3: specialty: unknown specialty \"cardiology\""
        )),
        "{out}"
    );
    assert!(out.contains(&format!("{file}:4: incidence:")), "{out}");
    assert!(out.contains(&format!("{file}:13: task.answer:")), "{out}");
    assert!(out.contains("red_flags: missing"), "{out}");
}

#[test]
fn importing_fixtures_lists_and_searches() {
    let Some(fx) = fixtures() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let o = run(&db, &["cases", "import"]);
    assert!(!o.status.success());
    let medqa = fx.join("medagents_medqa_test_pos300-346_dev40.jsonl");
    let medmcqa = fx.join("medagents_medmcqa_test_pos301-321_dev20.jsonl");
    let o = bin()
        .arg("--db")
        .arg(&db)
        .args(["cases", "import"])
        .arg(&medqa)
        .arg(&medmcqa)
        .arg(root().join("cases"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let shipped = std::fs::read_dir(root().join("cases"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count() as i64;
    assert_eq!(count(&db, "cases"), 40 + 20 + shipped);
    // the source's own id is kept, with the dataset prefix
    let o = run(&db, &["cases", "show", "medqa:300", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("\"answer\": \"D\""), "{}", text(&o));
    // re-importing identical cases is a no-op
    let o = bin()
        .arg("--db")
        .arg(&db)
        .args(["cases", "import"])
        .arg(&medqa)
        .output()
        .unwrap();
    assert!(text(&o).contains("0 new, 40 unchanged"), "{}", text(&o));
    // fuzzy search, best first
    let o = run(
        &db,
        &[
            "cases",
            "list",
            "--query",
            "thunderclap",
            "--format",
            "json",
        ],
    );
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list[0]["id"], "bs-0038", "{list}");
}

#[test]
fn a_malformed_line_aborts_the_whole_import() {
    let Some(fx) = fixtures() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let src =
        std::fs::read_to_string(fx.join("medagents_medqa_test_pos300-346_dev40.jsonl")).unwrap();
    let mut lines: Vec<&str> = src.lines().collect();
    lines[17] = "{\"question\": \"truncated";
    // (a read such as `models list` never creates a database; registering a model does)
    assert!(
        run(&db, &["models", "add", "m0", "--role", "student"])
            .status
            .success(),
        "creates the database"
    );
    let bad = dir.path().join("medqa_bad.jsonl");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let o = bin()
        .arg("--db")
        .arg(&db)
        .args(["cases", "import"])
        .arg(root().join("cases"))
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        text(&o).contains(&format!("{}:18:", bad.display())),
        "{}",
        text(&o)
    );
    assert_eq!(count(&db, "cases"), 0, "nothing half-imported");
}

#[test]
fn a_changed_case_conflicts_unless_replaced_and_runs_protect_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let f = dir.path().join("bs-0038.toml");
    let orig = std::fs::read_to_string(root().join("cases/bs-0038.toml")).unwrap();
    std::fs::write(&f, &orig).unwrap();
    assert!(
        run(&db, &["cases", "import", f.to_str().unwrap()])
            .status
            .success()
    );
    std::fs::write(
        &f,
        orig.replacen("title = ", "title = \"Changed\"\nold_title = ", 1),
    )
    .unwrap();
    let changed = orig.replace("headache", "head pain");
    std::fs::write(&f, &changed).unwrap();
    let o = run(&db, &["cases", "import", f.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("already exists with different content"),
        "{}",
        text(&o)
    );
    let o = run(&db, &["cases", "import", "--replace", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    // once it has runs, it is never replaced
    assert!(
        run(&db, &["models", "add", "m", "--role", "student"])
            .status
            .success()
    );
    let runs = dir.path().join("runs.jsonl");
    std::fs::write(&runs, "{\"case_id\": \"neuro-sah-01\", \"output\": \"<think>Sudden headache. CT head first.</think> Subarachnoid haemorrhage\"}\n").unwrap();
    let o = run(
        &db,
        &["runs", "import", runs.to_str().unwrap(), "--model", "m"],
    );
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(&f, &orig).unwrap();
    let o = run(&db, &["cases", "import", "--replace", f.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("never replaced"), "{}", text(&o));
}
