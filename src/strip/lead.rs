//! Leading markers: fillers, connectives and self-talk that open a sentence
//! ("Okay,", "So", "Let me"), matched by the first letter of their pattern,
//! with the punctuation after them. Pure.

use super::markers::{MARKERS, MarkerId, Rule, StyleMarker};
use super::phrase::match_phrase;
use std::sync::LazyLock;

/// Leading markers by the first letter of their pattern.
static LEAD_BY_LETTER: LazyLock<Vec<Vec<&'static StyleMarker>>> = LazyLock::new(|| {
    let mut v: Vec<Vec<&'static StyleMarker>> = vec![Vec::new(); 26];
    for m in MARKERS {
        let lead = matches!(
            m.rule,
            Rule::Lead
                | Rule::LeadComma
                | Rule::LeadUnless(_)
                | Rule::LeadBeforeGerund
                | Rule::LeadReplace(_)
                | Rule::LeadReplaceClause(_)
                | Rule::LeadClause
        );
        if let Some(slot) = m
            .pattern
            .bytes()
            .next()
            .and_then(|b| v.get_mut(usize::from(b.wrapping_sub(b'a'))))
            && lead
        {
            slot.push(m);
        }
    }
    v
});

pub(super) fn trim_lead(s: &str) -> &str {
    let mut t = s.trim_start();
    loop {
        let before = t.len();
        t = t.trim_start_matches([',', ';', ':', ' ']);
        if t.starts_with(". ") || t.starts_with("? ") || t == "." || t == "?" {
            t = &t[1..];
        }
        t = t.trim_start();
        if t.len() == before {
            return t;
        }
    }
}

/// One leading marker at the start of `s`: (bytes consumed, replacement, id).
pub(super) fn lead_marker(s: &str) -> Option<(usize, &'static str, MarkerId)> {
    let first = s.bytes().next()?.to_ascii_lowercase();
    let cands = LEAD_BY_LETTER.get(usize::from(first.wrapping_sub(b'a')))?;
    for m in cands {
        let end = match m.rule {
            Rule::Lead | Rule::LeadComma | Rule::LeadUnless(_) | Rule::LeadBeforeGerund => {
                match_phrase(s, 0, m.pattern)
            }
            Rule::LeadReplace(_) | Rule::LeadReplaceClause(_) | Rule::LeadClause => {
                match_phrase(s, 0, m.pattern)
            }
            _ => None,
        };
        let Some(end) = end else { continue };
        let rest = &s[end..];
        let next_word = rest
            .trim_start()
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let ok = match m.rule {
            Rule::LeadComma => rest.trim_start().starts_with(','),
            Rule::LeadUnless(words) => {
                !words.contains(&next_word.as_str()) && !rest.trim_start().starts_with('-')
            }
            Rule::LeadBeforeGerund => next_word.len() > 4 && next_word.ends_with("ing"),
            _ => true,
        };
        if !ok {
            continue;
        }
        if let Rule::LeadReplace(r) = m.rule {
            return Some((end, r, m.id));
        }
        if let Rule::LeadReplaceClause(r) = m.rule {
            let closed = rest
                .find(',')
                .is_some_and(|stop| super::segment::word_count(&rest[..stop]) <= 12);
            if !closed {
                continue;
            }
            return Some((end, r, m.id));
        }
        if m.rule == Rule::LeadClause {
            let Some(stop) = rest.find([',', ':']) else {
                continue;
            };
            if super::segment::word_count(&rest[..stop]) > 8 {
                continue;
            }
            return Some((s.len() - trim_after_marker(&rest[stop..]).len(), "", m.id));
        }
        return Some((s.len() - trim_after_marker(rest).len(), "", m.id));
    }
    None
}

/// The punctuation after a removed leading marker ("Okay, ", "Hmm. "), but
/// not a decimal point (".5 mg").
fn trim_after_marker(rest: &str) -> &str {
    let mut t = rest;
    loop {
        let before = t.len();
        t = t.trim_start_matches([',', ';', ':', ' ']);
        if (t.starts_with('.') || t.starts_with('?'))
            && !t[1..].starts_with(|c: char| c.is_ascii_digit())
        {
            t = &t[1..];
        }
        if t.len() == before {
            return t;
        }
    }
}
