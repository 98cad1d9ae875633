//! The demo feedback popup shown when an item is completed. Its layout is one function, used
//! by the view to draw and by `update` to stop scrolling at the end.

use super::put;
use super::theme::Theme;
use crate::tui::app::App;
use crate::ui::text::wrap_plain;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};

struct Layout {
    rect: Rect,
    wrapped: Vec<String>,
    body: u16,
}

fn layout(area: Rect, lines: &[String]) -> Layout {
    let w = area.width.saturating_sub(4).min(76);
    let inner_w = usize::from(w.saturating_sub(4)).max(1);
    let wrapped: Vec<String> = lines.iter().flat_map(|l| wrap_plain(l, inner_w)).collect();
    let h = (wrapped.len() as u16 + 3).min(area.height.saturating_sub(2));
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Layout {
        rect,
        wrapped,
        body: h.saturating_sub(3),
    }
}

/// The last first-line the popup can scroll to.
pub fn max_scroll(area: Rect, lines: &[String]) -> usize {
    let l = layout(area, lines);
    l.wrapped.len().saturating_sub(usize::from(l.body))
}

/// Lines of text the popup shows at once.
pub fn body_height(area: Rect, lines: Option<&[String]>) -> usize {
    lines.map_or(0, |lines| usize::from(layout(area, lines).body))
}

pub fn render(frame: &mut Frame, app: &App, area: Rect, lines: &[String]) {
    let t = Theme::of(app);
    let Layout {
        rect,
        wrapped,
        body,
    } = layout(area, lines);
    let w = rect.width;
    let buf = frame.buffer_mut();
    Clear.render(rect, buf);
    Block::default()
        .borders(Borders::ALL)
        .title(" Feedback ")
        .title_bottom(" ↑↓ PgUp PgDn Home End scroll · Enter: close ")
        .render(rect, buf);
    let max_scroll = wrapped.len().saturating_sub(usize::from(body));
    let scroll = app.feedback_scroll.min(max_scroll);
    for (i, l) in wrapped
        .iter()
        .skip(scroll)
        .take(usize::from(body))
        .enumerate()
    {
        put(
            buf,
            rect.x + 2,
            rect.y + 2 + i as u16,
            l,
            w.saturating_sub(4),
            ratatui::style::Style::new(),
        );
    }
    let more = if max_scroll == 0 {
        String::new()
    } else {
        format!(
            "lines {}-{} of {}{}",
            scroll + 1,
            (scroll + usize::from(body)).min(wrapped.len()),
            wrapped.len(),
            if scroll < max_scroll {
                " · more below"
            } else {
                " · end"
            }
        )
    };
    put(
        buf,
        rect.x + 2,
        rect.y + 1,
        &more,
        w.saturating_sub(4),
        t.dim(),
    );
}
