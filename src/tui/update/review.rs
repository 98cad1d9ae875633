//! The review screen: moving between steps and sides, judging the focused step, notes,
//! undo, layout switches, and leaving for the queue.

use crate::domain::{ErrorMode, Severity, Side, StepLabel, StepVerdict};
use crate::tui::action::Action;
use crate::tui::app::{App, ChainLayout, Focus, PendingSave, Screen, Status, UndoEntry};
use crate::tui::effect::Effect;

/// Severity after `s`: none → minor → major → harmful → none.
fn next_severity(s: Option<Severity>) -> Option<Severity> {
    match s {
        None => Some(Severity::Minor),
        Some(Severity::Minor) => Some(Severity::Major),
        Some(Severity::Major) => Some(Severity::Harmful),
        Some(Severity::Harmful) => None,
    }
}

impl App {
    pub(super) fn on_review(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::MoveDown => {
                let on_last = self
                    .open
                    .as_ref()
                    .is_some_and(|v| v.focus.step + 1 >= v.steps_len(v.focus.side));
                if on_last {
                    // Past the last step: the answer and differential under the chain.
                    self.scroll_focused_to_end();
                } else {
                    self.move_focus(|f, _| Focus {
                        step: f.step + 1,
                        ..f
                    });
                }
            }
            Action::MoveUp => self.move_focus(|f, _| Focus {
                step: f.step.saturating_sub(1),
                ..f
            }),
            Action::MoveLeft => self.move_focus(|f, _| Focus {
                side: Side::Left,
                ..f
            }),
            Action::MoveRight => self.move_focus(|f, _| Focus {
                side: Side::Right,
                ..f
            }),
            Action::MoveFirst => self.move_focus(|f, _| Focus { step: 0, ..f }),
            Action::MoveLast => {
                self.move_focus(|f, n| Focus {
                    step: n.saturating_sub(1),
                    ..f
                });
                self.show_end_with_focus();
            }
            Action::JudgeStep(label) => {
                // An error usually needs a severity and tags next, so `3` stays on the step;
                // the other labels move on to the next unmarked step.
                let advance = label != StepLabel::Error;
                return self.edit_step(advance, |v| {
                    v.label = Some(label);
                    if label != StepLabel::Error {
                        v.severity = None;
                    }
                    Ok(())
                });
            }
            Action::ToggleTag(tag) => return self.edit_step(false, |v| toggle_tag(v, tag)),
            Action::CycleSeverity => {
                return self.edit_step(false, |v| {
                    if v.label != Some(StepLabel::Error) {
                        return Err("severity applies to error steps: press 3 first");
                    }
                    v.severity = next_severity(v.severity);
                    Ok(())
                });
            }
            Action::ToggleBadSplit => {
                return self.edit_step(false, |v| {
                    v.bad_split = !v.bad_split;
                    Ok(())
                });
            }
            Action::StartNote => {
                if let Some(v) = &self.open
                    && v.focus.step < v.steps_len(v.focus.side)
                {
                    let note = v
                        .verdict(v.focus.side, v.focus.step)
                        .note
                        .unwrap_or_default();
                    self.note = Some(note);
                    self.status = Status::info("note: Enter saves · Esc cancels");
                }
            }
            Action::Undo => return self.undo_last(),
            Action::ToggleCaseForm => return self.open_form(),
            _ => return self.on_item_common(action),
        }
        vec![]
    }

    /// Keys that do the same on the review screen and the case form.
    pub(super) fn on_item_common(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Back => return self.back_to_queue(),
            Action::Undo => return self.undo_last(),
            Action::ToggleLayout => {
                let next = match self.chain_layout() {
                    ChainLayout::SideBySide => ChainLayout::Stacked,
                    ChainLayout::Stacked => ChainLayout::SideBySide,
                };
                self.layout_override = Some(next);
                self.scroll_to_focus();
                self.status = Status::info(match next {
                    ChainLayout::SideBySide => "layout: side by side (w: stacked)",
                    ChainLayout::Stacked => "layout: stacked, left above right (w: side by side)",
                });
            }
            Action::ToggleCasePanel => {
                self.case_collapsed = !self.case_collapsed;
                self.scroll_to_focus();
            }
            Action::PageDown => self.scroll_case(self.case_page() as isize),
            Action::PageUp => self.scroll_case(-(self.case_page() as isize)),
            Action::ScrollLines(n) => self.scroll_chains(n),
            _ => {}
        }
        vec![]
    }

    pub(super) fn on_note(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::TextInput(c) => {
                if let Some(n) = self.note.as_mut() {
                    n.push(c);
                }
            }
            Action::TextBackspace => {
                if let Some(n) = self.note.as_mut() {
                    n.pop();
                }
            }
            Action::Paste(text) => {
                if let Some(n) = self.note.as_mut() {
                    n.push_str(&super::one_line(&text));
                }
            }
            Action::Cancel => {
                self.note = None;
                self.status = Status::info("note not changed");
            }
            Action::TextSubmit => {
                let text = self.note.take().unwrap_or_default();
                let text = text.trim().to_string();
                return self.edit_step(false, move |v| {
                    v.note = (!text.is_empty()).then_some(text);
                    Ok(())
                });
            }
            _ => {}
        }
        vec![]
    }

    fn move_focus(&mut self, f: impl FnOnce(Focus, usize) -> Focus) {
        let Some(v) = self.open.as_mut() else { return };
        let n_now = v.steps_len(v.focus.side);
        let mut next = f(v.focus, n_now);
        let n = v.steps_len(next.side);
        next.step = next.step.min(n.saturating_sub(1));
        if next != v.focus {
            v.focus = next;
            v.focus_since_ms = self.now_ms;
            self.scroll_to_focus();
        }
    }

    /// Change the focused step's verdict with `edit` and ask for it to be saved. The screen
    /// shows the change only once the save is confirmed.
    fn edit_step(
        &mut self,
        advance: bool,
        edit: impl FnOnce(&mut StepVerdict) -> Result<(), &'static str>,
    ) -> Vec<Effect> {
        if self.pending.is_some() {
            self.status = Status::info("still saving the last change…");
            return vec![];
        }
        let Some(v) = self.open.as_ref() else {
            return vec![];
        };
        let Focus { side, step } = v.focus;
        if step >= v.steps_len(side) {
            self.status = Status::info("no step here");
            return vec![];
        }
        let old = v.verdict(side, step);
        let mut new = old.clone();
        if let Err(hint) = edit(&mut new) {
            self.status = Status::info(hint);
            return vec![];
        }
        if new == old {
            if advance {
                self.advance_focus();
            }
            return vec![];
        }
        let ms_spent = self.now_ms.saturating_sub(v.focus_since_ms);
        let item = v.item.item;
        self.pending = Some(PendingSave {
            advance,
            restore: None,
        });
        self.status = Status::info("saving…");
        vec![Effect::SaveStepVerdict {
            item,
            side,
            step_index: step,
            verdict: new,
            ms_spent,
        }]
    }

    /// Move to the next unmarked step: down this side, then the other side from the top,
    /// then this side from the top.
    pub(super) fn advance_focus(&mut self) {
        let Some(v) = self.open.as_mut() else { return };
        let Focus { side, step } = v.focus;
        let unmarked = |s: Side, i: usize| v.verdict(s, i).label.is_none();
        let candidates = (step + 1..v.steps_len(side))
            .map(|i| (side, i))
            .chain((0..v.steps_len(side.other())).map(|i| (side.other(), i)))
            .chain((0..=step.min(v.steps_len(side))).map(|i| (side, i)));
        let next = candidates
            .filter(|(s, i)| *i < v.steps_len(*s))
            .find(|(s, i)| unmarked(*s, *i));
        if let Some((s, i)) = next {
            v.focus = Focus { side: s, step: i };
            v.focus_since_ms = self.now_ms;
            self.scroll_to_focus();
        }
    }

    fn undo_last(&mut self) -> Vec<Effect> {
        if self.pending.is_some() {
            self.status = Status::info("still saving the last change…");
            return vec![];
        }
        let Some(v) = self.open.as_mut() else {
            return vec![];
        };
        let id = v.item.item;
        let Some(pos) = self.undo.iter().rposition(|e| e.item() == id) else {
            self.status = Status::info("nothing to undo in this item");
            return vec![];
        };
        let entry = self.undo.remove(pos);
        let effect = match &entry {
            UndoEntry::Step {
                side,
                step,
                previous,
                ..
            } => {
                v.focus = Focus {
                    side: *side,
                    step: *step,
                };
                v.focus_since_ms = self.now_ms;
                Effect::SaveStepVerdict {
                    item: id,
                    side: *side,
                    step_index: *step,
                    verdict: previous.clone(),
                    ms_spent: 0,
                }
            }
            UndoEntry::Case { previous, .. } => Effect::SaveCaseVerdict {
                item: id,
                verdict: previous.clone(),
                ms_spent: 0,
            },
        };
        self.pending = Some(PendingSave {
            advance: false,
            restore: Some(entry),
        });
        self.status = Status::info("undoing…");
        self.scroll_to_focus();
        vec![effect]
    }

    fn back_to_queue(&mut self) -> Vec<Effect> {
        self.open = None;
        self.note = None;
        self.screen = Screen::Queue;
        self.case_scroll = 0;
        self.status = Status::info("");
        vec![Effect::SaveCursor(self.cursor()), Effect::LoadQueue]
    }
}

fn toggle_tag(v: &mut StepVerdict, tag: ErrorMode) -> Result<(), &'static str> {
    if !v.tags.remove(&tag) {
        v.tags.insert(tag);
    }
    Ok(())
}
