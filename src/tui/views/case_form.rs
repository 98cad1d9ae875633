//! The case-verdict form, drawn where the chains were: answer correct per side, red flags
//! per side, preferred side, the student guess and its confidence. The focused field is
//! highlighted; the form scrolls (statelessly) to keep it in view.

use super::put;
use super::theme::Theme;
use crate::domain::{CaseVerdict, Preference, Side, Task};
use crate::tui::app::{App, ItemView};
use crate::tui::form::{FormField, answer_given, differential_suggestion, is_answered, prefilled};
use crate::ui::text::clip;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// One form line: a label and, per column, a cell (with the field it shows, if any).
struct Row {
    label: String,
    cells: Vec<(String, Option<FormField>)>,
    style: Style,
}

fn yes_no(b: Option<bool>) -> String {
    match b {
        Some(true) => "[yes]".into(),
        Some(false) => "[no ]".into(),
        None => "[ ? ]".into(),
    }
}

fn radio(on: bool, label: &str) -> String {
    format!("({}) {label}", if on { "•" } else { " " })
}

fn rows(v: &ItemView, t: &Theme) -> Vec<Row> {
    let it = &v.item;
    // The form as shown: the saved verdict with the MCQ answers pre-filled from gold (saved
    // with the reviewer's first change).
    let shown = prefilled(it);
    let cv: &CaseVerdict = &shown;
    let n = it.case.red_flags.len();
    let plain = Style::new();
    let mut out = Vec::new();
    let text_row = |label: String, style: Style| Row {
        label,
        cells: vec![],
        style,
    };
    let answered = v
        .form_fields()
        .iter()
        .filter(|f| is_answered(cv, **f))
        .count();
    out.push(text_row(
        format!(
            "Case verdict · {answered}/{} answered · Esc: back to the steps",
            v.form_fields().len()
        ),
        t.title(),
    ));
    if let Task::Plan { plan } = &it.case.task {
        // The gold plan only once every step is judged (it must not colour the step verdicts).
        if crate::tui::form::gold_plan_visible(it) {
            for (i, line) in plan.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                let head = if i == 0 { "Gold plan: " } else { "  " };
                out.push(text_row(format!("{head}{}", line.trim()), plain));
            }
        } else {
            out.push(text_row(
                "Gold plan: shown once every step of both sides is judged".into(),
                t.dim(),
            ));
        }
    } else {
        out.push(text_row(
            format!("Gold answer: {}", it.case.task.gold_display()),
            plain,
        ));
    }
    out.push(Row {
        label: String::new(),
        cells: vec![("Left".into(), None), ("Right".into(), None)],
        style: t.title(),
    });
    let answer = |s: usize| answer_given(&it.chains[s]).unwrap_or_else(|| "(none found)".into());
    out.push(Row {
        label: "Answer given".into(),
        cells: vec![(answer(0), None), (answer(1), None)],
        style: plain,
    });
    let answer_label = match &it.case.task {
        Task::Mcq { .. } => "Answer correct? (from gold)".to_string(),
        Task::Plan { .. } => "Plan (y adequate · 2 partly · n inadequate)".to_string(),
        Task::Differential { .. } => {
            let sug = |s: Side| match differential_suggestion(it, s) {
                Some(true) => "y",
                Some(false) => "n",
                None => "?",
            };
            format!(
                "Answer correct? (top 5 suggests {}/{})",
                sug(Side::Left),
                sug(Side::Right)
            )
        }
    };
    out.push(Row {
        label: answer_label,
        cells: [Side::Left, Side::Right]
            .iter()
            .map(|s| {
                if matches!(it.case.task, Task::Plan { .. }) {
                    (
                        format!("[{}]", cv.plan[s.index()].map_or(" ? ", |p| p.as_str())),
                        Some(FormField::Plan(*s)),
                    )
                } else {
                    (
                        yes_no(cv.answer_correct[s.index()]),
                        Some(FormField::AnswerCorrect(*s)),
                    )
                }
            })
            .collect(),
        style: plain,
    });
    out.push(Row {
        label: if n == 0 {
            "Red flags recognised: none listed for this case".to_string()
        } else {
            format!("Red flags recognised ({n}; Space ticks)")
        },
        cells: vec![],
        style: t.title(),
    });
    for (k, rf) in it.case.red_flags.iter().enumerate() {
        let cell = |s: Side| {
            let on = cv.red_flags[s.index()].get(k).copied();
            let text = match on {
                Some(true) => "[x]",
                Some(false) => "[ ]",
                None => "[?]",
            };
            (text.to_string(), Some(FormField::RedFlag(k, s)))
        };
        out.push(Row {
            label: format!("  {} → {}", rf.finding, rf.action),
            cells: vec![cell(Side::Left), cell(Side::Right)],
            style: plain,
        });
    }
    let p = cv.preferred;
    out.push(Row {
        label: "Preferred side (l r t)".into(),
        cells: vec![(
            format!(
                "{}  {}  {}",
                radio(p == Some(Preference::Left), "left"),
                radio(p == Some(Preference::Right), "right"),
                radio(p == Some(Preference::Tie), "tie")
            ),
            Some(FormField::Preferred),
        )],
        style: plain,
    });
    let g = cv.student_guess;
    out.push(Row {
        label: "Which side is the student? (l r)".into(),
        cells: vec![(
            format!(
                "{}  {}",
                radio(g == Some(Side::Left), "left"),
                radio(g == Some(Side::Right), "right")
            ),
            Some(FormField::StudentGuess),
        )],
        style: plain,
    });
    let conf = match cv.confidence {
        Some(c) => format!(
            "{}{} {c}/5",
            "●".repeat(usize::from(c)),
            "○".repeat(5 - usize::from(c.min(5)))
        ),
        None => "○○○○○ ?/5".into(),
    };
    out.push(Row {
        label: "Confidence (1 guess … 5 certain)".into(),
        cells: vec![(conf, Some(FormField::Confidence))],
        style: plain,
    });
    let done = it.case_verdict.is_complete(n);
    out.push(text_row(
        if done && v.all_steps_judged() {
            "✓ complete: this item is done (q: back to the queue)".into()
        } else if done {
            "✓ form complete; some steps are still unmarked (Esc: back to the steps)".into()
        } else {
            "answer every line to finish the item".into()
        },
        t.dim(),
    ));
    out
}

