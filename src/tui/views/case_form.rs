//! The case-verdict form, drawn where the chains were, as a grid: a label column, then a
//! Left and a Right column (and a tie cell for the preferred side). Long texts wrap: the
//! answer each side gave (a differential's whole top five), every red-flag finding and its
//! expected action. The focused cell is bracketed and in reverse video, its row marked `▶`
//! and its column header `▼`, so it reads the same without colour. The form scrolls
//! (statelessly) to keep the focused row in view.

use super::put;
use super::theme::Theme;
use crate::domain::{CaseVerdict, Preference, Side, Task};
use crate::tui::app::{App, ItemView};
use crate::tui::form::{
    FormField, FormRow, answer_lines, answered_count, differential_suggestion, gold_visible,
    is_prefilled, prefilled,
};
use crate::ui::text::wrap_plain;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

/// Width of the third (tie) column.
const TIE_W: u16 = 9;

/// One drawn line: full-width text, or a grid row's label and cells.
struct Line {
    text: String,
    style: Style,
    /// The grid row this line draws (cells), if any.
    row: Option<usize>,
    cells: Vec<(String, FormField)>,
    /// The grid row this line introduces (a red flag's text above its two rows).
    anchor_of: Option<usize>,
}

fn text(text: String, style: Style) -> Line {
    Line {
        text,
        style,
        row: None,
        cells: vec![],
        anchor_of: None,
    }
}

struct Cols {
    label: u16,
    side: u16,
}

fn cols(area: Rect) -> Cols {
    let side = ((area.width.saturating_sub(2 + TIE_W)) * 3 / 10).clamp(12, 30);
    // Labels are short (long texts have their own lines), so the cells stay near them.
    let label = area.width.saturating_sub(2 + 2 * side + TIE_W).clamp(8, 34);
    Cols { label, side }
}

fn yes_no(b: Option<bool>) -> String {
    match b {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => "?".into(),
    }
}

fn radio(on: bool, label: &str) -> String {
    format!("({}) {label}", if on { "•" } else { " " })
}

fn cell_text(v: &ItemView, cv: &CaseVerdict, f: FormField) -> String {
    let base = match f {
        FormField::AnswerCorrect(s) => yes_no(cv.answer_correct[s.index()]),
        FormField::RedFlag(k, s) => yes_no(cv.red_flags[s.index()].get(k).copied()),
        FormField::ActedOn(k, s) => yes_no(cv.acted_on[s.index()].get(k).copied()),
        FormField::Preferred(p) => radio(cv.preferred == Some(p), p.as_str()),
        FormField::StudentGuess(s) => radio(cv.student_guess == Some(s), s.as_str()),
        FormField::Plan(s) => {
            cv.plan[s.index()].map_or("? (y · 2 · n)".into(), |p| p.as_str().into())
        }
        FormField::Confidence => match cv.confidence {
            Some(c) => format!(
                "{}{} {c}/5",
                "●".repeat(usize::from(c.min(5))),
                "○".repeat(5 - usize::from(c.min(5)))
            ),
            None => "? (type 1-5)".into(),
        },
    };
    if is_prefilled(&v.item, f) {
        format!("{base} (gold)")
    } else {
        base
    }
}

