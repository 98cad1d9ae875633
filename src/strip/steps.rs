//! From reasoning regions to judgeable steps: lines → units (paragraphs and
//! list items) → sentences (abbreviation-aware, run-ons split) → style-
//! stripped pieces; titles without clinical content dropped; pieces with
//! nothing to judge dropped; fragments too short to judge merged within their
//! unit; near-duplicate repeats collapsed into the first (their spans kept as
//! provenance). Pure.

use super::content;
use super::extract::Region;
use super::lexicon;
use super::lexicon::Fnv;
use super::markers::MarkerId;
use super::markup::{self, LineKind, Title};
use super::segment;
use super::style;
use crate::domain::{RawField, Span, Step};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Pieces with fewer words than this are merged into a neighbour in their unit.
pub const MIN_WORDS: usize = 4;
/// Jaccard similarity of content keys at or above which a step repeats an earlier one.
pub const DUPLICATE_JACCARD: f64 = 0.8;

/// What was removed to make a step: a style marker, or raw text set aside.
/// Shown as the marker id, or as `dropped: …`, `title: …`, `duplicate: …`
/// with a snippet of the text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Removed {
    /// A style marker removed from one of its sentences.
    Marker(MarkerId),
    /// A sentence with nothing to judge, dropped just before it.
    Dropped(String),
    /// A title or label without clinical content (the `title` marker).
    Title(String),
    /// A near-duplicate collapsed into it.
    Duplicate(String),
}

impl Removed {
    /// The style marker this removal is, if it is one.
    pub fn marker(&self) -> Option<MarkerId> {
        match self {
            Removed::Marker(id) => Some(*id),
            Removed::Title(_) => Some(MarkerId::title),
            Removed::Dropped(_) | Removed::Duplicate(_) => None,
        }
    }
}

impl std::fmt::Display for Removed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Removed::Marker(id) => f.write_str(id.as_str()),
            Removed::Dropped(s) => write!(f, "dropped: {s}"),
            Removed::Title(s) => write!(f, "title: {s}"),
            Removed::Duplicate(s) => write!(f, "duplicate: {s}"),
        }
    }
}

/// A step with what was removed to make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailedStep {
    pub step: Step,
    /// Markers removed from its sentences, and notes for raw text dropped
    /// just before it.
    pub removed: Vec<Removed>,
    /// The paragraph or list item it came from (merging prefers neighbours
    /// of one unit).
    pub unit: usize,
}

#[derive(Debug, Clone)]
struct Piece {
    unit: usize,
    spans: Vec<Span>,
    text: String,
    removed: Vec<Removed>,
    keep: bool,
    /// `content::key_and_clinical(&text)` when known (cleared when the text
    /// changes).
    key: Option<Key>,
    /// A heading, a label or a line ending in a colon: it opens the piece
    /// after it and is merged into it ("Ferritin: normal or increased.").
    opens: bool,
}

/// A near-duplicate key and the clinical set (see `content::key_and_clinical`).
type Key = (Vec<String>, Vec<String>);

struct Builder<'a> {
    raw: &'a str,
    field: RawField,
    unit: usize,
    pieces: Vec<Piece>,
    notes: Vec<Removed>,
}

fn snippet(s: &str) -> String {
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

pub(crate) use super::segment::word_count;

/// "Ferritin." + "Normal or increased." → "Ferritin: normal or increased."
/// The second text loses its capital unless its first word is an acronym
/// or a name (mixed case).
pub(crate) fn join_opened(head: &str, rest: &str) -> String {
    let h = head.trim_end_matches(['.', ':', ' ']);
    if h.is_empty() {
        return rest.to_string();
    }
    if rest.is_empty() {
        return head.to_string();
    }
    let first = rest.split(' ').next().unwrap_or_default();
    let mut cs = first.chars();
    let plain_capital = cs.next().is_some_and(char::is_uppercase)
        && cs.clone().next().is_some()
        && cs.all(|c| !c.is_alphabetic() || c.is_lowercase())
        && first != "I";
    if plain_capital {
        let mut out = format!("{h}: ");
        let mut rc = rest.chars();
        if let Some(c) = rc.next() {
            out.extend(c.to_lowercase());
        }
        out.push_str(rc.as_str());
        out
    } else {
        format!("{h}: {rest}")
    }
}

/// Merge every kept piece that opens the next (a heading, a label, a line
/// ending in a colon) into the kept piece after it.
fn attach_openers(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut head: Option<Piece> = None;
    for mut p in pieces {
        if let Some(h) = head.take() {
            p.text = join_opened(&h.text, &p.text);
            p.key = None;
            let mut spans = h.spans;
            spans.extend(p.spans);
            p.spans = spans;
            let mut removed = h.removed;
            removed.extend(p.removed);
            p.removed = removed;
        }
        if p.opens {
            p.opens = false;
            head = Some(p);
        } else {
            out.push(p);
        }
    }
    if let Some(h) = head {
        out.push(h);
    }
    out
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a} {b}"),
    }
}

