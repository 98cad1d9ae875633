//! Treatment-planning (`plan`) items in the case-verdict form: the gold plan and the plan
//! ratings only once every step is judged; each side's plan rated on its own row.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::tests_support::item;
use crate::domain::{EventId, PlanRating, StepLabel, Task};
use crate::tui::action::FormKey;
use crate::tui::form::{FormField, gold_plan_visible};
use crate::tui::{Action, App, Effect};

fn plan_app() -> App {
    let mut it = item(8, 1, 1);
    it.case.task = Task::Plan {
        plan: "Urgent CT head; nimodipine if confirmed".into(),
    };
    App::with_item(it, (120, 40))
}

fn save(app: &mut App, fx: Vec<Effect>) {
    for e in fx {
        match e {
            Effect::SaveStepVerdict {
                item,
                side,
                step_index,
                verdict,
                ..
            } => {
                app.update(Action::StepVerdictSaved {
                    item,
                    side,
                    step_index,
                    verdict,
                    event: EventId(1),
                });
            }
            Effect::SaveCaseVerdict { item, verdict, .. } => {
                app.update(Action::CaseVerdictSaved {
                    item,
                    verdict,
                    event: EventId(2),
                });
            }
            _ => {}
        }
    }
}

#[test]
fn plans_are_rated_only_after_every_step_is_judged() {
    let mut app = plan_app();
    app.update(Action::ToggleCaseForm);
    let v = app.open.as_ref().unwrap();
    assert_eq!(
        v.form_rows()[0].cell(0),
        FormField::Plan(crate::domain::Side::Left)
    );
    assert!(!gold_plan_visible(&v.item));
    // the form's first unanswered field is a red flag: go to the plan row
    app.update(Action::MoveFirst);
    assert!(app.update(Action::FormInput(FormKey::Yes)).is_empty());
    assert!(
        app.status.text.contains("judge every step first"),
        "{}",
        app.status.text
    );
    // judge both steps, then rate
    app.update(Action::ToggleCaseForm);
    for _ in 0..2 {
        let fx = app.update(Action::JudgeStep(StepLabel::Sound));
        save(&mut app, fx);
    }
    assert!(gold_plan_visible(&app.open.as_ref().unwrap().item));
    app.update(Action::ToggleCaseForm);
    app.update(Action::MoveFirst);
    let fx = app.update(Action::FormInput(FormKey::Level(2)));
    assert_eq!(fx.len(), 1, "{}", app.status.text);
    save(&mut app, fx);
    // the grid walks down the left side next: go to the right side's plan
    app.update(Action::MoveFirst);
    app.update(Action::MoveRight);
    let fx = app.update(Action::FormInput(FormKey::Yes));
    save(&mut app, fx);
    let v = &app.open.as_ref().unwrap().item.case_verdict;
    assert_eq!(
        v.plan,
        [Some(PlanRating::Partly), Some(PlanRating::Adequate)]
    );
    assert_eq!(v.answer_correct, [Some(false), Some(true)]);
}
