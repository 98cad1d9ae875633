//! Word-level text helpers the style rewriters share (a leaf: it imports nothing from the
//! stripper): what counts as a word character, phrase matching on word boundaries, and
//! carrying an original's capital over to its replacement.

/// A letter, digit or underscore.
pub fn is_word_char(c: char) -> bool {
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

/// `replacement` with the first letter upper-cased when `original` starts upper-case.
pub fn match_case(replacement: &str, original: &str) -> String {
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
