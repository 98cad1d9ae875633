//! The two chains: titles, the visible steps of each side (found by binary search over the
//! cached row offsets, so drawing costs the same for 3 or 300 steps), the focused step
//! highlighted, badges styled. Both sides go through the same function.

use super::put;
use super::theme::Theme;
use crate::domain::Side;
use crate::tui::app::{App, ChainLayout, ItemView};
use crate::tui::geometry::{ChainPanel, ReviewAreas};
use crate::ui::text::width;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

pub fn render(buf: &mut Buffer, app: &App, v: &ItemView, areas: &ReviewAreas) {
    let t = Theme::of(app);
    let layout = app.chain_layout();
    let aligned = layout == ChainLayout::SideBySide;
    for side in [Side::Left, Side::Right] {
        let panel = areas.panels[side.index()];
        render_title(buf, &t, v, side, panel, layout);
        let scroll = if aligned {
            v.chain_scroll[0]
        } else {
            v.chain_scroll[side.index()]
        };
        render_side(buf, &t, v, side, panel.body, scroll, aligned);
    }
    if let Some(sep) = areas.separator {
        for y in sep.top()..sep.bottom() {
            put(buf, sep.x, y, "│", 1, t.dim());
        }
    }
}

fn render_title(
    buf: &mut Buffer,
    t: &Theme,
    v: &ItemView,
    side: Side,
    panel: ChainPanel,
    layout: ChainLayout,
) {
    let area = panel.title;
    if area.height == 0 {
        return;
    }
    let focused = v.focus.side == side;
    let name = match side {
        Side::Left => "Left",
        Side::Right => "Right",
    };
    let marker = if focused { "▶ " } else { "  " };
    let text = format!(
        "{marker}{name} · {}/{} judged",
        v.judged(side),
        v.steps_len(side)
    );
    let style = if focused { t.title() } else { Style::new() };
    let rule_style = t.dim();
    buf.set_stringn(
        area.x,
        area.y,
        "─".repeat(usize::from(area.width)),
        usize::from(area.width),
        rule_style,
    );
    let x = put(buf, area.x, area.y, &text, area.width, style);
    let hint = match (layout, side) {
        (ChainLayout::Stacked, Side::Left) => " stacked · w: side by side ",
        (ChainLayout::SideBySide, Side::Right) => " w: stacked ",
        _ => "",
    };
    let hw = width(hint) as u16;
    if !hint.is_empty() && x + 2 + hw <= area.right() {
        put(buf, area.right() - hw, area.y, hint, hw, t.dim());
    }
}

fn render_side(
    buf: &mut Buffer,
    t: &Theme,
    v: &ItemView,
    side: Side,
    body: Rect,
    scroll: usize,
    aligned: bool,
) {
    let s = side.index();
    let lines = &v.lines;
    let tops: &[usize] = if aligned {
        &lines.row_tops
    } else {
        &lines.side_tops[s]
    };
    let steps = &lines.steps[s];
    let vh = usize::from(body.height);
    let bottom = scroll + vh;
    let text_x = body.x + 1;
    let text_w = body.width.saturating_sub(1);
    let first = tops.partition_point(|top| *top <= scroll).saturating_sub(1);
    for (i, step) in steps.iter().enumerate().skip(first) {
        let Some(&top) = tops.get(i) else { break };
        if top >= bottom {
            break;
        }
        let focused = v.focus.side == side && v.focus.step == i;
        let peer = v.focus.side != side && v.focus.step == i;
        let label = v.item.verdicts[s].get(i).and_then(|vd| vd.label);
        for (k, text) in step.lines.iter().enumerate() {
            let y = top + k;
            if y < scroll {
                continue;
            }
            if y >= bottom {
                break;
            }
            let row = body.y + (y - scroll) as u16;
            if focused {
                buf.set_style(Rect::new(body.x, row, body.width, 1), t.focus());
                put(buf, body.x, row, "▶", 1, t.marker());
            } else if peer && k == 0 {
                put(buf, body.x, row, "›", 1, t.dim());
            }
            let (b0, b1) = step.badge;
            if k == 0
                && b0 <= b1
                && b1 <= text.len()
                && text.is_char_boundary(b0)
                && text.is_char_boundary(b1)
            {
                let mut x = put(buf, text_x, row, &text[..b0], text_w, Style::new());
                let right = text_x + text_w;
                x = put(
                    buf,
                    x,
                    row,
                    &text[b0..b1],
                    right.saturating_sub(x),
                    t.label(label),
                );
                put(
                    buf,
                    x,
                    row,
                    &text[b1..],
                    right.saturating_sub(x),
                    Style::new(),
                );
            } else {
                put(buf, text_x, row, text, text_w, Style::new());
            }
        }
    }
    // The extracted answer under the last step.
    let footer_top = tops
        .get(steps.len().max(if aligned { lines.rows() } else { 0 }))
        .copied();
    if let Some(ft) = footer_top {
        for (k, text) in lines.footer[s].iter().enumerate() {
            let y = ft + k;
            if y >= scroll && y < bottom {
                put(
                    buf,
                    text_x,
                    body.y + (y - scroll) as u16,
                    text,
                    text_w,
                    t.dim(),
                );
            }
        }
    }
}