/// Merge short kept pieces into a neighbour in the same unit.
fn merge_short(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut carry: Option<Piece> = None;
    for mut p in pieces {
        if let Some(c) = carry.take() {
            if c.unit != p.unit {
                attach_to_last(&mut out, c);
            } else {
                p.text = join(&c.text, &p.text);
                p.key = None;
                let mut spans = c.spans;
                spans.extend(p.spans);
                p.spans = spans;
                let mut removed = c.removed;
                removed.extend(p.removed);
                p.removed = removed;
            }
        }
        if word_count(&p.text) < MIN_WORDS {
            carry = Some(p);
        } else {
            out.push(p);
        }
    }
    if let Some(c) = carry {
        attach_to_last(&mut out, c);
    }
    out
}

/// Append a short piece to the previous one in its unit, or keep it alone.
fn attach_to_last(out: &mut Vec<Piece>, c: Piece) {
    match out.last_mut() {
        Some(last) if last.unit == c.unit => {
            last.text = join(&last.text, &c.text);
            last.key = None;
            last.spans.extend(c.spans);
            last.removed.extend(c.removed);
        }
        _ => out.push(c),
    }
}

/// Adjacent spans separated only by whitespace become one.
fn coalesce<'a>(raw_of: &dyn Fn(RawField) -> &'a str, spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        if let Some(last) = out.last_mut()
            && last.field == s.field
            && last.end <= s.start
            && raw_of(s.field)[last.end..s.start].trim().is_empty()
        {
            last.end = s.end;
            continue;
        }
        out.push(s);
    }
    out
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        1.0
    } else {
        both as f64 / union as f64
    }
}

/// Prefix length for the Jaccard prefix filter.
fn prefix_len(n: usize) -> usize {
    let need = (DUPLICATE_JACCARD * n as f64).ceil() as usize;
    (n + 1).saturating_sub(need).min(n)
}

fn is_subset(small: &[String], big: &[String]) -> bool {
    small.iter().all(|x| big.binary_search(x).is_ok())
}

