//! Rendering: `&App` in, cells out. Views never mutate the app and never touch storage; they
//! draw only what is visible, from the layout `update` cached.

mod case_form;
mod chains;
pub mod help;
pub mod popup;
mod queue;
mod review;
mod status;
pub mod theme;

use super::app::{App, Screen};
use crate::ui::{too_small, too_small_message};
use ratatui::Frame;
use ratatui::layout::Rect;

/// Draw the whole app into `frame`.
pub fn render_app(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if too_small(area) {
        render_too_small(frame, area);
        return;
    }
    match app.screen {
        Screen::Queue => queue::render(frame, app, area),
        Screen::Review | Screen::CaseForm => review::render(frame, app, area),
    }
    if app.help.is_some() {
        help::render(frame, app, area);
    }
    if let Some(lines) = &app.feedback {
        popup::render(frame, app, area, lines);
    }
}

fn render_too_small(frame: &mut Frame, area: Rect) {
    let buf = frame.buffer_mut();
    let lines = [
        too_small_message(),
        format!("(now {}×{}; enlarge the window)", area.width, area.height),
        "q or Ctrl-c quits".to_string(),
    ];
    for (i, l) in lines.iter().enumerate() {
        let y = area.y + (area.height / 2).saturating_sub(1) + i as u16;
        if y < area.bottom() {
            buf.set_stringn(
                area.x,
                y,
                l,
                usize::from(area.width),
                ratatui::style::Style::new(),
            );
        }
    }
}

pub(crate) use crate::ui::text::put;
