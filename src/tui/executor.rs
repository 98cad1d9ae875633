//! Performs effects against a [`ReviewBackend`] and feeds the results back through
//! `App::update` until nothing is left to do. Shared by the terminal runtime and the headless
//! replay, so both drive the same state machine against the same store.

use super::action::Action;
use super::app::App;
use super::backend::{BackendError, ReviewBackend};
use super::effect::Effect;
use crate::primitives::error_chain::error_chain;

/// Perform one effect; the action that reports its result, if any. `Quit` does nothing here.
pub fn perform(backend: &mut dyn ReviewBackend, effect: Effect) -> Option<Action> {
    match effect {
        Effect::LoadCursor => Some(match backend.load_cursor() {
            Ok(c) => Action::CursorLoaded(c),
            Err(e) => Action::Failed(format!("reading your last position: {}", error_chain(&e))),
        }),
        Effect::LoadQueue => Some(match backend.queue() {
            Ok(q) => Action::QueueLoaded(q),
            Err(e) => Action::Failed(format!("loading the queue: {}", error_chain(&e))),
        }),
        Effect::LoadItem(id) => Some(match backend.load_item(id) {
            Ok(item) => Action::ItemLoaded(Box::new(item)),
            Err(e) => Action::Failed(format!("loading item {id}: {}", error_chain(&e))),
        }),
        Effect::SaveStepVerdict {
            item,
            side,
            step_index,
            verdict,
            base,
            ms_spent,
        } => Some(
            match backend.save_step_verdict(item, side, step_index, &verdict, base, ms_spent) {
                Ok(event) => Action::StepVerdictSaved {
                    item,
                    side,
                    step_index,
                    verdict,
                    event,
                },
                Err(e) => failed(item, format!("{side} step {}", step_index + 1), e),
            },
        ),
        Effect::SaveCaseVerdict {
            item,
            verdict,
            base,
            ms_spent,
        } => Some(
            match backend.save_case_verdict(item, &verdict, base, ms_spent) {
                Ok(event) => Action::CaseVerdictSaved {
                    item,
                    verdict,
                    event,
                },
                Err(e) => failed(item, "the case verdict".to_string(), e),
            },
        ),
        Effect::Undo(item) => Some(match backend.undo_last(item) {
            Ok(change) => Action::Undone { item, change },
            Err(e) => Action::SaveFailed {
                what: format!("undo in item {item}"),
                error: error_chain(&e),
            },
        }),
        Effect::SaveCursor(c) => backend
            .save_cursor(&c)
            .err()
            .map(|e| Action::Failed(format!("saving your position: {}", error_chain(&e)))),
        Effect::ItemCompleted(item) => match backend.feedback(&item) {
            Ok(Some(lines)) => Some(Action::FeedbackReady(lines)),
            Ok(None) => None,
            Err(e) => Some(Action::Failed(format!("feedback: {}", error_chain(&e)))),
        },
        Effect::Quit => None,
    }
}

/// The result of a refused save: stale (changed in another session) or failed.
fn failed(item: crate::domain::ItemId, what: String, e: BackendError) -> Action {
    if e.is_stale() {
        Action::SaveStale { item, what }
    } else {
        Action::SaveFailed {
            what: format!("item {item} {what}"),
            error: error_chain(&e),
        }
    }
}

impl crate::ui::event_loop::Program for App {
    type Action = Action;
    type Effect = Effect;

    fn update(&mut self, action: Action) -> Vec<Effect> {
        App::update(self, action)
    }

    fn is_quit(effect: &Effect) -> bool {
        *effect == Effect::Quit
    }
}

/// Apply `action`, perform every effect it leads to, and apply their results, in order
/// (the shared [`crate::ui::event_loop::drive`]). `observe` sees every result action (replay
/// prints the saves). Returns true on `Quit`.
pub fn drive(
    app: &mut App,
    backend: &mut dyn ReviewBackend,
    action: Action,
    observe: &mut dyn FnMut(&App, &Action),
) -> bool {
    crate::ui::event_loop::drive(app, action, &mut |app, effect| {
        let result = perform(backend, effect)?;
        observe(app, &result);
        Some(result)
    })
}
