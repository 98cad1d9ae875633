//! The tally screen rendered into ratatui's `TestBackend` and compared with insta snapshots;
//! the blinded screen names no model; keys walk the groups and `q` quits.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{ErrorMode, ItemId, Role, Severity, Specialty, StepLabel, TaskKind};
use blindstep::storage::Slot;
use blindstep::tally::{
    CaseObs, GroupBy, ItemInfo, ModelInfo, StepObs, TallyConfig, TallyInput, mode_bit, tally,
};
use blindstep::tui::tally::TallyScreen;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Six items, one reviewer: the student answers more often right and errs more per step.
fn input(unblinded: bool) -> TallyInput {
    let specialties = [
        Specialty::Neurology,
        Specialty::Surgery,
        Specialty::Pediatrics,
    ];
    let items: Vec<ItemInfo> = (0..6)
        .map(|i| ItemInfo {
            item: ItemId(i + 1),
            case_id: format!("case-{i}"),
            specialty: specialties[i as usize % 3],
            incidence: None,
            stage: Default::default(),
            task: if i % 2 == 0 {
                TaskKind::Mcq
            } else {
                TaskKind::Differential
            },
            source: "test".into(),
            red_flags: 1,
            steps: [5, 5],
            auto_correct: [Some(true), Some(i % 2 == 0)],
            detail: Default::default(),
            outcomes: Default::default(),
            conflicts: [false; 2],
        })
        .collect();
    let mut steps = Vec::new();
    for item in 0..6u32 {
        for slot in Slot::BOTH {
            for step in 0..5u32 {
                let error = match slot {
                    Slot::A => step < 2,
                    Slot::B => step == 0 && item % 3 == 0,
                };
                steps.push(StepObs {
                    item,
                    reviewer: 0,
                    slot,
                    step,
                    label: Some(if error {
                        StepLabel::Error
                    } else {
                        StepLabel::Sound
                    }),
                    severity: error.then_some(Severity::Major),
                    tags: if error && slot == Slot::A {
                        mode_bit(ErrorMode::RedFlag)
                    } else {
                        0
                    },
                    bad_split: false,
                });
            }
        }
    }
    let cases = (0..6u32)
        .map(|item| CaseObs {
            item,
            reviewer: 0,
            answer_correct: [Some(true), Some(item % 2 == 0)],
            red_flags: [vec![false], vec![true]],
            acted_on: [vec![false], vec![item % 2 == 0]],
            student_guess: Some(if item < 4 { Slot::A } else { Slot::B }),
            preferred: None,
            preferred_tie: false,
            confidence: Some(3),
            complete: true,
        })
        .collect();
    TallyInput {
        study: "demo".into(),
        models: unblinded.then(|| {
            [
                ModelInfo {
                    name: "aster-8b-distill".into(),
                    role: Role::Student,
                },
                ModelInfo {
                    name: "cobalt-70b".into(),
                    role: Role::Teacher,
                },
            ]
        }),
        reviewers: vec!["you".into()],
        items,
        assignments: (0..6).map(|i| (i, 0)).collect(),
        steps,
        cases,
        ..TallyInput::default()
    }
}

fn screen(s: &TallyScreen, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| s.render(f)).unwrap();
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn config() -> TallyConfig {
    TallyConfig {
        by: GroupBy::ALL.to_vec(),
        ..TallyConfig::default()
    }
}

#[test]
fn tally_screen_80x24() {
    let s = TallyScreen::new(tally(&input(true), &config()), true);
    let text = screen(&s, 80, 24);
    assert!(text.contains("aster-8b-distill (student)"));
    assert!(
        text.contains("higher accuracy and higher step error"),
        "{text}"
    );
    assert!(!text.contains("better answers, worse steps"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn tally_screen_120x60_scrolled_to_the_tables() {
    let mut s = TallyScreen::new(tally(&input(true), &config()), true);
    s.scroll = 8;
    insta::assert_snapshot!(screen(&s, 120, 60));
}

#[test]
fn blinded_screen_names_no_model_and_keys_work() {
    let mut s = TallyScreen::new(tally(&input(false), &config()), false);
    let text = screen(&s, 80, 24);
    assert!(text.contains("blinded"));
    for secret in ["aster", "cobalt", "student", "teacher"] {
        assert!(
            !text.to_lowercase().contains(secret),
            "{secret} on the blinded screen:\n{text}"
        );
    }
    assert!(screen(&s, 40, 10).contains("needs at least 60×16"));
    let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
    let mut open = TallyScreen::new(tally(&input(true), &config()), true);
    let groups = open.tally.groups.len();
    assert!(groups > 3);
    assert!(!open.handle(key(KeyCode::Right)));
    assert_eq!(open.group, 1);
    assert!(!open.handle(key(KeyCode::Left)) && !open.handle(key(KeyCode::Left)));
    assert_eq!(open.group, groups - 1);
    assert!(screen(&open, 80, 24).contains("reviewer = you"));
    assert!(s.handle(key(KeyCode::Char('q'))));
}
