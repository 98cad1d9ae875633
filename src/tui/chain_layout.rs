//! The wrapped lines of both chains at one width, with row offsets, computed by `update` when
//! an item loads, the width or layout changes, or a verdict changes (one step). Views read it
//! to draw only the visible steps, so a frame costs the same for 3 or 300 steps.
//! Both sides are wrapped by the same function with the same number width: they render alike.

use super::badge::badge;
use crate::domain::{BlindChain, BlindItem, StepVerdict};
use crate::ui::text::{width, wrap_hanging};

/// One step's lines. Line 0 starts with the number and the badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepLines {
    pub lines: Vec<String>,
    /// Byte range of the badge in `lines[0]` (clamped to the line).
    pub badge: (usize, usize),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChainLines {
    /// Text width the lines were wrapped to.
    pub width: usize,
    /// Width of the step numbers (digits of the longer chain).
    pub num_width: usize,
    /// `[left, right]`, one entry per step.
    pub steps: [Vec<StepLines>; 2],
    /// The extracted answer and differential under each chain.
    pub footer: [Vec<String>; 2],
    /// Aligned rows (side by side): `row_tops[i]` is the first line of step `i` on both sides;
    /// `row_tops[rows]` is where the footer starts.
    pub row_tops: Vec<usize>,
    /// Per side (stacked): `side_tops[s][i]` is the first line of step `i` of side `s`.
    pub side_tops: [Vec<usize>; 2],
}

fn step_lines(
    num: usize,
    num_width: usize,
    text: &str,
    verdict: &StepVerdict,
    w: usize,
) -> StepLines {
    let prefix = format!("{num:>num_width$}. ");
    let b = badge(verdict);
    let lines = wrap_hanging(&prefix, &b, text, w, width(&prefix));
    // The badge directly follows the prefix on line 0; a very narrow panel may cut it short.
    let len0 = lines.first().map_or(0, String::len);
    let start = prefix.len().min(len0);
    let end = (prefix.len() + b.len()).min(len0);
    StepLines {
        lines,
        badge: (start, end),
    }
}

/// Shown at the end of a chain whose generation was cut off: the same words
/// on either side, nothing about which model.
pub const CUT_OFF: &str = "— this chain was cut off here —";

/// The answer and differential under a chain. A chain that gave a differential and no separate
/// answer shows only the differential: "(none found)" above a valid list would mislead.
fn footer_lines(chain: &BlindChain, w: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if chain.cut_off {
        lines.extend(wrap_hanging("", "", CUT_OFF, w, 3));
    }
    lines.extend(
        match (chain.answer.as_deref(), chain.differential.is_empty()) {
            (Some(answer), _) => wrap_hanging("⇒ answer: ", "", answer, w, 3),
            (None, true) => wrap_hanging("⇒ answer: ", "", "(none found)", w, 3),
            (None, false) => Vec::new(),
        },
    );
    if !chain.differential.is_empty() {
        let diff = chain
            .differential
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{}) {d}", i + 1))
            .collect::<Vec<_>>()
            .join("  ");
        lines.extend(wrap_hanging("⇒ differential: ", "", &diff, w, 3));
    }
    lines
}

fn verdict_at(item: &BlindItem, side: usize, i: usize) -> StepVerdict {
    item.verdicts[side].get(i).cloned().unwrap_or_default()
}

impl ChainLines {
    /// Wrap both chains of `item` to `w` cells.
    pub fn build(item: &BlindItem, w: usize) -> ChainLines {
        let longest = item.chains[0]
            .steps
            .len()
            .max(item.chains[1].steps.len())
            .max(1);
        let num_width = longest.to_string().len();
        let mut out = ChainLines {
            width: w,
            num_width,
            ..ChainLines::default()
        };
        for s in 0..2 {
            out.steps[s] = item.chains[s]
                .steps
                .iter()
                .enumerate()
                .map(|(i, st)| step_lines(i + 1, num_width, &st.text, &verdict_at(item, s, i), w))
                .collect();
            out.footer[s] = footer_lines(&item.chains[s], w);
        }
        out.recompute_tops();
        out
    }

    /// Re-wrap one step after its verdict changed.
    pub fn update_step(&mut self, item: &BlindItem, side: usize, i: usize) {
        let (Some(chain), Some(slot)) = (item.chains.get(side), self.steps.get_mut(side)) else {
            return;
        };
        if let (Some(step), Some(cell)) = (chain.steps.get(i), slot.get_mut(i)) {
            *cell = step_lines(
                i + 1,
                self.num_width,
                &step.text,
                &verdict_at(item, side, i),
                self.width,
            );
        }
        self.recompute_tops();
    }

