//! Style removal for one sentence: markup and characters (via `markup`),
//! contractions, the leading and in-sentence word markers of `markers`, short
//! quotes, then punctuation, spacing and capitalisation. Also the detector of
//! markers left in a text. Pure; never drops a clinical token (no marker is a
//! clinical word, and removals skip words after a negation).

use super::markers::{MARKERS, Rule, StyleMarker};
use super::markup;
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
    w.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
    })
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
const PRONOUNS_S: &[&str] = &[
    "he", "here", "how", "it", "she", "that", "there", "what", "where", "who",
];
const PRONOUNS_D: &[&str] = &[
    "he", "i", "it", "she", "that", "there", "they", "we", "who", "you",
];

/// Past participles after which "'s" is "has" ("she's had", "he's lost"),
/// never "is". For "it"/"that"/"there" only the few that cannot be passive.
const PERFECT_ALWAYS: &[&str] = &["been", "got", "gotten", "had", "become", "come", "gone"];
const PERFECT_PERSON: &[&str] = &[
    "begun", "brought", "done", "drunk", "eaten", "fallen", "felt", "given", "grown", "kept",
    "known", "left", "lost", "made", "noticed", "run", "seen", "shown", "taken", "thrown",
    "tried", "undergone", "woken",
];
/// -ed words that are states after "he's"/"she's" ("she's tired").
const STATE_ADJECTIVES: &[&str] = &[
    "admitted", "alert", "ashamed", "concerned", "confused", "depressed", "distressed",
    "embarrassed", "engaged", "exhausted", "intubated", "married", "scared", "sedated", "stressed",
    "supposed", "tired", "unmarried", "used", "ventilated", "worried",
];

fn is_perfect_participle(next: &str, person: bool) -> bool {
    let w = next.trim_matches(|c: char| !c.is_alphabetic());
    if PERFECT_ALWAYS.contains(&w) {
        return true;
    }
    person
        && (PERFECT_PERSON.contains(&w)
            || w.len() > 4 && w.ends_with("ed") && !STATE_ADJECTIVES.contains(&w))
}

