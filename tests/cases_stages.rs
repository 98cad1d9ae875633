//! Two stages of one case (investigated and its presentation variant) never go
//! to the same reviewer, and the tally groups by stage.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::Stage;
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

fn query(db: &Path, sql: &str) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn two_stages_of_a_case_never_go_to_one_reviewer_and_tally_groups_by_stage() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let files: Vec<String> = ["bs-0038", "bs-0201", "bs-0048", "bs-0219"]
        .iter()
        .map(|c| root().join(format!("cases/{c}.toml")).display().to_string())
        .collect();
    let mut args = vec!["cases", "import"];
    args.extend(files.iter().map(String::as_str));
    ok(&db, &args);
    ok(&db, &["models", "add", "alpha", "--role", "student"]);
    ok(&db, &["models", "add", "beta", "--role", "teacher"]);
    for m in ["alpha", "beta"] {
        let f = dir.path().join(format!("{m}.jsonl"));
        std::fs::write(
            &f,
            "{\"case_id\":\"bs-0038\",\"output\":\"<think>Sudden severe headache. The CSF shows xanthochromia.</think> Subarachnoid haemorrhage\"}\n\
             {\"case_id\":\"bs-0201\",\"output\":\"<think>Thunderclap headache with neck stiffness. CT head first.</think> Subarachnoid haemorrhage\"}\n\
             {\"case_id\":\"bs-0048\",\"output\":\"<think>Exertional epigastric pain with ST depression. Myocardial infarction.</think> Final answer: B\"}\n\
             {\"case_id\":\"bs-0219\",\"output\":\"<think>Exertional epigastric pain in a diabetic. Ischaemia first.</think> Final answer: B\"}\n",
        )
        .unwrap();
        ok(&db, &["runs", "import", f.to_str().unwrap(), "--model", m]);
    }
    // overlap 2 with two stages per case needs four reviewers
    let o = run(
        &db,
        &[
            "study",
            "create",
            "s0",
            "--models",
            "alpha,beta",
            "--all",
            "--reviewers",
            "r1,r2,r3",
            "--overlap",
            "2",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("stages"), "{}", text(&o));
    for seed in ["1", "2", "3", "4", "5"] {
        let name = format!("s{seed}");
        ok(
            &db,
            &[
                "study",
                "create",
                &name,
                "--models",
                "alpha,beta",
                "--all",
                "--reviewers",
                "r1,r2",
                "--seed",
                seed,
            ],
        );
        let per_reviewer = query(
            &db,
            &format!(
                "SELECT a.reviewer || ':' || group_concat(i.case_id) FROM assignments a
                 JOIN items i ON i.id = a.item_id JOIN studies s ON s.id = i.study_id
                 WHERE s.name = '{name}' GROUP BY a.reviewer"
            ),
        );
        assert_eq!(per_reviewer.len(), 2, "{per_reviewer:?}");
        for row in &per_reviewer {
            let has = |c: &str| row.split([':', ',']).any(|x| x == c);
            assert!(!(has("bs-0038") && has("bs-0201")), "seed {seed}: {row}");
            assert!(!(has("bs-0048") && has("bs-0219")), "seed {seed}: {row}");
        }
    }
    // the blinded tally accepts the breakdown (figures come after unblinding)
    ok(
        &db,
        &["tally", "--study", "s1", "--by", "stage", "--format", "csv"],
    );
}

#[test]
fn the_tally_groups_by_stage() {
    use blindstep::domain::{ItemId, Role, Specialty, StepLabel, TaskKind};
    use blindstep::storage::Slot;
    use blindstep::tally::{
        CaseObs, GroupBy, ItemInfo, ModelInfo, StepObs, TallyConfig, TallyInput, tally,
    };
    let stages = [
        Stage::Investigated,
        Stage::Presentation,
        Stage::Presentation,
    ];
    let items: Vec<ItemInfo> = (0..3)
        .map(|i| ItemInfo {
            item: ItemId(i as i64 + 1),
            case_id: format!("case-{i}"),
            specialty: Specialty::Neurology,
            incidence: None,
            stage: stages[i],
            source: "test".into(),
            detail: Default::default(),
            outcomes: Default::default(),
            conflicts: [false; 2],
            task: TaskKind::Differential,
            red_flags: 1,
            steps: [1, 1],
            auto_correct: [Some(true), Some(i == 0)],
        })
        .collect();
    let mut steps = Vec::new();
    for item in 0..3u32 {
        for slot in Slot::BOTH {
            steps.push(StepObs {
                item,
                reviewer: 0,
                slot,
                step: 0,
                label: Some(StepLabel::Sound),
                severity: None,
                tags: 0,
                bad_split: false,
            });
        }
    }
    let cases = (0..3u32)
        .map(|item| CaseObs {
            item,
            reviewer: 0,
            answer_correct: [Some(true), Some(item == 0)],
            red_flags: [vec![true], vec![true]],
            acted_on: [vec![true], vec![false]],
            student_guess: None,
            confidence: None,
            complete: true,
            preferred: None,
            preferred_tie: false,
        })
        .collect();
    let input = TallyInput {
        study: "stages".into(),
        models: Some([
            ModelInfo {
                name: "a".into(),
                role: Role::Student,
            },
            ModelInfo {
                name: "b".into(),
                role: Role::Teacher,
            },
        ]),
        reviewers: vec!["r1".into()],
        items,
        assignments: (0..3).map(|i| (i, 0)).collect(),
        steps,
        cases,
        plan: Default::default(),
        plan_history: Vec::new(),
        adjudications: Vec::new(),
        stripper_versions: Vec::new(),
    };
    let t = tally(
        &input,
        &TallyConfig {
            by: vec![GroupBy::Stage],
            ..TallyConfig::default()
        },
    );
    let groups: Vec<(String, String, u64)> = t
        .groups
        .iter()
        .map(|g| (g.by.clone(), g.group.clone(), g.items))
        .collect();
    assert_eq!(
        groups,
        vec![
            ("all".to_string(), "all".to_string(), 3),
            ("stage".to_string(), "presentation".to_string(), 2),
            ("stage".to_string(), "investigated".to_string(), 1),
        ]
    );
}
