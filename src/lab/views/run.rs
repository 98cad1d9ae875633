//! The run pane: the model and how it was loaded, a gauge of cases done with tokens/s, the
//! case in progress with its output streaming in, and (when wide enough) each case's outcome.

use super::draw::{clip, put_pieces};
use super::style::LabStyle;
use crate::lab::app::{Batch, LabApp, Outcome, Phase};
use crate::ui::text::put;
use crate::ui::text::wrap_plain;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub const KEYS: &[(&str, &str)] = &[
    ("c", "cancel"),
    ("r", "runs (when done)"),
    ("Esc", "picker (when done)"),
    ("^c", "quit"),
];

/// Wider than this, the outcomes column goes on the right.
const OUTCOMES_MIN_WIDTH: u16 = 90;
const OUTCOMES_W: u16 = 30;
/// Only the tail of a long output is wrapped for the screen.
const TAIL_BYTES: usize = 16 * 1024;

pub fn title(app: &LabApp) -> String {
    match &app.batch {
        Some(b) => format!("run · {} · {}", b.model, phase_text(b.phase)),
        None => "run".into(),
    }
}

fn phase_text(p: Phase) -> &'static str {
    match p {
        Phase::Loading => "loading model…",
        Phase::Generating => "generating",
        Phase::Cancelling => "cancelling…",
        Phase::Finished => "finished",
        Phase::Cancelled => "cancelled",
    }
}

/// A text gauge: `[█████·····]`.
pub fn gauge(done: usize, total: usize, cells: usize) -> String {
    let filled = (done * cells).checked_div(total).unwrap_or(0).min(cells);
    format!("[{}{}]", "█".repeat(filled), "·".repeat(cells - filled))
}

fn tail(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

pub fn render(buf: &mut Buffer, app: &LabApp, area: Rect, s: &LabStyle) {
    let Some(b) = &app.batch else {
        put(buf, area.x + 1, area.y, "no batch yet", area.width, s.dim());
        return;
    };
    let (main, side) = if area.width >= OUTCOMES_MIN_WIDTH {
        let mw = area.width - OUTCOMES_W - 1;
        (
            Rect::new(area.x, area.y, mw, area.height),
            Some(Rect::new(area.x + mw + 1, area.y, OUTCOMES_W, area.height)),
        )
    } else {
        (area, None)
    };
    let w = main.width;
    let model_line = match &b.identity {
        Some(id) => id.clone(),
        None => "loading model… (this can take a few seconds)".into(),
    };
    put_pieces(
        buf,
        main.x,
        main.y,
        main.right(),
        [
            (" model  ", s.dim()),
            (b.model.as_str(), s.title()),
            ("  ", Default::default()),
            (&*clip(&model_line, usize::from(w)), s.dim()),
        ],
    );
    let speed = match (b.phase, b.tokens_per_second, b.mean_tokens_per_second()) {
        (Phase::Generating | Phase::Cancelling, Some(t), _) => format!("{t:.1} tok/s"),
        (_, _, Some(m)) => format!("mean {m:.1} tok/s"),
        _ => "– tok/s".into(),
    };
    let g = format!(
        " {} {}/{} cases · {} saved · {} failed · {speed}",
        gauge(b.done(), b.cases.len(), 20),
        b.done(),
        b.cases.len(),
        b.saved(),
        b.failed()
    );
    put(buf, main.x, main.y + 1, &g, w, Default::default());
    let case_line = match &b.current {
        Some(id) => {
            let title = app.case(id).map(|c| c.title.as_str()).unwrap_or("");
            format!(" case   {id} · {title} · {} tokens", b.tokens)
        }
        None => " case   –".into(),
    };
    put(
        buf,
        main.x,
        main.y + 2,
        &clip(&case_line, usize::from(w)),
        w,
        s.key(),
    );
    put(
        buf,
        main.x,
        main.y + 3,
        &"─".repeat(usize::from(w)),
        w,
        s.dim(),
    );
    let body = Rect::new(main.x, main.y + 4, w, main.height.saturating_sub(4));
    render_stream(buf, b, body, s);
    if let Some(side) = side {
        for y in side.y..side.bottom() {
            put(buf, side.x - 1, y, "│", 1, s.dim());
        }
        render_outcomes(buf, b, side, s);
    }
}

fn render_stream(buf: &mut Buffer, b: &Batch, area: Rect, s: &LabStyle) {
    if b.phase == Phase::Loading {
        put(
            buf,
            area.x + 1,
            area.y,
            "loading model…",
            area.width,
            s.dim(),
        );
        return;
    }
    let lines = wrap_plain(
        tail(&b.text, TAIL_BYTES),
        usize::from(area.width.saturating_sub(2)),
    );
    let rows = usize::from(area.height);
    let skip = lines.len().saturating_sub(rows);
    for (i, l) in lines.iter().skip(skip).enumerate() {
        put(
            buf,
            area.x + 1,
            area.y + i as u16,
            l,
            area.width.saturating_sub(1),
            Default::default(),
        );
    }
}

fn render_outcomes(buf: &mut Buffer, b: &Batch, area: Rect, s: &LabStyle) {
    put(buf, area.x + 1, area.y, "cases", area.width, s.title());
    let rows = usize::from(area.height.saturating_sub(1));
    let current = b.current.as_ref();
    for (i, id) in b.cases.iter().take(rows).enumerate() {
        let y = area.y + 1 + i as u16;
        let outcome = b
            .outcomes
            .iter()
            .rev()
            .find(|(c, _)| c == id)
            .map(|(_, o)| o);
        let (mark, detail, style) = match outcome {
            Some(Outcome::Saved {
                run,
                tokens_per_second,
            }) => (
                "✓",
                format!("run {run} · {tokens_per_second:.1} t/s"),
                s.done(),
            ),
            Some(Outcome::Failed(_)) => ("✗", "failed".into(), s.error()),
            Some(Outcome::Cancelled) => ("⨯", "cancelled".into(), s.dim()),
            None if current == Some(id) && !b.phase.is_over() => {
                ("▸", "running".into(), s.marker())
            }
            None => ("·", "not run".into(), s.dim()),
        };
        let text = format!("{mark} {id} {detail}");
        put(
            buf,
            area.x + 1,
            y,
            &clip(&text, usize::from(area.width.saturating_sub(1))),
            area.width.saturating_sub(1),
            style,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_fills_in_proportion() {
        assert_eq!(gauge(0, 4, 4), "[····]");
        assert_eq!(gauge(2, 4, 4), "[██··]");
        assert_eq!(gauge(4, 4, 4), "[████]");
        assert_eq!(gauge(0, 0, 2), "[··]");
    }

    #[test]
    fn tail_cuts_on_a_char_boundary() {
        assert_eq!(tail("héllo", 4), "llo");
        assert_eq!(tail("ab", 4), "ab");
    }
}