fn is_word_char(c: char) -> bool {
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

fn trim_lead(s: &str) -> &str {
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
fn lead_marker(s: &str) -> Option<(usize, &'static str, &'static str)> {
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
                .is_some_and(|stop| rest[..stop].split_whitespace().count() <= 12);
            if !closed {
                continue;
            }
            return Some((end, r, m.id));
        }
        if m.rule == Rule::LeadClause {
            let Some(stop) = rest.find([',', ':']) else {
                continue;
            };
            if rest[..stop].split_whitespace().count() > 8 {
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

fn match_case(replacement: &str, original: &str) -> String {
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
fn word_markers<'s>(s: &'s str, removed: &mut Vec<&'static str>) -> Option<Cow<'s, str>> {
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

/// Expand contractions ("isn't" → "is not", "it's" → "it is", "let's" → "let
/// us"); `None` when there is none.
fn expand_contractions(s: &str, removed: &mut Vec<&'static str>) -> Option<String> {
    if !s.contains('\'') {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut last = 0;
    for (start, end) in super::lexicon::words(s) {
        let w = &s[start..end];
        let Some(apos) = w.rfind('\'') else { continue };
        let (base, suffix) = (&w[..apos], w[apos + 1..].to_ascii_lowercase());
        let lower_base = base.to_ascii_lowercase();
        let next_word = s[end..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let expanded: Option<String> = if suffix == "t" && lower_base.ends_with('n') {
            let stem = &base[..base.len() - 1];
            Some(match lower_base.as_str() {
                "can" => format!("{base}not"),
                "won" => format!("{}ill not", &base[..1]),
                "shan" => format!("{}all not", &base[..2]),
                "ain" => match_case("is not", base),
                _ => format!("{stem} not"),
            })
        } else if suffix == "s" && lower_base == "let" {
            Some(format!("{base} us"))
        } else if suffix == "s" && PRONOUNS_S.contains(&lower_base.as_str()) {
            let person = matches!(lower_base.as_str(), "he" | "she" | "who");
            let verb = if is_perfect_participle(&next_word, person) {
                "has"
            } else {
                "is"
            };
            Some(format!("{base} {verb}"))
        } else if suffix == "d" && PRONOUNS_D.contains(&lower_base.as_str()) {
            let verb = if is_perfect_participle(&next_word, true) {
                "had"
            } else {
                "would"
            };
            Some(format!("{base} {verb}"))
        } else {
            let full = match suffix.as_str() {
                "m" if lower_base == "i" => Some("am"),
                "re" => Some("are"),
                "ve" => Some("have"),
                "ll" => Some("will"),
                _ => None,
            };
            full.filter(|_| base.chars().all(char::is_alphabetic))
                .map(|f| format!("{base} {f}"))
        };
        if let Some(e) = expanded {
            removed.push("contraction");
            out.push_str(&s[last..start]);
            out.push_str(&e);
            last = end;
        }
    }
    if last == 0 {
        return None;
    }
    out.push_str(&s[last..]);
    Some(out)
}

/// Remove straight double quotes around one to three words, and single
/// quotes used the same way; `None` when there is none.
fn short_quotes(s: &str, removed: &mut Vec<&'static str>) -> Option<String> {
    let mut out: Option<String> = None;
    for q in ['"', '\''] {
        let cur = out.as_deref().unwrap_or(s);
        if !cur.contains(q) {
            continue;
        }
        let before = removed.len();
        let mut res = String::with_capacity(cur.len());
        let mut rest = cur;
        while let Some(open) = rest.find(q) {
            let after = &rest[open + 1..];
            let opens_word = q == '"'
                || (!rest[..open].chars().next_back().is_some_and(is_word_char)
                    && after.chars().next().is_some_and(is_word_char));
            let close = if opens_word { after.find(q) } else { None };
            match close {
                Some(close)
                    if {
                        let inner = &after[..close];
                        let words = inner.split_whitespace().count();
                        let closes_word = q == '"'
                            || (inner
                                .chars()
                                .next_back()
                                .is_some_and(|c| c.is_alphanumeric() || c == '.')
                                && !after[close + 1..].chars().next().is_some_and(is_word_char));
                        (1..=3).contains(&words) && closes_word && !inner.contains('\'')
                    } =>
                {
                    removed.push("quote_short");
                    res.push_str(&rest[..open]);
                    res.push_str(&after[..close]);
                    rest = &after[close + 1..];
                }
                _ => {
                    let skip = match close {
                        Some(c) if q == '"' => open + 1 + c + 1,
                        _ => open + 1,
                    };
                    res.push_str(&rest[..skip]);
                    rest = &rest[skip..];
                }
            }
        }
        res.push_str(rest);
        if removed.len() > before {
            out = Some(res);
        }
    }
    out
}

/// Spacing, punctuation left behind by removals, capitalisation, a final stop.
fn tidy(s: String) -> String {
    let mut t = tidy_spaces(&s).unwrap_or(s);
    // Punctuation left behind by removals (rare: check before rewriting).
    let needs_fix = t.as_bytes().windows(2).any(|w| {
        matches!(
            w,
            [b' ', b',' | b'.' | b';' | b':' | b'?' | b')' | b' ']
                | [b'(', b' ' | b')']
                | [b',' | b'.' | b';' | b':' | b'?', b',' | b'.' | b';' | b':']
        )
    });
    if needs_fix {
        loop {
            let before = t.len();
            for (from, to) in [
                (" ,", ","),
                (" .", "."),
                (" ;", ";"),
                (" :", ":"),
                (" ?", "?"),
                (" )", ")"),
                ("( ", "("),
                (",,", ","),
                (",.", "."),
                (".,", "."),
                (",;", ";"),
                (";,", ";"),
                (":,", ":"),
                (",:", ":"),
                ("?.", "?"),
                ("()", ""),
                ("  ", " "),
            ] {
                if t.contains(from) {
                    t = t.replace(from, to);
                }
            }
            if t.len() == before {
                break;
            }
        }
    }

    let lead = t.len() - trim_lead(&t).len();
    let end = lead + trim_lead(&t).trim_end().len();
    t.truncate(end);
    t.drain(..lead);
    if !t.chars().any(char::is_alphanumeric) {
        return String::new();
    }
    // Capitalise an all-lowercase first word.
    let first_word: &str = t
        .split(' ')
        .next()
        .unwrap_or_default()
        .trim_end_matches([',', '.', ';', ':', '?', ')', '"', '\'']);
    if !first_word.is_empty() && first_word.bytes().all(|b| b.is_ascii_lowercase()) {
        t[..1].make_ascii_uppercase();
    }
    // A final full stop.
    while t.ends_with([',', ';', ':']) {
        t.pop();
        t = t.trim_end().to_string();
    }
    let core = t.trim_end_matches(['"', ')', '\'', ']']);
    if !core.ends_with(['.', '?']) {
        t.push('.');
    }
    t
}

/// Replace `t` by what `f` makes of it, when it makes something.
fn apply(t: &mut String, f: impl FnOnce(&str) -> Option<String>) {
    if let Some(u) = f(t) {
        *t = u;
    }
}

/// One pass of style removal over one sentence.
fn strip_once(s: &str, removed: &mut Vec<&'static str>) -> String {
    let (start, header, item) = markup::peel(s);
    if header {
        removed.push("md_header");
    }
    if item {
        removed.push("list_number");
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

/// Runs of whitespace as one space, trimmed; `None` when already so.
fn tidy_spaces(s: &str) -> Option<String> {
    let b = s.as_bytes();
    // Branch-free folds (vectorised): \t \n \x0b \x0c \r are 9..=13.
    let control = b.iter().fold(false, |a, &c| a | (c.wrapping_sub(9) < 5));
    let double = b
        .iter()
        .zip(b.iter().skip(1))
        .fold(false, |a, (&x, &y)| a | ((x == b' ') & (y == b' ')));
    let clean = !b.first().is_some_and(u8::is_ascii_whitespace)
        && !b.last().is_some_and(u8::is_ascii_whitespace)
        && !control
        && !double
        && (s.is_ascii() || !s.chars().any(|c| c.is_whitespace() && c != ' '));
    if clean {
        return None;
    }
    let mut t = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !t.is_empty() {
            t.push(' ');
        }
        t.push_str(w);
    }
    Some(t)
}

/// Style-strip one sentence to a fixpoint; returns the text and the ids of
/// the markers removed.
pub fn strip_sentence(s: &str) -> (String, Vec<&'static str>) {
    let mut removed = Vec::new();
    let mut t = strip_once(s, &mut removed);
    // Nothing removed: only spacing and punctuation were tidied, which
    // creates no marker, so one pass is the fixpoint (property-tested).
    // The same holds when only contractions, curly quotes or spacing
    // changed: those are rewritten before any marker is matched.
    let local = |id: &&str| {
        matches!(
            *id,
            "contraction" | "quote_curly" | "ws_repeated" | "ws_special"
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
    removed.dedup();
    (t, removed)
}

/// Ids of the style markers present in an already stripped `text` (one entry
/// per occurrence). Used for the "markers per 1,000 words" metric.
pub fn find_markers(text: &str) -> Vec<&'static str> {
    let mut hits = Vec::new();
    for line in text.lines() {
        for (a, b) in super::segment::sentences(line) {
            let s = &line[a..b];
            if lead_marker(s).is_some() {
                hits.push("lead");
            }
            if markup::peel(s).0 > 0 {
                hits.push("list_or_header");
            }
            let mut quotes = Vec::new();
            let _ = short_quotes(s, &mut quotes);
            hits.extend(quotes);
            let mut idioms = Vec::new();
            let _ = super::idiom::rewrite(s, &mut idioms);
            hits.extend(idioms);
        }
        let mut scratch = Vec::new();
        if word_markers(line, &mut scratch).is_none() {
            hits.push("signoff");
        }
        hits.extend(scratch.into_iter().filter(|id| *id != "contraction"));
        for pat in [
            "**", "__", "`", "!", "…", "...", "—", "\t", "  ", "<think", "</think", "<step",
            "\\boxed", "](http",
        ] {
            hits.extend(line.matches(pat).map(|_| "markup"));
        }
        for c in line.chars() {
            if matches!(
                c,
                '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}' | '\u{00A0}' | '\u{200B}'
            ) {
                hits.push("char");
            }
            if markup::is_emoji(c) || markup::is_zero_width(c) {
                hits.push("emoji_or_invisible");
            }
        }
        let mut contractions = Vec::new();
        let _ = expand_contractions(line, &mut contractions);
        hits.extend(contractions);
    }
    hits
}

#[cfg(test)]
mod tests {
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
            assert_eq!(find_markers(&t), Vec::<&str>::new(), "{s:?} → {t:?}");
            assert_eq!(strip(&t), t);
        }
        assert!(!find_markers("Okay, it's **B**!").is_empty());
    }
}
