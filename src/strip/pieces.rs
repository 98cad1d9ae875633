//! Pieces of a chain from its reasoning regions: lines → units (paragraphs
//! and list items) → sentences (abbreviation-aware, run-ons split) → style-
//! stripped pieces, with titles and labels set aside or kept as subjects and
//! pieces with nothing to judge marked for dropping. Pure.

use super::content;
use super::lexicon;
use super::markup::{self, LineKind, Title};
use super::parts::{Piece, Region, Removed};
use super::segment;
use super::style;
use crate::domain::{RawField, Span};

struct Builder<'a> {
    raw: &'a str,
    field: RawField,
    unit: usize,
    pieces: Vec<Piece>,
    notes: Vec<Removed>,
}

pub(super) fn snippet(s: &str) -> String {
    let t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match t.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t,
    }
}

impl Builder<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span {
            field: self.field,
            start,
            end,
        }
    }

    /// A title or label: kept as text when it holds a clinical token (or,
    /// for a label, when it names what the text after it is about), and
    /// merged into the piece it heads.
    fn title(&mut self, start: usize, end: usize, label: bool) {
        let raw = &self.raw[start..end];
        let meta = is_meta_label(raw);
        if !meta && (label || lexicon::has_clinical(raw)) {
            let n = self.pieces.len();
            for (a, b) in segment::sentences(raw) {
                self.sentence(start + a, start + b);
                if let Some(p) = self.pieces.last_mut() {
                    p.text = sentence_case(&p.text);
                    p.key = None;
                    if label && !p.text.is_empty() {
                        p.keep = true;
                    }
                }
            }
            if let Some(p) = self.pieces.get_mut(n..).and_then(<[Piece]>::last_mut) {
                p.opens = true;
            }
        } else if !raw.trim().is_empty() {
            // Kept aside (not judged) so a chain of titles alone still shows something.
            let (text, _) = style::strip_sentence(raw);
            self.pieces.push(Piece {
                unit: self.unit,
                spans: vec![self.span(start, end)],
                text,
                removed: vec![Removed::Title(snippet(raw))],
                keep: false,
                key: None,
                opens: false,
            });
        }
    }

    /// Is the raw sentence at `start` an imperative plan about the task
    /// ("Try to work through this question step by step.")?
    fn unit_opening_plan(&self, start: usize) -> bool {
        let w = self.raw[start..]
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or_default();
        matches!(w, "Try" | "Let" | "Now")
    }

    fn sentence(&mut self, start: usize, end: usize) {
        let (text, ids) = style::strip_sentence(&self.raw[start..end]);
        let mut removed: Vec<Removed> = std::mem::take(&mut self.notes);
        removed.extend(ids.iter().map(|&id| Removed::Marker(id)));
        // Self-talk and "I am not sure" (the ids named `self_…`).
        let self_talk = ids.iter().any(|id| id.as_str().starts_with("self_"));
        let (has_content, key) = if text.is_empty() {
            (false, None)
        } else {
            let (c, k) = content::content_and_key(&text);
            (c, Some(k))
        };
        let keep = has_content
            && !((self_talk || self.unit_opening_plan(start)) && content::is_task_plan(&text))
            && !content::is_personal_aside(&text)
            && !content::is_self_identification(&self.raw[start..end]);
        if !keep && !self.raw[start..end].trim().is_empty() {
            removed.push(Removed::Dropped(snippet(&self.raw[start..end])));
        }
        // A line ending in a colon introduces what follows ("… is:" then
        // "(A) …"); it is not a step of its own.
        let opens = keep
            && self.raw[start..end]
                .trim_end_matches(['*', '_', ' '])
                .ends_with(':');
        self.pieces.push(Piece {
            unit: self.unit,
            spans: vec![self.span(start, end)],
            text,
            removed,
            keep,
            key,
            opens,
        });
    }

    /// Content of one line (absolute range), first in its unit or not.
    fn content(&mut self, start: usize, end: usize, first: bool, item: bool) {
        let mut start = start;
        let s = &self.raw[start..end];
        if first {
            match markup::bold_title(s) {
                Some(Title::Whole(a, b)) => {
                    self.title(start + a, start + b, false);
                    return;
                }
                Some(Title::Label(a, b, rest)) => {
                    self.title(start + a, start + b, true);
                    start += rest;
                }
                // Plain labels only open list items ("1. Stabilise: Give…");
                // in prose "X: Y" is usually a claim.
                None if item => {
                    if let Some((colon, rest)) = markup::plain_label(s) {
                        self.title(start, start + colon, true);
                        start += rest;
                    }
                }
                None => {}
            }
        }
        let line = &self.raw[start..end];
        for (a, b) in segment::sentences(line) {
            for (c, d) in segment::split_run_on(&line[a..b]) {
                self.sentence(start + a + c, start + a + d);
            }
        }
    }

    fn region(&mut self, r: &Region) {
        let mut new_unit = true;
        let mut pos = r.start;
        for line in self.raw[r.start..r.end].split_inclusive('\n') {
            let (ls, le) = (pos, pos + line.trim_end_matches(['\n', '\r']).len());
            pos += line.len();
            let l = markup::classify_line(&self.raw[ls..le]);
            let (cs, ce) = (ls + l.start, ls + l.end);
            match l.kind {
                LineKind::Blank | LineKind::Rule => new_unit = true,
                LineKind::Header => {
                    self.unit += 1;
                    let (a, b) = (cs, ce);
                    let t = self.raw[a..b].trim_end_matches([':', ' ', '#']);
                    self.title(a, a + t.len(), false);
                    new_unit = true;
                }
                LineKind::Item | LineKind::Text => {
                    let first = new_unit || l.kind == LineKind::Item;
                    if first {
                        self.unit += 1;
                    }
                    self.content(cs, ce, first, l.kind == LineKind::Item);
                    new_unit = false;
                }
            }
        }
        self.unit += 1;
    }
}

