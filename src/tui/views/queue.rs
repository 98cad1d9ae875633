//! The queue screen: the reviewer's items in their shuffled order with status and overall
//! progress, and the fuzzy filter line.

use super::put;
use super::status::{render_legend, render_status};
use super::theme::Theme;
use crate::domain::ItemStatus;
use crate::tui::app::App;
use crate::tui::geometry::queue_areas;
use crate::ui::text::width;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

fn status_text(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::NotStarted => "○ not started",
        ItemStatus::InProgress => "◐ in progress",
        ItemStatus::Done => "● done",
    }
}

/// Columns: marker, number, status, title, specialty, steps.
struct Cols {
    num: u16,
    status: u16,
    title: u16,
    specialty: u16,
}

fn cols(area: Rect) -> Cols {
    let num = 6;
    let status = 15;
    let steps = 9;
    let specialty = if area.width >= 90 { 19 } else { 0 };
    let title = area
        .width
        .saturating_sub(1 + num + status + specialty + steps);
    Cols {
        num,
        status,
        title,
        specialty,
    }
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = Theme::of(app);
    let a = queue_areas(area);
    let total = app.queue.len();
    let done = app
        .queue
        .iter()
        .filter(|e| e.status() == ItemStatus::Done)
        .count();
    let started = app
        .queue
        .iter()
        .filter(|e| e.status() == ItemStatus::InProgress)
        .count();
    let steps_total: usize = app.queue.iter().map(|e| e.steps_total).sum();
    let steps_judged: usize = app
        .queue
        .iter()
        .map(|e| e.steps_judged.min(e.steps_total))
        .sum();
    let buf = frame.buffer_mut();
    buf.set_style(a.header, t.header());
    let header = format!(" blindstep · your queue · {done}/{total} done · {started} in progress");
    put(
        buf,
        a.header.x,
        a.header.y,
        &header,
        a.header.width,
        t.header(),
    );

    let pct = (done * 100).checked_div(total).unwrap_or(0);
    let bar_w = 20usize;
    let filled = (done * bar_w).checked_div(total).unwrap_or(0);
    let progress = format!(
        " items [{}{}] {pct:>3}% · steps judged {steps_judged}/{steps_total}",
        "█".repeat(filled),
        "░".repeat(bar_w - filled)
    );
    put(
        buf,
        a.progress.x,
        a.progress.y,
        &progress,
        a.progress.width,
        Style::new(),
    );

    let c = cols(area);
    let mut x = a.columns.x + 1;
    for (text, w) in [
        ("#", c.num),
        ("status", c.status),
        ("case", c.title),
        ("specialty", c.specialty),
        ("steps", 9),
    ] {
        if w > 0 {
            put(buf, x, a.columns.y, text, w, t.dim());
            x += w;
        }
    }

    if total == 0 {
        let msg = if app.status.text == "loading…" {
            "loading…"
        } else {
            "Your queue is empty."
        };
        put(
            buf,
            a.list.x + 2,
            a.list.y,
            msg,
            a.list.width.saturating_sub(2),
            t.dim(),
        );
    } else if app.visible.is_empty() {
        put(
            buf,
            a.list.x + 2,
            a.list.y,
            "no case matches the filter (Esc clears it)",
            a.list.width.saturating_sub(2),
            t.dim(),
        );
    }
    let vh = usize::from(a.list.height);
    for (row, qi) in app
        .visible
        .iter()
        .enumerate()
        .skip(app.queue_scroll)
        .take(vh)
    {
        let Some(e) = app.queue.get(*qi) else {
            continue;
        };
        let y = a.list.y + (row - app.queue_scroll) as u16;
        let selected = row == app.selected;
        if selected {
            buf.set_style(Rect::new(a.list.x, y, a.list.width, 1), t.focus());
            put(buf, a.list.x, y, "▶", 1, t.marker());
        }
        let mut x = a.list.x + 1;
        let num = format!("{:>4}.", e.position + 1);
        put(buf, x, y, &num, c.num, Style::new());
        x += c.num;
        let st = e.status();
        let st_style = match st {
            ItemStatus::Done => t.label(Some(crate::domain::StepLabel::Sound)),
            ItemStatus::InProgress => t.label(Some(crate::domain::StepLabel::Abstain)),
            ItemStatus::NotStarted => t.dim(),
        };
        put(buf, x, y, status_text(st), c.status, st_style);
        x += c.status;
        put(buf, x, y, &e.title, c.title.saturating_sub(1), Style::new());
        x += c.title;
        if c.specialty > 0 {
            put(buf, x, y, &e.specialty, c.specialty - 1, t.dim());
            x += c.specialty;
        }
        let verdict = if e.case_verdict_complete { " ✓" } else { "" };
        let steps = format!(
            "{}/{}{verdict}",
            e.steps_judged.min(e.steps_total),
            e.steps_total
        );
        put(
            buf,
            x,
            y,
            &steps,
            a.list.right().saturating_sub(x),
            Style::new(),
        );
    }

    if app.filter.editing || !app.filter.query.is_empty() || app.filter.status.is_some() {
        let label = match app.filter.status {
            Some(st) => format!("[{}] / ", crate::tui::update::status_words(st)),
            None => "/ ".to_string(),
        };
        let label = label.as_str();
        let x = put(buf, a.filter.x, a.filter.y, label, a.filter.width, t.key());
        let x2 = put(
            buf,
            x,
            a.filter.y,
            &app.filter.query,
            a.filter.right().saturating_sub(x),
            Style::new(),
        );
        let info = format!("  {} of {total} shown", app.visible.len());
        if x2 + width(&info) as u16 <= a.filter.right() {
            put(buf, x2, a.filter.y, &info, a.filter.right() - x2, t.dim());
        }
        if app.filter.editing {
            frame.set_cursor_position(Position::new(x2, a.filter.y));
        }
    } else {
        put(
            buf,
            a.filter.x,
            a.filter.y,
            "/ to filter by words or status:done · s shows one status",
            a.filter.width,
            t.dim(),
        );
    }
    render_status(frame, app, a.status);
    render_legend(frame, app, a.legend);
}