/// `text` cut to `cells` with a trailing `…` when it does not fit.
pub fn render(buf: &mut Buffer, app: &App, v: &ItemView, area: Rect) {
    let t = Theme::of(app);
    let rows = rows(v, &t);
    let focused = v.current_field();
    let focus_row = rows
        .iter()
        .position(|r| r.cells.iter().any(|(_, f)| f.is_some() && *f == focused))
        .unwrap_or(0);
    let vh = usize::from(area.height);
    // Keep the focused row in view, and the title when it fits.
    let scroll = (focus_row + 2).saturating_sub(vh);
    let col_w = (area.width.saturating_sub(1) / 4).clamp(14, 30);
    let label_w = area.width.saturating_sub(1 + 2 * col_w).max(2);
    for (i, row) in rows.iter().enumerate().skip(scroll).take(vh) {
        let y = area.y + (i - scroll) as u16;
        let marker = if i == focus_row { "▶" } else { " " };
        put(buf, area.x, y, marker, 1, t.marker());
        let label_room = if row.cells.is_empty() {
            area.width - 1
        } else {
            label_w - 1
        };
        put(buf, area.x + 1, y, &row.label, label_room, row.style);
        for (c, (text, field)) in row.cells.iter().enumerate() {
            let x = area.x + label_w + 1 + c as u16 * col_w;
            let wide = row.cells.len() == 1;
            let room = if wide {
                area.right().saturating_sub(x)
            } else {
                col_w.saturating_sub(1)
            };
            let is_focus = field.is_some() && *field == focused;
            let style = if is_focus {
                t.focus().patch(t.title())
            } else {
                row.style
            };
            put(buf, x, y, &clip(text, usize::from(room)), room, style);
        }
    }
}
