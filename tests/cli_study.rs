//! Runs and studies through the binary, on the fixture traces: import, study
//! creation with 3 reviewers and overlap 2, progress, unblinding; blinding of
//! the reviewer's item type; all-or-nothing run imports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::ReviewerId;
use blindstep::storage::Store;
use blindstep::storage::testing::RawConnection;
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

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    let t = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{args:?}: {t}");
    t
}

fn fixtures() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    p.is_dir().then_some(p).or_else(|| {
        eprintln!("skipping: no ../shared/fixtures");
        None
    })
}

fn f(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn pubmedqa_pair_study_end_to_end() {
    let Some(fx) = fixtures() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let r1 = fx.join("medagents_traces_DeepSeek-R1-pubmedqa-test_hard-zero_shot_first10.json");
    let qwq = fx.join("medagents_traces_QwQ-32B-pubmedqa-test_hard-zero_shot_first10.json");
    ok(&db, &["cases", "import", "--format", "medagents", f(&r1)]);
    ok(&db, &["models", "add", "deepseek-r1", "--role", "teacher"]);
    ok(&db, &["models", "add", "qwq-32b", "--role", "student"]);
    ok(&db, &["runs", "import", f(&r1), "--model", "deepseek-r1"]);
    ok(&db, &["runs", "import", f(&qwq), "--model", "qwq-32b"]);
    // importing the same file twice does not duplicate runs
    let t = ok(&db, &["runs", "import", f(&qwq), "--model", "qwq-32b"]);
    assert!(t.contains("0 run(s) added, 10 already present"), "{t}");
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), 20);
    assert_eq!(count(&db, "SELECT count(*) FROM chains"), 20);
    assert!(
        count(
            &db,
            "SELECT min(n) FROM (SELECT count(*) n FROM steps GROUP BY chain_id)"
        ) >= 1
    );

    ok(
        &db,
        &[
            "study",
            "create",
            "pilot",
            "--models",
            "qwq-32b,deepseek-r1",
            "--all",
            "--reviewers",
            "ana,ben,chi",
            "--overlap",
            "2",
            "--seed",
            "7",
        ],
    );
    assert_eq!(count(&db, "SELECT count(*) FROM assignments"), 20);
    let show = ok(&db, &["study", "show", "pilot", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["items"], 10);
    assert!(
        !show.contains("qwq") && !show.contains("deepseek"),
        "no model identity before unblinding: {show}"
    );
    let table = ok(&db, &["study", "show", "pilot"]);
    assert!(
        !table.contains("qwq") && !table.contains("deepseek"),
        "{table}"
    );

    // the reviewer's item type carries no model name or run id
    let store = Store::open(&db).unwrap();
    let study = store.study("pilot").unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM runs"), 20);
    let run_ids: Vec<i64> = {
        let mut st = store.connection().prepare("SELECT id FROM runs").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    for reviewer in ["ana", "ben", "chi"] {
        let me = ReviewerId(reviewer.into());
        for q in store.reviewer_queue(study.id, &me).unwrap() {
            let item = store.load_blind_item(study.id, q.item, &me).unwrap();
            let json = serde_json::to_string(&item).unwrap() + &serde_json::to_string(&q).unwrap();
            for name in ["qwq", "QwQ", "deepseek", "DeepSeek", "R1-"] {
                assert!(!json.contains(name), "{name} leaked into a blinded item");
            }
            for key in ["run_id", "model", "token", "elapsed", "tokens_per_second"] {
                assert!(
                    !json.contains(&format!("\"{key}")),
                    "field {key} in a blinded item"
                );
            }
            // No number in the item is a run id under any name: every integer field of the
            // blinded item is one of the fields a reviewer's screen needs.
            let value = serde_json::to_value(&item).unwrap();
            let mut ints = Vec::new();
            integer_fields(&value, "", &mut ints);
            for (field, n) in ints {
                let allowed = ["item", "position", "index", "start", "end", "id"]
                    .iter()
                    .any(|a| field == *a || field.ends_with(&format!(".{a}")));
                assert!(
                    allowed || !run_ids.contains(&n),
                    "field {field} = {n} carries a run id into a blinded item"
                );
            }
        }
    }
    drop(store);

    // assignment is identical across re-opens
    let dump = |db: &Path| -> Vec<(i64, String, i64, String)> {
        let c = rusqlite::Connection::open(db).unwrap();
        let mut st = c.prepare("SELECT i.id, a.reviewer, a.position, a.a_side FROM assignments a JOIN items i ON i.id = a.item_id ORDER BY 1, 2").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let before = dump(&db);
    ok(&db, &["study", "list"]);
    assert_eq!(before, dump(&db));

    let t = ok(&db, &["study", "unblind", "pilot", "--yes"]);
    assert!(t.contains("model A = qwq-32b (student)"), "{t}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM study_events WHERE kind = 'unblinded'"
        ),
        1
    );
    let o = run(&db, &["study", "unblind", "pilot", "--yes"]);
    assert!(!o.status.success(), "unblinding twice is refused");
}

#[test]
fn medrbench_pair_needs_a_model_filter_and_imports_by_id() {
    let Some(fx) = fixtures() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let traces = fx.join("medrbench_treatment_dev20_traces.jsonl");
    // the cases: MedR-Bench has no question-bank shape; make blindstep case JSONL from it
    let cases_src =
        std::fs::read_to_string(fx.join("medrbench_treatment_dev20_cases.jsonl")).unwrap();
    let mut out = String::new();
    for line in cases_src.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap();
        let case = serde_json::json!({
            "id": format!("medrbench:{id}"), "title": id, "specialty": "other", "incidence": null,
            "vignette": v["generate_case"]["case_summary"], "question": "What is the treatment plan?",
            "task": {"kind": "differential", "diagnosis": v["generate_case"]["treatment_plan_results"], "synonyms": []},
            "red_flags": [], "must_not_miss": [], "priority": [], "source": "MedR-Bench", "licence": "CC BY-SA"
        });
        out.push_str(&serde_json::to_string(&case).unwrap());
        out.push('\n');
    }
    let cases = dir.path().join("medrbench_cases.jsonl");
    std::fs::write(&cases, out).unwrap();
    ok(&db, &["cases", "import", "--format", "jsonl", f(&cases)]);
    ok(&db, &["models", "add", "r1", "--role", "teacher"]);
    let o = run(&db, &["runs", "import", f(&traces), "--model", "r1"]);
    assert!(
        !o.status.success(),
        "two models in one file need --only-model"
    );
    let t = ok(
        &db,
        &[
            "runs",
            "import",
            f(&traces),
            "--model",
            "r1",
            "--only-model",
            "deepseek-r1",
        ],
    );
    assert!(t.contains("20 run(s) added"), "{t}");
    let reasoning = count(&db, "SELECT count(*) FROM runs WHERE reasoning IS NOT NULL");
    assert_eq!(reasoning, 20, "thinking_process kept as reasoning");
}

