//! The runs list: every stored run with its case, model, step count, answer, origin and
//! date; Enter opens one raw beside its stripped chain.

use super::draw::{clip, fill_row, scroll_for};
use super::style::LabStyle;
use crate::lab::app::LabApp;
use crate::ui::text::put;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub const KEYS: &[(&str, &str)] = &[
    ("↑↓/jk", "move"),
    ("Enter", "raw vs stripped"),
    ("r", "reload"),
    ("Esc", "picker"),
    ("^c", "quit"),
];

fn row_text(cols: &[(String, usize)]) -> String {
    cols.iter()
        .map(|(t, w)| format!("{:<w$}", clip(t, *w), w = *w))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn render(buf: &mut Buffer, app: &LabApp, area: Rect, s: &LabStyle) {
    let rows = &app.runs.rows;
    if !app.runs.loaded {
        put(
            buf,
            area.x + 1,
            area.y,
            "loading runs…",
            area.width,
            s.dim(),
        );
        return;
    }
    if rows.is_empty() {
        put(
            buf,
            area.x + 1,
            area.y,
            "no runs stored yet: pick cases and run a model, or `blindstep runs import`",
            area.width.saturating_sub(1),
            s.dim(),
        );
        return;
    }
    let fixed = 6 + 14 + 16 + 6 + 8 + 20 + 6;
    let answer_w = usize::from(area.width).saturating_sub(fixed + 2).max(6);
    let header = row_text(&[
        ("run".into(), 6),
        ("case".into(), 14),
        ("model".into(), 16),
        ("steps".into(), 6),
        ("origin".into(), 8),
        ("answer".into(), answer_w),
        ("created".into(), 20),
    ]);
    put(
        buf,
        area.x + 2,
        area.y,
        &header,
        area.width.saturating_sub(2),
        s.title(),
    );
    let visible = usize::from(area.height.saturating_sub(1));
    let top = scroll_for(app.runs.cursor, visible);
    for (row, (i, r)) in rows.iter().enumerate().skip(top).take(visible).enumerate() {
        let y = area.y + 1 + row as u16;
        let focused = i == app.runs.cursor;
        let base = if focused {
            s.focus()
        } else {
            Default::default()
        };
        if focused {
            fill_row(buf, area, y, base);
            put(buf, area.x, y, "▸", 1, base.patch(s.marker()));
        }
        let steps = if r.truncated {
            format!("{}…", r.steps)
        } else {
            r.steps.to_string()
        };
        let text = row_text(&[
            (r.id.to_string(), 6),
            (r.case_id.to_string(), 14),
            (r.model.clone(), 16),
            (steps, 6),
            (r.origin.clone(), 8),
            (r.answer.clone().unwrap_or_else(|| "–".into()), answer_w),
            (r.created_at.clone(), 20),
        ]);
        put(
            buf,
            area.x + 2,
            y,
            &text,
            area.width.saturating_sub(2),
            base,
        );
    }
}
