//! Review integrity (issue 11) against the real store and the real binary: the stale-save
//! rule (with two processes), undo from the stored change log across restarts, the demo's
//! feedback, and `--replay` telling the truth about failed saves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{
    CaseVerdict, ErrorMode, ReviewerId, Severity, Side, StepLabel, StepVerdict, UndoneChange,
};
use blindstep::storage::testing::RawConnection;
use blindstep::storage::{Base, Store, StoreError};
use blindstep::tui::executor::drive;
use blindstep::tui::{Action, App, StatusKind, run_replay};
use blindstep::workflow::demo;
use blindstep::workflow::demo::DemoKey;
use blindstep::workflow::review_backend::{FeedbackSource, StoreBackend};
use std::path::Path;
use std::process::Command;

fn demo_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("d.db");
    let mut s = Store::open(&db).unwrap();
    demo::ensure_demo(&mut s).unwrap();
    db
}

fn me() -> ReviewerId {
    ReviewerId(demo::REVIEWER.into())
}

fn label(l: StepLabel) -> StepVerdict {
    StepVerdict {
        label: Some(l),
        ..StepVerdict::default()
    }
}

fn press(app: &mut App, b: &mut StoreBackend, keys: &[&str]) {
    for k in keys {
        let key = blindstep::tui::parse_key_name(k).unwrap();
        if let Some(a) = blindstep::tui::map_key(app, key) {
            drive(app, b, a, &mut |_, _| {});
        }
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_blindstep"))
}

#[test]
fn a_save_based_on_an_old_event_is_refused_as_stale() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&demo_db(dir.path())).unwrap();
    let study = s.study(demo::STUDY).unwrap().id;
    let item = s.reviewer_queue(study, &me()).unwrap()[0].item;
    let save = |s: &mut Store, l, base| {
        s.save_step_verdict(study, item, &me(), Side::Left, 0, &label(l), 0, base)
    };
    let e1 = save(&mut s, StepLabel::Sound, Base::Event(None)).unwrap();
    // A second session that loaded the step before e1 existed.
    let err = save(&mut s, StepLabel::Error, Base::Event(None)).unwrap_err();
    assert!(
        matches!(err, StoreError::Stale { base: None, current: Some(c), .. } if c == e1),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("changed in another session"),
        "{err}"
    );
    let e2 = save(&mut s, StepLabel::Neutral, Base::Event(Some(e1))).unwrap();
    assert!(save(&mut s, StepLabel::Abstain, Base::Event(Some(e1))).is_err());
    let it = s.load_blind_item(study, item, &me()).unwrap();
    assert_eq!(it.verdicts[0][0].label, Some(StepLabel::Neutral));
    assert_eq!(it.events.step(Side::Left, 0), Some(e2));
    // The case verdict follows the same rule.
    let cv = CaseVerdict {
        answer_correct: [Some(true), None],
        ..CaseVerdict::default()
    };
    let c1 = s
        .save_case_verdict(study, item, &me(), &cv, 0, Base::Event(None))
        .unwrap();
    assert!(matches!(
        s.save_case_verdict(study, item, &me(), &cv, 0, Base::Event(None)),
        Err(StoreError::Stale { .. })
    ));
    s.save_case_verdict(study, item, &me(), &cv, 0, Base::Event(Some(c1)))
        .unwrap();
}

#[test]
fn two_processes_of_one_reviewer_never_overwrite_silently() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    // Session A (this process) opens the first item; its screen loads left step 1 unmarked.
    let store = Store::open(&db).unwrap();
    let mut a = StoreBackend::open(store, demo::STUDY, demo::REVIEWER).unwrap();
    let mut app = App::new((80, 24));
    drive(&mut app, &mut a, Action::Start, &mut |_, _| {});
    press(&mut app, &mut a, &["Enter"]);
    let v = app.open.as_ref().unwrap();
    let item = v.item.item;
    assert_eq!((v.focus.side, v.focus.step), (Side::Left, 0));
    assert!(v.verdict(Side::Left, 0).is_unmarked());
    // Session B, another process as the same reviewer, resumes there and labels it neutral.
    let keys = dir.path().join("b.keys");
    std::fs::write(&keys, "2\n").unwrap();
    let out = bin()
        .arg("--db")
        .arg(&db)
        .args(["demo", "--replay"])
        .arg(&keys)
        .output()
        .unwrap();
    let b_out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        b_out.trim(),
        format!("saved item {item} left step 1: neutral")
    );
    // Session A presses 1 on the screen it loaded before: refused, reloaded, said so.
    press(&mut app, &mut a, &["1"]);
    assert_eq!(app.status.kind, StatusKind::Error);
    assert!(
        app.status
            .text
            .contains("left step 1 changed in another session: reloaded"),
        "{}",
        app.status.text
    );
    let v = app.open.as_ref().unwrap();
    assert_eq!(v.verdict(Side::Left, 0).label, Some(StepLabel::Neutral));
    let count = |db: &Path| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM step_verdict_events WHERE item_id = ?1 AND side = 'left' AND step_idx = 0",
                [item.0],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(count(&db), 1, "only B's verdict was written");
    // Having seen it, A can change it: the save is now based on B's event.
    press(&mut app, &mut a, &["1"]);
    assert_eq!(count(&db), 2);
    assert_eq!(
        app.open.as_ref().unwrap().verdict(Side::Left, 0).label,
        Some(StepLabel::Sound)
    );
}

