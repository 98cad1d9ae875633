//! Results of performed effects: loaded data and confirmed (or failed) saves. A verdict on
//! screen changes here and only here, after the backend said it is durable.

use crate::domain::{
    BlindItem, CaseVerdict, EventId, ItemId, Side, StepLabel, StepVerdict, UndoneChange,
};
use crate::tui::action::Action;
use crate::tui::app::{App, Focus, ItemView, Screen, Status};
use crate::tui::badge::describe_words;
use crate::tui::chain_layout::ChainLines;
use crate::tui::effect::Effect;
use crate::tui::form::{FormField, answered_count, cell_name, value_words};

/// After an error is saved the focus stays on the step (`3` does not advance): say what
/// usually comes next and how to move on.
const ERROR_HINT: &str = " — s severity, d r p o tags, j to move on";

impl App {
    pub(super) fn on_result(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::CursorLoaded(c) => {
                self.resume = c;
                vec![Effect::LoadQueue]
            }
            Action::QueueLoaded(q) => self.set_queue(q),
            Action::ItemLoaded(item) => self.open_item(*item),
            Action::StepVerdictSaved {
                item,
                side,
                step_index,
                verdict,
                event,
            } => {
                let pending = self.pending.take().unwrap_or_default();
                self.step_saved(
                    item,
                    side,
                    step_index,
                    verdict,
                    event,
                    pending.advance,
                    false,
                )
            }
            Action::CaseVerdictSaved {
                item,
                verdict,
                event,
            } => {
                let pending = self.pending.take().unwrap_or_default();
                self.case_saved(item, verdict, event, pending.field, false)
            }
            Action::Undone { item, change } => {
                self.pending = None;
                match change {
                    None => {
                        self.status = Status::info("nothing to undo in this item");
                        vec![]
                    }
                    Some(UndoneChange::Step {
                        side,
                        step_index,
                        verdict,
                        event,
                    }) => {
                        if let Some(v) = self.open.as_mut().filter(|v| v.item.item == item) {
                            v.focus = Focus {
                                side,
                                step: step_index,
                            };
                            v.focus_since_ms = self.now_ms;
                        }
                        self.step_saved(item, side, step_index, verdict, event, false, true)
                    }
                    Some(UndoneChange::Case { verdict, event }) => {
                        self.case_saved(item, verdict, event, None, true)
                    }
                }
            }
            Action::SaveFailed { what, error } => {
                self.pending = None;
                self.set_error(format!("NOT saved: {what}: {error}"));
                vec![]
            }
            Action::SaveStale { item, what } => {
                self.pending = None;
                self.set_error(format!(
                    "NOT saved: {what} changed in another session: reloaded (look again, then judge)"
                ));
                vec![Effect::LoadItem(item)]
            }
            Action::FeedbackReady(lines) => {
                self.feedback = Some(lines);
                vec![]
            }
            Action::Failed(e) => {
                self.set_error(e);
                vec![]
            }
            _ => vec![],
        }
    }

    /// A step verdict is durable (a save, or an undo that put this verdict back): show it.
    #[allow(clippy::too_many_arguments)]
    fn step_saved(
        &mut self,
        item: ItemId,
        side: Side,
        step_index: usize,
        verdict: StepVerdict,
        event: EventId,
        advance: bool,
        undoing: bool,
    ) -> Vec<Effect> {
        let Some(v) = self.open.as_mut().filter(|v| v.item.item == item) else {
            self.set_saved(format!("saved {side} step {}", step_index + 1));
            return vec![];
        };
        let list = &mut v.item.verdicts[side.index()];
        if list.len() <= step_index {
            list.resize(step_index + 1, Default::default());
        }
        let previous = std::mem::replace(&mut list[step_index], verdict.clone());
        v.item.events.set_step(side, step_index, event);
        let newly_labelled = previous.label.is_none() && verdict.label.is_some();
        v.lines.update_step(&v.item, side.index(), step_index);
        let verb = if undoing { "undone, now" } else { "saved" };
        let mut text = format!(
            "{verb} {side} step {}: {}",
            step_index + 1,
            describe_words(&verdict)
        );
        if !undoing && verdict.label == Some(StepLabel::Error) && verdict.severity.is_none() {
            text.push_str(ERROR_HINT);
        }
        if advance {
            self.advance_focus();
        }
        let fx = self.check_done(&mut text);
        if let Some(v) = self.open.as_ref()
            && !undoing
            && newly_labelled
            && v.all_steps_judged()
            && !v.is_done()
        {
            text.push_str(" · all steps judged: f for the case verdict (gold answer shown there)");
        }
        self.set_saved(text);
        self.scroll_to_focus();
        fx
    }

    /// A case verdict is durable (a save, or an undo that put it back): show it.
    fn case_saved(
        &mut self,
        item: ItemId,
        verdict: CaseVerdict,
        event: EventId,
        field: Option<FormField>,
        undoing: bool,
    ) -> Vec<Effect> {
        let Some(v) = self.open.as_mut().filter(|v| v.item.item == item) else {
            self.set_saved("saved case verdict");
            return vec![];
        };
        let n = v.item.case.red_flags.len();
        v.item.case_verdict = verdict.clone();
        v.item.events.case = Some(event);
        let (answered, total) = answered_count(&verdict, n);
        let mut text = match field {
            _ if undoing => format!("undone: case verdict restored · {answered}/{total} answered"),
            Some(f) => format!("saved {}: {}", cell_name(f), value_words(&verdict, f)),
            None => format!("saved case verdict · {answered}/{total} answered"),
        };
        text.push_str(&self.form_saved(field));
        let fx = self.check_done(&mut text);
        self.set_saved(text);
        fx
    }

    /// Announce completion once when the open item becomes done.
    fn check_done(&mut self, text: &mut String) -> Vec<Effect> {
        let Some(v) = self.open.as_mut() else {
            return vec![];
        };
        let done = v.is_done();
        let newly = done && !v.done;
        v.done = done;
        if newly {
            text.push_str(" · item complete: q for the queue");
            vec![Effect::ItemCompleted(Box::new(v.item.clone()))]
        } else {
            vec![]
        }
    }

    fn open_item(&mut self, item: BlindItem) -> Vec<Effect> {
        if let Some(v) = self.open.as_mut().filter(|v| v.item.item == item.item) {
            // A reload of the open item (after a save refused as stale): new verdicts, same
            // place on screen, and the status line keeps saying why.
            v.item = item;
            v.lines = ChainLines::default();
            v.done = v.is_done();
            self.scroll_to_focus();
            return vec![];
        }
        let resume = self.resume.take().filter(|c| c.item == Some(item.item));
        let mut view = ItemView {
            focus: Focus {
                side: Side::Left,
                step: 0,
            },
            focus_since_ms: self.now_ms,
            form_row: 0,
            form_col: 0,
            form_opened_ms: self.now_ms,
            lines: ChainLines::default(),
            case_lines: Vec::new(),
            case_width: 0,
            chain_scroll: [0, 0],
            done: false,
            item,
        };
        view.done = view.is_done();
        match resume {
            Some(c) => {
                let n = view.steps_len(c.side);
                view.focus = Focus {
                    side: c.side,
                    step: c.step.min(n.saturating_sub(1)),
                };
            }
            None => {
                let first = [Side::Left, Side::Right].into_iter().find_map(|s| {
                    (0..view.steps_len(s))
                        .find(|i| view.verdict(s, *i).label.is_none())
                        .map(|i| Focus { side: s, step: i })
                });
                if let Some(f) = first {
                    view.focus = f;
                }
            }
        }
        let judged = view.judged(Side::Left) + view.judged(Side::Right);
        let total = view.steps_len(Side::Left) + view.steps_len(Side::Right);
        let done = view.done;
        // Keep the queue's selection on the open item, so going back lands on it.
        if let Some(pos) = self
            .visible
            .iter()
            .position(|i| self.queue.get(*i).is_some_and(|e| e.item == view.item.item))
        {
            self.selected = pos;
        }
        self.open = Some(view);
        self.screen = Screen::Review;
        // Each item starts fresh: the case shows again, nothing waits for a second key.
        self.case_scroll = 0;
        self.case_collapsed = false;
        self.severity_menu = false;
        self.confirm = None;
        self.scroll_to_focus();
        self.status = Status::info(if done {
            format!("{judged}/{total} steps judged · this item is done (you can still change it)")
        } else {
            format!("{judged}/{total} steps judged · 1 2 3 0 to judge · ? for help")
        });
        vec![Effect::SaveCursor(self.cursor())]
    }
}
