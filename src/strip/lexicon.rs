//! The clinical lexicon and the clinical-token scanner: the words whose loss
//! would change a clinical claim (numbers, units, negations, drugs, findings,
//! diagnoses, procedures). The stripper never drops a sentence or a title that
//! holds one, and the content tests check every one survives. Pure data and
//! scanning; no I/O. No style marker may be a lexicon word (a unit test checks).

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

/// What a clinical token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    /// Any word holding a digit: `7.2`, `-0.563`, `q6h`, `SF36`, `T2`.
    Number,
    /// A unit of measure: `mg`, `dL`, `mmHg`, `%`.
    Unit,
    /// A negation: `no`, `not`, `without`, `denies`, `-n't`.
    Negation,
    /// A drug, finding, diagnosis, procedure or anatomical term.
    Term,
}

/// One clinical token found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicalToken {
    /// Byte range in the scanned text.
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Canonical form: lowercase, possessive dropped, `n't`/`cannot` → `not`,
    /// Unicode minus → `-`.
    pub norm: String,
}

/// Negation words. `n't` and `cannot` are folded into `not`.
pub static NEGATIONS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../assets/lexicon/negations.txt")));

/// Units of measure (lowercase). `%` is matched as a character.
pub static UNITS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../assets/lexicon/units.txt")));

/// Drugs, findings, diagnoses, procedures and anatomy (lowercase, singular,
/// sorted for binary search). A few hundred terms, enough to catch a dropped
/// clinical claim in the fixture traces and in typical vignettes.
pub static TERMS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../assets/lexicon/terms.txt")));

/// The words of a lexicon file: one a line, `#` comment lines and blank
/// lines skipped.
pub fn word_list(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// FNV-1a (the one copy in [`crate::primitives::hash`]): the sets hold short ASCII words;
/// SipHash costs more than the lookup.
pub use crate::primitives::hash::FnvHasher as Fnv;

/// A set of static words with the FNV hasher.
pub type WordSet = HashSet<&'static str, BuildHasherDefault<Fnv>>;

/// Build a [`WordSet`].
pub fn word_set(words: &[&'static str]) -> WordSet {
    words.iter().copied().collect()
}

static TERM_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&TERMS));

/// Every lexicon word with its kind, plurals of terms included, so that
/// [`classify`] is one lookup: a negation wins over a unit, a unit over a term
/// (the order `classify` tests them in).
pub type ClassMap = HashMap<Box<str>, TokenKind, BuildHasherDefault<Fnv>>;

static CLASS: LazyLock<ClassMap> = LazyLock::new(|| {
    let mut map = ClassMap::default();
    for t in TERMS.iter() {
        map.insert((*t).into(), TokenKind::Term);
        if t.len() >= 3 {
            for suffix in ["s", "es"] {
                map.insert(format!("{t}{suffix}").into(), TokenKind::Term);
            }
        }
    }
    for u in UNITS.iter() {
        map.insert((*u).into(), TokenKind::Unit);
    }
    for n in NEGATIONS.iter() {
        map.insert((*n).into(), TokenKind::Negation);
    }
    map
});

/// The word-kind table behind [`classify`] (digits aside).
pub fn class_map() -> &'static ClassMap {
    &CLASS
}

/// Is `word` (lowercase) a lexicon term, allowing a plural `-s`/`-es`?
pub fn is_term(word: &str) -> bool {
    if TERM_SET.contains(word) {
        return true;
    }
    for suffix in ["es", "s"] {
        if let Some(stem) = word.strip_suffix(suffix)
            && stem.len() >= 3
            && TERM_SET.contains(stem)
        {
            return true;
        }
    }
    false
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_minus(c: char) -> bool {
    c == '-' || c == '\u{2212}'
}

/// Words of `text` as byte ranges: runs of alphanumerics, with `.`/`,`
/// between digits (7.2, 1,000), apostrophes between alphanumerics, and a
/// leading minus sign on a number that does not follow an alphanumeric.
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for_each_word(text, |s, e| out.push((s, e)));
    out
}

