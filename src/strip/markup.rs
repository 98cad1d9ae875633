//! Markup: what a line is (blank, rule, header, list item, text), and the
//! list markers and titles that open it (the characters inside a line are
//! [`super::clean`]'s). Pure string work; knows nothing of sentences or
//! clinical content.

use super::markers::MarkerId;

/// What a raw line is, with the byte range of its content (markers removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    /// `---`, `***`, a table separator, or a line of only markup.
    Rule,
    /// `# Title`.
    Header,
    /// A list item or a `<step n>` / `Step n:` item.
    Item,
    /// Anything else (block quotes included, their `>` removed).
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    /// Content range, relative to the line.
    pub start: usize,
    pub end: usize,
    /// What was peeled off before the content.
    pub marks: Marks,
}

/// The markup [`peel`] took off the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    /// `#` header hashes.
    pub header: bool,
    /// A block-quote `>`.
    pub quote: bool,
    /// A bullet (`-`, `*`, `•` …).
    pub bullet: bool,
    /// Numbering (`1.`, `(a)`, `<step 1>`, `Step 1:` …).
    pub number: bool,
}

impl Marks {
    /// A list marker of either kind.
    pub fn item(self) -> bool {
        self.bullet || self.number
    }

    /// Push the markers these marks are (header, quote, bullet, numbering).
    pub fn record(self, hits: &mut Vec<MarkerId>) {
        for (seen, id) in [
            (self.header, MarkerId::md_header),
            (self.quote, MarkerId::md_blockquote),
            (self.bullet, MarkerId::list_bullet),
            (self.number, MarkerId::list_number),
        ] {
            if seen {
                hits.push(id);
            }
        }
    }
}

const BULLETS: &[char] = &[
    '-', '*', '+', '•', '◦', '▪', '‣', '●', '○', '■', '□', '–', '—', '·',
];

/// Length of a leading list marker (with the spaces after it), if `s` starts
/// with one: bullets, `1.`, `1)`, `(1)`, `(a)`, `<step 1>`, `Step 1:`.
pub fn list_marker_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let after_spaces = |i: usize| i + s[i..].len() - s[i..].trim_start().len();
    let first = s.chars().next()?;
    if BULLETS.contains(&first) {
        let n = first.len_utf8();
        // "**bold" and "--" are not bullets; the bullet needs a space after it.
        if s[n..].starts_with([' ', '\t']) {
            return Some(after_spaces(n));
        }
        return None;
    }
    if first.is_ascii_digit() {
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits <= 3
            && matches!(b.get(digits), Some(b'.' | b')'))
            && matches!(b.get(digits + 1), Some(b' ' | b'\t'))
        {
            return Some(after_spaces(digits + 1));
        }
        return None;
    }
    if first == '(' {
        let inner = b[1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let is_num = inner > 0 && inner <= 3 && b[1..=inner].iter().all(u8::is_ascii_digit);
        let is_letter = inner == 1 && b[1].is_ascii_lowercase();
        if (is_num || is_letter)
            && b.get(inner + 1) == Some(&b')')
            && matches!(b.get(inner + 2), Some(b' ' | b'\t'))
        {
            return Some(after_spaces(inner + 2));
        }
        return None;
    }
    if first == '<' {
        let lower = s.get(..6.min(s.len()))?.to_ascii_lowercase();
        if lower.starts_with("<step") {
            let close = s.find('>')?;
            let inner = s[5..close].trim();
            if close <= 12 && inner.bytes().all(|c| c.is_ascii_digit()) {
                return Some(after_spaces(close + 1));
            }
        }
        return None;
    }
    // "Step 1:", "Step 1.", "Step 1 -", "Step 1)".
    if s.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("step ")) {
        let rest = &s[5..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && digits <= 3 {
            let tail = &rest[digits..];
            let punct = tail.len() - tail.trim_start_matches([':', '.', ')', '-', ' ']).len();
            if punct > 0 && (tail[..punct].contains([':', '.', ')', '-']) || tail.len() == punct) {
                return Some(5 + digits + punct);
            }
        }
    }
    None
}

/// Peel every leading header hash, block-quote `>` and list marker (repeatedly,
/// so `> - 1. x` yields `x`), also under leading `**`. Returns the content
/// start and what was peeled.
pub fn peel(s: &str) -> (usize, Marks) {
    let mut i = s.len() - s.trim_start().len();
    let mut marks = Marks::default();
    loop {
        let rest = &s[i..];
        if rest.starts_with('#') {
            let hashes = rest.bytes().take_while(|&c| c == b'#').count();
            let after = &rest[hashes..];
            if hashes <= 6 && (after.is_empty() || after.starts_with([' ', '\t'])) {
                marks.header = true;
                i += hashes + after.len() - after.trim_start().len();
                continue;
            }
        }
        // A block quote, but not a comparison ("> 5 cm", ">= 2").
        let after = rest.get(1..).unwrap_or_default();
        if rest.starts_with('>')
            && !after
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit() || c == '=')
        {
            marks.quote = true;
            i += 1 + after.len() - after.trim_start().len();
            continue;
        }
        // A marker inside bold: "**Step 1:** x", "**1.** x".
        let (bold, inner) = match rest.strip_prefix("**") {
            Some(inner) => (2, inner),
            None => (0, rest),
        };
        if let Some(n) = list_marker_len(inner) {
            if inner.starts_with(BULLETS) {
                marks.bullet = true;
            } else {
                marks.number = true;
            }
            i += bold + n;
            continue;
        }
        return (i, marks);
    }
}

