//! The review screen: a header, the case panel (collapsible, scrollable), then either the two
//! chains or the case-verdict form, the status line and the legend.

use super::put;
use super::status::{render_legend, render_status};
use super::theme::Theme;
use super::{case_form, chains};
use crate::domain::Side;
use crate::tui::app::{App, ItemView, Screen};
use crate::tui::geometry::{ReviewAreas, review_areas};
use crate::ui::text::width;
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let areas = review_areas(area, app.case_collapsed, app.chain_layout());
    let Some(v) = &app.open else {
        put(
            frame.buffer_mut(),
            area.x,
            area.y,
            "loading…",
            area.width,
            ratatui::style::Style::new(),
        );
        render_status(frame, app, areas.status);
        render_legend(frame, app, areas.legend);
        return;
    };
    let buf = frame.buffer_mut();
    render_header(buf, app, v, areas.header);
    render_case(buf, app, v, areas.case);
    match app.screen {
        Screen::CaseForm => case_form::render(buf, app, v, areas.chains),
        _ => chains::render(buf, app, v, &areas),
    }
    render_status(frame, app, areas.status);
    render_legend(frame, app, areas.legend);
    if app.severity_menu {
        render_severity_menu(frame, app, v, &areas);
    }
}

/// The severity chooser: a small modal box over the other side's panel, so the step being
/// given a severity stays in view. A list where there is room, else one line.
fn render_severity_menu(frame: &mut Frame, app: &App, v: &ItemView, areas: &ReviewAreas) {
    use ratatui::widgets::{Block, Borders, Clear, Widget};
    let t = Theme::of(app);
    let current = v.verdict(v.focus.side, v.focus.step).severity;
    let opts = [
        ("1", Some(crate::domain::Severity::Minor), "minor"),
        ("2", Some(crate::domain::Severity::Major), "major"),
        (
            "3",
            Some(crate::domain::Severity::Harmful),
            "harmful (could harm)",
        ),
        ("0", None, "none"),
    ];
    let other = areas.panels[v.focus.side.other().index()];
    let room = Rect::new(
        other.title.x,
        other.title.y,
        other.title.width,
        other.title.height + other.body.height,
    );
    let tall = room.height >= opts.len() as u16 + 3 && room.width >= 34;
    let (w, h) = if tall {
        (34u16, opts.len() as u16 + 3)
    } else {
        (room.width.min(62), 3u16.min(room.height.max(1)))
    };
    let rect = Rect::new(
        room.x + (room.width.saturating_sub(w)) / 2,
        room.y + (room.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    let buf = frame.buffer_mut();
    Clear.render(rect, buf);
    Block::default()
        .borders(Borders::ALL)
        .title(format!(
            " Severity: {} step {} ",
            v.focus.side,
            v.focus.step + 1
        ))
        .render(rect, buf);
    let mark = |sev| if sev == current { "•" } else { " " };
    if tall {
        for (i, (key, sev, label)) in opts.iter().enumerate() {
            let y = rect.y + 1 + i as u16;
            let x = put(buf, rect.x + 2, y, key, 1, t.key());
            put(
                buf,
                x + 1,
                y,
                &format!("{} {label}", mark(*sev)),
                w.saturating_sub(6),
                ratatui::style::Style::new(),
            );
        }
        put(
            buf,
            rect.x + 2,
            rect.y + 1 + opts.len() as u16,
            "Esc cancel",
            w.saturating_sub(4),
            t.dim(),
        );
    } else {
        let line = opts
            .iter()
            .map(|(k, sev, label)| {
                format!(
                    "{k}{}{}",
                    mark(*sev),
                    label.split(' ').next().unwrap_or(label)
                )
            })
            .collect::<Vec<_>>()
            .join("  ");
        put(
            buf,
            rect.x + 1,
            rect.y + 1,
            &format!("{line}  Esc"),
            w.saturating_sub(2),
            ratatui::style::Style::new(),
        );
    }
}

fn render_header(buf: &mut ratatui::buffer::Buffer, app: &App, v: &ItemView, area: Rect) {
    let t = Theme::of(app);
    buf.set_style(area, t.header());
    let of = if app.queue.is_empty() {
        String::new()
    } else {
        format!(" of {}", app.queue.len())
    };
    // The specialty comes before the title, whole: a long title is what gets cut (with …).
    let specialty = v.item.case.specialty.to_string().replace('_', " ");
    let lead = format!(" item {}{of} · {specialty} · ", v.item.position + 1);
    let judged = v.judged(Side::Left) + v.judged(Side::Right);
    let total = v.steps_len(Side::Left) + v.steps_len(Side::Right);
    let form = if v.item.case_verdict.is_complete(v.item.case.red_flags.len()) {
        "✓"
    } else {
        "…"
    };
    let right = format!(" steps {judged}/{total} · verdict {form} ");
    let rw = width(&right) as u16;
    let room = area.width.saturating_sub(rw + 1);
    let title_room = usize::from(room).saturating_sub(width(&lead));
    let title = fit(&v.item.case.title, title_room);
    let left = format!("{lead}{title}");
    put(buf, area.x, area.y, &left, room, t.header());
    if rw <= area.width {
        put(buf, area.right() - rw, area.y, &right, rw, t.header());
    }
}

/// `text` cut to `cells` with a trailing `…` when it does not fit.
pub(crate) fn fit(text: &str, cells: usize) -> String {
    if width(text) <= cells {
        return text.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > cells {
            break;
        }
        out.push(c);
        w += cw;
    }
    if cells > 0 {
        out.push('…');
    }
    out
}

fn render_case(buf: &mut ratatui::buffer::Buffer, app: &App, v: &ItemView, area: Rect) {
    if area.height == 0 {
        return;
    }
    let t = Theme::of(app);
    if app.case_collapsed {
        let text = format!(
            "▸ case hidden (v shows it) · {}",
            v.item.case.question.trim()
        );
        put(buf, area.x, area.y, &text, area.width, t.dim());
        return;
    }
    let body = usize::from(area.height - 1);
    let total = v.case_lines.len();
    let first = app.case_scroll.min(total);
    let last = (first + body).min(total);
    let title = "▾ Case";
    let x = put(buf, area.x, area.y, title, area.width, t.title());
    let hint = if total > body {
        format!(
            "lines {}-{last} of {total} · [ ] scroll · v hide",
            first + 1
        )
    } else {
        "v hide".to_string()
    };
    let hw = width(&hint) as u16;
    if x + 2 + hw <= area.right() {
        put(buf, area.right() - hw, area.y, &hint, hw, t.dim());
    }
    for (k, line) in v.case_lines[first..last].iter().enumerate() {
        put(
            buf,
            area.x,
            area.y + 1 + k as u16,
            line,
            area.width,
            ratatui::style::Style::new(),
        );
    }
}
