//! Review integrity (issue 11), points 2–4, 6, 7 and 9: the selection stays on screen, items
//! start fresh, stale saves are refused, faster judging, feedback scrolling, guidance. State
//! tests through `App::update` (keys via the keymap) against the in-memory backend. Point 1
//! (the form) is in `tui_form_grid.rs`; the store and the binary in `review_integrity_store.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use blindstep::domain::{ErrorMode, ItemId, Severity, Side, StepLabel, StepVerdict};
use blindstep::tui::{Action, App, Screen, StatusKind};
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

// ---- 2. the selected step is always on screen ---------------------------------------------

fn focus_visible(app: &App) -> bool {
    let v = app.open.as_ref().unwrap();
    let aligned = app.chain_layout() == blindstep::tui::ChainLayout::SideBySide;
    let areas =
        blindstep::tui::geometry::review_areas(app.area(), app.case_collapsed, app.chain_layout());
    let vh = usize::from(areas.panels[0].body.height);
    let s = v.focus.side.index();
    let scroll = v.chain_scroll[if aligned { 0 } else { s }];
    let (top, h) = v.lines.step_span(aligned, s, v.focus.step).unwrap();
    top < scroll + vh && top + h > scroll
}

#[test]
fn the_mouse_wheel_moves_the_selection_with_the_view() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut b = MemBackend::study();
        b.items[0] = tui_support::blind_item(12, 0, 60, 50);
        let mut app = started(&mut b, w, h);
        press(&mut app, &mut b, &["Enter"]);
        for _ in 0..10 {
            app.update(Action::ScrollLines(3));
            assert!(focus_visible(&app), "{w}x{h} after scrolling down");
        }
        let step = app.open.as_ref().unwrap().focus.step;
        assert!(step > 0, "the focus moved down with the view");
        // A label lands on a step that is on screen.
        press(&mut app, &mut b, &["1"]);
        let Saved::Step { step: judged, .. } = b.events.last().unwrap() else {
            panic!()
        };
        assert_eq!(*judged, step);
        for _ in 0..20 {
            app.update(Action::ScrollLines(-3));
            assert!(focus_visible(&app), "{w}x{h} after scrolling up");
        }
    }
}

#[test]
fn switching_side_lands_on_its_first_unmarked_step() {
    let mut b = MemBackend::study();
    {
        let it = b.item_mut(ItemId(12)).unwrap();
        it.verdicts[1][0].label = Some(StepLabel::Sound);
        it.verdicts[1][1].label = Some(StepLabel::Sound);
    }
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter", "j", "j", "j", "j"]);
    press(&mut app, &mut b, &["l"]);
    let f = app.open.as_ref().unwrap().focus;
    assert_eq!((f.side, f.step), (Side::Right, 2));
    // Every step of the other side labelled: the same index.
    let mut b = MemBackend::study();
    for v in &mut b.item_mut(ItemId(12)).unwrap().verdicts[0] {
        v.label = Some(StepLabel::Neutral);
    }
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter", "j", "j", "h"]);
    let f = app.open.as_ref().unwrap().focus;
    assert_eq!((f.side, f.step), (Side::Left, 2));
}

#[test]
fn after_a_resize_the_view_refits_at_once() {
    let mut b = MemBackend::study();
    b.items[0] = tui_support::blind_item(12, 0, 60, 50);
    let mut app = started(&mut b, 160, 48);
    press(&mut app, &mut b, &["Enter"]);
    for _ in 0..40 {
        press(&mut app, &mut b, &["j"]);
    }
    for (w, h) in [(80, 24), (60, 16), (200, 60), (100, 30)] {
        app.update(Action::Resize(w, h));
        assert!(focus_visible(&app), "{w}x{h}");
        assert!(screen(&app, w, h).contains('▶'), "{w}x{h}");
    }
}

// ---- 3. each item starts fresh -------------------------------------------------------------

