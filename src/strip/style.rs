//! Style removal for one sentence: markup and characters (via `markup`),
//! contractions, the leading and in-sentence word markers of `markers`, short
//! quotes, then punctuation, spacing and capitalisation. Also the detector of
//! markers left in a text. Pure; never drops a clinical token (no marker is a
//! clinical word, and removals skip words after a negation).

use super::contraction::expand_contractions;
use super::markers::{MARKERS, MarkerId, Rule, StyleMarker};
use super::markup;
use super::tidy::{short_quotes, tidy, tidy_spaces};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
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

/// FNV-1a of the ASCII-lowercased bytes of `w`.
fn lower_hash(w: &[u8]) -> u64 {
    crate::primitives::hash::fnv1a_lower(w)
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, h: u64) {
        self.0 = h;
    }
}

type ByHash = HashMap<u64, Vec<&'static StyleMarker>, BuildHasherDefault<Prehashed>>;

/// In-sentence markers by the [`lower_hash`] of their first word, in
/// [`MARKERS`] order. Two first words with one hash share a list; harmless,
/// since `match_phrase` checks the whole pattern.
static BY_FIRST_HASH: LazyLock<ByHash> = LazyLock::new(|| {
    let mut map = ByHash::default();
    for m in MARKERS {
        if matches!(m.rule, Rule::Word | Rule::Replace(_) | Rule::Sentence) {
            let first = m.pattern.split(' ').next().unwrap_or(m.pattern);
            map.entry(lower_hash(first.as_bytes())).or_default().push(m);
        }
    }
    map
});

/// A 4,096-bit filter of the first words of the in-sentence markers: a word
/// whose bit is clear opens none, so most words skip the lookup.
static FIRST_WORD_BITS: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; 64];
    for h in BY_FIRST_HASH.keys() {
        let h = *h as usize & 4095;
        bits[h / 64] |= 1 << (h % 64);
    }
    bits
});

/// The in-sentence markers the ASCII word `w` may open (those whose first
/// word is `w`, lowercased, plus any sharing its hash).
fn markers_opened_by(w: &[u8]) -> &'static [&'static StyleMarker] {
    // Longer words are never a marker's first word; "cannot" reads as "not"
    // (as `lexicon::normalise_ascii` has it).
    if w.len() > 48 {
        return &[];
    }
    let h = if w.eq_ignore_ascii_case(b"cannot") {
        lower_hash(b"not")
    } else {
        lower_hash(w)
    };
    let bit = h as usize & 4095;
    if FIRST_WORD_BITS[bit / 64] & (1 << (bit % 64)) == 0 {
        return &[];
    }
    BY_FIRST_HASH.get(&h).map_or(&[], Vec::as_slice)
}

const NEGATORS: &[&str] = &["never", "no", "nor", "not", "without"];
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Does `pattern` (lowercase words, single spaces) match `s` at `at`, ending
/// on a word boundary? Returns the end.
pub fn match_phrase(s: &str, at: usize, pattern: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = at;
    for &p in pattern.as_bytes() {
        if p == b' ' {
            if b.get(i) != Some(&b' ') {
                return None;
            }
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
        } else {
            if b.get(i).map(u8::to_ascii_lowercase) != Some(p) {
                return None;
            }
            i += 1;
        }
    }
    let next = s[i..].chars().next();
    let bounded = match next {
        None => true,
        Some(c) if is_word_char(c) => false,
        Some('-' | '\'') => !s[i + 1..].chars().next().is_some_and(is_word_char),
        Some(_) => true,
    };
    bounded.then_some(i)
}

fn starts_word(s: &str, at: usize) -> bool {
    !s[..at]
        .chars()
        .next_back()
        .is_some_and(|c| is_word_char(c) || c == '-' || c == '\'')
}

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

