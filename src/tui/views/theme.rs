//! The review screens' use of the shared [`Theme`]: built from the app's `NO_COLOR` setting,
//! and the status line's colours.

use crate::tui::app::{App, StatusKind};
pub use crate::ui::theme::Theme;
use ratatui::style::{Color, Modifier, Style};

impl Theme {
    /// The theme of the review app.
    pub fn of(app: &App) -> Theme {
        Theme::new(app.no_color)
    }

    /// The status line: confirmations in green, errors in bold red.
    pub fn status(&self, kind: StatusKind) -> Style {
        match kind {
            StatusKind::Info => Style::new(),
            StatusKind::Saved => self.fg(Color::Green),
            StatusKind::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }
}
