//! Styles for every screen (review, lab, tally), in one place. With `NO_COLOR` no colour is
//! used at all: symbols, words, bold and reverse video carry the meaning.

use crate::domain::StepLabel;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// The theme for a screen drawn with or without colour.
    pub fn new(no_color: bool) -> Theme {
        Theme { color: !no_color }
    }

    /// `c` as the foreground, or plain without colour.
    pub fn fg(&self, c: Color) -> Style {
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
}