pub(super) fn match_case(replacement: &str, original: &str) -> String {
    let upper = original.chars().next().is_some_and(char::is_uppercase);
    let mut out = String::with_capacity(replacement.len());
    for (i, c) in replacement.chars().enumerate() {
        if i == 0 && upper {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn prev_word_lower(s: &str) -> String {
    s.trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// In-sentence word markers. `None` when a sentence marker drops the
/// sentence; borrowed when nothing matched.
pub(super) fn word_markers<'s>(s: &'s str, removed: &mut Vec<MarkerId>) -> Option<Cow<'s, str>> {
    // `out` holds the rewritten text up to `s[last..]`; filled from the
    // first match on.
    let mut out = String::new();
    let mut last = 0;
    let mut changed = false;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let wend = b[i..]
            .iter()
            .position(|c| !c.is_ascii_alphabetic())
            .map_or(s.len(), |p| i + p);
        let cands = markers_opened_by(&b[i..wend]);
        if cands.is_empty() || !starts_word(s, i) {
            i = wend;
            continue;
        }
        let hit = cands
            .iter()
            .find_map(|m| match_phrase(s, i, m.pattern).map(|end| (m, end)));
        if let Some((m, end)) = hit {
            out.push_str(&s[last..i]);
            last = i;
            match m.rule {
                // A sign-off goes with its sentence, unless the sentence
                // also holds a clinical token; then only the phrase goes.
                Rule::Sentence if !super::lexicon::has_clinical(s) => {
                    removed.push(m.id);
                    return None;
                }
                Rule::Sentence => {
                    removed.push(m.id);
                    changed = true;
                    (i, last) = (end, end);
                    continue;
                }
                Rule::Word if NEGATORS.contains(&prev_word_lower(&out).as_str()) => {}
                Rule::Word => {
                    removed.push(m.id);
                    changed = true;
                    (i, last) = (end, end);
                    continue;
                }
                Rule::Replace(r) => {
                    removed.push(m.id);
                    out.push_str(&match_case(r, &s[i..end]));
                    changed = true;
                    (i, last) = (end, end);
                    continue;
                }
                _ => {}
            }
        }
        i = wend;
    }
    if !changed {
        return Some(Cow::Borrowed(s));
    }
    out.push_str(&s[last..]);
    Some(Cow::Owned(out))
}

/// Replace `t` by what `f` makes of it, when it makes something.
fn apply(t: &mut String, f: impl FnOnce(&str) -> Option<String>) {
    if let Some(u) = f(t) {
        *t = u;
    }
}

/// One pass of style removal over one sentence.
fn strip_once(s: &str, removed: &mut Vec<MarkerId>) -> String {
    let (start, marks) = markup::peel(s);
    if marks.header {
        removed.push(MarkerId::md_header);
    }
    // Any item marker inside a sentence is recorded as numbering (as
    // strip-4 records it; the detector tells bullets apart).
    if marks.item() {
        removed.push(MarkerId::list_number);
    }
    let mut t = markup::clean_chars(&s[start..], removed);
    apply(&mut t, tidy_spaces);
    apply(&mut t, |x| expand_contractions(x, removed));
    apply(&mut t, |x| super::idiom::rewrite(x, removed));
    // Bounded: every marker shortens the text or is replaced once.
    for _ in 0..16 {
        let before = removed.len();
        match word_markers(&t, removed) {
            Some(Cow::Owned(w)) => t = w,
            Some(Cow::Borrowed(_)) => {}
            None => return String::new(),
        }
        apply(&mut t, tidy_spaces);
        for _ in 0..16 {
            let lead = trim_lead(&t);
            let Some((n, rep, id)) = lead_marker(lead) else {
                let off = t.len() - lead.len();
                t.drain(..off);
                break;
            };
            removed.push(id);
            t = format!("{}{}", match_case(rep, &lead[..n]), &lead[n..]);
        }
        if removed.len() == before {
            break;
        }
    }
    apply(&mut t, |x| short_quotes(x, removed));
    tidy(t)
}

/// Style-strip one sentence to a fixpoint; returns the text and the markers
/// removed, one per occurrence.
pub fn strip_sentence(s: &str) -> (String, Vec<MarkerId>) {
    let mut removed = Vec::new();
    let mut t = strip_once(s, &mut removed);
    // Nothing removed: only spacing and punctuation were tidied, which
    // creates no marker, so one pass is the fixpoint (property-tested).
    // The same holds when only contractions, curly quotes or spacing
    // changed: those are rewritten before any marker is matched.
    let local = |id: &MarkerId| {
        matches!(
            id,
            MarkerId::contraction
                | MarkerId::quote_curly
                | MarkerId::ws_repeated
                | MarkerId::ws_special
        )
    };
    if removed.iter().all(local) {
        return (t, removed);
    }
    for _ in 0..4 {
        let mut more = Vec::new();
        let u = strip_once(&t, &mut more);
        if u == t {
            break;
        }
        removed.extend(more);
        t = u;
    }
    (t, removed)
}

#[cfg(test)]
mod tests {
    use super::super::find_markers;
    use super::*;

    fn strip(s: &str) -> String {
        strip_sentence(s).0
    }

    #[test]
    fn in_sentence_markers_open_with_a_lowercase_ascii_word() {
        // `word_markers` looks them up by a lowercased run of ASCII letters.
        for m in MARKERS {
            if matches!(m.rule, Rule::Word | Rule::Replace(_) | Rule::Sentence) {
                let first = m.pattern.split(' ').next().unwrap_or_default();
                assert!(
                    !first.is_empty() && first.bytes().all(|b| b.is_ascii_lowercase()),
                    "{}",
                    m.id
                );
                assert!(markers_opened_by(first.to_uppercase().as_bytes()).contains(&m));
            }
        }
        assert!(markers_opened_by(b"hypokalemia").is_empty());
    }

    #[test]
    fn connective_synonyms_take_one_form() {
        assert_eq!(
            strip("But, the CI excludes 1."),
            "However, the CI excludes 1."
        );
        assert_eq!(
            strip("Considering the age, surgery is risky."),
            "Given the age, surgery is risky."
        );
        assert_eq!(
            strip("Based on the CT, it is an abscess."),
            "Given the CT, it is an abscess."
        );
        // No comma closes the clause: "considering" is the subject, kept.
        assert_eq!(
            strip("Considering surgery is reasonable."),
            "Considering surgery is reasonable."
        );
        assert_eq!(
            strip("The question specifically asks about fever, especially in children."),
            "The question asks about fever, particularly in children."
        );
        assert_eq!(
            strip("Local flaps (e.g. scrotal) or grafts/flaps."),
            "Local flaps (such as scrotal) or grafts or flaps."
        );
    }

    #[test]
    fn fillers_and_self_talk_go() {
        assert_eq!(
            strip("Okay, let's tackle this question."),
            "Tackle this question."
        );
        assert_eq!(
            strip("Hmm... wait, but the CI excludes 1!"),
            "However, the CI excludes 1."
        );
        assert_eq!(
            strip("So, I think the answer is C (maybe)."),
            "The answer is C (maybe)."
        );
        assert_eq!(
            strip("Therefore, the correct answer should be \"no\" because it isn't enough."),
            "The answer is no because it is not enough."
        );
        assert_eq!(
            strip("First, I need to recall what the Barthel Index measures."),
            "Recall what the Barthel Index measures."
        );
        assert_eq!(
            strip("I’m piecing together the patient’s history."),
            "Piecing together the patient's history."
        );
        assert_eq!(
            strip("The user is asking whether perforation is a risk factor."),
            "The question is whether perforation is a risk factor."
        );
    }

    #[test]
    fn content_words_that_look_like_markers_stay() {
        assert_eq!(strip("So far, no fever."), "So far, no fever.");
        assert_eq!(strip("Then the fever rose."), "Then the fever rose.");
        assert_eq!(
            strip("The margins were not clearly defined."),
            "The margins were not clearly defined."
        );
        assert_eq!(
            strip("It is clearly a so-called super-refractory case."),
            "It is a so-called super-refractory case."
        );
        assert_eq!(
            strip("Well-differentiated carcinoma."),
            "Well-differentiated carcinoma."
        );
        assert_eq!(
            strip("pH 7.1 and 2.5 mg b.i.d."),
            "pH 7.1 and 2.5 mg b.i.d."
        );
    }

    #[test]
    fn markup_quotes_and_signoffs() {
        assert_eq!(
            strip("**Hypertension** requires *strict* control"),
            "Hypertension requires strict control."
        );
        assert_eq!(
            strip("- 1. **Give** IV KCl — monitor ECG"),
            "Give IV KCl, monitor ECG."
        );
        assert_eq!(strip("Hope this helps! 😊"), "");
        assert_eq!(strip("Hmm."), "");
        assert_eq!(
            strip("The study says “Review of the literature yielded estimates”."),
            "The study says \"Review of the literature yielded estimates\"."
        );
    }

    #[test]
    fn stripped_text_has_no_markers() {
        for s in [
            "Okay, so the answer is definitely B!",
            "Wait, I think it's **HbA1c** — really.",
            "Let me check… the options again",
        ] {
            let t = strip(s);
            assert_eq!(find_markers(&t), Vec::new(), "{s:?} → {t:?}");
            assert_eq!(strip(&t), t);
        }
        assert!(!find_markers("Okay, it's **B**!").is_empty());
    }
}
