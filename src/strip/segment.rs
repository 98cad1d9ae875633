//! Sentence boundaries in one line of raw text, correct around clinical
//! abbreviations and numbers ("vs.", "Dr.", "b.i.d.", "e.g.", "2.5 mg",
//! "Hb 7.2 g/dL."), and run-on splitting. A hand-written byte scanner (no
//! regex backtracking). Works on ranges only; never rewrites text.

/// Abbreviations after which a full stop never ends a sentence (lowercase,
/// without the final dot).
const NEVER_END: &[&str] = &[
    "al", "approx", "ca", "cf", "dr", "e.g", "eg", "fig", "figs", "i.e", "ie", "inc", "jr", "mr",
    "mrs", "ms", "pp", "prof", "pt", "pts", "sr", "st", "viz", "vol", "vs",
];

/// Words longer than this (in raw words) are split at `;` or a clause break.
pub const RUN_ON_WORDS: usize = 60;

fn word_before(s: &str, dot: usize) -> &str {
    let start = s[..dot]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '\''))
        .map_or(0, |(p, c)| p + c.len_utf8());
    &s[start..dot]
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '*' | '_' | '\u{201D}' | '\u{2019}'
    )
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '?' | '!' | '…' | '。')
}

/// The first index from `from` on whose byte may open a terminal ('…' and
/// '。' start with 0xE2 and 0xE3, which are never inside another character);
/// `b.len()` if none. Skips 32-byte blocks with a branch-free test.
fn next_terminal_byte(b: &[u8], from: usize) -> usize {
    let hit = |c: u8| matches!(c, b'.' | b'?' | b'!' | 0xE2 | 0xE3);
    let mut i = from;
    while let Some(block) = b.get(i..i + 32) {
        let any = block.iter().fold(0u8, |a, &c| {
            a | u8::from(c == b'.')
                | u8::from(c == b'?')
                | u8::from(c == b'!')
                | u8::from(c & 0xFE == 0xE2)
        });
        if any != 0 {
            break;
        }
        i += 32;
    }
    b.get(i..)
        .and_then(|r| r.iter().position(|&c| hit(c)))
        .map_or(b.len(), |p| i + p)
}

/// Sentence ranges of `line` (relative byte offsets, trimmed, non-empty).
pub fn sentences(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        i = next_terminal_byte(bytes, i);
        let Some(c) = line.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        if !is_terminal(c) {
            i += c.len_utf8();
            continue;
        }
        // Consume the rest of the punctuation run and closing quotes/brackets.
        let mut end = i + c.len_utf8();
        while let Some(d) = line[end..].chars().next() {
            if is_terminal(d) || is_closer(d) {
                end += d.len_utf8();
            } else {
                break;
            }
        }
        let (dot, rest) = (i, &line[end..]);
        i = end;
        let Some(next) = rest.chars().next() else {
            break;
        };
        if !next.is_whitespace() {
            continue; // 7.2, e.g., mg/dL.5, U.S.A
        }
        let Some(first) = rest.trim_start().chars().next() else {
            break;
        };
        if first.is_lowercase() {
            continue;
        }
        if c == '.' && dot + 1 == end {
            let word = word_before(line, dot);
            if NEVER_END.iter().any(|w| w.eq_ignore_ascii_case(word)) {
                continue;
            }
            if word.eq_ignore_ascii_case("no") && first.is_ascii_digit() {
                continue;
            }
        }
        push_trimmed(line, start, end, &mut out);
        start = end;
    }
    push_trimmed(line, start, line.len(), &mut out);
    out
}

