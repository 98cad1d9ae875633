//! Screen tests: every screen rendered into ratatui's `TestBackend` and compared with insta
//! snapshots (80×24 and 160×48); no model name, run id or timing on any screen; `NO_COLOR`
//! draws no colour; the too-small message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod tui_support;

use blindstep::domain::{ErrorMode, ItemId, Preference, Severity, Side, StepLabel, StepVerdict};
use blindstep::tui::{App, render_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tui_support::{MemBackend, SECRETS, press, screen, started};

/// A study where the reviewer has judged part of item 12 and finished item 8.
fn backend() -> MemBackend {
    let mut b = MemBackend::study();
    let it = b.item_mut(ItemId(12)).unwrap();
    let mut err = StepVerdict {
        label: Some(StepLabel::Error),
        severity: Some(Severity::Major),
        note: Some("ignores the neck stiffness".into()),
        ..StepVerdict::default()
    };
    err.tags.insert(ErrorMode::Drift);
    err.tags.insert(ErrorMode::RedFlag);
    it.verdicts[0][0].label = Some(StepLabel::Sound);
    it.verdicts[0][1].label = Some(StepLabel::Neutral);
    it.verdicts[1][0] = err;
    it.verdicts[1][1].label = Some(StepLabel::Abstain);
    let done = b.item_mut(ItemId(8)).unwrap();
    for side in &mut done.verdicts {
        for v in side.iter_mut() {
            v.label = Some(StepLabel::Sound);
        }
    }
    done.case_verdict.answer_correct = [Some(true), Some(false)];
    done.case_verdict.red_flags = [vec![true, true], vec![false, true]];
    done.case_verdict.acted_on = [vec![true, false], vec![false, false]];
    done.case_verdict.preferred = Some(Preference::Left);
    done.case_verdict.student_guess = Some(Side::Right);
    done.case_verdict.confidence = Some(3);
    b
}

/// The review of item 12, focus on left step 3.
fn review(w: u16, h: u16) -> (App, MemBackend) {
    let mut b = backend();
    let mut app = started(&mut b, w, h);
    press(&mut app, &mut b, &["Enter"]);
    (app, b)
}

#[test]
fn queue_80x24() {
    let mut b = backend();
    let app = started(&mut b, 80, 24);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn queue_filter_80x24() {
    let mut b = backend();
    let mut app = started(&mut b, 80, 24);
    press(&mut app, &mut b, &["/", "f", "e", "v"]);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn review_80x24_stacked() {
    let (app, _) = review(80, 24);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn review_160x48_side_by_side() {
    let (mut app, mut b) = review(160, 48);
    press(&mut app, &mut b, &["l"]);
    insta::assert_snapshot!(screen(&app, 160, 48));
}

#[test]
fn review_80x24_case_hidden_side_by_side() {
    let (mut app, mut b) = review(80, 24);
    press(&mut app, &mut b, &["v", "w"]);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn case_form_80x24() {
    let (mut app, mut b) = review(80, 24);
    // Freshly opened: gold answers pre-filled but not saved, red flags unanswered, the
    // cursor on the first red flag.
    press(&mut app, &mut b, &["f"]);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn help_80x24() {
    let (mut app, mut b) = review(80, 24);
    press(&mut app, &mut b, &["?"]);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn note_input_80x24() {
    let (mut app, mut b) = review(80, 24);
    press(
        &mut app,
        &mut b,
        &["c", "m", "i", "s", "s", "e", "s", "Space"],
    );
    let s = screen(&app, 80, 24);
    assert!(s.contains("note, left step 3: misses"), "{s}");
}

#[test]
fn too_small_says_so_and_follows_resizes() {
    let (mut app, mut b) = review(80, 24);
    let s = screen(&app, 59, 24);
    assert!(s.contains("terminal too small: need at least 60×16"), "{s}");
    let _ = &mut b;
    app.update(blindstep::tui::Action::Resize(60, 16));
    let s = screen(&app, 60, 16);
    assert!(!s.contains("too small"), "{s}");
    assert!(s.contains("▶ Left"), "{s}");
}

/// Every screen and overlay, at two sizes and several focus positions.
fn every_screen() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (w, h) in [(80, 24), (160, 48), (100, 30)] {
        let mut b = backend();
        b.feedback = Some(vec![
            "Expected: left step 2 sound; you said neutral.".into(),
        ]);
        let mut app = started(&mut b, w, h);
        let mut shot =
            |name: &str, app: &App| out.push((format!("{name} {w}x{h}"), screen(app, w, h)));
        shot("queue", &app);
        press(&mut app, &mut b, &["/", "s", "u", "d"]);
        shot("filter", &app);
        press(&mut app, &mut b, &["Esc", "?"]);
        shot("queue help", &app);
        press(&mut app, &mut b, &["Esc", "Enter"]);
        for keys in [
            &[][..],
            &["j", "j"],
            &["l"],
            &["G"],
            &["3", "s"],
            &["1", "d"],
            &["w"],
            &["v"],
            &["c", "x"],
            &["Esc", "w"],
        ] {
            press(&mut app, &mut b, keys);
            shot(&format!("review after {keys:?}"), &app);
        }
        press(&mut app, &mut b, &["?", "G"]);
        shot("help end", &app);
        press(&mut app, &mut b, &["Esc", "f"]);
        shot("form", &app);
        // Finish the item: every step judged and the form complete, then the popup.
        press(
            &mut app,
            &mut b,
            &[
                "y", "n", "n", "n", "n", "y", "n", "n", "n", "n", "y", "y", "2", "Esc",
            ],
        );
        for side in ["h", "l"] {
            press(&mut app, &mut b, &[side, "g"]);
            for _ in 0..6 {
                press(&mut app, &mut b, &["1"]);
            }
        }
        shot("feedback popup", &app);
        press(&mut app, &mut b, &["Enter", "q"]);
        shot("queue after", &app);
    }
    out
}

#[test]
fn no_screen_shows_a_model_name_run_id_or_timing() {
    let screens = every_screen();
    assert!(screens.len() > 40);
    assert!(
        screens
            .iter()
            .any(|(n, s)| n.starts_with("feedback") && s.contains("Feedback")),
        "the popup was drawn"
    );
    for (name, text) in &screens {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{name} shows {secret:?}:\n{text}");
        }
    }
}

#[test]
fn time_spent_is_recorded_but_never_shown() {
    let (mut app, mut b) = review(80, 24);
    app.update(blindstep::tui::Action::Tick(987_654));
    press(&mut app, &mut b, &["3"]);
    let recorded = b
        .events
        .iter()
        .any(|e| matches!(e, tui_support::Saved::Step { ms: 987_654, .. }));
    assert!(recorded, "{:?}", b.events);
    let s = screen(&app, 80, 24);
    assert!(!s.contains("987") && !s.contains("654"), "{s}");
}

#[test]
fn no_color_draws_no_colour() {
    let (mut app, mut b) = review(80, 24);
    app.no_color = true;
    for keys in [&[][..], &["f"], &["Esc", "?"]] {
        press(&mut app, &mut b, keys);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| render_app(f, &app)).unwrap();
        let buf = terminal.backend().buffer();
        for cell in buf.content() {
            assert_eq!(
                (cell.fg, cell.bg),
                (Color::Reset, Color::Reset),
                "coloured cell {cell:?}"
            );
        }
    }
    // With colour, the badges are coloured.
    app.no_color = false;
    press(&mut app, &mut b, &["Esc", "Esc"]);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| render_app(f, &app)).unwrap();
    assert!(
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg == Color::Red)
    );
}

#[test]
fn both_sides_render_identically() {
    // The same text and verdicts on both sides must give the same cells, column for column.
    let mut item = tui_support::blind_item(1, 0, 5, 5);
    item.chains[1] = item.chains[0].clone();
    item.verdicts[0][2].label = Some(StepLabel::Error);
    item.verdicts[1][2].label = Some(StepLabel::Error);
    let mut app = App::with_item(item, (160, 48));
    app.update(blindstep::tui::Action::MoveLast);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    terminal.draw(|f| render_app(f, &app)).unwrap();
    let buf = terminal.backend().buffer();
    let areas = blindstep::tui::geometry::review_areas(buf.area, false, app.chain_layout());
    let [l, r] = areas.panels;
    let mut compared = 0;
    for dy in 0..l.body.height {
        for dx in 1..l.body.width {
            let a = &buf[(l.body.x + dx, l.body.y + dy)];
            let b = &buf[(r.body.x + dx, r.body.y + dy)];
            if dy as usize >= 7 {
                // Below the focused step (left side has the focus) the highlight differs.
                assert_eq!((a.symbol(), a.fg), (b.symbol(), b.fg), "at {dx},{dy}");
            }
            compared += 1;
        }
    }
    assert!(compared > 1000);
}

/// Frame time for this item is a benchmark (`blindstep bench review`); here only that the
/// end of a 2 × 300-step item is reachable and drawn.
#[test]
fn an_item_of_2x300_steps_draws_its_last_step() {
    let item = tui_support::blind_item(1, 0, 300, 300);
    let mut app = App::with_item(item, (160, 48));
    app.update(blindstep::tui::Action::MoveLast);
    let text = screen(&app, 160, 48);
    assert!(text.contains("300"), "{text}");
}

/// Item 12 in review where both chains end in a differential and give no separate answer.
fn differential_review(w: u16, h: u16) -> (App, MemBackend) {
    let mut b = MemBackend::study();
    let it = b.item_mut(ItemId(12)).unwrap();
    for c in &mut it.chains {
        c.answer = None;
        c.differential = vec![
            "Subarachnoid haemorrhage".into(),
            "Migraine without aura".into(),
            "Cervical artery dissection".into(),
        ];
    }
    let mut app = started(&mut b, w, h);
    press(&mut app, &mut b, &["Enter"]);
    (app, b)
}

#[test]
fn g_brings_the_differential_under_the_last_step_into_view() {
    for (w, h) in [(80, 24), (100, 24)] {
        let (mut app, mut b) = differential_review(w, h);
        let footers = |s: &str| {
            s.matches("⇒ differential: 1) Subarachnoid haemorrhage")
                .count()
        };
        // The left chain's footer starts out of view (the short right chain's may show).
        let before = footers(&screen(&app, w, h));
        assert!(before < 2);
        press(&mut app, &mut b, &["G"]);
        let s = screen(&app, w, h);
        assert!(
            footers(&s) > before || (before == 0 && footers(&s) == 1),
            "{w}x{h} after G:\n{s}"
        );
        assert!(!s.contains("(none found)"), "{w}x{h}:\n{s}");
        // The focused last step is still on screen, and marking it (an error stays on the
        // step) keeps the answer in view.
        assert!(
            s.lines().any(|l| l.starts_with('▶') && !l.contains("Left")),
            "{s}"
        );
        press(&mut app, &mut b, &["3"]);
        let s = screen(&app, w, h);
        assert!(s.contains("⇒ differential: 1)"), "{w}x{h} after 3:\n{s}");
        assert!(s.contains("saved left step 6: error"), "{s}");
    }
}

#[test]
fn j_past_the_last_step_shows_the_differential() {
    let (mut app, mut b) = differential_review(80, 24);
    press(&mut app, &mut b, &["j", "j", "j", "j", "j"]);
    assert_eq!(app.open.as_ref().unwrap().focus.step, 5);
    press(&mut app, &mut b, &["j"]);
    let s = screen(&app, 80, 24);
    assert!(s.contains("⇒ differential: 1)"), "{s}");
    assert_eq!(app.open.as_ref().unwrap().focus.step, 5);
}

#[test]
fn the_case_form_shows_a_differential_as_the_answer_given() {
    let (mut app, mut b) = differential_review(80, 24);
    press(&mut app, &mut b, &["f"]);
    // The whole top five, one per line, wrapped rather than cut.
    let s = screen(&app, 80, 40);
    assert!(s.contains("Left answered:"), "{s}");
    assert!(s.contains("1) Subarachnoid"), "{s}");
    assert!(s.contains("3) Cervical artery dissection"), "{s}");
    assert!(
        !s.lines().any(|l| l.contains(") ") && l.contains('…')),
        "{s}"
    );
    assert!(!s.contains("(no answer found)"), "{s}");
}

#[test]
fn help_wraps_at_60_columns() {
    let (mut app, mut b) = review(60, 24);
    press(&mut app, &mut b, &["?"]);
    let s = screen(&app, 60, 24);
    for word in ["relevant", "non-sequitur", "unmarked"] {
        assert!(
            s.split_whitespace()
                .any(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-') == word),
            "{word} is cut:\n{s}"
        );
    }
}

#[test]
fn an_error_stays_focused_and_the_status_says_what_comes_next() {
    let (mut app, mut b) = review(80, 24);
    let before = app.open.as_ref().unwrap().focus;
    press(&mut app, &mut b, &["3"]);
    assert_eq!(app.open.as_ref().unwrap().focus, before);
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("saved left step 3: error — s severity, d r p o tags, j to move on"),
        "{s}"
    );
    press(&mut app, &mut b, &["s", "1", "d", "j"]);
    let v = app.open.as_ref().unwrap();
    assert_eq!(v.verdict(Side::Left, 2).severity, Some(Severity::Minor));
    assert!(v.verdict(Side::Left, 2).tags.contains(&ErrorMode::Drift));
    assert_eq!(v.focus.step, 3);
}
