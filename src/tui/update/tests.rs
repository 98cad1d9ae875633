//! State tests: drive `App::update` with actions and check state and effects (no terminal).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::tests_support::item;
use crate::domain::{
    ErrorMode, EventId, ItemId, Preference, ReviewCursor, Severity, Side, StepLabel,
};
use crate::tui::action::FormKey;
use crate::tui::app::{Focus, Screen, StatusKind};
use crate::tui::{Action, App, Effect};

/// Perform save effects the way a backend that always succeeds would.
fn confirm(app: &mut App, effects: Vec<Effect>) -> Vec<Effect> {
    let mut rest = Vec::new();
    for e in effects {
        match e {
            Effect::SaveStepVerdict {
                item,
                side,
                step_index,
                verdict,
                ..
            } => rest.extend(app.update(Action::StepVerdictSaved {
                item,
                side,
                step_index,
                verdict,
                event: EventId(1),
            })),
            Effect::SaveCaseVerdict { item, verdict, .. } => {
                rest.extend(app.update(Action::CaseVerdictSaved {
                    item,
                    verdict,
                    event: EventId(2),
                }))
            }
            other => rest.push(other),
        }
    }
    rest
}

fn open(left: usize, right: usize) -> App {
    App::with_item(item(5, left, right), (120, 40))
}

fn focus(app: &App) -> Focus {
    app.open.as_ref().map(|v| v.focus).unwrap()
}

#[test]
fn judging_saves_first_and_shows_only_after_confirmation() {
    let mut app = open(3, 2);
    app.update(Action::Tick(1_000));
    app.update(Action::Tick(4_500));
    let fx = app.update(Action::JudgeStep(StepLabel::Error));
    let [
        Effect::SaveStepVerdict {
            item,
            side,
            step_index,
            verdict,
            base,
            ms_spent,
        },
    ] = fx.as_slice()
    else {
        panic!("expected one save, got {fx:?}");
    };
    assert_eq!(*base, None, "a never-judged step is saved on no base");
    assert_eq!((*item, *side, *step_index), (ItemId(5), Side::Left, 0));
    assert_eq!(verdict.label, Some(StepLabel::Error));
    assert_eq!(*ms_spent, 4_500);
    // Not optimistic: nothing changed on screen yet.
    assert_eq!(
        app.open.as_ref().unwrap().verdict(Side::Left, 0).label,
        None
    );
    assert_ne!(app.status.kind, StatusKind::Saved);
    assert_eq!(
        focus(&app),
        Focus {
            side: Side::Left,
            step: 0
        }
    );

    confirm(&mut app, fx);
    let v = app.open.as_ref().unwrap();
    assert_eq!(v.verdict(Side::Left, 0).label, Some(StepLabel::Error));
    assert_eq!(app.status.kind, StatusKind::Saved);
    assert!(
        app.status
            .text
            .contains("left step 1: error — s severity, d r p o tags, j to move on"),
        "{}",
        app.status.text
    );
    // An error stays focused: severity and tags come next.
    assert_eq!(
        focus(&app),
        Focus {
            side: Side::Left,
            step: 0
        }
    );
    assert!(v.lines.steps[0][0].lines[0].contains("[✗ error]"));
}

#[test]
fn error_stays_on_the_step_so_severity_and_tags_land_there() {
    let mut app = open(3, 2);
    for a in [
        Action::JudgeStep(StepLabel::Error),
        Action::OpenSeverity,
        Action::ChooseSeverity(Some(Severity::Minor)),
        Action::ToggleTag(ErrorMode::Drift),
    ] {
        let opens = a == Action::OpenSeverity;
        let fx = app.update(a);
        assert_eq!(fx.len(), usize::from(!opens), "{:?}", app.status);
        confirm(&mut app, fx);
    }
    let v = app.open.as_ref().unwrap().verdict(Side::Left, 0);
    assert_eq!(
        (v.label, v.severity),
        (Some(StepLabel::Error), Some(Severity::Minor))
    );
    assert!(v.tags.contains(&ErrorMode::Drift));
    assert_eq!(focus(&app).step, 0);
    // j moves on; 1, 2 and 0 still advance by themselves.
    app.update(Action::MoveDown);
    for label in [StepLabel::Sound, StepLabel::Neutral] {
        let fx = app.update(Action::JudgeStep(label));
        confirm(&mut app, fx);
    }
    assert_eq!(
        focus(&app),
        Focus {
            side: Side::Right,
            step: 0
        }
    );
    let fx = app.update(Action::JudgeStep(StepLabel::Abstain));
    confirm(&mut app, fx);
    assert_eq!(focus(&app).step, 1);
}

