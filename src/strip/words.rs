//! In-sentence word markers: first-person framing, tone adverbs, answer
//! phrases and sign-offs anywhere in a sentence, found by a hash of their
//! first word; never right after a negation. Pure.

use super::markers::{MARKERS, MarkerId, Rule, StyleMarker};
use super::phrase::{is_word_char, match_case, match_phrase};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

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

fn starts_word(s: &str, at: usize) -> bool {
    !s[..at]
        .chars()
        .next_back()
        .is_some_and(|c| is_word_char(c) || c == '-' || c == '\'')
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
