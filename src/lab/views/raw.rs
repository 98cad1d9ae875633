//! The raw-vs-stripped view: the raw output on the left, each step's source spans in
//! alternating styles (text no step came from dimmed, the focused step's spans strong), and
//! the stripped steps on the right, numbered, the focused one highlighted. Both panes scroll
//! to keep the focused step in view. Never used by the blind review screens.

use super::draw::{clip, fill_row, put_chars, put_pieces};
use super::style::LabStyle;
use crate::domain::RawField;
use crate::lab::app::{LabApp, RawState};
use crate::lab::raw_layout::{Owners, RawRow, layout, row_of};
use crate::ui::text::put;
use crate::ui::text::wrap_hanging;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub const KEYS: &[(&str, &str)] = &[
    ("↑↓/jk", "step"),
    ("g/G", "first/last"),
    ("Esc", "runs"),
    ("^c", "quit"),
];

pub fn render(buf: &mut Buffer, app: &LabApp, area: Rect, s: &LabStyle) {
    let Some(raw) = &app.raw else {
        return;
    };
    let run = &raw.view.run;
    let steps = raw.steps();
    let p = &run.provenance;
    let mut facts = vec![
        format!("run {}", run.id),
        run.case_id.to_string(),
        run.model_name.clone(),
        format!("{steps} steps"),
    ];
    if let Some(a) = raw.view.chain.as_ref().and_then(|c| c.answer.as_ref()) {
        facts.push(format!("answer {}", a.display()));
    }
    if let Some(t) = p.tokens_per_second {
        facts.push(format!("{t:.1} tok/s"));
    }
    if let Some(t) = p.time_to_first_token_ms {
        facts.push(format!("ttft {t:.0} ms"));
    }
    if !p.origin.is_empty() {
        facts.push(p.origin.clone());
    }
    put(
        buf,
        area.x + 1,
        area.y,
        &clip(
            &facts.join(" · "),
            usize::from(area.width.saturating_sub(2)),
        ),
        area.width,
        s.title(),
    );
    let body = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(1),
    );
    let lw = body.width / 2;
    let left = Rect::new(body.x, body.y, lw, body.height);
    let right = Rect::new(body.x + lw + 1, body.y, body.width - lw - 1, body.height);
    for y in body.y..body.bottom() {
        put(buf, left.right(), y, "│", 1, s.dim());
    }
    render_raw(buf, raw, left, s);
    render_steps(buf, raw, right, s);
}

fn render_raw(buf: &mut Buffer, raw: &RawState, area: Rect, s: &LabStyle) {
    put(buf, area.x + 1, area.y, "raw output", area.width, s.key());
    let run = &raw.view.run;
    let w = usize::from(area.width.saturating_sub(2));
    let rows = layout(&run.output, run.reasoning.as_deref(), w);
    let owners = Owners::of(raw.view.chain.as_ref());
    let visible = usize::from(area.height.saturating_sub(1));
    // Keep the focused step's first raw row about a third of the way down.
    let anchor = owners
        .first(raw.focus)
        .and_then(|(f, at)| row_of(&rows, f, at))
        .unwrap_or(0);
    let top = anchor
        .saturating_sub(visible / 3)
        .min(rows.len().saturating_sub(visible));
    for (i, row) in rows.iter().skip(top).take(visible).enumerate() {
        let y = area.y + 1 + i as u16;
        match *row {
            RawRow::Heading(f) => {
                let name = match f {
                    RawField::Reasoning => "── reasoning field ──",
                    RawField::Output => "── output field ──",
                };
                put(
                    buf,
                    area.x + 1,
                    y,
                    name,
                    area.width.saturating_sub(1),
                    s.dim(),
                );
            }
            RawRow::Text { field, start, end } => {
                let text = match field {
                    RawField::Output => run.output.get(start..end),
                    RawField::Reasoning => run.reasoning.as_deref().and_then(|r| r.get(start..end)),
                }
                .unwrap_or("");
                let offsets: Vec<usize> = text.char_indices().map(|(b, _)| start + b).collect();
                put_chars(buf, area.x + 1, y, area.right(), text, |ci, _| {
                    let at = offsets.get(ci).copied().unwrap_or(start);
                    match owners.owner(field, at) {
                        Some(step) if step == raw.focus => s.span_focus(),
                        Some(step) => s.span(step),
                        None => s.removed(),
                    }
                });
            }
        }
    }
}

fn render_steps(buf: &mut Buffer, raw: &RawState, area: Rect, s: &LabStyle) {
    let Some(chain) = &raw.view.chain else {
        put(
            buf,
            area.x + 1,
            area.y,
            "this run has no chain (never stripped)",
            area.width.saturating_sub(1),
            s.dim(),
        );
        return;
    };
    let title = format!(
        "stripped steps · {}{}",
        chain.stripper_version,
        if chain.truncated { " · truncated" } else { "" }
    );
    put(
        buf,
        area.x + 1,
        area.y,
        &title,
        area.width.saturating_sub(1),
        s.key(),
    );
    let w = usize::from(area.width.saturating_sub(2));
    let num_w = chain.steps.len().to_string().len();
    // (step index, line) for every wrapped line of every step.
    let mut lines: Vec<(usize, bool, String)> = Vec::new();
    for step in &chain.steps {
        let prefix = format!("{:>num_w$}. ", step.index + 1);
        for (k, l) in wrap_hanging(&prefix, "", &step.text, w, num_w + 2)
            .into_iter()
            .enumerate()
        {
            lines.push((step.index, k == 0, l));
        }
    }
    let visible = usize::from(area.height.saturating_sub(1));
    let first = lines
        .iter()
        .position(|(i, _, _)| *i == raw.focus)
        .unwrap_or(0);
    let top = first
        .saturating_sub(visible / 3)
        .min(lines.len().saturating_sub(visible));
    for (row, (i, head, l)) in lines.iter().skip(top).take(visible).enumerate() {
        let y = area.y + 1 + row as u16;
        let focused = *i == raw.focus;
        let style = if focused { s.span_focus() } else { s.span(*i) };
        if focused {
            fill_row(buf, area, y, s.span_focus());
        }
        put_pieces(
            buf,
            area.x,
            y,
            area.right(),
            [
                (if focused && *head { "▸" } else { " " }, s.marker()),
                (l.as_str(), style),
            ],
        );
    }
}
