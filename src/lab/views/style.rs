//! The lab's styles, in one place, built on the review screens' [`Theme`] so both look
//! alike. Without colour, every highlight is a modifier (bold, underline, italic, reverse).

use crate::lab::app::LabApp;
use crate::ui::theme::Theme;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct LabStyle {
    pub theme: Theme,
}

impl LabStyle {
    pub fn of(app: &LabApp) -> LabStyle {
        LabStyle {
            theme: Theme {
                color: !app.no_color,
            },
        }
    }

    fn color(&self) -> bool {
        self.theme.color
    }

    fn fg(&self, c: Color) -> Style {
        if self.color() {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn header(&self) -> Style {
        self.theme.header()
    }
    pub fn title(&self) -> Style {
        self.theme.title()
    }
    pub fn focus(&self) -> Style {
        self.theme.focus()
    }
    pub fn dim(&self) -> Style {
        self.theme.dim()
    }
    pub fn key(&self) -> Style {
        self.theme.key()
    }
    pub fn marker(&self) -> Style {
        self.theme.marker()
    }

    /// A character the fuzzy query matched: bold and underlined (and yellow with colour).
    pub fn hit(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn done(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Raw text of an even/odd step: two styles that alternate so neighbours stay apart.
    pub fn span(&self, step: usize) -> Style {
        match (self.color(), step.is_multiple_of(2)) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => Style::new().fg(Color::LightMagenta),
            (false, true) => Style::new().add_modifier(Modifier::UNDERLINED),
            (false, false) => Style::new().add_modifier(Modifier::ITALIC),
        }
    }

    /// Raw text of the focused step, and the focused stripped step: strong.
    pub fn span_focus(&self) -> Style {
        if self.color() {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// Raw text that no step came from (removed by stripping).
    pub fn removed(&self) -> Style {
        if self.color() {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
}
