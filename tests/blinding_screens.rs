//! No model identity reaches a review frame, fed through the real paths: a store-backed demo
//! study (model names, labels, roles and raw outputs in the database), the demo's answer-key
//! feedback, a database kept under a path with a distinctive name, and save errors raised by
//! the store itself. Every frame of a long walk through the queue, the review screen, the
//! case form, the help and the feedback popup is searched, at 80×24 and 160×48.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::storage::Store;
use blindstep::tui::executor::drive;
use blindstep::tui::{Action, App, map_key, parse_key_name, render_app};
use blindstep::workflow::demo::{self, DemoKey};
use blindstep::workflow::review_backend::StoreBackend;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// What must never be on a reviewer's screen. Role words are not here: the form asks which
/// side is the student.
const SECRETS: &[&str] = &[
    "aster",
    "cobalt",
    "distill",
    "70b",
    "8b-",
    "fictional demo model",
    "secret-path-q7",
    "demo.db",
    "runs-",
    "assets/",
    "jsonl",
    "tok/s",
    "run id",
    "run_id",
];

fn frame(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| render_app(f, app)).unwrap();
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn check(app: &App, step: &str, seen: &mut usize) {
    for (w, h) in [(80, 24), (160, 48)] {
        let text = frame(app, w, h).to_lowercase();
        *seen += 1;
        for s in SECRETS {
            assert!(
                !text.contains(s),
                "after {step:?} at {w}×{h} the screen shows {s:?}:\n{text}"
            );
        }
    }
}

/// A walk that judges every step of the first items, opens and fills the form, reads the
/// help and the feedback, filters the queue, and goes back and forth.
fn walk() -> Vec<&'static str> {
    let mut keys = vec!["Enter"];
    for _ in 0..3 {
        keys.extend(std::iter::repeat_n("1", 40));
        keys.extend(["3", "d", "s", "s", "r", "k", "2", "?", "Esc"]);
        keys.extend(["f", "y", "j", "y", "j", "n", "j", "l", "j", "1", "j", "y"]);
        keys.extend(std::iter::repeat_n("j", 6));
        keys.extend(["Enter", "y", "Enter", "1", "Esc", "Esc", "q"]);
        keys.extend(["/", "a", "Esc", "j", "Enter"]);
    }
    keys
}

#[test]
fn no_identity_reaches_a_frame_from_the_store_the_key_or_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("secret-path-q7");
    std::fs::create_dir_all(&home).unwrap();
    let db = home.join("demo.db");
    let mut store = Store::open(&db).unwrap();
    assert!(demo::ensure_demo(&mut store).unwrap());
    let mut backend = StoreBackend::open(store, demo::STUDY, demo::REVIEWER).unwrap();
    backend.feedback = Some(Box::new(DemoKey::shipped().unwrap()));

    let mut app = App::new((80, 24));
    app.no_color = true;
    let mut seen = 0;
    drive(&mut app, &mut backend, Action::Start, &mut |_, _| {});
    check(&app, "start", &mut seen);
    let mut feedback_seen = false;
    let mut error_seen = false;
    for (i, name) in walk().into_iter().enumerate() {
        if i == 60 {
            // From here on every save fails inside the store, with its own message.
            rusqlite::Connection::open(&db)
                .unwrap()
                .execute_batch(
                    "CREATE TRIGGER refuse_steps BEFORE INSERT ON step_verdict_events \
                     BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END;",
                )
                .unwrap();
        }
        let key = parse_key_name(name).unwrap();
        if let Some(action) = map_key(&app, key) {
            drive(&mut app, &mut backend, action, &mut |_, _| {});
        }
        feedback_seen |= app.feedback.is_some();
        error_seen |= i > 60 && app.status.kind == blindstep::tui::StatusKind::Error;
        check(&app, name, &mut seen);
    }
    // The answer-key feedback of every item, built by the demo key from the reviewer's
    // stored verdicts, drawn in the popup and scrolled through.
    use blindstep::tui::ReviewBackend;
    for entry in backend.queue().unwrap() {
        let item = backend.load_item(entry.item).unwrap();
        let lines = backend
            .feedback(&item)
            .unwrap()
            .expect("the demo key gives feedback");
        assert!(lines.len() > 3);
        app.update(Action::FeedbackReady(lines));
        feedback_seen = true;
        for name in ["start", "j", "j", "PgDn", "PgDn", "End", "Esc"] {
            if let Ok(key) = parse_key_name(name)
                && let Some(action) = map_key(&app, key)
            {
                drive(&mut app, &mut backend, action, &mut |_, _| {});
            }
            check(&app, name, &mut seen);
        }
    }
    assert!(feedback_seen);
    assert!(seen > 200, "only {seen} frames were searched");
    assert!(error_seen, "the store's refusal reached the status line");
}
