//! Merging pieces: an opener (heading, label, line ending in a colon) joins
//! the piece it opens, and fragments too short to judge join a neighbour in
//! their unit. Pure.

use super::parts::{MIN_WORDS, Piece};
use super::segment::word_count;

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
pub(super) fn attach_openers(pieces: Vec<Piece>) -> Vec<Piece> {
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
pub(super) fn merge_short(pieces: Vec<Piece>) -> Vec<Piece> {
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
