//! Rendering of the lab: `&LabApp` in, cells out. Every screen has a header, a body, a
//! status line and a key legend. Views never mutate the app; scroll positions are derived
//! from the cursors at draw time. With `NO_COLOR`, bold, underline, italic and reverse video
//! carry every highlight.

mod draw;
mod picker;
mod raw;
mod run;
mod runs;
mod settings;
pub mod style;

use crate::lab::app::{LabApp, Screen, StatusKind};
use crate::ui::text::put;
use crate::ui::text::width;
use crate::ui::too_small;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use style::LabStyle;

/// Draw the whole lab into `frame`.
pub fn render(frame: &mut Frame, app: &LabApp) {
    let area = frame.area();
    if too_small(area) {
        let buf = frame.buffer_mut();
        let lines = [
            crate::ui::too_small_message(),
            format!("(now {}×{}; enlarge the window)", area.width, area.height),
            "Ctrl-c quits".to_string(),
        ];
        for (i, l) in lines.iter().enumerate() {
            put(buf, area.x, area.y + i as u16, l, area.width, Style::new());
        }
        return;
    }
    let s = LabStyle::of(app);
    let header = Rect::new(area.x, area.y, area.width, 1);
    let body = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(3),
    );
    let status = Rect::new(area.x, area.bottom() - 2, area.width, 1);
    let legend = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let (title, keys) = match app.screen {
        Screen::Picker => (picker::title(app), picker::KEYS),
        Screen::Settings => ("settings".to_string(), settings::KEYS),
        Screen::Running => (run::title(app), run::KEYS),
        Screen::Runs => (format!("runs · {}", app.runs.rows.len()), runs::KEYS),
        Screen::RawVsStripped => ("raw vs stripped".to_string(), raw::KEYS),
    };
    let buf = frame.buffer_mut();
    buf.set_style(header, s.header());
    put(
        buf,
        header.x,
        header.y,
        &format!(" blindstep lab · {title}"),
        header.width,
        s.header(),
    );
    match app.screen {
        Screen::Picker => picker::render(frame, app, body, &s),
        Screen::Settings => settings::render(frame, app, body, &s),
        Screen::Running => run::render(frame.buffer_mut(), app, body, &s),
        Screen::Runs => runs::render(frame.buffer_mut(), app, body, &s),
        Screen::RawVsStripped => raw::render(frame.buffer_mut(), app, body, &s),
    }
    render_status(frame.buffer_mut(), app, status, &s);
    render_legend(frame.buffer_mut(), keys, legend, &s);
}

fn render_status(buf: &mut Buffer, app: &LabApp, area: Rect, s: &LabStyle) {
    let (mark, style) = match app.status.kind {
        StatusKind::Info if app.status.text.is_empty() => ("", Style::new()),
        StatusKind::Info => ("· ", Style::new()),
        StatusKind::Done => ("✓ ", s.done()),
        StatusKind::Error => ("✗ ", s.error()),
    };
    put(
        buf,
        area.x,
        area.y,
        &format!("{mark}{}", app.status.text),
        area.width,
        style,
    );
}

/// The key legend: as many `key action` pairs as fit.
fn render_legend(buf: &mut Buffer, keys: &[(&str, &str)], area: Rect, s: &LabStyle) {
    let mut x = area.x;
    for (key, what) in keys {
        let need = (width(key) + 1 + width(what) + 2) as u16;
        if x + need > area.right() {
            break;
        }
        x = put(buf, x, area.y, key, area.right() - x, s.key());
        x = put(buf, x + 1, area.y, what, area.right() - x, s.dim());
        x += 2;
    }
}
