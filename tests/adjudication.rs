//! Adjudication and the analysis plan end to end, through the binary and a real SQLite file:
//! `study create --ties/--alpha/--primary`, reviewers who disagree, the blind adjudication
//! queue (reviewers numbered, never named; no model identity), decisions recorded as events,
//! an item's own reviewer refused (by the store and by the schema), the tally counting the
//! adjudicated outcome, and a plan change after unblinding shown in the tally and methods.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{CaseVerdict, ReviewerId};
use blindstep::storage::Store;
use blindstep::storage::testing::RawConnection;
use blindstep::tui::adjudicate::AdjudicateScreen;
use blindstep::workflow::adjudicate::adjudication_queue;
use blindstep::workflow::demo::{self, STUDENT, TEACHER};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::process::{Command, Output};

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("BLINDSTEP_USER", "coordinator")
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

const REVIEWERS: [&str; 3] = ["zq-alice", "zq-bob", "zq-carol"];

fn render(screen: &AdjudicateScreen) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 60)).unwrap();
    terminal.draw(|f| screen.render(f)).unwrap();
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..60 {
        let line: String = (0..100).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn disagreements_are_adjudicated_blind_and_plan_changes_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    {
        let mut store = Store::open(&db).unwrap();
        demo::ensure_demo(&mut store).unwrap();
    }
    let models = format!("{STUDENT},{TEACHER}");
    let created = ok(
        &db,
        &[
            "study",
            "create",
            "adj",
            "--models",
            &models,
            "--all",
            "--reviewers",
            &REVIEWERS.join(","),
            "--overlap",
            "2",
            "--seed",
            "5",
            "--ties",
            "exclude",
            "--alpha",
            "0.05",
            "--primary",
            "answer_correct,mrr",
        ],
    );
    assert!(
        created.contains("analysis plan: ties exclude, α 0.05, primary answer_correct, mrr"),
        "{created}"
    );
    // Every item: the first of its two reviewers calls A's answer right, the second wrong;
    // both call B's right.
    let mut store = Store::open(&db).unwrap();
    let study = store.study("adj").unwrap();
    let assignments = store.report_assignments(study.id).unwrap();
    let items = store.report_items(study.id).unwrap();
    let mut seen = std::collections::HashMap::new();
    for a in &assignments {
        let first = seen.insert(a.item, ()).is_none();
        let mut cv = CaseVerdict::default();
        cv.answer_correct[a.a_side.index()] = Some(first);
        cv.answer_correct[a.a_side.other().index()] = Some(true);
        store
            .append_case_verdict(study.id, a.item, &ReviewerId(a.reviewer.clone()), &cv, 5)
            .unwrap();
    }

    // The coordinator reviewed nothing: every item is in their queue, blind.
    let queue = adjudication_queue(&store, "adj", "zq-chief").unwrap();
    assert_eq!(queue.len(), items.len());
    assert!(
        queue
            .iter()
            .all(|i| i.disputes.len() == 1 && i.reviewers == 2)
    );
    let screen = render(&AdjudicateScreen::new(queue.clone()));
    assert!(
        screen.contains("reviewer 1: yes / reviewer 2: no"),
        "{screen}"
    );
    for secret in REVIEWERS
        .iter()
        .copied()
        .chain([STUDENT, TEACHER, "student", "teacher"])
    {
        assert!(
            !screen.contains(secret),
            "{secret} reached the adjudication screen"
        );
    }
    let listed = ok(
        &db,
        &[
            "adjudicate",
            "--study",
            "adj",
            "--reviewer",
            "zq-chief",
            "--list",
        ],
    );
    assert!(
        listed.contains("reviewer 1: yes / reviewer 2: no  [open]"),
        "{listed}"
    );
    for secret in REVIEWERS.iter().copied().chain([STUDENT, TEACHER]) {
        assert!(
            !listed.contains(secret),
            "{secret} reached the adjudication list"
        );
    }

    // A reviewer's queue leaves out the items they reviewed, and the store refuses them.
    let alice = adjudication_queue(&store, "adj", "zq-alice").unwrap();
    let alice_items: Vec<_> = assignments
        .iter()
        .filter(|a| a.reviewer == "zq-alice")
        .map(|a| a.item)
        .collect();
    assert!(alice.iter().all(|i| !alice_items.contains(&i.item)));
    assert_eq!(alice.len(), items.len() - alice_items.len());
    let own = items.iter().find(|r| r.item == alice_items[0]).unwrap();
    assert!(
        store
            .append_adjudication(
                own.item,
                own.chains[0],
                "zq-alice",
                "answer_correct",
                true,
                None
            )
            .is_err()
    );
    let raw = store.connection().execute(
        "INSERT INTO adjudication_events (item_id, chain_id, adjudicator, outcome, value)
         VALUES (?1, ?2, 'zq-alice', 'answer_correct', 1)",
        rusqlite::params![own.item.0, own.chains[0].0],
    );
    assert!(
        raw.unwrap_err()
            .to_string()
            .contains("may not be one of the item's reviewers")
    );
    drop(store);

    // The coordinator settles item 1 as right.
    let side = queue[0].disputes[0].side.as_str();
    let decision = format!("1:{side}:answer_correct:yes");
    ok(
        &db,
        &[
            "adjudicate",
            "--study",
            "adj",
            "--reviewer",
            "zq-chief",
            "--decide",
            &decision,
        ],
    );
    let listed = ok(
        &db,
        &[
            "adjudicate",
            "--study",
            "adj",
            "--reviewer",
            "zq-chief",
            "--list",
        ],
    );
    assert_eq!(listed.matches("[adjudicated yes]").count(), 1, "{listed}");

    ok(&db, &["study", "unblind", "adj", "--yes"]);
    let t = ok(&db, &["tally", "--study", "adj", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&t).unwrap();
    let g = &v["groups"][0];
    // Exclude: only the adjudicated item counts for A's answer.
    assert_eq!(g["models"][0]["answer_correct"]["n"], 1);
    assert_eq!(g["models"][0]["answer_correct"]["k"], 1);
    let row = g["resolution"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["outcome"] == "answer_correct" && r["slot"] == "A")
        .unwrap();
    assert_eq!(row["adjudicated"], 1);
    assert_eq!(row["unresolved"], items.len() - 1);
    assert_eq!(v["alpha"], 0.05);

    // Changing the rule after unblinding is recorded and shown.
    let changed = ok(
        &db,
        &[
            "study",
            "plan",
            "adj",
            "--ties",
            "any",
            "--reason",
            "reviewer request",
        ],
    );
    assert!(changed.contains("AFTER UNBLINDING"), "{changed}");
    let table = ok(&db, &["tally", "--study", "adj"]);
    assert!(table.contains("AFTER UNBLINDING: changed"), "{table}");
    assert!(table.contains("tie rule any"), "{table}");
    let methods = ok(&db, &["tally", "--study", "adj", "--methods"]);
    assert!(
        methods.contains("The analysis plan was changed after unblinding"),
        "{methods}"
    );
    assert!(methods.contains("α = 0.05 (study plan)"), "{methods}");
    assert!(methods.contains("reason: reviewer request"), "{methods}");
    let overridden = ok(
        &db,
        &["tally", "--study", "adj", "--methods", "--alpha", "0.01"],
    );
    assert!(
        overridden.contains("--alpha override (the study plan fixed 0.05)"),
        "{overridden}"
    );
}