#[test]
fn case_hidden_does_not_carry_into_the_next_item() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter", "v"]);
    assert!(app.case_collapsed);
    press(&mut app, &mut b, &["q", "j", "Enter"]);
    assert!(!app.case_collapsed, "the case shows again");
    assert!(screen(&app, 80, 24).contains("▾ Case"));
}

#[test]
fn leaving_a_finished_item_moves_the_queue_to_the_next_unfinished_one() {
    let (mut app, mut b) = on_item_33(80, 24);
    label_all(&mut app, &mut b);
    press(
        &mut app,
        &mut b,
        &[
            "f", "y", "n", "n", "n", "y", "y", "n", "n", "y", "y", "3", "Enter", "q",
        ],
    );
    assert!(
        b.items[2].case_verdict.is_complete(2),
        "{}",
        app.status.text
    );
    assert_eq!(app.screen, Screen::Queue);
    assert_eq!(app.selected_entry().unwrap().item, ItemId(8));
}

// ---- 4. concurrent sessions of one reviewer ------------------------------------------------

#[test]
fn a_save_on_a_verdict_changed_elsewhere_is_refused_and_reloaded() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter"]);
    // Another session of the same reviewer labels left step 1 meanwhile.
    let theirs = StepVerdict {
        label: Some(StepLabel::Error),
        severity: Some(Severity::Harmful),
        ..StepVerdict::default()
    };
    b.external_step(ItemId(12), Side::Left, 0, theirs.clone());
    let n = b.events.len();
    press(&mut app, &mut b, &["1"]);
    assert_eq!(b.events.len(), n, "nothing saved on top");
    assert_eq!(app.status.kind, StatusKind::Error);
    assert!(
        app.status
            .text
            .contains("left step 1 changed in another session: reloaded"),
        "{}",
        app.status.text
    );
    let v = app.open.as_ref().unwrap();
    assert_eq!(
        v.verdict(Side::Left, 0),
        theirs,
        "the screen shows the current verdict"
    );
    assert_eq!(v.focus.step, 0, "still on the step");
    // Now based on the current event, the next key saves.
    press(&mut app, &mut b, &["1"]);
    assert_eq!(b.events.len(), n + 1);
}

// ---- 6. faster, clearer judging --------------------------------------------------------------

#[test]
fn the_severity_chooser_is_modal_and_saves_one_event() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter", "3"]);
    let n = b.events.len();
    press(&mut app, &mut b, &["s"]);
    assert!(app.severity_menu);
    assert!(screen(&app, 80, 24).contains("Severity: left step 1"));
    press(&mut app, &mut b, &["j", "d", "2"]);
    assert_eq!(
        b.events.len(),
        n + 1,
        "j and d did nothing inside the chooser"
    );
    let v = app.open.as_ref().unwrap();
    assert_eq!(v.verdict(Side::Left, 0).severity, Some(Severity::Major));
    assert!(v.verdict(Side::Left, 0).tags.is_empty());
    assert_eq!(
        v.verdict(Side::Left, 1).label,
        None,
        "2 did not label a step"
    );
    assert_eq!(v.focus.step, 0);
    // Esc cancels; 0 clears.
    press(&mut app, &mut b, &["s", "Esc"]);
    assert_eq!(b.events.len(), n + 1);
    assert!(!app.severity_menu);
    press(&mut app, &mut b, &["s", "0"]);
    assert_eq!(
        app.open.as_ref().unwrap().verdict(Side::Left, 0).severity,
        None
    );
    assert_eq!(b.events.len(), n + 2);
}