#[test]
fn a_failed_save_shows_the_error_and_changes_nothing() {
    let mut app = open(2, 2);
    let fx = app.update(Action::JudgeStep(StepLabel::Sound));
    assert_eq!(fx.len(), 1);
    app.update(Action::SaveFailed {
        what: "item 5 left step 1".into(),
        error: "disk I/O error".into(),
    });
    assert_eq!(app.status.kind, StatusKind::Error);
    assert!(app.status.text.contains("disk I/O error"));
    assert_eq!(
        app.open.as_ref().unwrap().verdict(Side::Left, 0).label,
        None
    );
    assert!(app.pending.is_none());
}

#[test]
fn judging_advances_down_the_side_then_to_the_other_side() {
    let mut app = open(2, 2);
    for _ in 0..2 {
        let fx = app.update(Action::JudgeStep(StepLabel::Sound));
        confirm(&mut app, fx);
    }
    assert_eq!(
        focus(&app),
        Focus {
            side: Side::Right,
            step: 0
        }
    );
    for _ in 0..2 {
        let fx = app.update(Action::JudgeStep(StepLabel::Neutral));
        confirm(&mut app, fx);
    }
    assert!(app.open.as_ref().unwrap().all_steps_judged());
    assert!(
        app.status.text.contains("f for the case verdict"),
        "{}",
        app.status.text
    );
}

#[test]
fn tags_severity_bad_split_and_notes() {
    let mut app = open(2, 2);
    let fx = app.update(Action::OpenSeverity);
    assert!(fx.is_empty(), "severity needs an error label first");
    assert!(!app.severity_menu);
    assert!(app.status.text.contains("press 3"));
    let fx = app.update(Action::JudgeStep(StepLabel::Error));
    confirm(&mut app, fx);
    app.update(Action::MoveUp);
    app.update(Action::OpenSeverity);
    assert!(app.severity_menu);
    let fx = app.update(Action::ChooseSeverity(Some(Severity::Major)));
    assert!(!app.severity_menu);
    assert_eq!(fx.len(), 1, "one event for the choice");
    confirm(&mut app, fx);
    for a in [
        Action::ToggleTag(ErrorMode::Drift),
        Action::ToggleTag(ErrorMode::RedFlag),
        Action::ToggleBadSplit,
    ] {
        let fx = app.update(a);
        assert_eq!(fx.len(), 1);
        confirm(&mut app, fx);
    }
    app.update(Action::StartNote);
    for c in "misses SAH".chars() {
        app.update(Action::TextInput(c));
    }
    let fx = app.update(Action::TextSubmit);
    confirm(&mut app, fx);
    let v = app.open.as_ref().unwrap().verdict(Side::Left, 0);
    assert_eq!(v.severity, Some(Severity::Major));
    assert!(v.tags.contains(&ErrorMode::Drift) && v.tags.contains(&ErrorMode::RedFlag));
    assert!(v.bad_split);
    assert_eq!(v.note.as_deref(), Some("misses SAH"));
    let line = &app.open.as_ref().unwrap().lines.steps[0][0].lines[0];
    assert!(line.contains("[✗ error·major d r ✎ ✂]"), "{line}");
    // Relabelling as sound drops the severity but keeps the tags.
    let fx = app.update(Action::JudgeStep(StepLabel::Sound));
    confirm(&mut app, fx);
    let v = app.open.as_ref().unwrap().verdict(Side::Left, 0);
    assert_eq!((v.label, v.severity), (Some(StepLabel::Sound), None));
    assert_eq!(v.tags.len(), 2);
    // Esc leaves the note as it was.
    app.update(Action::MoveUp);
    app.update(Action::StartNote);
    app.update(Action::TextInput('x'));
    assert!(app.update(Action::Cancel).is_empty());
    assert!(app.note.is_none());
}

