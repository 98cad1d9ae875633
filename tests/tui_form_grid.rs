//! Review integrity (issue 11), point 1: the case-verdict form as a grid. State tests through
//! `App::update` (keys via the keymap) against the in-memory backend, and snapshots of the
//! form at 80×24 and 160×48.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use blindstep::domain::{ItemId, Preference, Side};
use blindstep::tui::App;
use blindstep::tui::form::FormField;
use tui_support::{MemBackend, Saved, press, screen, started};

/// The app on item 33 (3 + 2 steps, two red flags), opened from the queue.
fn on_item_33(w: u16, h: u16) -> (App, MemBackend) {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, w, h);
    press(&mut app, &mut b, &["j", "j", "Enter"]);
    assert_eq!(app.open.as_ref().unwrap().item.item, ItemId(33));
    (app, b)
}

fn label_all(app: &mut App, b: &mut MemBackend) {
    for _ in 0..5 {
        press(app, b, &["1"]);
    }
    assert!(app.open.as_ref().unwrap().all_steps_judged());
}

fn field(app: &App) -> Option<FormField> {
    app.open.as_ref().unwrap().current_field()
}

fn case_saves(b: &MemBackend) -> usize {
    b.events
        .iter()
        .filter(|e| matches!(e, Saved::Case { .. }))
        .count()
}

// ---- 1. the case-verdict form --------------------------------------------------------------

#[test]
fn form_is_a_grid_rows_by_up_down_sides_by_left_right() {
    let (mut app, mut b) = on_item_33(80, 24);
    press(&mut app, &mut b, &["f"]);
    assert_eq!(field(&app), Some(FormField::AnswerCorrect(Side::Left)));
    assert!(
        app.status.text.starts_with("left · answer correct"),
        "{}",
        app.status.text
    );
    press(&mut app, &mut b, &["l"]);
    assert_eq!(field(&app), Some(FormField::AnswerCorrect(Side::Right)));
    assert!(app.status.text.starts_with("right · answer correct"));
    // ↓ keeps the column.
    press(&mut app, &mut b, &["j", "Down"]);
    assert_eq!(field(&app), Some(FormField::ActedOn(0, Side::Right)));
    assert!(app.status.text.starts_with("right · red flag 1 acted on"));
    press(&mut app, &mut b, &["h", "k"]);
    assert_eq!(field(&app), Some(FormField::RedFlag(0, Side::Left)));
    // The preferred row has three cells: left, right, tie.
    press(&mut app, &mut b, &["G", "k", "k", "l", "l", "l"]);
    assert_eq!(field(&app), Some(FormField::Preferred(Preference::Tie)));
    // Moving saved nothing.
    assert!(b.events.is_empty());
}

#[test]
fn form_opens_on_the_first_unanswered_cell() {
    let (mut app, mut b) = on_item_33(80, 24);
    label_all(&mut app, &mut b);
    press(&mut app, &mut b, &["f"]);
    // Answers are pre-filled from gold now: the first open cell is a red flag.
    assert_eq!(field(&app), Some(FormField::RedFlag(0, Side::Left)));
    press(&mut app, &mut b, &["y", "n", "Esc", "f"]);
    assert_eq!(field(&app), Some(FormField::RedFlag(1, Side::Left)));
}

#[test]
fn changing_a_prefilled_cell_asks_first_and_names_the_side() {
    let (mut app, mut b) = on_item_33(80, 24);
    label_all(&mut app, &mut b);
    press(&mut app, &mut b, &["f", "g"]);
    assert_eq!(field(&app), Some(FormField::AnswerCorrect(Side::Left)));
    let before = b.events.len();
    press(&mut app, &mut b, &["n"]);
    assert_eq!(
        b.events.len(),
        before,
        "one key never overwrites a pre-filled answer"
    );
    assert!(
        app.status.text.contains(
            "left · answer correct is yes (pre-filled from gold): press the same key again"
        ),
        "{}",
        app.status.text
    );
    // Any other key keeps it.
    press(&mut app, &mut b, &["y"]);
    let saved = b.events.len() - before;
    assert_eq!(
        saved, 1,
        "y accepts the pre-fill as it is (the first save of the form)"
    );
    let Some(Saved::Case { verdict, .. }) = b.events.last() else {
        panic!()
    };
    assert_eq!(verdict.answer_correct, [Some(true), Some(false)]);
    // Now it is answered: changing it still takes two presses.
    press(&mut app, &mut b, &["g", "n"]);
    assert_eq!(b.events.len() - before, 1);
    press(&mut app, &mut b, &["n"]);
    assert_eq!(b.events.len() - before, 2);
    let Some(Saved::Case { verdict, .. }) = b.events.last() else {
        panic!()
    };
    assert_eq!(verdict.answer_correct, [Some(false), Some(false)]);
    assert!(
        app.status
            .text
            .starts_with("saved left · answer correct: no"),
        "{}",
        app.status.text
    );
}