#[test]
fn undo_works_from_the_stored_log_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let study;
    let item;
    {
        let mut s = Store::open(&db).unwrap();
        study = s.study(demo::STUDY).unwrap().id;
        item = s.reviewer_queue(study, &me()).unwrap()[0].item;
        s.save_step_verdict(
            study,
            item,
            &me(),
            Side::Left,
            0,
            &label(StepLabel::Error),
            0,
            Base::Event(None),
        )
        .unwrap();
        let cv = CaseVerdict {
            preferred: Some(blindstep::domain::Preference::Tie),
            ..CaseVerdict::default()
        };
        s.save_case_verdict(study, item, &me(), &cv, 0, Base::Event(None))
            .unwrap();
        let e = s
            .load_blind_item(study, item, &me())
            .unwrap()
            .events
            .step(Side::Left, 0);
        s.save_step_verdict(
            study,
            item,
            &me(),
            Side::Left,
            0,
            &label(StepLabel::Sound),
            0,
            Base::Event(e),
        )
        .unwrap();
    }
    // A new process: the log says what to undo, newest first, across steps and the form.
    let mut s = Store::open(&db).unwrap();
    let u1 = s.undo_last_change(study, item, &me()).unwrap().unwrap();
    assert!(
        matches!(&u1, UndoneChange::Step { side: Side::Left, step_index: 0, verdict, .. } if verdict.label == Some(StepLabel::Error)),
        "{u1:?}"
    );
    let u2 = s.undo_last_change(study, item, &me()).unwrap().unwrap();
    assert!(
        matches!(&u2, UndoneChange::Case { verdict, .. } if *verdict == CaseVerdict::default()),
        "{u2:?}"
    );
    let u3 = s.undo_last_change(study, item, &me()).unwrap().unwrap();
    assert!(
        matches!(&u3, UndoneChange::Step { verdict, .. } if verdict.is_unmarked()),
        "{u3:?}"
    );
    assert!(s.undo_last_change(study, item, &me()).unwrap().is_none());
    let it = s.load_blind_item(study, item, &me()).unwrap();
    assert!(it.verdicts[0][0].is_unmarked());
    // Every undo is a new event: nothing was deleted.
    let n: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM step_verdict_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 4);
}

#[test]
fn u_in_a_new_session_undoes_the_last_session_s_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let run = |keys: &str| {
        let store = Store::open(&db).unwrap();
        let mut b = StoreBackend::open(store, demo::STUDY, demo::REVIEWER).unwrap();
        let mut out = Vec::new();
        let summary = run_replay(&mut b, keys, &mut out).unwrap();
        (String::from_utf8(out).unwrap(), summary)
    };
    let (out, _) = run("Enter\n1\n3\n");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    let item = lines[0].split_whitespace().nth(2).unwrap().to_string();
    // Restart: resumes on the item; u undoes the error on step 2, then the sound on step 1.
    let (out, _) = run("u\nu\nu\n");
    assert_eq!(
        out,
        format!(
            "saved item {item} left step 2 (undo): unmarked\nsaved item {item} left step 1 (undo): unmarked\n"
        )
    );
}

