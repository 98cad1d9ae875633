//! Drawing helpers the lab's views share: styled pieces and per-char styles clipped at a
//! column, the focus bar, the scroll offset that keeps a cursor visible, and the text clip
//! from [`crate::ui::text`]. Render only.

pub(crate) use crate::ui::text::clip;
use crate::ui::text::put;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// Write styled pieces from (x, y), clipped at `right`; returns the column after them.
pub(crate) fn put_pieces<'a>(
    buf: &mut Buffer,
    mut x: u16,
    y: u16,
    right: u16,
    pieces: impl IntoIterator<Item = (&'a str, Style)>,
) -> u16 {
    for (text, style) in pieces {
        if x >= right {
            break;
        }
        x = put(buf, x, y, text, right - x, style);
    }
    x
}

/// Draw `text` with a style per char (`style_at(char index)`), grouping equal runs.
pub(crate) fn put_chars(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    right: u16,
    text: &str,
    style_at: impl Fn(usize, char) -> Style,
) -> u16 {
    let mut out = x;
    let mut run = String::new();
    let mut run_style: Option<Style> = None;
    for (i, c) in text.chars().enumerate() {
        let st = style_at(i, c);
        let c = if c.is_control() { ' ' } else { c };
        if run_style.is_some_and(|r| r != st) {
            out = put_pieces(
                buf,
                out,
                y,
                right,
                [(run.as_str(), run_style.unwrap_or_default())],
            );
            run.clear();
        }
        run_style = Some(st);
        run.push(c);
    }
    if let Some(st) = run_style {
        out = put_pieces(buf, out, y, right, [(run.as_str(), st)]);
    }
    out
}

/// Fill a row with `style` (the focus bar).
pub(crate) fn fill_row(buf: &mut Buffer, area: Rect, y: u16, style: Style) {
    if y >= area.y && y < area.bottom() {
        buf.set_style(Rect::new(area.x, y, area.width, 1), style);
    }
}

/// The first visible row so that `cursor` is on screen in `rows` rows.
pub(crate) fn scroll_for(cursor: usize, rows: usize) -> usize {
    if rows == 0 {
        return cursor;
    }
    cursor.saturating_sub(rows - 1)
}
