//! The character-level cleaner: emphasis, tags, links, `\boxed`, emojis,
//! curly quotes, dashes, ellipses, exclamation and odd spaces, each removal
//! reported with its marker. Pure string work; knows nothing of sentences or
//! clinical content.

use super::markers::MarkerId;
use crate::primitives::chars::is_emoji;

pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

const TAGS: &[&str] = &[
    "answer",
    "b",
    "br",
    "em",
    "i",
    "p",
    "reasoning",
    "step",
    "strong",
    "think",
    "thinking",
    "u",
];

/// Length of a known HTML-ish tag at the start of `s`.
fn tag_len(s: &str) -> Option<usize> {
    let close = s.bytes().take(24).position(|b| b == b'>')?;
    let inner = s[1..close]
        .trim_start_matches('/')
        .trim_end_matches('/')
        .trim();
    let name_len = inner.bytes().take_while(u8::is_ascii_alphabetic).count();
    let name = inner[..name_len].to_ascii_lowercase();
    let rest_ok = inner[name_len..]
        .bytes()
        .all(|c| c.is_ascii_digit() || c == b' ');
    (TAGS.contains(&name.as_str()) && rest_ok).then_some(close + 1)
}

fn prev_non_space(out: &str) -> Option<char> {
    out.trim_end().chars().next_back()
}

fn next_non_space(s: &str) -> Option<char> {
    s.trim_start().chars().next()
}

/// Bytes the cleaner looks at (non-ASCII and a few ASCII); the rest is copied.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0x80;
    while i < 256 {
        t[i] = true;
        i += 1;
    }
    let ascii = b"*_`<[\\-.!\t\n\r";
    let mut j = 0;
    while j < ascii.len() {
        t[ascii[j] as usize] = true;
        j += 1;
    }
    t
};