/// [`words`] without the vector.
pub fn for_each_word(text: &str, mut f: impl FnMut(usize, usize)) {
    let b = text.as_bytes();
    let char_at = |i: usize| match b.get(i) {
        None => None,
        Some(&x) if x.is_ascii() => Some(char::from(x)),
        Some(_) => text.get(i..).and_then(|r| r.chars().next()),
    };
    let mut i = 0;
    let mut prev: Option<char> = None;
    while let Some(c) = char_at(i) {
        let pos = i;
        let signed = is_minus(c)
            && char_at(i + c.len_utf8()).is_some_and(|d| d.is_ascii_digit())
            && !prev.is_some_and(char::is_alphanumeric);
        if !c.is_alphanumeric() && !signed {
            prev = Some(c);
            i += c.len_utf8();
            continue;
        }
        let mut last = c;
        let mut end = pos + c.len_utf8();
        loop {
            // A run of ASCII alphanumerics in one go.
            let run = b[end..]
                .iter()
                .take_while(|x| x.is_ascii_alphanumeric())
                .count();
            if run > 0 {
                end += run;
                last = char::from(b[end - 1]);
            }
            let Some(d) = char_at(end) else { break };
            let joins = if d.is_alphanumeric() {
                true
            } else {
                let after = char_at(end + d.len_utf8());
                ((d == '.' || d == ',')
                    && last.is_ascii_digit()
                    && after.is_some_and(|x| x.is_ascii_digit()))
                    || (is_apostrophe(d)
                        && last.is_alphanumeric()
                        && after.is_some_and(char::is_alphanumeric))
            };
            if !joins {
                break;
            }
            last = d;
            end += d.len_utf8();
        }
        f(pos, end);
        prev = Some(last);
        i = end;
    }
}

/// Canonical form of one word (see [`ClinicalToken::norm`]).
pub fn normalise_word(word: &str) -> String {
    let mut buf = [0u8; 48];
    match normalise_ascii(word, &mut buf) {
        Some(s) => s.to_string(),
        None => normalise_slow(word),
    }
}

