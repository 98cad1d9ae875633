//! Headless replay: key files drive the same state machine and store as the terminal, and
//! print one line per saved change.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use blindstep::domain::{ItemId, Side, StepLabel};
use blindstep::tui::run_replay;
use tui_support::{MemBackend, Saved};

fn replay(b: &mut MemBackend, keys: &str) -> (String, blindstep::tui::ReplaySummary) {
    let mut out = Vec::new();
    let summary = run_replay(b, keys, &mut out).unwrap();
    (String::from_utf8(out).unwrap(), summary)
}

#[test]
fn prints_one_line_per_saved_change_and_saves_them() {
    let mut b = MemBackend::study();
    let keys = "# open the first item\nEnter\n1\n3\ns\n1\nd\nc\nx\ny\nEnter\nCtrl-c\nthese keys are never read\n";
    let err = run_replay(&mut MemBackend::study(), keys, &mut Vec::new()).unwrap_err();
    assert!(err.to_string().contains("line 13"), "{err:#}");

    // `3` stays on the step, so `s` (the severity chooser, then `1` minor) and `d` land on
    // the error just marked.
    let keys = "# open the first item\nEnter\n1\n3\ns\n1\nd\nc\nx\ny\nEnter\nCtrl-c\nj\n";
    let (out, summary) = replay(&mut b, keys);
    assert_eq!(
        out,
        "saved item 12 left step 1: sound\n\
         saved item 12 left step 2: error\n\
         saved item 12 left step 2: error severity=minor\n\
         saved item 12 left step 2: error severity=minor tags=drift\n\
         saved item 12 left step 2: error severity=minor tags=drift note=\"xy\"\n"
    );
    assert_eq!(
        (
            summary.keys,
            summary.applied,
            summary.saves,
            summary.failures
        ),
        (12, 11, 5, 0)
    );
    assert!(summary.no_effect.is_empty(), "{:?}", summary.no_effect);
    assert!(summary.quit);
    assert_eq!(b.events.len(), 5);
    let it = b.items.iter().find(|i| i.item == ItemId(12)).unwrap();
    assert_eq!(it.verdicts[0][1].note.as_deref(), Some("xy"));
    let c = b.cursor.unwrap();
    assert_eq!((c.item, c.side, c.step), (Some(ItemId(12)), Side::Left, 1));
}

#[test]
fn a_bad_key_name_fails_before_anything_is_saved() {
    let mut b = MemBackend::study();
    let mut out = Vec::new();
    let err = run_replay(&mut b, "Enter\n1\nCtrl-Alt-Banana\n", &mut out).unwrap_err();
    assert!(format!("{err:#}").contains("line 3"), "{err:#}");
    assert!(b.events.is_empty() && b.cursor_saves == 0 && out.is_empty());
}

#[test]
fn failures_are_printed_and_not_counted_as_saves() {
    let mut b = MemBackend::study();
    b.fail_saves = 1;
    let (out, s) = replay(&mut b, "Enter\n1\n1\n");
    assert_eq!(
        out,
        "failed item 12 left step 1: database is locked\nsaved item 12 left step 1: sound\n"
    );
    assert_eq!((s.saves, s.failures), (1, 1));
}

#[test]
fn the_next_session_resumes_where_the_last_one_stopped() {
    let mut b = MemBackend::study();
    let (out, _) = replay(&mut b, "Enter\nl\nj\nj\n");
    assert!(out.is_empty());
    let (out, _) = replay(&mut b, "3\n");
    assert_eq!(out, "saved item 12 right step 3: error\n");
}

#[test]
fn undo_is_a_new_saved_change() {
    let mut b = MemBackend::study();
    let (out, _) = replay(&mut b, "Enter\n1\nu\n");
    assert_eq!(
        out,
        "saved item 12 left step 1: sound\nsaved item 12 left step 1 (undo): unmarked\n"
    );
    assert_eq!(b.events.len(), 2);
    let Saved::Step { verdict, .. } = &b.events[1] else {
        panic!()
    };
    assert!(verdict.is_unmarked());
}

#[test]
fn case_verdicts_are_printed() {
    let mut b = MemBackend::study();
    // Item 33 (third in the queue) has 3 + 2 steps and two red flags. Once every step has a
    // label the form opens on the first unanswered cell (left, red flag 1 recognised: the
    // answers are pre-filled from gold) and saves nothing until the first answer, which saves
    // the gold-filled answers with it. Answers walk down the left side, then the right, then
    // the comparison rows.
    let (out, summary) = replay(
        &mut b,
        "j\nj\nEnter\n1\n1\n1\n2\n2\nf\nEsc\nf\nn\nn\nn\nn\nSpace\ny\nn\nn\nt\ny\n3\nq\n",
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5 + 11, "{out}");
    assert_eq!(
        lines[5],
        "saved item 33 case: answer_correct=yes,no red_flags=0?,- acted_on=-,- preferred=- student=- confidence=-"
    );
    assert_eq!(
        lines[11],
        "saved item 33 case: answer_correct=yes,no red_flags=00,10 acted_on=00,1? preferred=- student=- confidence=-"
    );
    assert_eq!(
        lines[15],
        "saved item 33 case: answer_correct=yes,no red_flags=00,10 acted_on=00,10 preferred=tie student=left confidence=3"
    );
    assert!(summary.no_effect.is_empty(), "{:?}", summary.no_effect);
    let it = b.items.iter().find(|i| i.item == ItemId(33)).unwrap();
    assert!(it.case_verdict.is_complete(2));
    assert!(it.verdicts.iter().flatten().all(|v| v.label.is_some()));
    assert_eq!(it.verdicts[1][0].label, Some(StepLabel::Neutral));
    // `q` went back to the queue; the end of the keys saved that.
    assert_eq!(b.cursor.and_then(|c| c.item), None);
}

#[test]
fn keys_with_no_effect_are_reported_with_their_line() {
    let mut b = MemBackend::study();
    // `s` on an unmarked step, `x` (no such key), then a real label.
    let (out, summary) = replay(&mut b, "Enter\n# comment\ns\nx\n1\n");
    assert_eq!(out, "saved item 12 left step 1: sound\n");
    let lines: Vec<(usize, &str)> = summary
        .no_effect
        .iter()
        .map(|(l, k, _)| (*l, k.as_str()))
        .collect();
    assert_eq!(lines, vec![(3, "s"), (4, "x")]);
    assert!(summary.no_effect[0].2.contains("press 3 first"));
}

#[test]
fn opening_the_form_and_leaving_saves_no_case_verdict() {
    let mut b = MemBackend::study();
    let (out, _) = replay(&mut b, "Enter\nf\nEsc\nf\nq\n");
    assert_eq!(out, "");
    assert!(
        !b.events.iter().any(|e| matches!(e, Saved::Case { .. })),
        "{:?}",
        b.events
    );
}