#[test]
fn replay_exits_non_zero_when_the_database_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let keys = dir.path().join("k.keys");
    std::fs::write(&keys, "Enter\n# judge\n1\nx\n").unwrap();
    let run = || {
        bin()
            .arg("--db")
            .arg(&db)
            .args(["demo", "--replay"])
            .arg(&keys)
            .output()
            .unwrap()
    };
    // The database opens, but every step verdict insert is refused.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER refuse_for_test BEFORE INSERT ON step_verdict_events
             BEGIN SELECT RAISE(ABORT, 'writes refused for this test'); END;",
        )
        .unwrap();
    let out = run();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("failed item") && stdout.contains("writes refused"),
        "{stdout}"
    );
    assert!(stderr.contains("1 failure(s)"), "{stderr}");
    assert!(stderr.contains("save(s) or load(s) failed"), "{stderr}");
    // Keys that did nothing are named with their line: the refused `1` (line 3), `x` (line 4).
    assert!(
        stderr.contains("line 3: key \"1\" had no effect"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 4: key \"x\" had no effect"),
        "{stderr}"
    );
    // The same keys on a database that accepts them: success.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TRIGGER refuse_for_test;")
        .unwrap();
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(" 1 save(s), 0 failure(s)"), "{stderr}");
    assert!(
        stderr.contains("line 4: key \"x\" had no effect"),
        "{stderr}"
    );
}

#[test]
fn demo_feedback_compares_label_severity_and_tags_and_reports_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&demo_db(dir.path())).unwrap();
    let study = s.study(demo::STUDY).unwrap();
    let entry = &s.reviewer_queue(study.id, &me()).unwrap()[0];
    let mut item = s.load_blind_item(study.id, entry.item, &me()).unwrap();
    let a_side = s
        .study_assignments(study.id)
        .unwrap()
        .into_iter()
        .find(|(i, _, _, _)| *i == item.item)
        .unwrap()
        .3;
    let left_model = if a_side == Side::Left {
        demo::STUDENT
    } else {
        demo::TEACHER
    };
    let words = |t: &str| t.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
    let first = words(&item.chains[0].steps[0].text);
    let third = words(&item.chains[0].steps[2].text);
    let flags = item.case.red_flags.len();
    let key = format!(
        r#"format = 1
[[step]]
case = "{case}"
model = "{left_model}"
contains = {third:?}
label = "error"
severity = "major"
tags = ["red_flag"]
why = "third"
[[step]]
case = "{case}"
model = "{left_model}"
contains = {first:?}
label = "sound"
why = "first"
[[case]]
case = "{case}"
model = "{left_model}"
answer_correct = true
red_flags_recognised = {rec:?}
red_flags_acted_on = {act:?}
"#,
        case = item.case.id.as_str(),
        rec = vec![true; flags],
        act = vec![false; flags],
    );
    let mut k = DemoKey::from_text(&key).unwrap();
    item.verdicts[0][0] = label(StepLabel::Sound);
    item.verdicts[0][2] = StepVerdict {
        label: Some(StepLabel::Error),
        severity: Some(Severity::Major),
        ..StepVerdict::default()
    };
    item.case_verdict.answer_correct = [Some(true), Some(false)];
    item.case_verdict.red_flags[0] = vec![true; flags];
    item.case_verdict.acted_on[0] = vec![true; flags];
    item.case_verdict.student_guess = Some(Side::Right);
    let lines = k.feedback(&s, study.id, &me(), &item).unwrap().unwrap();
    let text = lines.join("\n");
    assert!(
        text.contains("match the key on 1 of 2 keyed steps"),
        "{text}"
    );
    // In order, and the mismatch says what differs.
    let p1 = text
        .find("✓ left step 1: sound")
        .unwrap_or_else(|| panic!("{text}"));
    let p3 = text
        .find("✗ left step 3: you error · major · key error · major · tags red flag · tags differs")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(p1 < p3, "{text}");
    assert!(
        text.contains("✓ left answer correct: you said yes · key yes"),
        "{text}"
    );
    assert!(
        text.contains("✗ left red flag 1 (")
            && text.contains("recognised yes, acted on yes · key recognised yes, acted on no"),
        "{text}"
    );
    assert!(text.contains("preferred side: you said -"), "{text}");
    let student = if a_side == Side::Left {
        "left"
    } else {
        "right"
    };
    assert!(
        text.contains(&format!(
            "student guess: you said right · the student wrote the {student} side"
        )),
        "{text}"
    );
    // With the tag the step matches.
    item.verdicts[0][2].tags.insert(ErrorMode::RedFlag);
    let text = k
        .feedback(&s, study.id, &me(), &item)
        .unwrap()
        .unwrap()
        .join("\n");
    assert!(
        text.contains("match the key on 2 of 2 keyed steps"),
        "{text}"
    );
}