/// "Target Underlying Small Cell Lung Cancer (SCLC)." → "Target underlying
/// small cell lung cancer (SCLC)." Title case marks a heading, not a claim;
/// acronyms and mixed-case words stay.
fn sentence_case(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let capitalised = |w: &str| {
        let mut cs = w.chars();
        cs.next().is_some_and(char::is_uppercase)
            && cs.clone().next().is_some()
            && cs.all(|c| !c.is_alphabetic() || c.is_lowercase())
    };
    if words.len() < 2 || words.iter().filter(|w| capitalised(w)).count() * 2 < words.len() {
        return text.to_string();
    }
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i > 0 && capitalised(w) {
                w.to_lowercase()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Labels that name a part of the answer, not a clinical point
/// ("**Conclusion**:", "Step 2:", "Analysis"): they go with the markup.
fn is_meta_label(raw: &str) -> bool {
    let t = raw
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    let t = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    const META: &[&str] = &[
        "analysis",
        "answer",
        "approach",
        "assessment",
        "conclusion",
        "considerations",
        "explanation",
        "final answer",
        "final thoughts",
        "interpretation",
        "key findings",
        "key points",
        "note",
        "overview",
        "reasoning",
        "summary",
        "thought process",
    ];
    META.contains(&t) || t.starts_with("step ") && t[5..].trim().bytes().all(|b| b.is_ascii_digit())
}

/// The pieces of every region, in order (units numbered across regions), and
/// the notes left after the last piece.
pub(super) fn of_regions<'a>(
    raw_of: &dyn Fn(RawField) -> &'a str,
    regions: &[Region],
) -> (Vec<Piece>, Vec<Removed>) {
    let mut all: Vec<Piece> = Vec::new();
    let mut unit = 0;
    let mut trailing_notes = Vec::new();
    for r in regions {
        let mut b = Builder {
            raw: raw_of(r.field),
            field: r.field,
            unit,
            pieces: Vec::new(),
            notes: Vec::new(),
        };
        b.region(r);
        unit = b.unit + 1;
        trailing_notes.extend(b.notes);
        all.extend(b.pieces);
    }
    (all, trailing_notes)
}
