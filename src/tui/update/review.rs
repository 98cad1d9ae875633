//! The review screen: moving between steps and sides, judging the focused step, notes,
//! undo, layout switches, and leaving for the queue.

use crate::domain::{ErrorMode, Side, StepLabel, StepVerdict};
use crate::tui::action::Action;
use crate::tui::app::{App, ChainLayout, Focus, PendingSave, Screen, Status};
use crate::tui::effect::Effect;

pub(crate) const SEVERITY_HINT: &str =
    "severity: 1 minor · 2 major · 3 harmful · 0 none · Esc cancels";

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
            Action::MoveLeft => self.switch_side(Side::Left),
            Action::MoveRight => self.switch_side(Side::Right),
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
            Action::OpenSeverity => {
                let Some(v) = &self.open else { return vec![] };
                let f = v.focus;
                if f.step >= v.steps_len(f.side) {
                    self.status = Status::info("no step here");
                } else if v.verdict(f.side, f.step).label != Some(StepLabel::Error) {
                    self.status = Status::info("severity applies to error steps: press 3 first");
                } else if self.pending.is_some() {
                    self.status = Status::info("still saving the last change…");
                } else {
                    self.severity_menu = true;
                    self.status = Status::info(SEVERITY_HINT);
                }
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
            Action::ScrollLines(n) => {
                self.scroll_chains(n);
                self.focus_into_view(n > 0);
            }
            _ => {}
        }
        vec![]
    }

    /// The severity chooser has the keyboard: a choice saves one event and closes it; Esc
    /// (or `s` again) closes it unchanged; every other key only says what it takes.
    pub(super) fn on_severity_menu(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::ChooseSeverity(sev) => {
                self.severity_menu = false;
                let unchanged = self
                    .open
                    .as_ref()
                    .is_some_and(|v| v.verdict(v.focus.side, v.focus.step).severity == sev);
                if unchanged {
                    self.status = Status::info("severity unchanged");
                    return vec![];
                }
                self.edit_step(false, move |v| {
                    if v.label != Some(StepLabel::Error) {
                        return Err("severity applies to error steps: press 3 first");
                    }
                    v.severity = sev;
                    Ok(())
                })
            }
            Action::Cancel | Action::OpenSeverity | Action::Back => {
                self.severity_menu = false;
                self.status = Status::info("severity not changed");
                vec![]
            }
            _ => {
                self.status = Status::info(SEVERITY_HINT);
                vec![]
            }
        }
    }

    /// To the other side: its first unmarked step, else the step at the same index.
    fn switch_side(&mut self, side: Side) {
        let Some(v) = self.open.as_ref() else { return };
        if v.focus.side == side {
            return;
        }
        let n = v.steps_len(side);
        let step = (0..n)
            .find(|i| v.verdict(side, *i).label.is_none())
            .unwrap_or(v.focus.step);
        self.move_focus(|_, _| Focus { side, step });
    }

    /// After the view scrolled (mouse wheel): if the focused step left the view, focus the
    /// nearest step inside it, so a key never judges a step that is not on screen.
    fn focus_into_view(&mut self, down: bool) {
        let layout = self.chain_layout();
        let areas = crate::tui::geometry::review_areas(self.area(), self.case_collapsed, layout);
        let vh = usize::from(areas.panels[0].body.height);
        let Some(v) = self.open.as_mut() else { return };
        let aligned = layout == ChainLayout::SideBySide;
        let s = v.focus.side.index();
        let slot = if aligned { 0 } else { s };
        let scroll = v.chain_scroll[slot];
        let n = v.steps_len(v.focus.side);
        let span = |i: usize| v.lines.step_span(aligned, s, i);
        let visible =
            |i: usize| span(i).is_some_and(|(top, h)| top < scroll + vh && top + h > scroll);
        if n == 0 || visible(v.focus.step) {
            return;
        }
        let whole =
            |i: usize| span(i).is_some_and(|(top, h)| top >= scroll && top + h <= scroll + vh);
        let pick = if down {
            (0..n)
                .find(|i| whole(*i))
                .or_else(|| (0..n).find(|i| visible(*i)))
        } else {
            (0..n)
                .rev()
                .find(|i| whole(*i))
                .or_else(|| (0..n).rev().find(|i| visible(*i)))
        };
        if let Some(i) = pick {
            v.focus.step = i;
            v.focus_since_ms = self.now_ms;
        }
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
        let base = v.step_event(side, step);
        self.pending = Some(PendingSave {
            advance,
            field: None,
        });
        self.status = Status::info("saving…");
        vec![Effect::SaveStepVerdict {
            item,
            side,
            step_index: step,
            verdict: new,
            base,
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
        let Some(v) = self.open.as_ref() else {
            return vec![];
        };
        self.pending = Some(PendingSave::default());
        self.status = Status::info("undoing…");
        vec![Effect::Undo(v.item.item)]
    }

    fn back_to_queue(&mut self) -> Vec<Effect> {
        self.left_done = self
            .open
            .as_ref()
            .filter(|v| v.is_done())
            .map(|v| v.item.item);
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