#[test]
fn undo_asks_the_store_and_shows_what_it_put_back() {
    let mut app = open(2, 1);
    let fx = app.update(Action::JudgeStep(StepLabel::Error));
    confirm(&mut app, fx);
    app.update(Action::MoveDown);
    assert_eq!(app.update(Action::Undo), vec![Effect::Undo(ItemId(5))]);
    assert!(app.pending.is_some());
    let fx = app.update(Action::Undone {
        item: ItemId(5),
        change: Some(crate::domain::UndoneChange::Step {
            side: Side::Left,
            step_index: 0,
            verdict: Default::default(),
            event: EventId(9),
        }),
    });
    assert!(fx.is_empty());
    let v = app.open.as_ref().unwrap();
    assert!(v.verdict(Side::Left, 0).is_unmarked());
    assert_eq!(
        v.step_event(Side::Left, 0),
        Some(EventId(9)),
        "the next save is based on it"
    );
    assert_eq!(
        focus(&app),
        Focus {
            side: Side::Left,
            step: 0
        }
    );
    assert!(app.status.text.starts_with("undone"), "{}", app.status.text);
    app.update(Action::Undo);
    app.update(Action::Undone {
        item: ItemId(5),
        change: None,
    });
    assert!(app.status.text.contains("nothing to undo"));
    assert!(app.pending.is_none());
}

#[test]
fn opening_the_form_saves_nothing_and_starts_on_the_first_unanswered_cell() {
    let mut app = open(1, 1);
    let fx = app.update(Action::ToggleCaseForm);
    assert_eq!(app.screen, Screen::CaseForm);
    assert!(fx.is_empty(), "opening the form saved {fx:?}");
    let v = app.open.as_ref().unwrap();
    // Steps are unmarked, so nothing is pre-filled from gold yet.
    assert_eq!(
        v.current_field(),
        Some(crate::tui::form::FormField::AnswerCorrect(Side::Left))
    );
    assert!(
        app.status
            .text
            .starts_with("left · answer correct: unanswered"),
        "{}",
        app.status.text
    );
    assert!(app.update(Action::Cancel).is_empty());
    assert_eq!(app.screen, Screen::Review);
    assert!(app.pending.is_none());
}