#[test]
fn unmatched_or_malformed_trace_files_change_nothing() {
    let Some(fx) = fixtures() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("u.db");
    let r1 = fx.join("medagents_traces_DeepSeek-R1-pubmedqa-test_hard-zero_shot_first10.json");
    ok(&db, &["models", "add", "r1", "--role", "teacher"]);
    // no cases imported: every record is unmatched
    let o = run(&db, &["runs", "import", f(&r1), "--model", "r1"]);
    assert!(!o.status.success());
    let t = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        t.contains("matches no case") && t.contains("nothing was imported"),
        "{t}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), 0);
    // malformed: one record without its completion
    ok(&db, &["cases", "import", "--format", "medagents", f(&r1)]);
    let mut arr: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&r1).unwrap()).unwrap();
    arr[6].as_object_mut().unwrap().remove("completion");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_string_pretty(&arr).unwrap()).unwrap();
    let o = run(
        &db,
        &[
            "runs",
            "import",
            f(&bad),
            "--model",
            "r1",
            "--format",
            "medagents",
        ],
    );
    assert!(!o.status.success());
    let t = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(t.contains("bad.json:") && t.contains("completion"), "{t}");
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM chains"), 0);
}

#[test]
fn study_guards_selection_named_models_empty_chains_and_model_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // a mistyped database is an error, not a new empty file
    let o = run(&db, &["study", "show", "pilot"]);
    assert!(
        !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("no blindstep database")
    );
    assert!(!db.exists());
    // Files under their opaque ids; the runs below name two of them by their
    // old ids (aliases), which must join like the ids.
    let cases: Vec<String> = ["bs-0038", "bs-0048", "bs-0025"]
        .iter()
        .map(|c| root.join(format!("cases/{c}.toml")).display().to_string())
        .collect();
    let mut args = vec!["cases", "import"];
    args.extend(cases.iter().map(String::as_str));
    ok(&db, &args);
    ok(&db, &["models", "add", "alpha", "--role", "student"]);
    ok(
        &db,
        &[
            "models",
            "add",
            "beta",
            "--role",
            "teacher",
            "--label",
            "Beta Large",
        ],
    );
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    std::fs::write(
        &a,
        "{\"case_id\":\"neuro-sah-01\",\"output\":\"<think>Sudden severe headache with neck stiffness. CT head is needed first.</think> Subarachnoid haemorrhage\"}\n\
         {\"case_id\":\"bs-0048\",\"output\":\"<think>Exertional epigastric pain with sweating in a diabetic. Myocardial infarction is likely.</think> Final answer: B\"}\n\
         {\"case_id\":\"surg-pancreatitis-01\",\"output\":\"<think>Epigastric pain through to the back after heavy drinking. Pancreatitis is likely.</think> Acute pancreatitis\"}\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "{\"case_id\":\"neuro-sah-01\",\"model\":\"beta\",\"output\":\"1. Thunderclap onset suggests subarachnoid haemorrhage.\\n2. Beta Large recommends CT first.\\nFinal differential: 1. Subarachnoid haemorrhage\"}\n\
         {\"case_id\":\"im-acs-01\",\"model\":\"beta\",\"output\":\"1. Exertional onset, sweating and diabetes point to myocardial ischaemia.\\nFinal answer: B\"}\n\
         {\"case_id\":\"bs-0025\",\"model\":\"beta\",\"output\":\"\"}\n",
    )
    .unwrap();
    ok(&db, &["runs", "import", f(&a), "--model", "alpha"]);
    // the file says its records are beta's: importing them as alpha's is refused
    let o = run(&db, &["runs", "import", f(&b), "--model", "alpha"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the records say model \"beta\""),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    ok(&db, &["runs", "import", f(&b), "--model", "beta"]);

    // the chain of neuro-sah-01 (now bs-0038) names model beta by its label: refused, then allowed explicitly
    let o = run(
        &db,
        &[
            "study",
            "create",
            "s1",
            "--models",
            "alpha,beta",
            "--all",
            "--reviewers",
            "r1",
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("case bs-0038, model B's chain names"), "{err}");

    // an explicit id list selects exactly those cases (old ids work as aliases), and they are printed
    let t = ok(
        &db,
        &[
            "study",
            "create",
            "s2",
            "--models",
            "alpha,beta",
            "--cases",
            "im-acs-01,surg-pancreatitis-01",
            "--reviewers",
            "r1",
        ],
    );
    assert!(t.contains("1 case(s): bs-0048"), "{t}");
    assert!(
        t.contains("left out because a chain has no step: bs-0025"),
        "{t}"
    );
    assert!(t.contains("1 item(s)"), "{t}");
    let o = run(
        &db,
        &[
            "study",
            "create",
            "s3",
            "--models",
            "alpha,beta",
            "--cases",
            "im-acs-01,nope",
            "--reviewers",
            "r1",
        ],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such case id(s): nope"));
}

#[test]
fn demo_ignores_blindstep_db() {
    let dir = tempfile::tempdir().unwrap();
    let study_db = dir.path().join("study.db");
    let data = dir.path().join("data");
    let o = Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .args(["demo", "--setup-only"])
        .env("BLINDSTEP_DB", &study_db)
        .env("XDG_DATA_HOME", &data)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !study_db.exists(),
        "the demo must not write into the coordinator's database"
    );
}

/// Every integer in `v` with its dotted field path (array indices left out).
fn integer_fields(v: &serde_json::Value, path: &str, out: &mut Vec<(String, i64)>) {
    match v {
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push((path.to_string(), i));
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| integer_fields(x, path, out)),
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                integer_fields(x, &p, out);
            }
        }
        _ => {}
    }
}
