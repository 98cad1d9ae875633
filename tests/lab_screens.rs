//! Screen tests of the lab, rendered into ratatui's `TestBackend` (100×30) and compared with
//! insta snapshots: the text, plus a mask of the highlighted cells (drawn with `NO_COLOR`, so
//! the highlights are modifiers: they must show without colour).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod lab_support;

use blindstep::domain::{CaseId, ModelId, Provenance, Run, RunId};
use blindstep::lab::app::RunView;
use blindstep::lab::{Action, LabApp};
use blindstep::workflow::import_runs::chain_for;
use lab_support::{app, cases, draw, mask, press, text, typed};
use ratatui::style::{Color, Modifier};

const W: u16 = 100;
const H: u16 = 30;

fn hits(m: Modifier) -> char {
    if m.contains(Modifier::BOLD | Modifier::UNDERLINED) {
        '^'
    } else if m.contains(Modifier::REVERSED) {
        '='
    } else {
        ' '
    }
}

fn spans(m: Modifier) -> char {
    if m.contains(Modifier::REVERSED | Modifier::BOLD) {
        'F'
    } else if m.contains(Modifier::REVERSED) {
        '='
    } else if m.contains(Modifier::UNDERLINED) {
        'a'
    } else if m.contains(Modifier::ITALIC) {
        'b'
    } else if m.contains(Modifier::DIM) {
        '.'
    } else {
        ' '
    }
}

fn picker() -> LabApp {
    let mut a = app(W, H);
    press(&mut a, &["Tab"]); // pick im-001
    typed(&mut a, "neuhead");
    press(&mut a, &["Down", "Tab", "Up"]);
    a
}

#[test]
fn picker_highlights_matched_characters() {
    let a = picker();
    let buf = draw(&a, W, H);
    let shot = format!("{}\n{}", text(&buf), mask(&buf, hits));
    // The matched letters of the best match are marked, in order.
    let row = text(&buf).lines().nth(3).unwrap().to_string();
    assert!(row.contains("neu-"), "{row}");
    insta::assert_snapshot!(shot);
}

const OUTPUT: &str = "<think>\nOkay, so the patient has a sudden severe headache during exercise. \
Hmm, neck stiffness and vomiting point to meningeal irritation. \
I think subarachnoid haemorrhage is the main concern; a non-contrast CT is the first test. \
Migraine would not start this abruptly.\n</think>\n\
The most likely diagnosis is subarachnoid haemorrhage.\n\nFinal answer: B";

fn mid_stream() -> LabApp {
    let mut a = app(W, H);
    typed(&mut a, "neu");
    press(&mut a, &["Tab", "Tab", "Enter", "Enter"]);
    a.update(Action::ModelLoading {
        model: "smollm2-135m".into(),
    });
    a.update(Action::ModelLoaded {
        identity: "llama · Q4_1 · cpu · 4 thread(s) · /models/smol.gguf".into(),
    });
    let first = a.batch.as_ref().unwrap().cases[0].clone();
    a.update(Action::CaseStarted {
        case: first.clone(),
    });
    for piece in OUTPUT[..260].split_inclusive(' ') {
        a.update(Action::Token {
            case: first.clone(),
            text: piece.to_string(),
        });
    }
    a.update(Action::Progress {
        case: first,
        tokens: 57,
        tokens_per_second: 42.25,
    });
    a
}

#[test]
fn run_pane_mid_stream() {
    let a = mid_stream();
    let shot = text(&draw(&a, W, H));
    assert!(shot.contains("42.2 tok/s"), "{shot}");
    assert!(shot.contains("0/2 cases"), "{shot}");
    insta::assert_snapshot!(shot);
}