fn push_trimmed(s: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &s[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.trim_end().len();
    if trail > lead {
        out.push((start + lead, start + trail));
    }
}

/// Split a run-on sentence `s` (relative ranges) at `;` or at `, and|but|
/// whereas|while|which` nearest its middle, recursively, until every part has
/// at most [`RUN_ON_WORDS`] words or no break is left.
pub fn split_run_on(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    split_into(s, 0, s.len(), &mut out);
    out
}

/// Words as the stripper counts them everywhere (step sizes, run-ons, the
/// budget): runs of non-whitespace.
pub(crate) fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Does `s` have at most `n` words? (As `split_whitespace` counts them; a
/// branch-free count for ASCII text.)
fn at_most_words(s: &str, n: usize) -> bool {
    if !s.is_ascii() {
        return s.split_whitespace().nth(n).is_none();
    }
    // ASCII whitespace for `char::is_whitespace`: 9..=13 and the space.
    let ws = |c: u8| (c == b' ') | (c.wrapping_sub(9) < 5);
    let b = s.as_bytes();
    let starts = b
        .iter()
        .zip(b.iter().skip(1))
        .filter(|&(&p, &c)| ws(p) & !ws(c))
        .count();
    starts + usize::from(b.first().is_some_and(|&c| !ws(c))) <= n
}

fn split_into(s: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &s[start..end];
    if at_most_words(piece, RUN_ON_WORDS) {
        out.push((start, end));
        return;
    }
    let mid = piece.len() / 2;
    let best_of = |cands: &mut dyn Iterator<Item = usize>| {
        cands
            .filter(|&at| word_count(&piece[..at]) >= 8 && word_count(&piece[at..]) >= 8)
            .min_by_key(|&at| at.abs_diff(mid))
    };
    let best = best_of(&mut piece.match_indices("; ").map(|(i, _)| i + 1)).or_else(|| {
        best_of(
            &mut [
                ", and ",
                ", but ",
                ", whereas ",
                ", while ",
                ", which ",
                ", so ",
            ]
            .iter()
            .flat_map(|c| piece.match_indices(c).map(|(i, _)| i + 1)),
        )
    });
    match best {
        Some(at) => {
            let left_end = start + piece[..at].trim_end().len();
            let right = &piece[at..];
            let right_start = start + at + right.len() - right.trim_start().len();
            split_into(s, start, left_end, out);
            split_into(s, right_start, end, out);
        }
        None => out.push((start, end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        sentences(s).into_iter().map(|(a, b)| &s[a..b]).collect()
    }

    #[test]
    fn abbreviations_and_numbers_do_not_end_sentences() {
        assert_eq!(
            split("Hb 7.2 g/dL. Give 2.5 mg b.i.d. vs. q6h, e.g. Dr. Smith said so. Next one"),
            vec![
                "Hb 7.2 g/dL.",
                "Give 2.5 mg b.i.d. vs. q6h, e.g. Dr. Smith said so.",
                "Next one"
            ]
        );
        assert_eq!(
            split("T2-weighted MRI showed it (i.e. a cyst). See No. 5 in Fig. 2. Done!"),
            vec![
                "T2-weighted MRI showed it (i.e. a cyst).",
                "See No. 5 in Fig. 2.",
                "Done!"
            ]
        );
    }

    #[test]
    fn questions_quotes_and_ellipses() {
        assert_eq!(
            split("Is it \"maybe.\" Hmm... Wait? the risk... weakened it. 5 mg"),
            vec![
                "Is it \"maybe.\"",
                "Hmm...",
                "Wait? the risk... weakened it.",
                "5 mg"
            ]
        );
        assert_eq!(split("   "), Vec::<&str>::new());
    }

    #[test]
    fn word_limit_counts_as_split_whitespace() {
        for s in [
            "",
            " ",
            "a",
            " a  b\tc\n",
            "a\u{b}b\u{c}c\rd",
            "a\u{1c}b",
            "x\u{a0}y z",
            "one two three ",
        ] {
            let n = s.split_whitespace().count();
            for limit in 0..5 {
                assert_eq!(at_most_words(s, limit), n <= limit, "{s:?} {limit}");
            }
        }
    }

    #[test]
    fn run_ons_split_at_semicolons_then_clauses() {
        let a = "word ".repeat(40);
        let s = format!("{a}end; {a}end");
        let parts = split_run_on(&s);
        assert_eq!(parts.len(), 2);
        assert!(s[parts[0].0..parts[0].1].ends_with("end;"));
        let short = "A short one; fine.";
        assert_eq!(split_run_on(short), vec![(0, short.len())]);
    }
}
