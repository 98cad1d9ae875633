//! The help screen (`?`): every key, what the labels mean, and the error-mode guideline with
//! a short example each (SPEC §3). Static text; the scroll offset lives in the app.

use super::put;
use super::status::render_legend;
use super::theme::Theme;
use crate::tui::app::App;
use crate::tui::geometry::help_body;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Widget};

/// Help lines; a line starting with `# ` is a heading. Every line fits in 78 columns.
const HELP: &[&str] = &[
    "# blindstep help  (Esc or ? closes · ↑↓ scroll)",
    "",
    "# Queue",
    "  ↑ ↓ / j k    move            Enter  open the item (resumes where you were)",
    "  /            fuzzy filter    Esc    clear the filter      q  quit",
    "",
    "# Judging steps (review screen)",
    "  1  sound     factually and clinically correct, and relevant",
    "  2  neutral   correct but adds nothing (restatement, filler)",
    "  3  error     factually wrong, clinically wrong, or a non-sequitur",
    "  0  abstain   you cannot judge this step",
    "     [ · ]     unmarked: not judged yet",
    "  Judging moves to the next unmarked step: down this chain, then the other.",
    "  s  severity of an error: minor → major → harmful (could harm) → none",
    "  d r p o      toggle tags: drift, red flag, priority, other (any step)",
    "  c  note (one line; Enter saves, Esc cancels)     b  flag a bad split",
    "  u  undo your last change in this item (saved as a new change)",
    "",
    "# Moving and layout",
    "  ↑ ↓ / j k    previous / next step      ← → / h l   left / right chain",
    "  g G          first / last step         mouse wheel scroll the chain",
    "  v            hide / show the case      [ ] PgUp PgDn  scroll the case",
    "  w            side by side ⇄ stacked (stacked is automatic below 100 cols)",
    "  f or Tab     case verdict form         q  back to the queue",
    "  Ctrl-c       quit from anywhere (everything shown as saved is saved)",
    "",
    "# Case verdict form",
    "  ↑ ↓          move between fields       y n Space  yes / no / toggle",
    "  l r t        left / right / tie        1-5        confidence",
    "  Answers are pre-filled from the gold answer for MCQs; for differentials",
    "  confirm them yourself (the top-5 suggestion is only a hint).",
    "  An item is done when every step has a label and every line is answered.",
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
    "# Blinding",
    "  Left and right are assigned at random per item and reviewer. Nothing on",
    "  these screens tells which model wrote which side.",
];

/// Number of help lines (the help screen scrolls within this).
pub fn line_count(_width: u16) -> usize {
    HELP.len()
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = Theme::of(app);
    let body = help_body(area);
    let buf = frame.buffer_mut();
    Clear.render(area, buf);
    let scroll = app.help.unwrap_or(0);
    for (i, line) in HELP
        .iter()
        .skip(scroll)
        .take(usize::from(body.height))
        .enumerate()
    {
        let y = body.y + i as u16;
        match line.strip_prefix("# ") {
            Some(h) => put(buf, body.x, y, h, body.width, t.title()),
            None => put(buf, body.x, y, line, body.width, Style::new()),
        };
    }
    let legend = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
    render_legend(frame, app, legend);
}