fn lines(v: &ItemView, t: &Theme, width: usize) -> Vec<Line> {
    let it = &v.item;
    let cv = prefilled(it);
    let n = it.case.red_flags.len();
    let gold = gold_visible(it);
    let plain = Style::new();
    let mut out = Vec::new();
    let wrapped = |out: &mut Vec<Line>, s: &str, indent: usize, style: Style| {
        let pad = " ".repeat(indent);
        for (i, l) in wrap_plain(s, width.saturating_sub(indent).max(1))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { "" } else { pad.as_str() };
            out.push(text(format!("{lead}{l}"), style));
        }
    };
    let (answered, total) = answered_count(&cv, n);
    out.push(text(
        format!("Case verdict · {answered}/{total} answered · Esc: back to the steps"),
        t.title(),
    ));
    if gold {
        wrapped(
            &mut out,
            &format!("Gold answer: {}", it.case.task.gold_display()),
            2,
            plain,
        );
    } else {
        let unmarked: usize = (0..2)
            .map(|s| {
                (0..it.chains[s].steps.len())
                    .filter(|i| it.verdicts[s].get(*i).is_none_or(|x| x.label.is_none()))
                    .count()
            })
            .sum();
        wrapped(
            &mut out,
            &format!("Gold answer: shown once every step has a label ({unmarked} unmarked)"),
            2,
            t.dim(),
        );
    }
    for (s, name) in [(0, "Left"), (1, "Right")] {
        let given = answer_lines(&it.chains[s]);
        match given.as_slice() {
            [] => out.push(text(format!("{name} answered: (no answer found)"), plain)),
            [one] => wrapped(&mut out, &format!("{name} answered: {one}"), 4, plain),
            many => {
                out.push(text(format!("{name} answered:"), plain));
                for l in many {
                    wrapped(&mut out, &format!("  {l}"), 5, plain);
                }
            }
        }
    }
    if gold && matches!(it.case.task, Task::Differential { .. }) {
        let yn = |s: Side| match differential_suggestion(it, s) {
            Some(true) => "yes",
            Some(false) => "no",
            None => "?",
        };
        wrapped(
            &mut out,
            &format!(
                "Gold in top 5: left {} · right {} (a hint: you decide)",
                yn(Side::Left),
                yn(Side::Right)
            ),
            2,
            t.dim(),
        );
    }
    let focus_col = v.current_field().map(|f| match f {
        FormField::AnswerCorrect(s)
        | FormField::RedFlag(_, s)
        | FormField::ActedOn(_, s)
        | FormField::StudentGuess(s)
        | FormField::Plan(s) => s.index(),
        FormField::Preferred(Preference::Left) => 0,
        FormField::Preferred(Preference::Right) => 1,
        FormField::Preferred(Preference::Tie) => 2,
        FormField::Confidence => 3,
    });
    let head = |i: usize, name: &str| {
        if focus_col == Some(i) {
            format!("▼ {name}")
        } else {
            format!("  {name}")
        }
    };
    out.push(Line {
        text: String::new(),
        style: t.title(),
        row: None,
        cells: vec![
            (head(0, "Left"), FormField::AnswerCorrect(Side::Left)),
            (head(1, "Right"), FormField::AnswerCorrect(Side::Right)),
        ],
        anchor_of: None,
    });
    let grid_row = |i: usize, label: String| Line {
        text: label,
        style: plain,
        row: Some(i),
        cells: vec![],
        anchor_of: None,
    };
    for (i, row) in v.form_rows().into_iter().enumerate() {
        let label = match row {
            FormRow::AnswerCorrect => "Answer correct".to_string(),
            FormRow::Plan => "Plan (y adequate · 2 partly · n inadequate)".to_string(),
            FormRow::Recognised(k) => {
                let rf = &it.case.red_flags[k];
                let first = out.len();
                wrapped(
                    &mut out,
                    &format!(
                        "Red flag {}: {} → expected: {}",
                        k + 1,
                        rf.finding.trim(),
                        rf.action.trim()
                    ),
                    4,
                    t.title(),
                );
                out[first].anchor_of = Some(i);
                "  recognised".to_string()
            }
            FormRow::ActedOn(_) => "  acted on (expected action)".to_string(),
            FormRow::Preferred => "Preferred side".to_string(),
            FormRow::StudentGuess => "Which is the student?".to_string(),
            FormRow::Confidence => "Confidence in that guess".to_string(),
        };
        let mut line = grid_row(i, label);
        line.cells = row
            .cells()
            .into_iter()
            .map(|f| (cell_text(v, &cv, f), f))
            .collect();
        out.push(line);
    }
    let done = it.case_verdict.is_complete(n);
    out.push(text(
        if done && v.all_steps_judged() {
            "✓ complete: this item is done (q: back to the queue)".into()
        } else if done {
            "✓ form complete; some steps are still unmarked (Esc: back to the steps)".into()
        } else {
            "answer every cell to finish the item".into()
        },
        t.dim(),
    ));
    out
}

pub fn render(buf: &mut Buffer, app: &App, v: &ItemView, area: Rect) {
    let t = Theme::of(app);
    let c = cols(area);
    let lines = lines(v, &t, usize::from(area.width.saturating_sub(2)).max(1));
    let focused = v.current_field();
    let focus_line = lines
        .iter()
        .position(|l| l.row == Some(v.form_row))
        .unwrap_or(0);
    let anchor = lines
        .iter()
        .position(|l| {
            l.anchor_of == Some(v.form_row)
                || (l.anchor_of.is_some() && l.anchor_of.map(|a| a + 1) == Some(v.form_row))
        })
        .unwrap_or(focus_line);
    // When the form is taller than its area, the last line says so.
    let overflow = lines.len() > usize::from(area.height);
    let vh = usize::from(area.height.saturating_sub(u16::from(overflow)));
    // Keep the focused row in view with one line under it, and its red flag's text above it.
    let mut scroll = (focus_line + 2).saturating_sub(vh);
    if anchor < scroll && focus_line - anchor < vh {
        scroll = anchor;
    }
    let cell_x = |i: usize| area.x + 2 + c.label + i as u16 * c.side;
    for (i, line) in lines.iter().enumerate().skip(scroll).take(vh) {
        let y = area.y + (i - scroll) as u16;
        let is_focus_row = line.row.is_some() && line.row == Some(v.form_row);
        if is_focus_row {
            put(buf, area.x, y, "▶", 1, t.marker());
        }
        let room = if line.cells.is_empty() {
            area.width.saturating_sub(2)
        } else {
            c.label.saturating_sub(1)
        };
        put(buf, area.x + 2, y, &line.text, room, line.style);
        let single = line.cells.len() == 1;
        for (k, (txt, field)) in line.cells.iter().enumerate() {
            let x = cell_x(k);
            let room = if single {
                area.right().saturating_sub(x)
            } else if k == 2 {
                TIE_W.min(area.right().saturating_sub(x))
            } else {
                c.side.saturating_sub(1)
            };
            let is_focus = line.row.is_some() && Some(*field) == focused && is_focus_row;
            if is_focus {
                let style = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
                put(buf, x, y, &format!("[{txt}]"), room, style);
            } else {
                put(buf, x + 1, y, txt, room.saturating_sub(1), line.style);
            }
        }
    }
    if overflow && area.height > 0 {
        let below = lines.len().saturating_sub(scroll + vh);
        let more = match (scroll, below) {
            (0, b) => format!("  ↓ {b} more line(s) below"),
            (a, 0) => format!("  ↑ {a} line(s) above"),
            (a, b) => format!("  ↑ {a} line(s) above · ↓ {b} below"),
        };
        let y = area.y + area.height - 1;
        put(buf, area.x, y, &more, area.width, t.dim());
    }
}