/// Build the steps of a chain from its regions. `output`/`reasoning` are the
/// raw fields the regions point into.
pub fn build(output: &str, reasoning: Option<&str>, regions: &[Region]) -> Vec<DetailedStep> {
    let raw_of = |f: RawField| match f {
        RawField::Output => output,
        RawField::Reasoning => reasoning.unwrap_or_default(),
    };
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
    let mut kept: Vec<Piece> = Vec::new();
    let mut notes: Vec<Removed> = Vec::new();
    if !all.iter().any(|p| p.keep) && all.iter().any(|p| !p.text.is_empty()) {
        // Nothing judgeable left but some text: keep what there is, rather
        // than show an empty chain for non-empty reasoning.
        kept = all.into_iter().filter(|p| !p.text.is_empty()).collect();
    } else {
        for mut p in all {
            if p.keep {
                let mut removed = std::mem::take(&mut notes);
                removed.append(&mut p.removed);
                p.removed = removed;
                kept.push(p);
            } else {
                notes.append(&mut p.removed);
            }
        }
    }
    notes.extend(trailing_notes);
    let merged = merge_short(attach_openers(kept));

    let mut steps: Vec<DetailedStep> = Vec::new();
    let mut keys: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut index: HashMap<String, Vec<usize>, BuildHasherDefault<Fnv>> = HashMap::default();
    for p in merged {
        // One sentence that re-segments as one is already a fixpoint.
        let single = p.spans.len() == 1
            && segment::sentences(&p.text).len() == 1
            && markup::peel(&p.text).0 == 0;
        let (text, known) = if single {
            (p.text, p.key)
        } else {
            (super::strip_text(&p.text), None)
        };
        if text.is_empty() {
            continue;
        }
        let (key, clinical) = known.unwrap_or_else(|| content::key_and_clinical(&text));
        // Prefix filter (a set-similarity join): two keys with Jaccard ≥ t
        // share a token among the first |k| - ceil(t·|k|) + 1 of each, in
        // any fixed order (here: sorted). Only those tokens are indexed.
        let prefix = &key[..prefix_len(key.len())];
        let mut cands: Vec<usize> = prefix
            .iter()
            .flat_map(|k| index.get(k).map(Vec::as_slice).unwrap_or_default())
            .copied()
            .collect();
        cands.sort_unstable();
        cands.dedup();
        let n = key.len() as f64;
        let dup = cands.into_iter().find(|&s| {
            let (k, c) = &keys[s];
            let m = k.len() as f64;
            m >= n * DUPLICATE_JACCARD
                && n >= m * DUPLICATE_JACCARD
                && jaccard(k, &key) >= DUPLICATE_JACCARD
                && is_subset(&clinical, c)
        });
        let dup = dup.or_else(|| {
            // Steps with empty keys repeat only an identical text.
            key.is_empty()
                .then(|| steps.iter().position(|s| s.step.text == text))
                .flatten()
        });
        if let Some(s) = dup {
            let st = &mut steps[s];
            st.step.duplicates.extend(p.spans);
            st.removed.push(Removed::Duplicate(snippet(&text)));
            st.removed.extend(p.removed);
            continue;
        }
        for k in &key[..prefix_len(key.len())] {
            index.entry(k.clone()).or_default().push(steps.len());
        }
        keys.push((key, clinical));
        let i = steps.len();
        steps.push(DetailedStep {
            step: Step {
                index: i,
                text,
                spans: coalesce(&raw_of, p.spans),
                duplicates: Vec::new(),
            },
            removed: p.removed,
            unit: p.unit,
        });
    }
    if let Some(last) = steps.last_mut() {
        last.removed.extend(notes);
    }
    for s in &mut steps {
        s.step.duplicates = coalesce(&raw_of, std::mem::take(&mut s.step.duplicates));
        let mut seen = std::collections::HashSet::new();
        s.removed.retain(|r| seen.insert(r.clone()));
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps_of(raw: &str) -> Vec<String> {
        let r = Region {
            field: RawField::Output,
            start: 0,
            end: raw.len(),
        };
        build(raw, None, &[r])
            .into_iter()
            .map(|s| s.step.text)
            .collect()
    }

    #[test]
    fn drops_meta_merges_short_and_collapses_repeats() {
        let raw = "Okay, let's tackle this question. Hb is 7.2 g/dL. Low.\n\n\
                   Let me go through the options again.\n\n\
                   So the anemia is severe, given Hb 7.2 g/dL.\n\n\
                   Wait, the anemia is severe given Hb 7.2 g/dL.";
        assert_eq!(
            steps_of(raw),
            vec![
                "Hb is 7.2 g/dL. Low.",
                "The anemia is severe, given Hb 7.2 g/dL."
            ]
        );
    }

    #[test]
    fn titles_without_clinical_tokens_go_and_labels_stay_as_subjects() {
        let raw = "<step 1> **Patient Overview**\nThe patient is 36 and takes 100 mg thyroxine daily.\n\
                   <step 2> **Hypokalemia**: needs IV KCl now.\n\
                   <step 3> Assess the defect: The graft must cover the shaft.";
        assert_eq!(
            steps_of(raw),
            vec![
                "The patient is 36 and takes 100 mg thyroxine daily.",
                "Hypokalemia: needs IV KCl now.",
                "Assess the defect: the graft must cover the shaft.",
            ]
        );
    }

    #[test]
    fn spans_point_at_raw_sentences() {
        let raw = "Hmm.\nThe troponin is 2.3 ng/mL. It rose from 0.1 ng/mL.";
        let r = Region {
            field: RawField::Output,
            start: 0,
            end: raw.len(),
        };
        let steps = build(raw, None, &[r]);
        assert_eq!(steps.len(), 2);
        let s = steps[1].step.spans[0];
        assert_eq!(&raw[s.start..s.end], "It rose from 0.1 ng/mL.");
        assert!(
            steps[0]
                .removed
                .iter()
                .any(|r| r.to_string() == "dropped: Hmm.")
        );
    }
}