#[test]
fn the_queue_filters_by_status_and_by_separate_words() {
    let mut b = MemBackend::study();
    b.item_mut(ItemId(5)).unwrap().verdicts[0][0].label = Some(StepLabel::Sound);
    let mut app = started(&mut b, 80, 24);
    let shown =
        |app: &App| -> Vec<i64> { app.visible.iter().map(|i| app.queue[*i].item.0).collect() };
    press(&mut app, &mut b, &["/"]);
    for c in "status:in-progress".chars() {
        press(&mut app, &mut b, &[&c.to_string()]);
    }
    assert_eq!(shown(&app), vec![5]);
    press(&mut app, &mut b, &["Esc", "/"]);
    // Words in another order than the title's, each matched on its own.
    for c in "gym sudden".chars() {
        let k = if c == ' ' {
            "Space".to_string()
        } else {
            c.to_string()
        };
        press(&mut app, &mut b, &[&k]);
    }
    assert_eq!(shown(&app), vec![12]);
    press(&mut app, &mut b, &["Esc", "/"]);
    for c in "test-case".chars() {
        press(&mut app, &mut b, &[&c.to_string()]);
    }
    assert!(shown(&app).is_empty(), "case ids are never searched");
    press(&mut app, &mut b, &["Esc", "s"]);
    assert_eq!(shown(&app), vec![12, 33, 8], "s: not started only");
    press(&mut app, &mut b, &["s"]);
    assert_eq!(shown(&app), vec![5]);
    assert!(screen(&app, 80, 24).contains("[in progress]"));
    press(&mut app, &mut b, &["Esc"]);
    assert_eq!(shown(&app).len(), 4);
}

#[test]
fn status_lines_use_the_help_screen_words() {
    let mut b = MemBackend::study();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["Enter", "3", "r", "p", "b"]);
    let t = &app.status.text;
    assert!(t.contains("tags red flag, priority"), "{t}");
    assert!(t.contains("bad split"), "{t}");
    assert!(!t.contains("red_flag") && !t.contains("bad_split"), "{t}");
    let v = app.open.as_ref().unwrap().verdict(Side::Left, 0);
    assert!(v.tags.contains(&ErrorMode::RedFlag) && v.bad_split);
}

#[test]
fn the_header_keeps_the_specialty_whole_at_80_columns() {
    let mut b = MemBackend::study();
    b.item_mut(ItemId(5)).unwrap().case.title =
        "Breathless after a long flight home from a conference abroad".into();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["j", "Enter"]);
    let s = screen(&app, 80, 24);
    let header = s.lines().next().unwrap();
    assert!(header.contains("· internal medicine ·"), "{header}");
    assert!(
        header.contains("Breathless after") && header.contains('…'),
        "{header}"
    );
}

// ---- 7. feedback popup scrolling ---------------------------------------------------------------

#[test]
fn feedback_scrolling_stops_at_the_end_and_pages() {
    let mut b = MemBackend::study();
    b.feedback = Some((1..=60).map(|i| format!("feedback line {i}")).collect());
    let mut app = started(&mut b, 80, 24);
    app.update(Action::FeedbackReady(b.feedback.clone().unwrap()));
    press(&mut app, &mut b, &["End"]);
    let end = app.feedback_scroll;
    assert!(end > 0);
    press(&mut app, &mut b, &["j", "j", "PgDn"]);
    assert_eq!(app.feedback_scroll, end, "stops at the end");
    assert!(screen(&app, 80, 24).contains("feedback line 60"));
    press(&mut app, &mut b, &["PgUp"]);
    assert!(app.feedback_scroll < end);
    press(&mut app, &mut b, &["Home"]);
    assert_eq!(app.feedback_scroll, 0);
    assert!(screen(&app, 80, 24).contains("feedback line 1"));
    press(&mut app, &mut b, &["Enter"]);
    assert!(app.feedback.is_none());
}

// ---- 9. guidance -------------------------------------------------------------------------------

#[test]
fn help_resolves_the_two_overlaps_with_an_example_each() {
    let text: String = blindstep::tui::views::help::lines(200)
        .into_iter()
        .map(|(l, _)| l + "\n")
        .collect();
    assert!(text.contains("A management delay: red flag (r)"), "{text}");
    assert!(text.contains("priority (p) when it is seen"), "{text}");
    assert!(
        text.contains("A summary or restatement: neutral (2)"),
        "{text}"
    );
    assert!(
        text.contains("\"She is 47 and vomited twice\" → neutral"),
        "{text}"
    );
}
