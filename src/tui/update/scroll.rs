//! Keeping caches and scroll offsets consistent with the terminal size: re-wrapping when the
//! width changes and scrolling so the focused step or selected row is visible.

use crate::tui::app::{App, ChainLayout};
use crate::tui::chain_layout::ChainLines;
use crate::tui::geometry::{queue_areas, review_areas};

/// The smallest change to `scroll` that shows lines `top..top + h` in a window of `vh` lines
/// (the top wins when the span is taller than the window).
pub(super) fn reveal(scroll: usize, top: usize, h: usize, vh: usize) -> usize {
    if top < scroll || vh == 0 {
        top
    } else if top + h > scroll + vh {
        top.min(top + h - vh)
    } else {
        scroll
    }
}

impl App {
    /// Re-wrap the open item's chains and case text if the width changed.
    pub(crate) fn relayout(&mut self) {
        let layout = self.chain_layout();
        let areas = review_areas(self.area(), self.case_collapsed, layout);
        let Some(v) = self.open.as_mut() else { return };
        let w = areas.panels[0].text_width();
        if v.lines.width != w || v.lines.steps[0].len() != v.item.chains[0].steps.len() {
            v.lines = ChainLines::build(&v.item, w);
        }
        let cw = usize::from(areas.case.width.saturating_sub(1)).max(1);
        if v.case_width != cw {
            v.case_lines = App::case_text_lines(&v.item, cw);
            v.case_width = cw;
        }
        let case_body = usize::from(areas.case.height.saturating_sub(1));
        let max = v.case_lines.len().saturating_sub(case_body);
        self.case_scroll = self.case_scroll.min(max);
    }

    /// Scroll each chain so the focused step is visible. A chain scrolled to its end (after
    /// `G`, to show the answer under the last step) stays there while its last step has the
    /// focus and is at least partly in view, so saving that step does not hide the answer.
    pub(crate) fn scroll_to_focus(&mut self) {
        self.relayout();
        let layout = self.chain_layout();
        let areas = review_areas(self.area(), self.case_collapsed, layout);
        let vh = usize::from(areas.panels[0].body.height);
        let Some(v) = self.open.as_mut() else { return };
        let step = v.focus.step;
        let on_last = step + 1 >= v.steps_len(v.focus.side);
        let place = |scroll: usize, (top, h): (usize, usize), total: usize| {
            let at_end = scroll == total.saturating_sub(vh);
            if on_last && at_end && top < scroll + vh && top + h > scroll {
                scroll
            } else {
                reveal(scroll, top, h, vh)
            }
        };
        match layout {
            ChainLayout::SideBySide => {
                if let Some(span) = v.lines.step_span(true, 0, step) {
                    v.chain_scroll[0] = place(v.chain_scroll[0], span, v.lines.aligned_total());
                }
            }
            ChainLayout::Stacked => {
                for s in 0..2 {
                    let n = v.lines.steps[s].len();
                    if n == 0 {
                        continue;
                    }
                    if let Some(span) = v.lines.step_span(false, s, step.min(n - 1)) {
                        v.chain_scroll[s] = place(v.chain_scroll[s], span, v.lines.side_total(s));
                    }
                }
            }
        }
    }

    /// The focused chain's scroll slot, its total lines and the lines visible in its panel.
    fn focused_chain(&self) -> Option<(usize, usize, usize)> {
        let layout = self.chain_layout();
        let areas = review_areas(self.area(), self.case_collapsed, layout);
        let vh = usize::from(areas.panels[0].body.height);
        let v = self.open.as_ref()?;
        Some(match layout {
            ChainLayout::SideBySide => (0, v.lines.aligned_total(), vh),
            ChainLayout::Stacked => {
                let s = v.focus.side.index();
                (s, v.lines.side_total(s), vh)
            }
        })
    }

    /// Scroll the focused chain to its end, so the answer and differential under its last
    /// step are in view (`j` on the last step).
    pub(crate) fn scroll_focused_to_end(&mut self) {
        self.relayout();
        let Some((slot, total, vh)) = self.focused_chain() else {
            return;
        };
        if let Some(v) = self.open.as_mut() {
            v.chain_scroll[slot] = total.saturating_sub(vh);
        }
    }

    /// After moving to the last step (`G`): scroll to the end of the chain as well when the
    /// focused step still shows there, so the answer under it is in view. (Side by side, a
    /// shorter chain's last step can sit far above the end; then it only stays revealed.)
    pub(crate) fn show_end_with_focus(&mut self) {
        self.relayout();
        let Some((slot, total, vh)) = self.focused_chain() else {
            return;
        };
        let aligned = self.chain_layout() == ChainLayout::SideBySide;
        let Some(v) = self.open.as_mut() else { return };
        let end = total.saturating_sub(vh);
        let span = v
            .lines
            .step_span(aligned, v.focus.side.index(), v.focus.step);
        if let Some((top, h)) = span
            && top + h > end
            && end >= v.chain_scroll[slot]
        {
            v.chain_scroll[slot] = end;
        }
    }

    /// Scroll the focused chain by `n` lines (mouse wheel), within its length.
    pub(crate) fn scroll_chains(&mut self, n: i32) {
        let layout = self.chain_layout();
        let areas = review_areas(self.area(), self.case_collapsed, layout);
        let vh = usize::from(areas.panels[0].body.height);
        let Some(v) = self.open.as_mut() else { return };
        let (slot, total) = match layout {
            ChainLayout::SideBySide => (0, v.lines.aligned_total()),
            ChainLayout::Stacked => {
                let s = v.focus.side.index();
                (s, v.lines.side_total(s))
            }
        };
        let max = total.saturating_sub(vh);
        v.chain_scroll[slot] = v.chain_scroll[slot]
            .saturating_add_signed(n as isize)
            .min(max);
    }

    /// Scroll the case panel by `n` lines.
    pub(crate) fn scroll_case(&mut self, n: isize) {
        self.case_scroll = self.case_scroll.saturating_add_signed(n);
        self.relayout();
    }

    /// Lines of case text visible in the case panel.
    pub(crate) fn case_page(&self) -> usize {
        let areas = review_areas(self.area(), self.case_collapsed, self.chain_layout());
        usize::from(areas.case.height.saturating_sub(2)).max(1)
    }

    /// Scroll the queue so the selected row is visible.
    pub(crate) fn keep_selection_visible(&mut self) {
        let vh = usize::from(queue_areas(self.area()).list.height);
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
        self.queue_scroll = reveal(self.queue_scroll, self.selected, 1, vh);
        let max = self.visible.len().saturating_sub(vh);
        self.queue_scroll = self.queue_scroll.min(max);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::reveal;

    #[test]
    fn reveal_moves_as_little_as_possible() {
        assert_eq!(reveal(0, 3, 2, 10), 0);
        assert_eq!(reveal(0, 9, 2, 10), 1);
        assert_eq!(reveal(5, 2, 1, 10), 2);
        assert_eq!(reveal(0, 20, 15, 10), 20);
    }
}
