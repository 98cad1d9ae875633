//! Text by display width (pure): width, word wrapping, clipping with an ellipsis, and
//! drawing one clipped line into a buffer. The review `update` caches wrapped steps and case
//! text with these, so both chains wrap by exactly the same rule; the lab and tally screens
//! use the same functions.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of `s` in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `text` cut to at most `cells` display cells, ending in `…` when it had to be cut.
pub fn clip(text: &str, cells: usize) -> std::borrow::Cow<'_, str> {
    if width(text) <= cells {
        return text.into();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > cells {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out.into()
}

/// Draw `text` at (`x`, `y`) in at most `max` cells; outside the buffer nothing is drawn.
/// Returns the column after the text.
pub fn put(
    buf: &mut ratatui::buffer::Buffer,
    x: u16,
    y: u16,
    text: &str,
    max: u16,
    style: ratatui::style::Style,
) -> u16 {
    if max == 0
        || y >= buf.area.bottom()
        || x >= buf.area.right()
        || y < buf.area.y
        || x < buf.area.x
    {
        return x;
    }
    buf.set_stringn(x, y, text, usize::from(max), style).0
}

/// Wrap `text` to `width` cells. The first line starts with `prefix`; continuation lines
/// start with `indent` spaces. `keep` is placed right after the prefix as one unbreakable
/// token when it fits (the verdict badge). Newlines in `text` start new lines.
/// Always returns at least one line.
pub fn wrap_hanging(
    prefix: &str,
    keep: &str,
    text: &str,
    width_cells: usize,
    indent: usize,
) -> Vec<String> {
    let width_cells = width_cells.max(1);
    let indent = if indent + 8 > width_cells { 0 } else { indent };
    let mut w = Wrapper {
        lines: Vec::new(),
        cur: prefix.to_string(),
        cur_w: width(prefix),
        fresh: true,
        max: width_cells,
        indent,
    };
    if !keep.is_empty() {
        w.push_word(keep);
    }
    for (i, para) in text.split('\n').enumerate() {
        if i > 0 {
            w.break_line();
        }
        for word in para.split_whitespace() {
            w.push_word(word);
        }
    }
    w.finish()
}

/// Wrap plain `text` (paragraphs separated by newlines) to `width` cells.
pub fn wrap_plain(text: &str, width_cells: usize) -> Vec<String> {
    wrap_hanging("", "", text, width_cells, 0)
}

struct Wrapper {
    lines: Vec<String>,
    cur: String,
    cur_w: usize,
    /// No word on the current line yet (only the prefix or indent).
    fresh: bool,
    max: usize,
    indent: usize,
}

impl Wrapper {
    fn break_line(&mut self) {
        let line = std::mem::replace(&mut self.cur, " ".repeat(self.indent));
        self.lines.push(line.trim_end().to_string());
        self.cur_w = self.indent;
        self.fresh = true;
    }

    fn push_word(&mut self, word: &str) {
        let ww = width(word);
        let sep = usize::from(!self.fresh);
        if self.cur_w + sep + ww <= self.max {
            if !self.fresh {
                self.cur.push(' ');
            }
            self.cur.push_str(word);
            self.cur_w += sep + ww;
            self.fresh = false;
            return;
        }
        if !self.fresh {
            self.break_line();
            if self.cur_w + ww <= self.max {
                self.cur.push_str(word);
                self.cur_w += ww;
                self.fresh = false;
                return;
            }
        }
        // A word longer than a whole line: break it by characters.
        for c in word.chars() {
            let cw = UnicodeWidthChar::width(c).unwrap_or(0);
            if self.cur_w + cw > self.max && !self.fresh {
                self.break_line();
            }
            self.cur.push(c);
            self.cur_w += cw;
            self.fresh = false;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if !self.fresh || self.lines.is_empty() {
            self.lines.push(self.cur.trim_end().to_string());
        }
        self.lines
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn wraps_with_hanging_indent() {
        let lines = wrap_hanging("1. ", "[✓ sound]", "alpha beta gamma delta", 20, 3);
        assert_eq!(lines, vec!["1. [✓ sound] alpha", "   beta gamma delta"]);
        for l in &lines {
            assert!(width(l) <= 20, "{l:?}");
        }
    }

    #[test]
    fn breaks_long_words_and_keeps_every_character() {
        let text = "x".repeat(45);
        let lines = wrap_plain(&text, 20);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn keeps_paragraphs_and_never_returns_nothing() {
        assert_eq!(wrap_plain("a\nb", 10), vec!["a", "b"]);
        assert_eq!(wrap_plain("", 10), vec![""]);
        assert_eq!(wrap_plain("a b", 0), vec!["a", "b"]);
    }

    #[test]
    fn wide_characters_count_twice() {
        let lines = wrap_plain("漢字漢字漢字", 5);
        assert!(lines.iter().all(|l| width(l) <= 5), "{lines:?}");
        assert_eq!(lines.concat(), "漢字漢字漢字");
    }
}
