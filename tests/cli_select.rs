//! Selection that means what it says and search a clinician can use, through the binary:
//! exact ids (and aliases) select only themselves, `--match` searches, `generate --dry-run`
//! prints the plan, and `cases list --query` matches each word separately.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(o.status.success(), "{args:?}: {}", text(&o));
    text(&o)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A case renamed to an opaque id, answering to its old one, whose vignette says
/// "thunderclap" and whose question says "headache", far apart.
const RENAMED: &str = r#"id = "zz-9001"
aliases = ["old-thunder-01"]
title = "Collapse at the gym"
specialty = "neurology"
incidence = "frequent"
vignette = """A 39-year-old man felt a thunderclap in his head while lifting weights, then vomited. Examination: neck stiffness, GCS 14, no focal deficit."""
question = "Which headache diagnosis must be excluded first?"
must_not_miss = ["Subarachnoid haemorrhage"]
priority = ["Subarachnoid haemorrhage", "Migraine"]
source = "blindstep tests (simulated case)"
licence = "CC-BY-4.0"

[task]
kind = "differential"
diagnosis = "Subarachnoid haemorrhage"
synonyms = ["SAH"]

[[red_flags]]
finding = "Sudden onset at peak"
action = "Urgent CT head"
"#;

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let extra = dir.path().join("zz-9001.toml");
    std::fs::write(&extra, RENAMED).unwrap();
    ok(
        &db,
        &[
            "cases",
            "import",
            &root().join("cases").display().to_string(),
            &extra.display().to_string(),
        ],
    );
    ok(&db, &["models", "add", "m", "--role", "student"]);
    (dir, db)
}

#[test]
fn an_exact_id_selects_that_case_only_and_dry_run_prints_the_plan() {
    let (_d, db) = setup();
    let t = ok(
        &db,
        &[
            "generate",
            "--model",
            "m",
            "--cases",
            "bs-0048",
            "--dry-run",
        ],
    );
    assert!(t.contains("1 case(s): bs-0048"), "{t}");
    assert!(t.contains("dry run: model \"m\""), "{t}");
    assert!(t.contains("nothing generated"), "{t}");
    // a substring is not an id
    let o = run(
        &db,
        &["generate", "--model", "m", "--cases", "pe", "--dry-run"],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("no such case id(s): pe"), "{}", text(&o));
    assert!(text(&o).contains("--match"), "{}", text(&o));
}

#[test]
fn an_alias_counts_as_its_id() {
    let (_d, db) = setup();
    let t = ok(
        &db,
        &[
            "generate",
            "--model",
            "m",
            "--cases",
            "old-thunder-01,bs-0048",
            "--dry-run",
        ],
    );
    assert!(t.contains("2 case(s): bs-0048, zz-9001"), "{t}");
    let t = ok(&db, &["runs", "list", "--case", "old-thunder-01"]);
    assert!(t.contains("0 run(s)"), "{t}");
}

#[test]
fn match_searches_every_word_and_prints_the_chosen_ids() {
    let (_d, db) = setup();
    let t = ok(
        &db,
        &[
            "generate",
            "--model",
            "m",
            "--match",
            "embolism calf",
            "--dry-run",
        ],
    );
    assert!(t.contains("demo-im-breathless-traveller"), "{t}");
    assert!(!t.contains("zz-9001"), "{t}");
    let o = run(
        &db,
        &[
            "generate",
            "--model",
            "m",
            "--match",
            "zzqx nothing",
            "--dry-run",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("no case matches"), "{}", text(&o));
}

#[test]
fn list_query_matches_words_apart_in_any_order_whole_words_first() {
    let (_d, db) = setup();
    for q in ["thunderclap headache", "headache thunderclap"] {
        let o = run(&db, &["cases", "list", "--query", q, "--format", "json"]);
        let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let ids: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"zz-9001"), "{q}: {ids:?}");
        assert!(ids.contains(&"bs-0038"), "{q}: {ids:?}");
    }
    // options are searched too: an option's text finds its case
    let o = run(
        &db,
        &[
            "cases",
            "list",
            "--query",
            "musculoskeletal wall",
            "--format",
            "json",
        ],
    );
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "bs-0110"),
        "{list}"
    );
}
