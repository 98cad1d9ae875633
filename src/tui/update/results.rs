//! Results of performed effects: loaded data and confirmed (or failed) saves. A verdict on
//! screen changes here and only here, after the backend said it is durable.

use crate::domain::{BlindItem, Side, StepLabel};
use crate::tui::action::Action;
use crate::tui::app::{App, Focus, ItemView, Screen, Status, UndoEntry};
use crate::tui::badge::describe;
use crate::tui::chain_layout::ChainLines;
use crate::tui::effect::Effect;

/// After an error is saved the focus stays on the step (`3` does not advance): say what
/// usually comes next and how to move on.
const ERROR_HINT: &str = " — add s severity / d r p o tags, j to move on";

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
                ..
            } => {
                let pending = self.pending.take().unwrap_or_default();
                let undoing = pending.restore.is_some();
                let Some(v) = self.open.as_mut().filter(|v| v.item.item == item) else {
                    self.set_saved(format!("saved {side} step {}", step_index + 1));
                    return vec![];
                };
                let list = &mut v.item.verdicts[side.index()];
                if list.len() <= step_index {
                    list.resize(step_index + 1, Default::default());
                }
                let previous = std::mem::replace(&mut list[step_index], verdict.clone());
                let newly_labelled = previous.label.is_none() && verdict.label.is_some();
                v.lines.update_step(&v.item, side.index(), step_index);
                if !undoing {
                    self.undo.push(UndoEntry::Step {
                        item,
                        side,
                        step: step_index,
                        previous,
                    });
                }
                let verb = if undoing { "undone, now" } else { "saved" };
                let mut text = format!(
                    "{verb} {side} step {}: {}",
                    step_index + 1,
                    describe(&verdict)
                );
                if !undoing && verdict.label == Some(StepLabel::Error) {
                    text.push_str(ERROR_HINT);
                }
                if pending.advance {
                    self.advance_focus();
                }
                let fx = self.check_done(&mut text);
                if let Some(v) = self.open.as_ref()
                    && !undoing
                    && newly_labelled
                    && v.all_steps_judged()
                    && !v.is_done()
                {
                    text.push_str(" · all steps judged: f for the case verdict");
                }
                self.set_saved(text);
                self.scroll_to_focus();
                fx
            }
            Action::CaseVerdictSaved { item, verdict, .. } => {
                let pending = self.pending.take().unwrap_or_default();
                let undoing = pending.restore.is_some();
                let Some(v) = self.open.as_mut().filter(|v| v.item.item == item) else {
                    self.set_saved("saved case verdict");
                    return vec![];
                };
                let n = v.item.case.red_flags.len();
                let previous = std::mem::replace(&mut v.item.case_verdict, verdict.clone());
                if !undoing {
                    self.undo.push(UndoEntry::Case { item, previous });
                }
                let verb = if undoing {
                    "undone: case verdict restored"
                } else {
                    "saved case verdict"
                };
                let fields = crate::tui::form::fields(n);
                let answered = fields
                    .iter()
                    .filter(|f| crate::tui::form::is_answered(&verdict, **f))
                    .count();
                let mut text = format!("{verb} · {answered}/{} answered", fields.len());
                let fx = self.check_done(&mut text);
                self.set_saved(text);
                fx
            }
            Action::SaveFailed { what, error } => {
                if let Some(entry) = self.pending.take().and_then(|p| p.restore) {
                    self.undo.push(entry);
                }
                self.set_error(format!("NOT saved: {what}: {error}"));
                vec![]
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
        let resume = self.resume.take().filter(|c| c.item == Some(item.item));
        let mut view = ItemView {
            focus: Focus {
                side: Side::Left,
                step: 0,
            },
            focus_since_ms: self.now_ms,
            form_field: 0,
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
        self.case_scroll = 0;
        self.scroll_to_focus();
        self.status = Status::info(if done {
            format!("{judged}/{total} steps judged · this item is done (you can still change it)")
        } else {
            format!("{judged}/{total} steps judged · 1 2 3 0 to judge · ? for help")
        });
        vec![Effect::SaveCursor(self.cursor())]
    }
}