/// Character-level cleaning of one piece of text; pushes the ids of what it
/// removed. Newlines become spaces.
pub fn clean_chars(s: &str, removed: &mut Vec<MarkerId>) -> String {
    let mut out = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        // Copy a run of plain ASCII in one go.
        let run = bytes[i..]
            .iter()
            .position(|&b| SPECIAL[usize::from(b)])
            .unwrap_or(s.len() - i);
        if run > 0 {
            out.push_str(&s[i..i + run]);
            i += run;
            continue;
        }
        let rest = &s[i..];
        let Some(c) = rest.chars().next() else { break };
        let n = c.len_utf8();
        match c {
            '*' | '_' if rest.starts_with("**") || rest.starts_with("__") => {
                removed.push(if c == '*' {
                    MarkerId::md_bold
                } else {
                    MarkerId::md_bold_underscore
                });
                let run = rest.bytes().take_while(|&b| b == c as u8).count();
                i += run;
            }
            '*' | '_' => {
                let prev = out.chars().next_back();
                let next = rest[1..].chars().next();
                let alnum = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
                let space = |x: Option<char>| x.is_some_and(char::is_whitespace);
                let keep = if c == '_' {
                    alnum(prev) && alnum(next)
                } else {
                    (space(prev) && space(next))
                        || (prev.is_some_and(|p| p.is_ascii_digit())
                            && next.is_some_and(|x| x.is_ascii_digit()))
                };
                if keep {
                    out.push(c);
                } else {
                    removed.push(MarkerId::md_emphasis);
                }
                i += 1;
            }
            '`' => {
                removed.push(MarkerId::md_code);
                i += 1;
            }
            '<' => match tag_len(rest) {
                Some(len) => {
                    removed.push(MarkerId::html_tag);
                    out.push(' ');
                    i += len;
                }
                None => {
                    out.push('<');
                    i += 1;
                }
            },
            '[' => {
                // [text](http…) → text
                if let Some(close) = rest.find("](")
                    && rest[close + 2..].starts_with("http")
                    && let Some(paren) = rest[close + 2..].find(')')
                    && !rest[1..close].contains(['[', ']'])
                {
                    removed.push(MarkerId::md_link);
                    out.push_str(&rest[1..close]);
                    i += close + 2 + paren + 1;
                } else {
                    out.push('[');
                    i += 1;
                }
            }
            '\\' if rest.starts_with("\\boxed{") => {
                removed.push(MarkerId::md_latex_boxed);
                let inner = &rest[7..];
                match inner.find('}') {
                    Some(close) => {
                        out.push_str(&inner[..close]);
                        i += 7 + close + 1;
                    }
                    None => i += 7,
                }
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' => {
                removed.push(MarkerId::quote_curly);
                out.push('"');
                i += n;
            }
            '\u{2018}' | '\u{2019}' | '\u{201A}' => {
                removed.push(MarkerId::quote_curly);
                out.push('\'');
                i += n;
            }
            '\u{2212}' => {
                out.push('-');
                i += n;
            }
            '—' | '–' | '―' => {
                dash(&mut out, &s[i + n..], removed);
                i += n;
            }
            '-' if rest.starts_with("--") => {
                let run = rest.bytes().take_while(|&b| b == b'-').count();
                dash(&mut out, &s[i + run..], removed);
                i += run;
            }
            '…' => {
                ellipsis(&mut out, &s[i + n..], removed);
                i += n;
            }
            '.' if rest.starts_with("...") => {
                let run = rest.bytes().take_while(|&b| b == b'.').count();
                ellipsis(&mut out, &s[i + run..], removed);
                i += run;
            }
            '!' => {
                removed.push(MarkerId::punct_exclamation);
                let next = s[i + 1..].chars().next();
                if next.is_none_or(|x| x.is_whitespace() || matches!(x, '"' | '\'' | ')'))
                    && !out.trim_end().ends_with(['.', '?'])
                {
                    out.push('.');
                }
                i += 1;
            }
            '\t' | '\u{00A0}' | '\u{2009}' | '\u{202F}' | '\u{2002}' | '\u{2003}' | '\u{3000}' => {
                removed.push(if c == '\t' {
                    MarkerId::ws_repeated
                } else {
                    MarkerId::ws_special
                });
                out.push(' ');
                i += n;
            }
            '\n' | '\r' => {
                out.push(' ');
                i += n;
            }
            c if is_zero_width(c) => {
                removed.push(MarkerId::ws_special);
                i += n;
            }
            c if is_emoji(c) => {
                removed.push(MarkerId::emoji);
                out.push(' ');
                i += n;
            }
            _ => {
                out.push_str(&s[i..i + n]);
                i += n;
            }
        }
    }
    out
}

fn dash(out: &mut String, after: &str, removed: &mut Vec<MarkerId>) {
    let before_digit = prev_non_space(out).is_some_and(|c| c.is_ascii_digit());
    let after_digit = next_non_space(after).is_some_and(|c| c.is_ascii_digit());
    removed.push(MarkerId::punct_em_dash);
    if before_digit && after_digit {
        let t = out.trim_end().len();
        out.truncate(t);
        out.push('-');
    } else {
        out.push_str(", ");
    }
}

fn ellipsis(out: &mut String, after: &str, removed: &mut Vec<MarkerId>) {
    removed.push(MarkerId::punct_ellipsis);
    let next = next_non_space(after);
    if next.is_none_or(|c| c.is_uppercase() || matches!(c, '"' | ')' | '\'')) {
        out.push('.');
    } else {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_characters() {
        let mut r = Vec::new();
        let s = clean_chars(
            "**Wow**! “No” risk — see <think>the 1.1–2.5 range… ok 🙂",
            &mut r,
        );
        assert_eq!(s, "Wow. \"No\" risk ,  see  the 1.1-2.5 range  ok  ");
        assert!(
            r.contains(&MarkerId::emoji)
                && r.contains(&MarkerId::md_bold)
                && r.contains(&MarkerId::quote_curly)
        );
        let s = clean_chars("5 * 3 and *p* < 0.05 and snake_case and _x_", &mut r);
        assert_eq!(s, "5 * 3 and p < 0.05 and snake_case and x");
        let s = clean_chars("\\boxed{B} [PubMed](https://x.org/1) a...B", &mut r);
        assert_eq!(s, "B PubMed a.B");
    }
}
