//! Punctuation and spacing after removals: short quotes, runs of spaces,
//! punctuation left behind, capitalisation and a final stop. Pure.

use super::lead::trim_lead;
use super::markers::MarkerId;
use super::phrase::is_word_char;

/// Remove straight double quotes around one to three words, and single
/// quotes used the same way; `None` when there is none.
pub(super) fn short_quotes(s: &str, removed: &mut Vec<MarkerId>) -> Option<String> {
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
                        let words = super::segment::word_count(inner);
                        let closes_word = q == '"'
                            || (inner
                                .chars()
                                .next_back()
                                .is_some_and(|c| c.is_alphanumeric() || c == '.')
                                && !after[close + 1..].chars().next().is_some_and(is_word_char));
                        (1..=3).contains(&words) && closes_word && !inner.contains('\'')
                    } =>
                {
                    removed.push(MarkerId::quote_short);
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
pub(super) fn tidy(s: String) -> String {
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

/// Runs of whitespace as one space, trimmed; `None` when already so.
pub(super) fn tidy_spaces(s: &str) -> Option<String> {
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
