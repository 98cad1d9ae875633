//! State tests through the real executor: keys → actions → `App::update` → effects performed
//! against an in-memory backend → results. No terminal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use blindstep::domain::{ErrorMode, ItemId, ItemStatus, Preference, Severity, Side, StepLabel};
use blindstep::tui::executor::drive;
use blindstep::tui::{ChainLayout, Screen, StatusKind, map_key_queued, map_paste, parse_key_name};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_support::{MemBackend, Saved, press, started};

const PASTED: &str = "pasted line one\r3 dr second line";

/// The saved events, as (side, step, label, note).
fn step_events(b: &MemBackend) -> Vec<(Side, usize, Option<StepLabel>, Option<String>)> {
    b.events
        .iter()
        .map(|e| match e {
            Saved::Step {
                side,
                step,
                verdict,
                ..
            } => (*side, *step, verdict.label, verdict.note.clone()),
            Saved::Case { .. } => panic!("unexpected case verdict {e:?}"),
        })
        .collect()
}

#[test]
fn a_bracketed_paste_into_a_note_saves_exactly_one_note_and_no_labels() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter", "c"]);
    let paste = map_paste(&app, PASTED).expect("a note takes pasted text");
    drive(&mut app, &mut b, paste, &mut |_, _| {});
    assert!(b.events.is_empty(), "{:?}", b.events);
    assert_eq!(
        app.note.as_deref(),
        Some("pasted line one 3 dr second line")
    );
    press(&mut app, &mut b, &["Enter"]);
    assert_eq!(
        step_events(&b),
        vec![(
            Side::Left,
            0,
            None,
            Some("pasted line one 3 dr second line".to_string())
        )]
    );
    // Outside an input a paste is ignored: it can never judge a step.
    assert_eq!(map_paste(&app, "3\n1"), None);
}

#[test]
fn keys_that_arrive_as_one_burst_into_a_note_are_text_not_commands() {
    // A terminal without bracketed paste (or `tmux send-keys -l`) delivers the paste as keys
    // all queued at once; the runtime tells the keymap that more input is waiting.
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter", "c"]);
    let keys: Vec<KeyEvent> = PASTED
        .chars()
        .map(|c| match c {
            '\r' => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            c => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        })
        .collect();
    let last = keys.len() - 1;
    for (i, key) in keys.into_iter().enumerate() {
        if let Some(a) = map_key_queued(&app, key, i < last) {
            drive(&mut app, &mut b, a, &mut |_, _| {});
        }
    }
    assert!(b.events.is_empty(), "{:?}", b.events);
    // The reviewer's own Enter (nothing queued behind it) saves the note.
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    let a = map_key_queued(&app, enter, false).unwrap();
    drive(&mut app, &mut b, a, &mut |_, _| {});
    assert_eq!(
        step_events(&b),
        vec![(
            Side::Left,
            0,
            None,
            Some("pasted line one 3 dr second line".to_string())
        )]
    );
}

#[test]
fn a_paste_into_the_queue_filter_is_one_line() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    assert_eq!(map_paste(&app, "flight"), None, "no filter open yet");
    press(&mut app, &mut b, &["/"]);
    let a = map_paste(&app, "long\nflight").unwrap();
    drive(&mut app, &mut b, a, &mut |_, _| {});
    assert_eq!(app.filter.query, "long flight");
    assert_eq!(app.screen, Screen::Queue);
}

#[test]
fn alt_keys_are_ignored() {
    // Esc followed quickly by `w` arrives as Alt-w: it must not toggle the layout.
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter"]);
    let before = app.chain_layout();
    assert_eq!(before, ChainLayout::Stacked);
    for k in ["Alt-w", "Alt-3", "Alt-q"] {
        let key = parse_key_name(k).unwrap();
        assert_eq!(blindstep::tui::map_key(&app, key), None, "{k}");
    }
    press(&mut app, &mut b, &["Alt-w", "Alt-3"]);
    assert_eq!(app.chain_layout(), before);
    assert!(b.events.is_empty());
}

#[test]
fn opening_the_case_form_and_leaving_saves_nothing() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter", "f"]);
    assert_eq!(app.screen, Screen::CaseForm);
    press(&mut app, &mut b, &["Esc", "Tab", "Esc", "q"]);
    assert!(b.events.is_empty(), "{:?}", b.events);
}