    fn recompute_tops(&mut self) {
        let rows = self.steps[0].len().max(self.steps[1].len());
        self.row_tops.clear();
        self.row_tops.reserve(rows + 1);
        let mut y = 0;
        for i in 0..rows {
            self.row_tops.push(y);
            y += self.row_height(i);
        }
        self.row_tops.push(y);
        for s in 0..2 {
            let tops = &mut self.side_tops[s];
            tops.clear();
            let mut y = 0;
            for st in &self.steps[s] {
                tops.push(y);
                y += st.lines.len();
            }
            tops.push(y);
        }
    }

    /// Lines of aligned row `i`: the taller of the two steps.
    pub fn row_height(&self, i: usize) -> usize {
        let h = |s: usize| self.steps[s].get(i).map_or(0, |st| st.lines.len());
        h(0).max(h(1))
    }

    pub fn rows(&self) -> usize {
        self.row_tops.len().saturating_sub(1)
    }

    /// Total lines side by side (rows and the taller footer).
    pub fn aligned_total(&self) -> usize {
        self.row_tops.last().copied().unwrap_or(0) + self.footer[0].len().max(self.footer[1].len())
    }

    /// Total lines of one side when stacked.
    pub fn side_total(&self, side: usize) -> usize {
        self.side_tops[side].last().copied().unwrap_or(0) + self.footer[side].len()
    }

    /// First line and height of step `i` (aligned rows when `aligned`, else that side alone).
    pub fn step_span(&self, aligned: bool, side: usize, i: usize) -> Option<(usize, usize)> {
        if aligned {
            let top = *self.row_tops.get(i)?;
            (i < self.rows()).then(|| (top, self.row_height(i)))
        } else {
            let top = *self.side_tops[side].get(i)?;
            self.steps[side].get(i).map(|st| (top, st.lines.len()))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::domain::{BlindStep, CaseVerdict, ItemId, StepLabel};

    pub(crate) fn item(left: &[&str], right: &[&str]) -> BlindItem {
        let chain = |steps: &[&str]| BlindChain {
            steps: steps
                .iter()
                .map(|t| BlindStep {
                    text: t.to_string(),
                })
                .collect(),
            answer: Some("C".into()),
            differential: vec![],
            cut_off: false,
        };
        BlindItem {
            item: ItemId(1),
            position: 0,
            case: crate::tui::update::tests_support::case(),
            chains: [chain(left), chain(right)],
            verdicts: [
                vec![StepVerdict::default(); left.len()],
                vec![StepVerdict::default(); right.len()],
            ],
            case_verdict: CaseVerdict::default(),
            events: Default::default(),
        }
    }

    #[test]
    fn rows_align_by_index_and_take_the_taller_step() {
        let it = item(
            &[
                "short",
                "a much longer step that will surely wrap at twenty",
            ],
            &["x", "y", "z"],
        );
        let c = ChainLines::build(&it, 20);
        assert_eq!(c.rows(), 3);
        assert_eq!(c.row_tops[0], 0);
        assert_eq!(c.row_tops[1], 1);
        assert_eq!(c.row_height(1), c.steps[0][1].lines.len());
        assert!(c.row_height(1) >= 3);
        assert_eq!(c.steps[0][0].lines[0], "1. [ · ] short");
        assert_eq!(
            &c.steps[0][0].lines[0][c.steps[0][0].badge.0..c.steps[0][0].badge.1],
            "[ · ]"
        );
    }

    #[test]
    fn a_differential_without_an_answer_shows_only_the_differential() {
        let mut it = item(&["alpha"], &["beta"]);
        it.chains[0].answer = None;
        it.chains[0].differential = vec!["Ectopic pregnancy".into(), "Appendicitis".into()];
        it.chains[1].answer = None;
        let c = ChainLines::build(&it, 60);
        assert_eq!(
            c.footer[0],
            vec!["⇒ differential: 1) Ectopic pregnancy 2) Appendicitis"]
        );
        assert_eq!(c.footer[1], vec!["⇒ answer: (none found)"]);
    }

    #[test]
    fn update_step_rewraps_one_step() {
        let mut it = item(&["alpha"], &["beta"]);
        let mut c = ChainLines::build(&it, 40);
        it.verdicts[1][0].label = Some(StepLabel::Sound);
        c.update_step(&it, 1, 0);
        assert_eq!(c.steps[1][0].lines[0], "1. [✓ sound] beta");
        assert_eq!(c, ChainLines::build(&it, 40));
    }
}
