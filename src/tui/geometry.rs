//! Where each part of each screen goes, from the terminal size alone (pure). `update` uses it
//! to know how many lines are visible (scrolling, wrap widths); the views use it to draw.
//! One function, so the two can never disagree.

use ratatui::layout::Rect;

pub use crate::ui::{MIN_HEIGHT, MIN_WIDTH, too_small};
/// From this width on, the chains go side by side unless the reviewer switched (`w`).
pub const SIDE_BY_SIDE_MIN_WIDTH: u16 = 100;

/// How the two chains are arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainLayout {
    SideBySide,
    Stacked,
}

impl ChainLayout {
    /// The layout used at this width when the reviewer has not switched.
    pub fn auto(width: u16) -> ChainLayout {
        if width >= SIDE_BY_SIDE_MIN_WIDTH {
            ChainLayout::SideBySide
        } else {
            ChainLayout::Stacked
        }
    }
}

/// One chain panel: a title line and the lines of steps under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainPanel {
    pub title: Rect,
    /// Column 0 is the focus marker; the text starts at column 1.
    pub body: Rect,
}

impl ChainPanel {
    /// Cells available to wrapped step text (the body less the focus-marker column).
    pub fn text_width(&self) -> usize {
        usize::from(self.body.width.saturating_sub(1))
    }
}

/// The review screen: header, case panel, chains (or the form in their place), status, legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewAreas {
    pub header: Rect,
    pub case: Rect,
    /// The whole chains area (the case-verdict form draws here too).
    pub chains: Rect,
    /// `[left, right]`.
    pub panels: [ChainPanel; 2],
    /// The column between side-by-side panels, if any.
    pub separator: Option<Rect>,
    pub status: Rect,
    pub legend: Rect,
}

fn row(area: Rect, y: u16, height: u16) -> Rect {
    Rect::new(area.x, y, area.width, height)
}

/// Lines the case panel takes: its title line plus text, or only the title when collapsed.
pub fn case_panel_height(area: Rect, collapsed: bool) -> u16 {
    if collapsed {
        1
    } else {
        (area.height / 4).clamp(4, 14)
    }
}

pub fn review_areas(area: Rect, collapsed: bool, layout: ChainLayout) -> ReviewAreas {
    let h = area.height;
    let header = row(area, area.y, 1.min(h));
    let case_h = case_panel_height(area, collapsed).min(h.saturating_sub(1));
    let case = row(area, area.y + 1, case_h);
    let bottom = area.y + h;
    let legend = row(area, bottom.saturating_sub(1), 1.min(h));
    let status = row(area, bottom.saturating_sub(2), 1.min(h));
    let top = area.y + 1 + case_h;
    let chains_h = h.saturating_sub(3 + case_h);
    let chains = row(area, top, chains_h);
    let (panels, separator) = match layout {
        ChainLayout::SideBySide => {
            let side_w = area.width.saturating_sub(1) / 2;
            let body_h = chains_h.saturating_sub(1);
            let left = ChainPanel {
                title: Rect::new(area.x, top, side_w, 1.min(chains_h)),
                body: Rect::new(area.x, top + 1, side_w, body_h),
            };
            let rx = area.x + side_w + 1;
            let right = ChainPanel {
                title: Rect::new(rx, top, side_w, 1.min(chains_h)),
                body: Rect::new(rx, top + 1, side_w, body_h),
            };
            let sep = Rect::new(area.x + side_w, top, 1, chains_h);
            ([left, right], Some(sep))
        }
        ChainLayout::Stacked => {
            // Both panels get the same height, so both sides render identically.
            let body_h = chains_h.saturating_sub(2) / 2;
            let left = ChainPanel {
                title: Rect::new(area.x, top, area.width, 1.min(chains_h)),
                body: Rect::new(area.x, top + 1, area.width, body_h),
            };
            let ry = top + 1 + body_h;
            let right = ChainPanel {
                title: Rect::new(area.x, ry, area.width, 1.min(chains_h)),
                body: Rect::new(area.x, ry + 1, area.width, body_h),
            };
            ([left, right], None)
        }
    };
    ReviewAreas {
        header,
        case,
        chains,
        panels,
        separator,
        status,
        legend,
    }
}

/// The queue screen: header, progress, column titles, list, filter line, status, legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueAreas {
    pub header: Rect,
    pub progress: Rect,
    pub columns: Rect,
    pub list: Rect,
    pub filter: Rect,
    pub status: Rect,
    pub legend: Rect,
}

pub fn queue_areas(area: Rect) -> QueueAreas {
    let h = area.height;
    let bottom = area.y + h;
    QueueAreas {
        header: row(area, area.y, 1.min(h)),
        progress: row(area, area.y + 1, 1.min(h.saturating_sub(1))),
        columns: row(area, area.y + 2, 1.min(h.saturating_sub(2))),
        list: row(area, area.y + 3, h.saturating_sub(6)),
        filter: row(area, bottom.saturating_sub(3), 1.min(h)),
        status: row(area, bottom.saturating_sub(2), 1.min(h)),
        legend: row(area, bottom.saturating_sub(1), 1.min(h)),
    }
}

/// The help screen: a scrolling body above the legend.
pub fn help_body(area: Rect) -> Rect {
    Rect::new(area.x, area.y, area.width, area.height.saturating_sub(1))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn review_areas_fill_80x24_without_overlap() {
        let a = review_areas(Rect::new(0, 0, 80, 24), false, ChainLayout::Stacked);
        assert_eq!(a.case.height, 6);
        assert_eq!(a.panels[0].body.height, a.panels[1].body.height);
        assert!(a.panels[1].body.bottom() <= a.status.y);
        assert_eq!(a.legend.y, 23);
        let s = review_areas(Rect::new(0, 0, 160, 48), false, ChainLayout::SideBySide);
        assert_eq!(s.panels[0].body.width, s.panels[1].body.width);
        assert!(s.panels[0].body.right() <= s.panels[1].body.x);
    }
}