fn raw_view(focus_steps_down: usize) -> LabApp {
    let mut a = app(W, H);
    let case = cases()
        .into_iter()
        .find(|c| c.id.as_str() == "neu-002")
        .unwrap();
    let mut chain = chain_for(&case, OUTPUT, None);
    // The steps come from the real stripper; the version label would churn the snapshot.
    chain.stripper_version = "strip-test".into();
    assert!(chain.steps.len() >= 3, "{chain:?}");
    let run = Run {
        id: RunId(42),
        case_id: CaseId::new("neu-002"),
        model_id: ModelId(1),
        model_name: "smollm2-135m".into(),
        output: OUTPUT.into(),
        reasoning: None,
        provenance: Provenance {
            origin: "candle".into(),
            tokens_per_second: Some(41.0),
            time_to_first_token_ms: Some(120.0),
            ..Provenance::default()
        },
        created_at: "2026-01-01 10:00:00".into(),
    };
    a.update(Action::RunOpened(Box::new(RunView {
        run,
        chain: Some(chain),
    })));
    for _ in 0..focus_steps_down {
        press(&mut a, &["j"]);
    }
    a
}

#[test]
fn raw_vs_stripped_highlights_the_focused_step() {
    let a = raw_view(1);
    let buf = draw(&a, W, H);
    let shot = format!("{}\n{}", text(&buf), mask(&buf, spans));
    // The focused step's raw text is strong on the left and its stripped text on the right.
    let m = mask(&buf, spans);
    let focused_rows = m.lines().filter(|l| l.contains('F')).count();
    assert!(focused_rows >= 2, "{m}");
    insta::assert_snapshot!(shot);
}

#[test]
fn raw_view_dims_text_no_step_came_from() {
    let a = raw_view(0);
    let buf = draw(&a, W, H);
    let t = text(&buf);
    let cell = |needle: &str| {
        let (y, line) = t
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .unwrap();
        let x = line.find(needle).unwrap() as u16; // ASCII up to here
        buf[(x, y as u16)].modifier
    };
    // The think tags and the answer line belong to no step: dimmed.
    assert!(cell("<think>").contains(Modifier::DIM));
    assert!(cell("Final answer").contains(Modifier::DIM));
    // The first step is focused: strong on the left, where "Okay, so" starts its span.
    assert!(cell("Okay, so").contains(Modifier::REVERSED | Modifier::BOLD));
    assert!(!cell("Hmm, neck").contains(Modifier::REVERSED));
}

#[test]
fn no_color_draws_no_colour_and_colour_marks_hits() {
    for (name, a) in [
        ("picker", picker()),
        ("run", mid_stream()),
        ("raw", raw_view(1)),
    ] {
        let buf = draw(&a, W, H);
        for cell in buf.content() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "{name}: colour under NO_COLOR: {cell:?}"
            );
        }
    }
    let mut a = picker();
    a.no_color = false;
    let buf = draw(&a, W, H);
    assert!(
        buf.content()
            .iter()
            .any(|c| c.fg == Color::Yellow && c.modifier.contains(Modifier::UNDERLINED))
    );
}

#[test]
fn too_small_says_so() {
    let a = picker();
    let t = text(&draw(&a, 50, 12));
    assert!(t.contains("terminal too small"), "{t}");
}

#[test]
fn every_screen_fits_80x24_without_panicking() {
    for a in [picker(), mid_stream(), raw_view(2)] {
        let t = text(&draw(&a, 80, 24));
        assert!(t.starts_with(" blindstep lab"), "{t}");
    }
    let mut a = app(80, 24);
    press(&mut a, &["Enter"]);
    let t = text(&draw(&a, 80, 24));
    assert!(
        t.contains("max tokens") && t.contains("smollm2-135m"),
        "{t}"
    );
}

/// The review screens must never see the lab: no `lab` path anywhere under src/tui.
#[test]
fn the_review_tui_does_not_reference_the_lab() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/tui");
    let mut stack = vec![std::path::PathBuf::from(root)];
    let mut files = 0;
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                files += 1;
                let src = std::fs::read_to_string(&path).unwrap();
                assert!(
                    !src.contains("crate::lab") && !src.contains("blindstep::lab"),
                    "{} refers to the lab",
                    path.display()
                );
            }
        }
    }
    assert!(files > 10);
}
