//! The case picker: the query line, the matching cases with the matched characters in bold
//! underline, `[x]` on picked cases, and (when wide enough) a preview of the case under the
//! cursor.

use super::draw::{clip, fill_row, put_chars, put_pieces, scroll_for};
use super::style::LabStyle;
use crate::lab::app::LabApp;
use crate::ui::text::put;
use crate::ui::text::{width, wrap_plain};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};

pub const KEYS: &[(&str, &str)] = &[
    ("type", "find"),
    ("↑↓", "move"),
    ("Tab", "pick"),
    ("Enter", "settings"),
    ("^a", "pick all"),
    ("^x", "clear picks"),
    ("^r", "runs"),
    ("Esc", "clear/quit"),
];

/// Wider than this, the preview goes on the right.
const PREVIEW_MIN_WIDTH: u16 = 90;

pub fn title(app: &LabApp) -> String {
    format!(
        "pick cases · {} picked of {}",
        app.picker.picked.len(),
        app.cases.len()
    )
}

pub fn render(frame: &mut Frame, app: &LabApp, area: Rect, s: &LabStyle) {
    let (list, preview) = if area.width >= PREVIEW_MIN_WIDTH {
        let lw = area.width * 11 / 20;
        (
            Rect::new(area.x, area.y, lw, area.height),
            Some(Rect::new(
                area.x + lw + 1,
                area.y,
                area.width - lw - 1,
                area.height,
            )),
        )
    } else {
        (area, None)
    };
    let buf = frame.buffer_mut();
    let p = &app.picker;
    let count = format!("{}/{}", p.matches.len(), app.cases.len());
    let x = put(buf, list.x, list.y, " find ▸ ", list.width, s.key());
    let room = list.right().saturating_sub(x + width(&count) as u16 + 2);
    let shown = clip(&p.query, usize::from(room));
    let cursor_x = put(buf, x, list.y, &shown, room, s.title());
    put(
        buf,
        list.right().saturating_sub(width(&count) as u16 + 1),
        list.y,
        &count,
        list.width,
        s.dim(),
    );
    put(
        buf,
        list.x,
        list.y + 1,
        &"─".repeat(usize::from(list.width)),
        list.width,
        s.dim(),
    );

    let rows = usize::from(list.height.saturating_sub(2));
    let top = scroll_for(p.cursor, rows);
    for (row, (i, m)) in p
        .matches
        .iter()
        .enumerate()
        .skip(top)
        .take(rows)
        .enumerate()
    {
        let y = list.y + 2 + row as u16;
        let focused = i == p.cursor;
        let base = if focused {
            s.focus()
        } else {
            Default::default()
        };
        if focused {
            fill_row(buf, list, y, base);
        }
        let picked = app
            .cases
            .get(m.case)
            .is_some_and(|c| p.picked.contains(&c.id));
        let x = put_pieces(
            buf,
            list.x,
            y,
            list.right(),
            [
                (if focused { "▸" } else { " " }, base.patch(s.marker())),
                (if picked { " [x] " } else { " [ ] " }, base),
            ],
        );
        put_chars(buf, x, y, list.right(), &m.line, |ci, _| {
            if m.hits.binary_search(&ci).is_ok() {
                base.patch(s.hit())
            } else {
                base
            }
        });
    }
    if p.matches.is_empty() && !app.cases.is_empty() {
        put(
            buf,
            list.x + 2,
            list.y + 2,
            "no case matches; Backspace or Esc",
            list.width.saturating_sub(2),
            s.dim(),
        );
    }

    if let Some(pv) = preview {
        for y in pv.y..pv.bottom() {
            put(buf, pv.x - 1, y, "│", 1, s.dim());
        }
        render_preview(buf, app, pv, s);
    }
    frame.set_cursor_position(Position::new(cursor_x, list.y));
}

fn render_preview(buf: &mut ratatui::buffer::Buffer, app: &LabApp, area: Rect, s: &LabStyle) {
    let Some(case) = app.cursor_case() else {
        return;
    };
    let w = usize::from(area.width.saturating_sub(1));
    let mut y = area.y;
    let mut line = |text: &str, style, y: &mut u16| {
        if *y < area.bottom() {
            put(
                buf,
                area.x + 1,
                *y,
                text,
                area.width.saturating_sub(1),
                style,
            );
            *y += 1;
        }
    };
    for l in wrap_plain(&case.title, w) {
        line(&l, s.title(), &mut y);
    }
    let mut meta = vec![case.id.to_string(), case.specialty.to_string()];
    if let Some(i) = case.incidence {
        meta.push(i.to_string());
    }
    meta.push(case.task.kind().to_string());
    line(&meta.join(" · "), s.dim(), &mut y);
    y += 1;
    for l in wrap_plain(case.question.trim(), w) {
        line(&l, s.key(), &mut y);
    }
    y += 1;
    for l in wrap_plain(case.vignette.trim(), w) {
        line(&l, Default::default(), &mut y);
    }
}