/// Classify one raw line (no newline in it).
pub fn classify_line(line: &str) -> Line {
    let trimmed = line.trim();
    if trimmed.is_empty() || is_rule(trimmed) {
        return Line {
            kind: if trimmed.is_empty() {
                LineKind::Blank
            } else {
                LineKind::Rule
            },
            start: 0,
            end: 0,
            marks: Marks::default(),
        };
    }
    let (start, marks) = peel(line);
    let end = line.trim_end().len().max(start);
    let kind = if start >= end {
        LineKind::Rule
    } else if marks.header {
        LineKind::Header
    } else if marks.item() {
        LineKind::Item
    } else {
        LineKind::Text
    };
    Line {
        kind,
        start,
        end,
        marks,
    }
}

fn is_rule(t: &str) -> bool {
    let only = |set: &[char]| t.chars().all(|c| set.contains(&c) || c == ' ');
    (t.len() >= 3 && (only(&['-']) || only(&['*']) || only(&['_']) || only(&['='])))
        || (t.starts_with('|') && only(&['|', '-', ':']))
}

/// A title: a whole-bold line (`**Patient Overview**`, `**Plan:**`), or a
/// leading bold label with text after it (`**Growth**: The patient…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Title {
    /// The whole content is a title (range of the title text).
    Whole(usize, usize),
    /// A label (range) and where the text after it starts.
    Label(usize, usize, usize),
}

/// Find a bold title or label at the start of `s`.
pub fn bold_title(s: &str) -> Option<Title> {
    let inner = s.strip_prefix("**").or_else(|| s.strip_prefix("__"))?;
    let close = inner.find("**").or_else(|| inner.find("__"))?;
    let label = inner[..close].trim_end_matches([':', ' ']);
    if label.trim().is_empty() || label.len() > 120 {
        return None;
    }
    let label_start = 2;
    let label_end = 2 + label.len();
    let after = &s[2 + close + 2..];
    let after_colon = after.trim_start_matches([':', ' ', '\t', '-', '–']);
    let text_start = s.len() - after_colon.len();
    if after_colon.trim().is_empty() {
        Some(Title::Whole(label_start, label_end))
    } else if inner[..close].trim_end().ends_with(':')
        || after.trim_start().starts_with([':', '-', '–'])
    {
        Some(Title::Label(label_start, label_end, text_start))
    } else {
        None
    }
}

/// A short plain label opening an item: `Assess the defect: The patient…`
/// (at most six words before the colon, no sentence punctuation, text after).
pub fn plain_label(s: &str) -> Option<(usize, usize)> {
    let colon = s.find(": ")?;
    let label = &s[..colon];
    let words = super::segment::word_count(label);
    if words == 0 || words > 6 || label.contains(['.', '?', '!', ',', ';', '(', '"']) {
        return None;
    }
    let rest = s[colon + 1..].trim_start();
    let starts_upper = rest.chars().next().is_some_and(|c| c.is_uppercase());
    starts_upper.then(|| (colon, s.len() - rest.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_markers() {
        for (s, n) in [
            ("- item", 2),
            ("1. item", 3),
            ("12) item", 4),
            ("(3) item", 4),
            ("(b) item", 4),
            ("<step 2> item", 9),
            ("<step 10>item", 9),
            ("Step 3: item", 8),
            ("• item", 4),
        ] {
            assert_eq!(list_marker_len(s), Some(n), "{s}");
        }
        for s in [
            "-0.563 r",
            "1.5 mg",
            "**bold**",
            "2004 was",
            "(A) yes",
            "Steps taken",
        ] {
            assert_eq!(list_marker_len(s), None, "{s}");
        }
    }

    #[test]
    fn lines_are_classified() {
        let l = classify_line("### Chain of Thought:");
        assert_eq!(l.kind, LineKind::Header);
        assert_eq!(l.start, 4);
        let l = classify_line("> - **Step 1:** Check K+");
        assert_eq!(l.kind, LineKind::Item);
        assert_eq!(&"> - **Step 1:** Check K+"[l.start..l.end], "** Check K+");
        assert_eq!(classify_line("  ---  ").kind, LineKind::Rule);
        assert_eq!(classify_line("|---|:--:|").kind, LineKind::Rule);
        assert_eq!(classify_line("Plain text.").kind, LineKind::Text);
    }

    #[test]
    fn titles() {
        assert_eq!(
            bold_title("**Patient Overview**  "),
            Some(Title::Whole(2, 18))
        );
        assert_eq!(bold_title("**Plan:**"), Some(Title::Whole(2, 6)));
        let s = "**Evaluate Growth**: The patient";
        assert_eq!(bold_title(s), Some(Title::Label(2, 17, 21)));
        assert_eq!(bold_title("**Hb** is low"), None);
        assert_eq!(
            plain_label("Assess the defect: The patient"),
            Some((17, 19))
        );
        assert_eq!(plain_label("Hb was 7.2: low"), None);
    }
}
