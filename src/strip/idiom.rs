//! Punctuation-level idiolect that survives word-marker removal: Latin
//! abbreviations ("e.g." → "such as", "i.e." → "that is") and a slash between
//! two plain words ("urethral/erectile" → "urethral or erectile"). Measured on
//! the MedR-Bench fixtures, R1 writes "e.g." fourteen times as often as
//! o3-mini (which writes "such as") and word/word slashes eight times as
//! often; a leakage classifier's character n-grams read both. Pure; never
//! touches a unit ("mg/dL", "mg/kg", "breaths/min"), a rate ("doses/day"), a
//! capitalised or numeric pair ("PET/CT", "T2/FLAIR", "1/3"), or a URL, and
//! keeps both words of every pair, so no clinical token is lost.

use super::lexicon::UNITS;
use super::markers::MarkerId;
use super::phrase::is_word_char;

/// Latin abbreviations and their plain English, longest first.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("e.g.,", "such as"),
    ("e.g.", "such as"),
    ("i.e.,", "that is,"),
    ("i.e.", "that is,"),
];

/// Words after a slash that make it "per", not "or".
const PER: &[&str] = &[
    "breath", "breaths", "cycle", "cycles", "day", "days", "dose", "doses", "hour", "hours",
    "meal", "meals", "minute", "minutes", "month", "months", "week", "weeks", "year", "years",
];

/// Rewrite the abbreviations and slashes of one sentence.
pub fn normalise(s: &str, removed: &mut Vec<MarkerId>) -> String {
    rewrite(s, removed).unwrap_or_else(|| s.to_string())
}

/// [`normalise`], or `None` when it would change nothing.
pub fn rewrite(s: &str, removed: &mut Vec<MarkerId>) -> Option<String> {
    match abbreviations(s, removed) {
        Some(t) => Some(slashes(&t, removed).unwrap_or(t)),
        None => slashes(s, removed),
    }
}

/// Does `s` hold "e.g." or "i.e." in any ASCII case?
fn has_latin(s: &str) -> bool {
    s.as_bytes().windows(4).any(|w| {
        matches!(
            w,
            [b'e' | b'E', b'.', b'g' | b'G', b'.'] | [b'i' | b'I', b'.', b'e' | b'E', b'.']
        )
    })
}

fn abbreviations(s: &str, removed: &mut Vec<MarkerId>) -> Option<String> {
    if !has_latin(s) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    'scan: while i < s.len() {
        let at_word = !s[..i].chars().next_back().is_some_and(is_word_char);
        if at_word {
            for &(pat, rep) in ABBREVIATIONS {
                let end = i + pat.len();
                if lower.get(i..end) == Some(pat)
                    && !s[end..].chars().next().is_some_and(is_word_char)
                {
                    removed.push(if pat.starts_with('e') {
                        MarkerId::abbr_eg
                    } else {
                        MarkerId::abbr_ie
                    });
                    let upper = s[i..].starts_with(|c: char| c.is_ascii_uppercase());
                    if upper {
                        out.push_str(&rep[..1].to_ascii_uppercase());
                        out.push_str(&rep[1..]);
                    } else {
                        out.push_str(rep);
                    }
                    // "e.g. X" keeps its space; "e.g.X" gains one.
                    if s[end..].starts_with(|c: char| c.is_alphanumeric()) {
                        out.push(' ');
                    }
                    i = end;
                    continue 'scan;
                }
            }
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        out.push(c);
        i += c.len_utf8();
    }
    Some(out)
}

/// A plain lowercase word that can stand on either side of an "or".
fn plain(w: &str) -> bool {
    w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase()) && !UNITS.contains(&w)
}

fn slashes(s: &str, removed: &mut Vec<MarkerId>) -> Option<String> {
    if !s.contains('/') || s.contains("://") {
        return None;
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 8);
    let mut last = 0;
    for (i, _) in s.match_indices('/') {
        let left_start = s[..i]
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_ascii_alphabetic())
            .map_or(0, |(p, c)| p + c.len_utf8());
        let right_end = s[i + 1..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(s.len(), |p| i + 1 + p);
        let (left, right) = (&s[left_start..i], &s[i + 1..right_end]);
        // The words must stand alone: not in "x_y/z" or "2a/b".
        let before_ok = left_start == 0 || !matches!(b[left_start - 1], b'_' | b'0'..=b'9');
        let after_ok = right_end == s.len() || !matches!(b[right_end], b'_' | b'0'..=b'9');
        let and_or = left == "and" && right == "or";
        let pair = plain(left) && plain(right) && !PER.contains(&right) && before_ok && after_ok;
        if !(and_or || pair) || (and_or && left_start < last) {
            continue;
        }
        removed.push(MarkerId::punct_slash);
        // A chain ("left/right/both"): the left word is already out.
        if left_start >= last {
            out.push_str(&s[last..left_start]);
            if !and_or {
                out.push_str(left);
            }
        }
        if and_or {
            out.push_str("or");
        } else {
            out.push_str(" or ");
            out.push_str(right);
        }
        last = right_end;
    }
    if last == 0 {
        return None;
    }
    out.push_str(&s[last..]);
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalise(s, &mut Vec::new())
    }

    #[test]
    fn latin_abbreviations_become_english() {
        assert_eq!(
            n("Local flaps (e.g., scrotal) risk hair."),
            "Local flaps (such as scrotal) risk hair."
        );
        assert_eq!(n("E.g. tenesmus."), "Such as tenesmus.");
        assert_eq!(n("the cause, i.e. sepsis"), "the cause, that is, sepsis");
        // Not inside a word.
        assert_eq!(n("see.g. x"), "see.g. x");
    }

    #[test]
    fn word_slashes_become_or_but_units_and_names_stay() {
        assert_eq!(
            n("urethral/erectile integrity and/or adhesions/scarring"),
            "urethral or erectile integrity or adhesions or scarring"
        );
        for keep in [
            "Hb 7.2 g/dL",
            "2 mg/kg/day",
            "PET/CT",
            "T2/FLAIR",
            "1/3 of cases",
            "30 breaths/minute",
            "3 doses/day",
            "http://a.org/x/y",
            "mmol/mol",
            "6.4 μg/L",
            "é/àb",
        ] {
            assert_eq!(n(keep), keep);
        }
        assert_eq!(n("left/right/both"), "left or right or both");
        assert_eq!(n("μrule/rest"), "μrule or rest");
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        for s in ["(e.g. a/b, i.e., c)", "and/or", "x/yy/zzz"] {
            let once = n(s);
            assert_eq!(n(&once), once, "{s:?}");
        }
    }
}