fn normalise_slow(word: &str) -> String {
    let mut w: String = word
        .chars()
        .map(|c| match c {
            '\u{2212}' => '-',
            '\u{2019}' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    if w.ends_with("n't") || w == "cannot" {
        return "not".to_string();
    }
    if let Some(stem) = w.strip_suffix("'s") {
        w = stem.to_string();
    }
    w
}

/// The canonical form of an ASCII word of up to 48 bytes, in `buf`.
pub fn normalise_ascii<'b>(word: &str, buf: &'b mut [u8; 48]) -> Option<&'b str> {
    let b = word.as_bytes();
    if b.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    let out = &mut buf[..b.len()];
    for (o, c) in out.iter_mut().zip(b) {
        *o = c.to_ascii_lowercase();
    }
    let mut n = b.len();
    if out.ends_with(b"n't") || &out[..] == b"cannot" {
        return Some("not");
    }
    if out.ends_with(b"'s") {
        n -= 2;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// Classify a normalised word, if it is clinical.
pub fn classify(norm: &str) -> Option<TokenKind> {
    if norm.bytes().any(|c| c.is_ascii_digit()) {
        Some(TokenKind::Number)
    } else {
        CLASS.get(norm).copied()
    }
}

fn classify_raw(word: &str) -> Option<TokenKind> {
    let mut buf = [0u8; 48];
    match normalise_ascii(word, &mut buf) {
        Some(n) => classify(n),
        None => classify(&normalise_slow(word)),
    }
}

/// The "g" of "e.g." is not grams (strip-2 rewrites "e.g." to "such as", so
/// counting it as a unit would report a lost clinical token that never was).
pub fn is_eg(text: &str, start: usize, end: usize) -> bool {
    let before = &text[..start];
    text[start..end].eq_ignore_ascii_case("g")
        && (before.ends_with("e.") || before.ends_with("E."))
        && !before[..before.len() - 2]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        && text[end..].starts_with('.')
}

/// "No," opening a sentence ("No, wait.") is an interjection, not a
/// negation of a finding (the stripper removes it as a filler).
pub fn is_interjection_no(text: &str, start: usize, end: usize) -> bool {
    if !(text[start..end].eq_ignore_ascii_case("no") && text[end..].starts_with([',', '—', '–']))
    {
        return false;
    }
    // Only fillers before it in its sentence ("Hmm, no,", "Wait, no,").
    let before = &text[..start];
    let from = before
        .rfind(['.', '!', '?', ':', '\n', '>'])
        .map_or(0, |p| p + 1);
    before[from..]
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .all(|w| {
            [
                "hmm", "wait", "oh", "okay", "ok", "but", "so", "well", "ah", "actually", "and",
            ]
            .iter()
            .any(|f| f.eq_ignore_ascii_case(w))
        })
}

/// Every clinical token of `text`, in order.
pub fn clinical_tokens(text: &str) -> Vec<ClinicalToken> {
    let mut out = Vec::new();
    for_each_word(text, |start, end| {
        if is_eg(text, start, end) || is_interjection_no(text, start, end) {
            return;
        }
        if let Some(kind) = classify_raw(&text[start..end]) {
            out.push(ClinicalToken {
                start,
                end,
                kind,
                norm: normalise_word(&text[start..end]),
            });
        }
    });
    for (i, c) in text.char_indices() {
        if c == '%' {
            out.push(ClinicalToken {
                start: i,
                end: i + 1,
                kind: TokenKind::Unit,
                norm: "%".to_string(),
            });
        }
    }
    out.sort_by_key(|t| t.start);
    out
}

/// Does `text` hold any clinical token?
pub fn has_clinical(text: &str) -> bool {
    if text.contains('%') {
        return true;
    }
    let mut found = false;
    for_each_word(text, |s, e| {
        if !found
            && !is_eg(text, s, e)
            && !is_interjection_no(text, s, e)
            && classify_raw(&text[s..e]).is_some()
        {
            found = true;
        }
    });
    found
}

/// The distinct canonical clinical tokens of `text`, sorted.
pub fn clinical_set(text: &str) -> Vec<String> {
    let mut v: Vec<String> = clinical_tokens(text).into_iter().map(|t| t.norm).collect();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_and_unique() {
        for list in [&*NEGATIONS, &*UNITS, &*TERMS] {
            for w in list.windows(2) {
                assert!(w[0] < w[1], "{:?} before {:?}", w[0], w[1]);
            }
        }
        assert!(TERMS.len() >= 300, "lexicon has {} terms", TERMS.len());
    }

    #[test]
    fn finds_numbers_units_negations_terms() {
        let t =
            clinical_tokens("Hb 7.2 g/dL, isn't on warfarin; r = −0.563 in 50% of SF36's items");
        let norms: Vec<(&str, TokenKind)> = t.iter().map(|t| (t.norm.as_str(), t.kind)).collect();
        assert_eq!(
            norms,
            vec![
                ("7.2", TokenKind::Number),
                ("g", TokenKind::Unit),
                ("dl", TokenKind::Unit),
                ("not", TokenKind::Negation),
                ("warfarin", TokenKind::Term),
                ("-0.563", TokenKind::Number),
                ("50", TokenKind::Number),
                ("%", TokenKind::Unit),
                ("sf36", TokenKind::Number),
            ]
        );
    }

    #[test]
    fn no_style_marker_is_clinical() {
        use super::super::markers::{MARKERS, Rule};
        for m in MARKERS {
            match m.rule {
                Rule::Markup => {}
                // A replacement must keep every clinical token it replaces.
                Rule::LeadReplace(r) | Rule::LeadReplaceClause(r) | Rule::Replace(r) => {
                    assert_eq!(clinical_set(m.pattern), clinical_set(r), "marker {}", m.id);
                }
                // "No," opening a sentence is an interjection, which the
                // lexicon does not count as a negation.
                _ if m.id == super::super::markers::MarkerId::filler_no => {
                    assert!(is_interjection_no("No, wait.", 0, 2));
                    assert!(!is_interjection_no("There is no, or little, fever.", 9, 11));
                }
                _ => assert!(!has_clinical(m.pattern), "marker {} is clinical", m.id),
            }
        }
    }

    #[test]
    fn one_lookup_classifies_as_the_lists_do() {
        let old = |w: &str| {
            if NEGATIONS.contains(&w) {
                Some(TokenKind::Negation)
            } else if UNITS.contains(&w) {
                Some(TokenKind::Unit)
            } else if is_term(w) {
                Some(TokenKind::Term)
            } else {
                None
            }
        };
        let mut words: Vec<String> = Vec::new();
        for w in NEGATIONS.iter().chain(UNITS.iter()).chain(TERMS.iter()) {
            for s in ["", "s", "es", "ss", "e"] {
                words.push(format!("{w}{s}"));
            }
            words.push(w[..w.len() - 1].to_string());
        }
        words.extend(["es", "s", "", "the", "mgs", "nos", "hes", "nots"].map(String::from));
        for w in words
            .iter()
            .filter(|w| !w.bytes().any(|c| c.is_ascii_digit()))
        {
            assert_eq!(classify(w), old(w), "{w:?}");
        }
    }

    #[test]
    fn the_g_of_eg_is_not_grams() {
        assert_eq!(clinical_set("drugs (e.g. 5 g of x)"), vec!["5", "g"]);
        assert!(!has_clinical("options (e.g., rest)"));
        assert!(has_clinical("give 5 g."));
    }

    #[test]
    fn ranges_are_two_numbers_and_plurals_match() {
        assert_eq!(clinical_set("1.1-2.5"), vec!["1.1", "2.5"]);
        assert!(is_term("tendons") && is_term("abscesses") && !is_term("es"));
        assert_eq!(clinical_set("it cannot be"), vec!["not"]);
    }
}
