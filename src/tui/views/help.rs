//! The help screen (`?`): every key, what the labels mean, and the error-mode guideline with
//! a short example each (SPEC §3). Static text; the scroll offset lives in the app.

use super::put;
use super::status::render_legend;
use super::theme::Theme;
use crate::tui::app::App;
use crate::tui::geometry::help_body;
use crate::ui::text::width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Widget};

/// Help lines; a line starting with `# ` is a heading. Every line fits in 78 columns; narrower
/// screens wrap them (see [`lines`]).
const HELP: &[&str] = &[
    "# blindstep help  (Esc or ? closes · ↑↓ scroll)",
    "",
    "# Queue",
    "  ↑ ↓ / j k    move            Enter  open the item (resumes where you were)",
    "  /            filter by words (each matched on its own) and status:not-started,",
    "               status:in-progress or status:done          Esc  clear the filter",
    "  s            show only one status (all → not started → in progress → done)",
    "  q            quit",
    "",
    "# Judging steps (review screen)",
    "  1  sound     factually and clinically correct, and relevant",
    "  2  neutral   correct but adds nothing (restatement, filler)",
    "  3  error     factually wrong, clinically wrong, or a non-sequitur",
    "  0  abstain   you cannot judge this step",
    "     [ · ]     unmarked: not judged yet",
    "  1 2 0 move on to the next unmarked step (down this chain, then the other).",
    "  3 stays on the step: add s severity and d r p o tags, then j moves on.",
    "  s  severity of an error: a chooser opens: 1 minor, 2 major, 3 harmful",
    "     (could harm), 0 none, Esc cancels (its digits never label a step)",
    "  d r p o      toggle tags: drift, red flag, priority, other (any step)",
    "  c  note (one line; Enter saves, Esc cancels)     b  flag a bad split",
    "  u  undo your last change in this item (saved as a new change; works",
    "     after a restart too, and across your sessions)",
    "",
    "# Moving and layout",
    "  ↑ ↓ / j k    previous / next step      ← → / h l   left / right chain",
    "               (a side opens on its first unmarked step)",
    "  g G          first / last step         mouse wheel scroll (the focus follows)",
    "  v            hide / show the case      [ ] PgUp PgDn  scroll the case",
    "  w            side by side ⇄ stacked (stacked is automatic below 100 cols)",
    "  f or Tab     case verdict form         q  back to the queue",
    "  Ctrl-c       quit from anywhere (everything shown as saved is saved)",
    "",
    "# Case verdict form",
    "  A grid: one row per question, a Left and a Right column.",
    "  ↑ ↓ / j k    row                       ← → / h l  column (side)",
    "  y n Space    yes / no / toggle; on the preferred side and student rows",
    "               y chooses the option under the cursor    t  a tie",
    "  1-5          confidence in your student guess",
    "  Each red flag is asked twice per side: recognised (the chain saw the",
    "  finding) and acted on (it took or proposed the expected action).",
    "  Changing an answered or pre-filled cell asks for the same key again.",
    "  The gold answer appears once every step has a label; then MCQ answers",
    "  are pre-filled from it; for differentials you decide (\"gold in top 5\"",
    "  is only a hint).",
    "  An item is done when every step has a label and every cell is answered.",
    "",
    "# Badges",
    "  [✓ sound]  [= neutral]  [✗ error·major d r ✎ ✂]  [? abstain]  [ · ]",
    "  d r p o = tags · ✎ = has a note · ✂ = flagged as a bad split",
    "",
    "# Error modes",
    "  drift (d): the chain departs from the case: invents or loses findings,",
    "    follows a tangent, or concludes what its earlier steps do not support.",
    "    e.g. \"The fever suggests infection\" when the vignette has no fever.",
    "  red flag (r): misses, or fails to act on, an alarm feature that demands",
    "    urgent consideration (thunderclap headache, focal deficit, shock, …).",
    "    e.g. treating a thunderclap headache as migraine without imaging.",
    "  priority (p): ranks a less likely or less dangerous diagnosis above a more",
    "    likely or must-not-miss one, or orders management wrongly.",
    "    e.g. \"Start antibiotics, then assess the airway\".",
    "  other (o): anything else; say what in a note (c).",
    "",
    "# Where two labels overlap",
    "  A management delay: red flag (r) when the alarm feature itself is missed",
    "    or not acted on; priority (p) when it is seen but the urgent step is",
    "    ordered after a less urgent one.",
    "    e.g. \"Thunderclap headache: SAH must be excluded; arrange an outpatient",
    "    MRI\" → priority (seen, acted on too late); \"probably a migraine\" → red flag.",
    "  A summary or restatement: neutral (2) when it only repeats the case or",
    "    earlier steps; sound (1) when it adds a correct inference or decision.",
    "    e.g. \"She is 47 and vomited twice\" → neutral; \"Vomiting and neck",
    "    stiffness with a thunderclap onset mean SAH until proven otherwise\" → sound.",
    "",
    "# Blinding",
    "  Left and right are assigned at random per item and reviewer. Nothing on",
    "  these screens tells which model wrote which side.",
];

