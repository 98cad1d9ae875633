//! Layout of a raw run for the raw-vs-stripped view (pure): the raw fields wrapped to a width
//! as byte ranges (so each row can be styled by the step spans it overlaps), and which step
//! owns each byte. Must not draw; the view does.

use crate::domain::{Chain, RawField};
use unicode_width::UnicodeWidthChar;

/// One row of the raw pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawRow {
    /// A field heading (`reasoning`, `output`), shown when the run has a reasoning field.
    Heading(RawField),
    /// Bytes `[start, end)` of `field`, on char boundaries, without the newline.
    Text {
        field: RawField,
        start: usize,
        end: usize,
    },
}

/// Display width of one raw char (tabs and control chars take one cell, drawn as a space).
pub fn cell_width(c: char) -> usize {
    if c.is_control() {
        1
    } else {
        c.width().unwrap_or(0)
    }
}

/// Wrap `text` to `width` cells, keeping byte offsets. Breaks after the last space that fits,
/// else mid-word. Every source line gives at least one row.
pub fn wrap_ranges(text: &str, width: usize) -> Vec<(usize, usize)> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let base = line_start;
        line_start += line.len() + 1;
        let mut start = 0; // relative to `line`
        let mut w = 0;
        let mut last_space: Option<usize> = None; // relative byte just after a space
        let mut iter = line.char_indices().peekable();
        if line.is_empty() {
            rows.push((base, base));
            continue;
        }
        while let Some((i, c)) = iter.next() {
            let cw = cell_width(c);
            if w + cw > width && i > start {
                let cut = match last_space {
                    Some(s) if s > start => s,
                    _ => i,
                };
                rows.push((base + start, base + cut));
                start = cut;
                last_space = None;
                w = line[start..i].chars().map(cell_width).sum();
            }
            w += cw;
            if c == ' ' {
                last_space = Some(i + 1);
            }
            if iter.peek().is_none() {
                rows.push((base + start, base + line.len()));
            }
        }
    }
    rows
}

/// The raw pane's rows: the reasoning field (if any) under a heading, then the output.
pub fn layout(output: &str, reasoning: Option<&str>, width: usize) -> Vec<RawRow> {
    let mut rows = Vec::new();
    let field_rows = |field: RawField, text: &str, rows: &mut Vec<RawRow>| {
        rows.extend(
            wrap_ranges(text, width)
                .into_iter()
                .map(|(start, end)| RawRow::Text { field, start, end }),
        );
    };
    match reasoning {
        Some(r) => {
            rows.push(RawRow::Heading(RawField::Reasoning));
            field_rows(RawField::Reasoning, r, &mut rows);
            rows.push(RawRow::Heading(RawField::Output));
            field_rows(RawField::Output, output, &mut rows);
        }
        None => field_rows(RawField::Output, output, &mut rows),
    }
    rows
}

/// Which step each raw byte came from: sorted, non-overlapping `(start, end, step)` per field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Owners {
    output: Vec<(usize, usize, usize)>,
    reasoning: Vec<(usize, usize, usize)>,
}

impl Owners {
    pub fn of(chain: Option<&Chain>) -> Owners {
        let mut o = Owners::default();
        for step in chain.map(|c| c.steps.as_slice()).unwrap_or_default() {
            for s in &step.spans {
                let v = match s.field {
                    RawField::Output => &mut o.output,
                    RawField::Reasoning => &mut o.reasoning,
                };
                v.push((s.start, s.end, step.index));
            }
        }
        o.output.sort_unstable();
        o.reasoning.sort_unstable();
        o
    }

    /// The step whose span holds byte `at` of `field`.
    pub fn owner(&self, field: RawField, at: usize) -> Option<usize> {
        let v = match field {
            RawField::Output => &self.output,
            RawField::Reasoning => &self.reasoning,
        };
        let i = v.partition_point(|&(s, _, _)| s <= at);
        let (s, e, step) = *v.get(i.checked_sub(1)?)?;
        (s <= at && at < e).then_some(step)
    }

    /// The first raw position of `step`, if it has a span.
    pub fn first(&self, step: usize) -> Option<(RawField, usize)> {
        let find = |v: &Vec<(usize, usize, usize)>| {
            v.iter().find(|&&(_, _, s)| s == step).map(|&(st, _, _)| st)
        };
        find(&self.reasoning)
            .map(|s| (RawField::Reasoning, s))
            .or_else(|| find(&self.output).map(|s| (RawField::Output, s)))
    }
}

/// The row of `rows` that shows byte `at` of `field`.
pub fn row_of(rows: &[RawRow], field: RawField, at: usize) -> Option<usize> {
    rows.iter().position(|r| match *r {
        RawRow::Text {
            field: f,
            start,
            end,
        } => f == field && start <= at && (at < end || (at == end && start == end)),
        RawRow::Heading(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Span, Step};

    fn texts<'a>(text: &'a str, rows: &[(usize, usize)]) -> Vec<&'a str> {
        rows.iter().map(|&(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn wraps_at_spaces_and_keeps_offsets() {
        let t = "Fever and neck stiffness.\nNo rash.";
        let r = wrap_ranges(t, 12);
        assert_eq!(
            texts(t, &r),
            ["Fever and ", "neck ", "stiffness.", "No rash."]
        );
    }

    #[test]
    fn long_words_break_and_empty_lines_stay() {
        let t = "abcdefghij\n\nxy";
        let r = wrap_ranges(t, 4);
        assert_eq!(texts(t, &r), ["abcd", "efgh", "ij", "", "xy"]);
    }

    #[test]
    fn multibyte_text_stays_on_char_boundaries() {
        let t = "Ménière’s disease — vertigo ✓ tinnitus";
        for w in 1..12 {
            for (s, e) in wrap_ranges(t, w) {
                assert!(t.is_char_boundary(s) && t.is_char_boundary(e));
            }
        }
        let joined: String = texts(t, &wrap_ranges(t, 7)).concat();
        assert_eq!(joined, t);
    }

    #[test]
    fn owners_find_steps_by_byte() {
        let step = |i: usize, s: usize, e: usize| Step {
            index: i,
            text: String::new(),
            spans: vec![Span {
                field: RawField::Output,
                start: s,
                end: e,
            }],
            duplicates: vec![],
        };
        let chain = Chain {
            steps: vec![step(0, 0, 5), step(1, 10, 20)],
            answer: None,
            truncated: false,
            stripper_version: "t".into(),
            outcome: Default::default(),
            conflict: false,
            sentences: 0,
        };
        let o = Owners::of(Some(&chain));
        assert_eq!(o.owner(RawField::Output, 0), Some(0));
        assert_eq!(o.owner(RawField::Output, 5), None);
        assert_eq!(o.owner(RawField::Output, 19), Some(1));
        assert_eq!(o.owner(RawField::Reasoning, 1), None);
        assert_eq!(o.first(1), Some((RawField::Output, 10)));
        let rows = layout("0123456789 abcdefghij", None, 11);
        assert_eq!(row_of(&rows, RawField::Output, 12), Some(1));
    }
}
