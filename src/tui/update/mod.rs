//! `App::update`: the one place the TUI's state changes. Pure: it never touches the terminal,
//! the clock or storage; it returns [`Effect`]s for the runtime to perform. Saves are not
//! optimistic: a verdict shows as changed only when its `…Saved` result arrives.
//!
//! Routing by mode lives here; the work per screen lives in `queue`, `review`, `form` and
//! `results`.

mod form;
mod queue;
mod results;
mod review;
mod scroll;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_plan;
#[cfg(test)]
pub(crate) mod tests_support;

use super::action::Action;
use super::app::{App, Screen, Status, StatusKind};
use super::effect::Effect;

impl App {
    /// Apply one action; return the I/O it asks for, in order.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Start => {
                self.status = Status::info("loading…");
                vec![Effect::LoadCursor]
            }
            Action::Tick(ms) => {
                self.now_ms = ms;
                vec![]
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.scroll_to_focus();
                self.keep_selection_visible();
                self.clamp_help_scroll();
                vec![]
            }
            Action::Quit => {
                self.quitting = true;
                vec![Effect::SaveCursor(self.cursor()), Effect::Quit]
            }
            Action::CursorLoaded(_)
            | Action::QueueLoaded(_)
            | Action::ItemLoaded(_)
            | Action::StepVerdictSaved { .. }
            | Action::CaseVerdictSaved { .. }
            | Action::SaveFailed { .. }
            | Action::FeedbackReady(_)
            | Action::Failed(_) => self.on_result(action),
            intent => self.on_intent(intent),
        }
    }

    fn on_intent(&mut self, action: Action) -> Vec<Effect> {
        if self.feedback.is_some() {
            match action {
                Action::Cancel | Action::TextSubmit | Action::OpenItem => {
                    self.feedback = None;
                    self.feedback_scroll = 0;
                }
                Action::MoveDown => self.feedback_scroll += 1,
                Action::MoveUp => self.feedback_scroll = self.feedback_scroll.saturating_sub(1),
                _ => {}
            }
            return vec![];
        }
        if self.help.is_some() {
            self.on_help(action);
            return vec![];
        }
        if self.note.is_some() {
            return self.on_note(action);
        }
        if self.filter.editing {
            return self.on_filter(action);
        }
        if action == Action::ToggleHelp {
            self.help = Some(0);
            return vec![];
        }
        match self.screen {
            Screen::Queue => self.on_queue(action),
            Screen::Review => self.on_review(action),
            Screen::CaseForm => self.on_form(action),
        }
    }

    fn on_help(&mut self, action: Action) {
        let scroll = self.help.unwrap_or(0);
        let page = usize::from(super::geometry::help_body(self.area()).height.max(2) - 1);
        let next = match action {
            Action::ToggleHelp | Action::Cancel | Action::Back => {
                self.help = None;
                return;
            }
            Action::MoveDown => scroll + 1,
            Action::MoveUp => scroll.saturating_sub(1),
            Action::PageDown => scroll + page,
            Action::PageUp => scroll.saturating_sub(page),
            Action::MoveFirst => 0,
            Action::MoveLast => usize::MAX,
            Action::ScrollLines(n) => scroll.saturating_add_signed(n as isize),
            _ => scroll,
        };
        self.help = Some(next);
        self.clamp_help_scroll();
    }

    fn clamp_help_scroll(&mut self) {
        if let Some(s) = self.help {
            let body = usize::from(super::geometry::help_body(self.area()).height);
            let max = super::views::help::line_count(self.area().width).saturating_sub(body);
            self.help = Some(s.min(max));
        }
    }

    pub(crate) fn set_error(&mut self, text: impl Into<String>) {
        self.status = Status {
            kind: StatusKind::Error,
            text: text.into(),
        };
    }

    pub(crate) fn set_saved(&mut self, text: impl Into<String>) {
        self.status = Status {
            kind: StatusKind::Saved,
            text: text.into(),
        };
    }
}

/// Pasted text as one line of input: each line break (`\r\n`, `\r`, `\n`) and tab becomes a
/// space and other control characters are dropped, so a paste can never submit anything.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