/// Number of help lines at this width (the help screen scrolls within this).
pub fn line_count(width: u16) -> usize {
    lines(width).len()
}

/// The help text wrapped to `width` cells: `(text, is_heading)`. A line that fits is kept as
/// written (its column alignment included); a longer one breaks at spaces, its continuation
/// indented two cells past the line's own indent.
pub fn lines(width: u16) -> Vec<(String, bool)> {
    let w = usize::from(width).max(1);
    let mut out = Vec::with_capacity(HELP.len() + 16);
    for line in HELP {
        let (text, heading) = match line.strip_prefix("# ") {
            Some(h) => (h, true),
            None => (*line, false),
        };
        out.extend(
            wrap_keeping_spaces(text, w)
                .into_iter()
                .map(|l| (l, heading)),
        );
    }
    out
}

/// Greedy wrap at spaces that keeps runs of spaces inside a line (the legend's columns).
fn wrap_keeping_spaces(text: &str, w: usize) -> Vec<String> {
    if width(text) <= w {
        return vec![text.to_string()];
    }
    let lead = text.len() - text.trim_start_matches(' ').len();
    let indent = if lead + 2 < w / 3 { lead + 2 } else { 0 };
    let mut out = Vec::new();
    let mut cur = " ".repeat(lead);
    let mut cur_w = lead;
    let mut fresh = true;
    let mut rest = &text[lead..];
    while !rest.is_empty() {
        let gap = rest.len() - rest.trim_start_matches(' ').len();
        let after = &rest[gap..];
        let end = after.find(' ').unwrap_or(after.len());
        let word = &after[..end];
        rest = &after[end..];
        let sep_w = if fresh { 0 } else { gap };
        let ww = width(word);
        if cur_w + sep_w + ww <= w {
            cur.push_str(&" ".repeat(sep_w));
            cur.push_str(word);
            cur_w += sep_w + ww;
            fresh = false;
            continue;
        }
        if !fresh {
            out.push(std::mem::replace(&mut cur, " ".repeat(indent)));
            cur_w = indent;
        }
        // A word longer than a line: break it by characters.
        for c in word.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if cur_w + cw > w && cur_w > indent {
                out.push(std::mem::replace(&mut cur, " ".repeat(indent)));
                cur_w = indent;
            }
            cur.push(c);
            cur_w += cw;
        }
        fresh = false;
    }
    if !fresh || out.is_empty() {
        out.push(cur);
    }
    out
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = Theme::of(app);
    let body = help_body(area);
    let buf = frame.buffer_mut();
    Clear.render(area, buf);
    let scroll = app.help.unwrap_or(0);
    for (i, (line, heading)) in lines(area.width)
        .iter()
        .skip(scroll)
        .take(usize::from(body.height))
        .enumerate()
    {
        let y = body.y + i as u16;
        let style = if *heading { t.title() } else { Style::new() };
        put(buf, body.x, y, line, body.width, style);
    }
    let legend = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
    render_legend(frame, app, legend);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn help_wraps_to_the_width_and_loses_no_word() {
        for w in [60u16, 45, 78, 120] {
            let lines = lines(w);
            for (l, _) in &lines {
                assert!(width(l) <= usize::from(w), "{w}: {l:?}");
            }
            let words = |it: &mut dyn Iterator<Item = &str>| {
                it.flat_map(str::split_whitespace)
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            let wrapped = words(&mut lines.iter().map(|(l, _)| l.as_str()));
            let source = words(&mut HELP.iter().map(|l| l.strip_prefix("# ").unwrap_or(l)));
            assert_eq!(wrapped, source, "width {w}");
        }
        assert!(lines(60).len() > HELP.len());
    }

    #[test]
    fn short_lines_keep_their_columns() {
        let l = lines(80);
        assert_eq!(l.len(), HELP.len());
        assert!(
            l.iter()
                .any(|(t, _)| t == "  0  abstain   you cannot judge this step")
        );
    }
}