#[test]
fn a_whole_item_from_queue_to_done_and_back() {
    let mut b = MemBackend::study();
    b.feedback = Some(vec!["Left step 2 was expected to be an error.".into()]);
    let mut app = started(&mut b, 80, 24);
    assert_eq!(app.screen, Screen::Queue);
    // Shuffled order: position 0 is item 12.
    assert_eq!(app.selected_entry().map(|e| e.item), Some(ItemId(12)));
    press(&mut app, &mut b, &["j", "j", "Enter"]);
    assert_eq!(app.screen, Screen::Review);
    assert_eq!(app.open.as_ref().map(|v| v.item.item), Some(ItemId(33)));
    // Item 33 has 3 + 2 steps. `3` stays on the step, so `s` (the severity chooser: `2`
    // major) and `d` apply to it; `j` moves on.
    press(
        &mut app,
        &mut b,
        &["1", "3", "s", "2", "d", "j", "2", "1", "0"],
    );
    let steps: Vec<_> = b
        .events
        .iter()
        .filter_map(|e| match e {
            Saved::Step {
                side,
                step,
                verdict,
                ..
            } => Some((
                *side,
                *step,
                verdict.label,
                verdict.severity,
                verdict.tags.contains(&ErrorMode::Drift),
            )),
            Saved::Case { .. } => None,
        })
        .collect();
    use Side::{Left as L, Right as R};
    use StepLabel::*;
    assert_eq!(
        steps,
        vec![
            (L, 0, Some(Sound), None, false),
            (L, 1, Some(Error), None, false),
            (L, 1, Some(Error), Some(Severity::Major), false),
            (L, 1, Some(Error), Some(Severity::Major), true),
            (L, 2, Some(Neutral), None, false),
            (R, 0, Some(Sound), None, false),
            (R, 1, Some(Abstain), None, false),
        ]
    );
    assert!(
        app.status.text.contains("f for the case verdict"),
        "{}",
        app.status.text
    );

    press(&mut app, &mut b, &["f"]);
    assert_eq!(app.screen, Screen::CaseForm);
    // The form opens on the first unanswered cell (left, red flag 1 recognised: the answers
    // are pre-filled from gold) and walks down the left side, then the right, then the
    // comparison rows: preferred left (y on its left cell), student right (→ then y).
    press(
        &mut app,
        &mut b,
        &[
            "y", "n", "n", "n", "n", "n", "y", "y", "y", "Right", "y", "5",
        ],
    );
    let Some(Saved::Case { verdict, .. }) = b.events.last() else {
        panic!("{:?}", b.events.last())
    };
    assert_eq!(verdict.answer_correct, [Some(true), Some(false)]);
    assert_eq!(verdict.red_flags, [vec![true, false], vec![false, true]]);
    assert_eq!(verdict.acted_on, [vec![false, false], vec![false, true]]);
    assert_eq!(verdict.preferred, Some(Preference::Left));
    assert_eq!(verdict.student_guess, Some(Side::Right));
    assert_eq!(verdict.confidence, Some(5));
    assert!(verdict.is_complete(2));
    // The demo feedback pops up once the item is done; Enter closes it.
    assert!(app.feedback.is_some());
    press(&mut app, &mut b, &["Enter", "q"]);
    assert!(app.feedback.is_none());
    assert_eq!(app.screen, Screen::Queue);
    let e = app.queue.iter().find(|e| e.item == ItemId(33)).unwrap();
    assert_eq!(e.status(), ItemStatus::Done);
    assert_eq!(b.cursor.and_then(|c| c.item), None);
}

#[test]
fn a_failing_store_is_reported_and_nothing_is_shown_as_saved() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter"]);
    b.fail_saves = 1;
    press(&mut app, &mut b, &["1"]);
    assert_eq!(app.status.kind, StatusKind::Error);
    assert!(
        app.status.text.contains("database is locked"),
        "{}",
        app.status.text
    );
    assert!(b.events.is_empty());
    let v = app.open.as_ref().unwrap();
    assert_eq!(v.verdict(Side::Left, 0).label, None);
    assert!(v.lines.steps[0][0].lines[0].contains("[ · ]"));
    // Trying again works and the focus moves on only then.
    press(&mut app, &mut b, &["1"]);
    assert_eq!(app.status.kind, StatusKind::Saved);
    assert_eq!(app.open.as_ref().unwrap().focus.step, 1);
    assert_eq!(b.events.len(), 1);
}

#[test]
fn ctrl_c_saves_the_position_and_the_next_session_resumes_there() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["j", "Enter", "l", "j", "j", "Ctrl-c"]);
    assert!(app.quitting);
    let c = b.cursor.unwrap();
    assert_eq!((c.item, c.side, c.step), (Some(ItemId(5)), Side::Right, 2));
    let app2 = started(&mut b, 80, 24);
    assert_eq!(app2.screen, Screen::Review);
    let v = app2.open.as_ref().unwrap();
    assert_eq!(
        (v.item.item, v.focus.side, v.focus.step),
        (ItemId(5), Side::Right, 2)
    );
}

#[test]
fn filter_then_enter_opens_the_match() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["/", "f", "l", "i", "g", "h", "t"]);
    assert_eq!(app.visible.len(), 1);
    press(&mut app, &mut b, &["Enter"]);
    assert_eq!(
        app.open.as_ref().map(|v| v.item.case.title.as_str()),
        Some("Breathless after a long flight")
    );
}

#[test]
fn going_back_lands_on_the_item_that_was_open() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["j", "j", "Enter", "Ctrl-c"]);
    let mut app = started(&mut b, 80, 24);
    assert_eq!(app.open.as_ref().map(|v| v.item.item), Some(ItemId(33)));
    press(&mut app, &mut b, &["q"]);
    assert_eq!(app.selected_entry().map(|e| e.item), Some(ItemId(33)));
}