#[test]
fn a_confirmation_is_cancelled_by_any_other_key() {
    let (mut app, mut b) = on_item_33(80, 24);
    press(&mut app, &mut b, &["f", "y"]);
    assert_eq!(case_saves(&b), 1);
    press(&mut app, &mut b, &["g", "n", "j", "k", "n"]);
    assert_eq!(
        case_saves(&b),
        1,
        "the move in between cancelled the change"
    );
    assert!(app.status.text.contains("press the same key again"));
    press(&mut app, &mut b, &["n"]);
    assert_eq!(case_saves(&b), 2);
}

#[test]
fn recognised_and_acted_on_are_recorded_per_red_flag_and_side() {
    let (mut app, mut b) = on_item_33(80, 24);
    label_all(&mut app, &mut b);
    // left: flag 1 recognised yes, acted on no; flag 2 recognised no, acted on no.
    // right: flag 1 recognised yes, acted on yes; flag 2 no, no.
    press(
        &mut app,
        &mut b,
        &["f", "y", "n", "n", "n", "y", "y", "n", "n"],
    );
    let cv = &app.open.as_ref().unwrap().item.case_verdict;
    assert_eq!(cv.red_flags, [vec![true, false], vec![true, false]]);
    assert_eq!(cv.acted_on, [vec![false, false], vec![true, false]]);
    assert_eq!(b.items[2].case_verdict, *cv, "saved as shown");
    assert_eq!(field(&app), Some(FormField::Preferred(Preference::Left)));
}

#[test]
fn the_gold_answer_appears_only_once_every_step_has_a_label() {
    let (mut app, mut b) = on_item_33(80, 40);
    press(&mut app, &mut b, &["f"]);
    let s = screen(&app, 80, 40);
    assert!(!s.contains("Gold answer: C"), "{s}");
    assert!(
        s.contains("shown once every step has a label (5 unmarked)"),
        "{s}"
    );
    assert!(!s.contains("(gold)"), "no pre-fill before the labels: {s}");
    assert!(
        s.contains("Left answered: C") && s.contains("Right answered: A"),
        "{s}"
    );
    press(&mut app, &mut b, &["Esc"]);
    label_all(&mut app, &mut b);
    press(&mut app, &mut b, &["f"]);
    let s = screen(&app, 80, 40);
    assert!(
        s.contains("Gold answer: C: Subarachnoid haemorrhage"),
        "{s}"
    );
    assert!(s.contains("yes (gold)") && s.contains("no (gold)"), "{s}");
}

#[test]
fn long_texts_wrap_and_nothing_is_cut() {
    let mut b = MemBackend::study();
    let it = b.item_mut(ItemId(12)).unwrap();
    it.case.red_flags[1].action =
        "Treat as subarachnoid haemorrhage or meningitis until excluded, with urgent \
         non-contrast CT head and lumbar puncture if the scan is normal"
            .into();
    for c in &mut it.chains {
        c.answer = None;
        c.differential = vec![
            "Subarachnoid haemorrhage from a ruptured berry aneurysm".into(),
            "Reversible cerebral vasoconstriction syndrome".into(),
            "Cervical artery dissection".into(),
            "Bacterial meningitis".into(),
            "Migraine without aura".into(),
        ];
    }
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter", "v", "f"]);
    // Walk down: every line of the form shows at some point; none is cut with "…".
    let mut seen = String::new();
    for _ in 0..12 {
        let s = screen(&app, 80, 24);
        for l in s.lines().skip(2).take(19) {
            assert!(!l.contains('…'), "cut: {l}\n{s}");
        }
        seen.push_str(&s);
        press(&mut app, &mut b, &["j"]);
    }
    for needle in [
        "5) Migraine without aura",
        "ruptured berry aneurysm",
        "puncture if the scan is normal",
    ] {
        assert!(seen.contains(needle), "{needle} never shown:\n{seen}");
    }
}

#[test]
fn differentials_say_gold_in_top_5_in_plain_words_after_labelling() {
    let mut b = MemBackend::study();
    let it = b.item_mut(ItemId(33)).unwrap();
    it.case.task = blindstep::domain::Task::Differential {
        diagnosis: "Subarachnoid haemorrhage".into(),
        synonyms: vec!["SAH".into()],
    };
    it.chains[0].answer = None;
    it.chains[0].differential = vec!["Subarachnoid haemorrhage".into()];
    it.chains[1].answer = None;
    it.chains[1].differential = vec!["Migraine".into()];
    let mut app = started(&mut b, 100, 40);
    press(&mut app, &mut b, &["j", "j", "Enter", "f"]);
    assert!(!screen(&app, 100, 40).contains("Gold in top 5"));
    press(&mut app, &mut b, &["Esc"]);
    label_all(&mut app, &mut b);
    press(&mut app, &mut b, &["f"]);
    let s = screen(&app, 100, 40);
    assert!(s.contains("Gold in top 5: left yes · right no"), "{s}");
    assert!(!s.contains("suggests"), "{s}");
}

#[test]
fn form_snapshot_80x24() {
    let (mut app, mut b) = on_item_33(80, 24);
    label_all(&mut app, &mut b);
    press(&mut app, &mut b, &["f", "y"]);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn form_snapshot_160x48() {
    let (mut app, mut b) = on_item_33(160, 48);
    label_all(&mut app, &mut b);
    press(&mut app, &mut b, &["f", "y", "n", "l", "k", "k", "y"]);
    insta::assert_snapshot!(screen(&app, 160, 48));
}