#[test]
fn form_prefills_from_gold_and_completion_is_announced_once() {
    use crate::tui::form::FormField;
    let mut app = open(1, 1);
    for _ in 0..2 {
        let fx = app.update(Action::JudgeStep(StepLabel::Sound));
        confirm(&mut app, fx);
    }
    assert!(app.update(Action::ToggleCaseForm).is_empty());
    let at = |app: &App| app.open.as_ref().unwrap().current_field();
    assert_eq!(at(&app), Some(FormField::RedFlag(0, Side::Left)));
    // The first change saves the whole form as shown: gold answers included, red flags not.
    let fx = app.update(Action::FormInput(FormKey::Yes));
    let [Effect::SaveCaseVerdict { verdict, base, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(*base, None);
    // The left chain answered C (gold), the right A.
    assert_eq!(verdict.answer_correct, [Some(true), Some(false)]);
    assert_eq!(verdict.red_flags, [vec![true], vec![]]);
    confirm(&mut app, fx);
    // On down the left side: red flag 1 acted on.
    assert_eq!(at(&app), Some(FormField::ActedOn(0, Side::Left)));
    // A flag below an unanswered one cannot be set: that would record the gap as "no".
    app.update(Action::MoveDown);
    app.update(Action::MoveDown);
    assert_eq!(at(&app), Some(FormField::ActedOn(1, Side::Left)));
    assert!(app.update(Action::FormInput(FormKey::Yes)).is_empty());
    assert!(
        app.status.text.contains("above this one first"),
        "{}",
        app.status.text
    );
    app.update(Action::MoveUp);
    app.update(Action::MoveUp);
    let mut done_effects = Vec::new();
    // left: acted 1, recognised 2, acted 2; right: recognised 1, acted 1, recognised 2, acted 2.
    for key in [FormKey::No, FormKey::No, FormKey::No] {
        let fx = app.update(Action::FormInput(key));
        assert_eq!(fx.len(), 1, "{key:?}: {}", app.status.text);
        done_effects.extend(confirm(&mut app, fx));
    }
    assert_eq!(
        at(&app),
        Some(FormField::RedFlag(0, Side::Right)),
        "{}",
        app.status.text
    );
    for key in [FormKey::No, FormKey::No, FormKey::Yes, FormKey::Yes] {
        let fx = app.update(Action::FormInput(key));
        assert_eq!(fx.len(), 1, "{key:?}: {}", app.status.text);
        done_effects.extend(confirm(&mut app, fx));
    }
    assert_eq!(at(&app), Some(FormField::Preferred(Preference::Left)));
    for (moves, key) in [(0, FormKey::Yes), (1, FormKey::Yes), (0, FormKey::Level(4))] {
        for _ in 0..moves {
            app.update(Action::MoveRight);
        }
        let fx = app.update(Action::FormInput(key));
        assert_eq!(fx.len(), 1, "{key:?}: {}", app.status.text);
        done_effects.extend(confirm(&mut app, fx));
    }
    let v = &app.open.as_ref().unwrap().item.case_verdict;
    assert_eq!(v.red_flags, [vec![true, false], vec![false, true]]);
    assert_eq!(v.acted_on, [vec![false, false], vec![false, true]]);
    assert_eq!(v.preferred, Some(Preference::Left));
    assert_eq!(v.student_guess, Some(Side::Right));
    assert_eq!(v.confidence, Some(4));
    assert!(matches!(done_effects.as_slice(), [Effect::ItemCompleted(it)] if it.item == ItemId(5)));
    assert!(app.status.text.contains("item complete"));
    // Changing an answered cell later takes a second press, and does not announce
    // completion again.
    app.update(Action::MoveFirst);
    app.update(Action::MoveDown);
    app.update(Action::MoveLeft);
    assert!(app.update(Action::FormInput(FormKey::Toggle)).is_empty());
    assert!(
        app.status
            .text
            .contains("left · red flag 1 recognised is yes"),
        "{}",
        app.status.text
    );
    let fx = app.update(Action::FormInput(FormKey::Toggle));
    assert!(confirm(&mut app, fx).is_empty());
    assert_eq!(
        app.open.as_ref().unwrap().item.case_verdict.red_flags[0],
        vec![false, false]
    );
}

#[test]
fn resume_puts_the_focus_where_the_reviewer_stopped() {
    let mut app = App::new((80, 24));
    app.update(Action::CursorLoaded(Some(ReviewCursor {
        item: Some(ItemId(5)),
        side: Side::Right,
        step: 1,
    })));
    let fx = app.update(Action::ItemLoaded(Box::new(item(5, 3, 3))));
    assert_eq!(
        focus(&app),
        Focus {
            side: Side::Right,
            step: 1
        }
    );
    assert!(matches!(fx.as_slice(), [Effect::SaveCursor(c)] if c.item == Some(ItemId(5))));
    let fx = app.update(Action::Back);
    assert_eq!(app.screen, Screen::Queue);
    assert!(
        matches!(fx.as_slice(), [Effect::SaveCursor(c), Effect::LoadQueue] if c.item.is_none())
    );
}

#[test]
fn moving_clamps_to_each_side_and_keeps_the_focus_visible() {
    let mut app = App::with_item(item(1, 300, 5), (80, 24));
    app.update(Action::MoveLast);
    assert_eq!(focus(&app).step, 299);
    let v = app.open.as_ref().unwrap();
    let (top, _) = v.lines.step_span(false, 0, 299).unwrap();
    assert!(
        v.chain_scroll[0] <= top && top < v.chain_scroll[0] + 6,
        "scroll {} top {top}",
        v.chain_scroll[0]
    );
    app.update(Action::MoveRight);
    assert_eq!(
        focus(&app),
        Focus {
            side: Side::Right,
            step: 0
        },
        "the other side's first unmarked step"
    );
    app.update(Action::ToggleLayout);
    assert_eq!(app.chain_layout(), crate::tui::ChainLayout::SideBySide);
    app.update(Action::Resize(160, 48));
    assert_eq!(app.chain_layout(), crate::tui::ChainLayout::SideBySide);
}

#[test]
fn pasted_text_becomes_one_line_and_never_submits() {
    assert_eq!(super::one_line("a\r\nb\rc\nd\te\u{7}f"), "a b c d ef");
    let mut app = open(2, 2);
    // Not editing: a paste changes nothing.
    assert!(app.update(Action::Paste("3\n".into())).is_empty());
    assert!(app.note.is_none());
    app.update(Action::StartNote);
    assert!(app.update(Action::Paste("one\ntwo".into())).is_empty());
    assert_eq!(app.note.as_deref(), Some("one two"));
    assert!(app.pending.is_none());
}
