//! Styles for every screen, in one place. With `NO_COLOR` no colour is used at all: symbols,
//! words, bold and reverse video carry the meaning.

use crate::domain::StepLabel;
use crate::tui::app::{App, StatusKind};
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn of(app: &App) -> Theme {
        Theme {
            color: !app.no_color,
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// The badge of a step verdict; the same on both sides.
    pub fn label(&self, label: Option<StepLabel>) -> Style {
        match label {
            Some(StepLabel::Sound) => self.fg(Color::Green),
            Some(StepLabel::Neutral) => self.fg(Color::Cyan),
            Some(StepLabel::Error) => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Some(StepLabel::Abstain) => self.fg(Color::Yellow),
            None => self.fg(Color::DarkGray),
        }
    }

    /// The focused step, row or field.
    pub fn focus(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Indexed(237))
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn marker(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn status(&self, kind: StatusKind) -> Style {
        match kind {
            StatusKind::Info => Style::new(),
            StatusKind::Saved => self.fg(Color::Green),
            StatusKind::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }
}
