//! The case library, second edition (issue 15): every must-not-miss is in the
//! priority order, the MCQ cue lint, tolerant matching on shipped cases,
//! aliases that keep old ids joining, presentation variants. Stages in
//! studies and the tally: `cases_stages.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{Case, Stage, Task};
use blindstep::ingest::library::McqCues;
use blindstep::ingest::{CaseFormat, load_cases};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

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

fn shipped() -> Vec<Case> {
    load_cases(&[root().join("cases")], CaseFormat::Toml, None)
        .unwrap()
        .into_iter()
        .map(|l| l.case)
        .collect()
}

fn shipped_case(id: &str) -> Case {
    shipped()
        .into_iter()
        .find(|c| c.id.as_str() == id)
        .unwrap_or_else(|| panic!("no shipped case {id}"))
}

fn query(db: &Path, sql: &str) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn every_must_not_miss_is_in_the_priority_order_of_every_shipped_case() {
    let cases = shipped();
    assert!(cases.len() >= 90, "{}", cases.len());
    for c in &cases {
        assert!(
            c.must_not_miss_outside_priority().is_empty(),
            "{}: must-not-miss not in priority: {:?}",
            c.id,
            c.must_not_miss_outside_priority()
        );
    }
    // ... and the check enforces it: drop one from a copy and it fails, naming it.
    let dir = tempfile::tempdir().unwrap();
    let orig = std::fs::read_to_string(root().join("cases/bs-0038.toml")).unwrap();
    let broken = orig.replace(
        "\"Cervical artery dissection\", \"Bacterial meningitis\", \"Pituitary apoplexy\"",
        "\"Cervical artery dissection\", \"Pituitary apoplexy\"",
    );
    assert_ne!(orig, broken);
    let f = dir.path().join("bs-0038.toml");
    std::fs::write(&f, broken).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .args(["cases", "check"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        text(&o).contains("priority: must-not-miss diagnosis \"Bacterial meningitis\""),
        "{}",
        text(&o)
    );
}

#[test]
fn shipped_ids_are_opaque_and_renamed_cases_keep_their_old_ids() {
    for c in shipped() {
        if c.id.as_str().starts_with("demo-") {
            continue;
        }
        let n: u32 =
            c.id.as_str()
                .strip_prefix("bs-")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{} is not an opaque bs- id", c.id));
        match c.stage {
            Stage::Presentation => {
                assert!(n >= 201, "{}", c.id);
                let parent = shipped_case(c.variant_of.as_ref().unwrap().as_str());
                assert_eq!(parent.stage, Stage::Investigated);
                assert_eq!(parent.task, c.task, "{}: same question as its parent", c.id);
                assert!(
                    !c.vignette.contains("Investigations:"),
                    "{}: a presentation variant shows no investigations",
                    c.id
                );
            }
            Stage::Investigated => assert!(n < 200, "{}", c.id),
        }
    }
    assert_eq!(
        shipped_case("bs-0038").aliases,
        vec!["neuro-sah-01".to_string()]
    );
}

#[test]
fn the_mcq_cue_lint_passes_on_the_library_and_fails_on_a_cued_one() {
    let cues = McqCues::of(&shipped());
    assert!(cues.mcqs >= 40, "{}", cues.mcqs);
    assert!(cues.passes(), "{}", cues.report());
    let o = Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .args(["cases", "check", "--lint"])
        .arg(root().join("cases"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("gold option is the longest in"),
        "{}",
        text(&o)
    );

    // A library where the gold is always the longest option fails the lint,
    // though every file passes on its own.
    let dir = tempfile::tempdir().unwrap();
    let tpl = std::fs::read_to_string(root().join("cases/bs-0062.toml")).unwrap();
    for i in 0..3 {
        let id = format!("cue-{i}");
        let t = tpl
            .replace("id = \"bs-0062\"", &format!("id = \"{id}\""))
            .replace(
                "C = \"Acute pyelonephritis\"",
                "C = \"Acute pyelonephritis (upper urinary tract infection)\"",
            )
            .replace(
                "priority = [\"Acute pyelonephritis\"",
                "priority = [\"Acute pyelonephritis (upper urinary tract infection)\"",
            );
        std::fs::write(dir.path().join(format!("{id}.toml")), t).unwrap();
    }
    let o = Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .args(["cases", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .args(["cases", "check", "--lint"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("longest in 3 (100.0 %") && t.contains("FAIL"),
        "{t}"
    );
    assert!(t.contains("it is the gold in 3"), "{t}");
}

#[test]
fn differential_matching_tolerates_spelling_plurals_and_prefixes_on_shipped_cases() {
    let gold = |id: &str| shipped_case(id).task;
    let check = |id: &str, yes: &[&str], no: &[&str]| {
        let t = gold(id);
        assert!(matches!(t, Task::Differential { .. }), "{id}");
        for y in yes {
            assert!(t.matches_diagnosis(y), "{id}: {y:?} should match");
        }
        for n in no {
            assert!(!t.matches_diagnosis(n), "{id}: {n:?} should not match");
        }
    };
    // SAH: American spelling, no synonym needed
    check(
        "bs-0038",
        &["Subarachnoid hemorrhage (aneurysmal)", "aSAH"],
        &["Migraine"],
    );
    // pneumonia: the names a correct top-5 answer uses
    check(
        "bs-0010",
        &[
            "Severe CAP",
            "Pneumonia with sepsis",
            "Community acquired pneumonias",
        ],
        &[
            "Urinary tract infection with sepsis",
            "Aspiration pneumonia",
        ],
    );
    check(
        "bs-0053",
        &["Type A aortic dissection", "Stanford type A dissection"],
        &["Acute coronary syndrome"],
    );
    check(
        "bs-0011",
        &[
            "Meningococcal meningitis",
            "Purpura fulminans",
            "Meningococcal septic shock",
            "meningococcal septicemia",
        ],
        &["Immune thrombocytopenic purpura"],
    );
    // demo stroke and mesenteric cases
    check(
        "demo-neuro-sudden-word-finding",
        &[
            "CVA",
            "Left M1 occlusion",
            "MCA territory infarct",
            "Ischemic stroke",
        ],
        &["Hypoglycaemia", "Haemorrhagic stroke"],
    );
    check(
        "demo-surg-elderly-abdominal-pain",
        &[
            "Mesenteric ischemia",
            "Bowel ischemia",
            "Acute mesenteric ischaemia",
        ],
        &["Chronic mesenteric ischaemia", "Gastroenteritis"],
    );
    // the "acute" prefix is optional both ways
    check(
        "bs-0066",
        &["Diverticulitis", "Acute sigmoid diverticulitis"],
        &[],
    );
    check("bs-0067", &["Ascending cholangitis", "Cholangitis"], &[]);
}

#[test]
fn an_old_id_keeps_joining_after_the_case_is_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let new_text = std::fs::read_to_string(root().join("cases/bs-0038.toml")).unwrap();
    // The case as an older library shipped it: its old id, no aliases.
    let old_text = new_text
        .replace("id = \"bs-0038\"", "id = \"neuro-sah-01\"")
        .replace("aliases = [\"neuro-sah-01\"]\n", "");
    let old_dir = dir.path().join("old");
    std::fs::create_dir(&old_dir).unwrap();
    std::fs::write(old_dir.join("neuro-sah-01.toml"), &old_text).unwrap();
    let new_file = root().join("cases/bs-0038.toml");
    let new_file = new_file.to_str().unwrap();

    // 1. No runs yet: the row moves to the new id, the old id becomes an alias.
    let db = dir.path().join("a.db");
    ok(&db, &["cases", "import", old_dir.to_str().unwrap()]);
    let t = ok(&db, &["cases", "import", new_file]);
    assert!(t.contains("1 renamed"), "{t}");
    assert_eq!(query(&db, "SELECT id FROM cases"), vec!["bs-0038"]);
    let shown = ok(&db, &["cases", "show", "neuro-sah-01"]);
    assert!(shown.contains("id = \"bs-0038\""), "{shown}");
    // runs keyed by the old id join the renamed case
    ok(&db, &["models", "add", "m", "--role", "student"]);
    let runs = dir.path().join("runs.jsonl");
    std::fs::write(
        &runs,
        "{\"case_id\": \"neuro-sah-01\", \"output\": \"<think>Thunderclap headache. CT, then LP.</think> Subarachnoid haemorrhage\"}\n",
    )
    .unwrap();
    ok(
        &db,
        &["runs", "import", runs.to_str().unwrap(), "--model", "m"],
    );
    assert_eq!(query(&db, "SELECT case_id FROM runs"), vec!["bs-0038"]);
    // importing again changes nothing
    let t = ok(&db, &["cases", "import", new_file]);
    assert!(t.contains("0 new, 1 unchanged, 0 replaced"), "{t}");

    // 2. The old row has runs and the content is the same: it keeps its id and
    //    the new id joins it.
    let db = dir.path().join("b.db");
    ok(&db, &["cases", "import", old_dir.to_str().unwrap()]);
    ok(&db, &["models", "add", "m", "--role", "student"]);
    ok(
        &db,
        &["runs", "import", runs.to_str().unwrap(), "--model", "m"],
    );
    let t = ok(&db, &["cases", "import", new_file]);
    assert!(t.contains("0 new, 1 unchanged"), "{t}");
    assert_eq!(query(&db, "SELECT id FROM cases"), vec!["neuro-sah-01"]);
    assert_eq!(
        query(
            &db,
            "SELECT case_id FROM case_aliases WHERE alias = 'bs-0038'"
        ),
        vec!["neuro-sah-01"]
    );
    let by_new = dir.path().join("runs-new.jsonl");
    std::fs::write(
        &by_new,
        "{\"case_id\": \"bs-0038\", \"output\": \"<think>Sudden occipital headache, xanthochromia.</think> SAH\"}\n",
    )
    .unwrap();
    ok(
        &db,
        &["runs", "import", by_new.to_str().unwrap(), "--model", "m"],
    );
    assert_eq!(
        query(&db, "SELECT DISTINCT case_id FROM runs"),
        vec!["neuro-sah-01"]
    );

    // 3. The old row has runs and the new version differs: both are kept; the
    //    old id still names the old text its runs were made on.
    let db = dir.path().join("c.db");
    let older = old_text.replace("lifting a heavy crate", "lifting a heavy box");
    std::fs::write(old_dir.join("neuro-sah-01.toml"), &older).unwrap();
    ok(&db, &["cases", "import", old_dir.to_str().unwrap()]);
    ok(&db, &["models", "add", "m", "--role", "student"]);
    ok(
        &db,
        &["runs", "import", runs.to_str().unwrap(), "--model", "m"],
    );
    let t = ok(&db, &["cases", "import", new_file]);
    assert!(t.contains("1 new version(s)"), "{t}");
    assert_eq!(
        query(&db, "SELECT id FROM cases ORDER BY id"),
        vec!["bs-0038", "neuro-sah-01"]
    );
    let shown = ok(&db, &["cases", "show", "neuro-sah-01"]);
    assert!(shown.contains("heavy box"), "{shown}");
}

#[test]
fn a_presentation_variant_must_name_a_known_investigated_case() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let variant = root().join("cases/bs-0201.toml");
    // checked alone, its investigated case is missing
    let o = Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .args(["cases", "check"])
        .arg(&variant)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        text(&o).contains("variant_of: no case \"bs-0038\""),
        "{}",
        text(&o)
    );
    // imported alone into an empty database: refused, nothing imported
    let o = run(&db, &["cases", "import", variant.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("variant_of"), "{}", text(&o));
    // with its case in the database, it imports
    ok(
        &db,
        &[
            "cases",
            "import",
            root().join("cases/bs-0038.toml").to_str().unwrap(),
        ],
    );
    ok(&db, &["cases", "import", variant.to_str().unwrap()]);
}

#[test]
fn generate_selects_a_renamed_case_by_its_old_id() {
    let all = shipped();
    let pick = |q: &str| -> Vec<String> {
        blindstep::cli::generate::select_cases(all.clone(), Some(q), None)
            .unwrap()
            .into_iter()
            .map(|c| c.id.to_string())
            .collect()
    };
    assert_eq!(pick("neuro-sah-01"), vec!["bs-0038"]);
    assert_eq!(pick("neuro-sah-01,bs-0048"), vec!["bs-0038", "bs-0048"]);
    // a stored case that still has the old id wins over the alias
    let mut with_old = all.clone();
    let mut old = shipped_case("bs-0038");
    old.id = blindstep::domain::CaseId::new("neuro-sah-01");
    old.aliases.clear();
    with_old.push(old);
    let picked: Vec<String> =
        blindstep::cli::generate::select_cases(with_old, Some("neuro-sah-01"), None)
            .unwrap()
            .into_iter()
            .map(|c| c.id.to_string())
            .collect();
    assert_eq!(picked, vec!["neuro-sah-01"]);
}
