//! The demo feedback popup shown when an item is completed.

use super::put;
use super::theme::Theme;
use crate::tui::app::App;
use crate::ui::text::wrap_plain;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};

pub fn render(frame: &mut Frame, app: &App, area: Rect, lines: &[String]) {
    let t = Theme::of(app);
    let w = area.width.saturating_sub(4).min(76);
    let inner_w = usize::from(w.saturating_sub(4)).max(1);
    let wrapped: Vec<String> = lines.iter().flat_map(|l| wrap_plain(l, inner_w)).collect();
    let h = (wrapped.len() as u16 + 4).min(area.height.saturating_sub(2));
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let buf = frame.buffer_mut();
    Clear.render(rect, buf);
    Block::default()
        .borders(Borders::ALL)
        .title(" Feedback ")
        .title_bottom(" j/k scroll · Enter: close ")
        .render(rect, buf);
    let body = h.saturating_sub(4);
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
    if scroll < max_scroll {
        put(
            buf,
            rect.x + 2,
            rect.bottom() - 2,
            "… j/k scroll",
            12,
            t.dim(),
        );
    }
}
