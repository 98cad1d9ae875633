//! Verdict events are append-only, CHECK constraints reject unknown enum text,
//! and the current verdict is derived from the latest event.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{
    CaseVerdict, ErrorMode, Preference, ReviewerId, Severity, Side, StepLabel, StepVerdict,
};
use blindstep::storage::Store;
use blindstep::storage::testing::RawConnection;
use blindstep::workflow::demo;

fn demo_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("d.db")).unwrap();
    demo::ensure_demo(&mut s).unwrap();
    (dir, s)
}

#[test]
fn events_are_append_only_and_current_is_latest() {
    let (_d, mut s) = demo_store();
    let study = s.study(demo::STUDY).unwrap();
    let me = ReviewerId(demo::REVIEWER.into());
    let queue = s.reviewer_queue(study.id, &me).unwrap();
    assert_eq!(queue.len(), 10);
    let item = queue[0].item;
    let mut v = StepVerdict {
        label: Some(StepLabel::Error),
        severity: Some(Severity::Major),
        ..Default::default()
    };
    v.tags.insert(ErrorMode::RedFlag);
    v.note = Some("misses \"thunderclap\", =cmd".into());
    let e1 = s
        .append_step_verdict(study.id, item, &me, Side::Left, 0, &v, 1200)
        .unwrap();
    let v2 = StepVerdict {
        label: Some(StepLabel::Sound),
        ..Default::default()
    };
    let e2 = s
        .append_step_verdict(study.id, item, &me, Side::Left, 0, &v2, 300)
        .unwrap();
    assert!(e2.0 > e1.0);
    let blind = s.load_blind_item(study.id, item, &me).unwrap();
    assert_eq!(blind.verdicts[0][0], v2);
    // the cursor moved with the verdict, in the same commit
    let cursor = s.load_cursor(study.id, &me).unwrap().unwrap();
    assert_eq!(
        (cursor.item, cursor.side, cursor.step),
        (Some(item), Side::Left, 0)
    );
    let prev: Option<i64> = s
        .connection()
        .query_row(
            "SELECT previous_id FROM step_verdict_events WHERE id = ?1",
            [e2.0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(prev, Some(e1.0), "old -> new is traceable");

    s.append_case_verdict(study.id, item, &me, &CaseVerdict::default(), 10)
        .unwrap();
    s.unblind(study.id, "test").unwrap();
    for sql in [
        "UPDATE step_verdict_events SET label = 'sound'",
        "DELETE FROM step_verdict_events",
        "UPDATE case_verdict_events SET confidence = 1",
        "DELETE FROM case_verdict_events",
        "DELETE FROM study_events",
        "UPDATE study_events SET actor = 'x'",
    ] {
        let err = s.connection().execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    let n: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM step_verdict_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn unknown_enum_text_is_rejected_by_the_schema() {
    let (_d, s) = demo_store();
    let item: i64 = s
        .connection()
        .query_row("SELECT min(id) FROM items", [], |r| r.get(0))
        .unwrap();
    let chain: i64 = s
        .connection()
        .query_row("SELECT chain_a FROM items WHERE id = ?1", [item], |r| {
            r.get(0)
        })
        .unwrap();
    let insert = |label: &str, severity: Option<&str>, side: &str, tags: &str| {
        s.connection().execute(
            "INSERT INTO step_verdict_events (item_id, reviewer, side, chain_id, step_idx, label, severity, tags) VALUES (?1, 'you', ?2, ?3, 0, ?4, ?5, ?6)",
            rusqlite::params![item, side, chain, label, severity, tags],
        )
    };
    // the well-formed row is accepted, so the rejections below are about the values
    let a_side: String = s
        .connection()
        .query_row(
            "SELECT a_side FROM assignments WHERE item_id = ?1",
            [item],
            |r| r.get(0),
        )
        .unwrap();
    insert("error", Some("major"), &a_side, "drift;red_flag").unwrap();
    assert!(insert("great", None, &a_side, "").is_err());
    assert!(insert("error", Some("catastrophic"), &a_side, "").is_err());
    assert!(insert("error", None, "middle", "").is_err());
    assert!(insert("error", None, &a_side, "drift;vibes").is_err());
    let res = s.connection().execute("INSERT INTO cases (id, title, specialty, task_kind, vignette, question, body, source, licence, content_hash) VALUES ('x','t','cardiology','mcq','v','q','{}','s','l','h')", []);
    assert!(res.unwrap_err().to_string().contains("CHECK"));
}

#[test]
fn case_verdicts_round_trip() {
    let (_d, mut s) = demo_store();
    let study = s.study(demo::STUDY).unwrap();
    let me = ReviewerId(demo::REVIEWER.into());
    let item = s.reviewer_queue(study.id, &me).unwrap()[1].item;
    let n_flags = s
        .load_blind_item(study.id, item, &me)
        .unwrap()
        .case
        .red_flags
        .len();
    let cv = CaseVerdict {
        answer_correct: [Some(true), Some(false)],
        red_flags: [vec![true; n_flags], vec![false; n_flags]],
        preferred: Some(Preference::Left),
        student_guess: Some(Side::Right),
        confidence: Some(4),
        plan: [Some(blindstep::domain::PlanRating::Adequate), None],
        acted_on: [vec![false; n_flags], vec![true; n_flags]],
    };
    s.append_case_verdict(study.id, item, &me, &cv, 5000)
        .unwrap();
    let back = s.load_blind_item(study.id, item, &me).unwrap();
    assert_eq!(back.case_verdict, cv);
    assert!(cv.is_complete(n_flags));
    let bad = CaseVerdict {
        confidence: Some(9),
        ..cv
    };
    assert!(s.append_case_verdict(study.id, item, &me, &bad, 0).is_err());
}

#[test]
fn a_reviewer_not_assigned_cannot_save() {
    let (_d, mut s) = demo_store();
    let study = s.study(demo::STUDY).unwrap();
    let me = ReviewerId(demo::REVIEWER.into());
    let item = s.reviewer_queue(study.id, &me).unwrap()[0].item;
    let v = StepVerdict {
        label: Some(StepLabel::Sound),
        ..Default::default()
    };
    assert!(
        s.append_step_verdict(
            study.id,
            item,
            &ReviewerId("mallory".into()),
            Side::Left,
            0,
            &v,
            0
        )
        .is_err()
    );
    assert!(
        s.append_step_verdict(study.id, item, &me, Side::Left, 9999, &v, 0)
            .is_err()
    );
}
