//! Style-stripping free text without segmenting it into steps: every line's
//! sentences rewritten by the style pass and joined, repeated to a fixpoint.
//! What the budget, the step builder and the marker detector call on text
//! they already hold. Pure.

use super::markers::MarkerId;
use super::{markup, segment, style};

/// One pass: every line's sentences, style-stripped, joined by spaces; the
/// markers removed (line markup included) are pushed to `hits`.
fn strip_text_once(text: &str, hits: &mut Vec<MarkerId>) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let l = markup::classify_line(line);
        l.marks.record(hits);
        match l.kind {
            markup::LineKind::Blank => continue,
            markup::LineKind::Rule => {
                if l.marks == markup::Marks::default() {
                    hits.push(if line.trim_start().starts_with('|') {
                        MarkerId::md_table
                    } else {
                        MarkerId::md_rule
                    });
                }
                continue;
            }
            _ => {}
        }
        let content = &line[l.start..l.end];
        for (a, b) in segment::sentences(content) {
            let (s, ids) = style::strip_sentence(&content[a..b]);
            hits.extend(ids);
            if !s.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s);
            }
        }
    }
    out
}

/// Style-strip a single piece of text (no segmentation into steps, nothing
/// dropped but sign-offs and pure filler). Idempotent.
pub fn strip_text(text: &str) -> String {
    strip_text_reporting(text, &mut Vec::new())
}

/// [`strip_text`], pushing the markers it removes to `hits` (one per
/// occurrence, over every pass).
pub(crate) fn strip_text_reporting(text: &str, hits: &mut Vec<MarkerId>) -> String {
    let t = strip_text_once(text, hits);
    if t == text {
        return t;
    }
    super::markers::to_fixpoint(t, hits, strip_text_once)
}
