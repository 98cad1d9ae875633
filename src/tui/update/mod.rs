//! `App::update`: the one place the TUI's state changes. Pure: it never touches the terminal,
//! the clock or storage; it returns [`Effect`]s for the runtime to perform. Saves are not
//! optimistic: a verdict shows as changed only when its `…Saved` result arrives.
//!
//! Routing by mode lives here; the work per screen lives in `queue`, `review`, `form` and
//! `results`.

mod form;
mod queue;
pub(crate) use queue::status_words;
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
            | Action::SaveStale { .. }
            | Action::Undone { .. }
            | Action::FeedbackReady(_)
            | Action::Failed(_) => self.on_result(action),
            intent => self.on_intent(intent),
        }
    }

    fn on_intent(&mut self, action: Action) -> Vec<Effect> {
        // A pending form confirmation holds for the very next key only.
        let confirm = self.confirm.take();
        if self.feedback.is_some() {
            self.on_feedback(action);
            return vec![];
        }
        if self.severity_menu {
            return self.on_severity_menu(action);
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
            Screen::CaseForm => self.on_form(action, confirm),
        }
    }

    /// The feedback popup: scrolling stops at its end; Enter or Esc closes it.
    fn on_feedback(&mut self, action: Action) {
        let max = self.feedback.as_ref().map_or(0, |lines| {
            super::views::popup::max_scroll(self.area(), lines)
        });
        let page =
            super::views::popup::body_height(self.area(), self.feedback.as_deref()).max(2) - 1;
        let s = self.feedback_scroll;
        self.feedback_scroll = match action {
            Action::Cancel | Action::TextSubmit | Action::OpenItem | Action::Back => {
                self.feedback = None;
                0
            }
            Action::MoveDown => s + 1,
            Action::MoveUp => s.saturating_sub(1),
            Action::PageDown => s + page,
            Action::PageUp => s.saturating_sub(page),
            Action::MoveFirst => 0,
            Action::MoveLast => max,
            Action::ScrollLines(n) => s.saturating_add_signed(n as isize),
            _ => s,
        }
        .min(max);
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
