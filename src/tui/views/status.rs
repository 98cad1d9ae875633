//! The status line (save confirmations, errors, the note input) and the permanent one-line
//! key legend, which shows as many keys as fit and always ends with `? help`.

use super::put;
use super::theme::Theme;
use crate::tui::app::{App, Screen, StatusKind};
use crate::ui::text::width;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};

pub fn render_status(frame: &mut Frame, app: &App, area: Rect) {
    let t = Theme::of(app);
    if let (Some(note), Some(v)) = (&app.note, &app.open) {
        let label = format!("note, {} step {}: ", v.focus.side, v.focus.step + 1);
        let hint = "  (Enter save · Esc cancel)";
        let buf = frame.buffer_mut();
        let x = put(buf, area.x, area.y, &label, area.width, t.key());
        let room = area
            .right()
            .saturating_sub(x)
            .saturating_sub(width(hint) as u16 + 1);
        // Show the end of a long note: that is where the typing happens.
        let shown = tail(note, usize::from(room));
        let x2 = put(buf, x, area.y, shown, room, ratatui::style::Style::new());
        put(
            buf,
            x2 + 1,
            area.y,
            hint,
            area.right().saturating_sub(x2 + 1),
            t.dim(),
        );
        frame.set_cursor_position(Position::new(x2, area.y));
        return;
    }
    let mark = match app.status.kind {
        StatusKind::Info if app.status.text.is_empty() => "",
        StatusKind::Info => "· ",
        StatusKind::Saved => "✓ ",
        StatusKind::Error => "✗ ",
    };
    let text = format!("{mark}{}", app.status.text);
    put(
        frame.buffer_mut(),
        area.x,
        area.y,
        &text,
        area.width,
        t.status(app.status.kind),
    );
}

/// The last characters of `s` that fit in `cells`.
fn tail(s: &str, cells: usize) -> &str {
    let mut w = 0;
    let mut start = s.len();
    for (i, c) in s.char_indices().rev() {
        w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w > cells {
            break;
        }
        start = i;
    }
    &s[start..]
}

/// The legend's (keys, meaning) pairs for the current mode, most important first.
pub fn legend_items(app: &App) -> Vec<(&'static str, &'static str)> {
    if app.feedback.is_some() {
        return vec![("Enter", "close")];
    }
    if app.help.is_some() {
        return vec![
            ("↑↓ jk", "scroll"),
            ("PgUp PgDn", "page"),
            ("Esc ?", "close"),
        ];
    }
    if app.note.is_some() {
        return vec![("Enter", "save note"), ("Esc", "cancel")];
    }
    if app.severity_menu {
        return vec![
            ("1", "minor"),
            ("2", "major"),
            ("3", "harmful"),
            ("0", "none"),
            ("Esc", "cancel"),
        ];
    }
    if app.filter.editing {
        return vec![
            ("type", "filter"),
            ("↑↓", "move"),
            ("Enter", "open"),
            ("Esc", "clear"),
        ];
    }
    match app.screen {
        Screen::Queue => vec![
            ("↑↓ jk", "move"),
            ("Enter", "open"),
            ("/", "filter"),
            ("s", "status"),
            ("q", "quit"),
        ],
        Screen::Review => vec![
            ("1", "sound"),
            ("2", "neutral"),
            ("3", "error"),
            ("0", "abstain"),
            ("drpo", "tags"),
            ("s", "sev"),
            ("c", "note"),
            ("u", "undo"),
            ("f", "form"),
            ("q", "queue"),
            ("b", "split"),
            ("hjkl", "move"),
            ("w", "layout"),
            ("v", "case"),
        ],
        Screen::CaseForm => vec![
            ("↑↓", "row"),
            ("←→", "side"),
            ("y n", "answer"),
            ("t", "tie"),
            ("1-5", "confidence"),
            ("Esc", "steps"),
            ("u", "undo"),
            ("q", "queue"),
        ],
    }
}

/// How many legend items fit in `cells` with `sep` spaces between them, keeping room for
/// `? help` at the end.
fn fitting(items: &[(&str, &str)], cells: usize, sep: usize, tail: usize) -> usize {
    let mut used = tail;
    for (n, (k, label)) in items.iter().enumerate() {
        used += width(k) + 1 + width(label) + sep;
        if used > cells {
            return n;
        }
    }
    items.len()
}

pub fn render_legend(frame: &mut Frame, app: &App, area: Rect) {
    let t = Theme::of(app);
    let help = ("?", "help");
    let show_help = app.help.is_none() && app.feedback.is_none();
    let tail = if show_help {
        width(help.0) + 1 + width(help.1)
    } else {
        0
    };
    let mut items = legend_items(app);
    let cells = usize::from(area.width);
    // Two spaces between items when everything fits, else one space to fit more.
    let sep = if fitting(&items, cells, 2, tail) == items.len() {
        2
    } else {
        1
    };
    items.truncate(fitting(&items, cells, sep, tail));
    if show_help {
        items.push(help);
    }
    let buf = frame.buffer_mut();
    let mut x = area.x;
    let limit = area.right();
    for (k, label) in &items {
        x = put(buf, x, area.y, k, limit.saturating_sub(x), t.key());
        x = put(
            buf,
            x + 1,
            area.y,
            label,
            limit.saturating_sub(x + 1),
            ratatui::style::Style::new(),
        );
        x += sep as u16;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    #[test]
    fn tail_keeps_the_end() {
        assert_eq!(super::tail("abcdef", 3), "def");
        assert_eq!(super::tail("ab", 5), "ab");
    }
}
