//! The case form in words (pure): a cell's name and value for the status line, and a whole
//! case verdict on one line for replay output.

use super::FormField;
use crate::domain::CaseVerdict;

/// A cell named as the status line says it: `left · answer correct`, `right · red flag 2
/// acted on`, `preferred side · tie`.
pub fn cell_name(f: FormField) -> String {
    match f {
        FormField::AnswerCorrect(s) => format!("{s} · answer correct"),
        FormField::RedFlag(k, s) => format!("{s} · red flag {} recognised", k + 1),
        FormField::ActedOn(k, s) => format!("{s} · red flag {} acted on", k + 1),
        FormField::Preferred(p) => format!("preferred side · {}", p.as_str()),
        FormField::StudentGuess(s) => format!("student guess · {s}"),
        FormField::Confidence => "confidence".to_string(),
        FormField::Plan(s) => format!("{s} · plan"),
    }
}

/// A cell's question's value in words: `yes`, `no`, `left`, `4/5`, or `unanswered`.
pub fn value_words(v: &CaseVerdict, f: FormField) -> String {
    let yn = |b: Option<bool>| match b {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => "unanswered".to_string(),
    };
    match f {
        FormField::AnswerCorrect(s) => yn(v.answer_correct[s.index()]),
        FormField::RedFlag(k, s) => yn(v.red_flags[s.index()].get(k).copied()),
        FormField::ActedOn(k, s) => yn(v.acted_on[s.index()].get(k).copied()),
        FormField::Preferred(_) => v
            .preferred
            .map_or("unanswered".into(), |p| p.as_str().to_string()),
        FormField::StudentGuess(_) => v
            .student_guess
            .map_or("unanswered".into(), |s| s.as_str().to_string()),
        FormField::Confidence => v
            .confidence
            .map_or("unanswered".into(), |c| format!("{c}/5")),
        FormField::Plan(s) => {
            v.plan[s.index()].map_or("unanswered".into(), |p| p.as_str().to_string())
        }
    }
}

/// A one-line description of a case verdict, for replay output:
/// `answer_correct=yes,no red_flags=10,01 acted_on=00,1? preferred=left student=right
/// confidence=4` (per-side values are left,right; `-` is unanswered, `?` one red flag not
/// answered yet).
pub fn describe_case(v: &CaseVerdict, n_red_flags: usize) -> String {
    let yn = |b: Option<bool>| match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    };
    let flags = |list: &Vec<bool>| {
        if list.is_empty() && n_red_flags > 0 {
            "-".to_string()
        } else if list.is_empty() {
            "none".to_string()
        } else {
            let unanswered = n_red_flags.saturating_sub(list.len());
            list.iter()
                .map(|b| if *b { '1' } else { '0' })
                .chain(std::iter::repeat_n('?', unanswered))
                .collect()
        }
    };
    let plan = if v.plan.iter().any(Option::is_some) {
        format!(
            " plan={},{}",
            v.plan[0].map_or("-", |p| p.as_str()),
            v.plan[1].map_or("-", |p| p.as_str())
        )
    } else {
        String::new()
    };
    format!(
        "answer_correct={},{} red_flags={},{} acted_on={},{} preferred={} student={} confidence={}{plan}",
        yn(v.answer_correct[0]),
        yn(v.answer_correct[1]),
        flags(&v.red_flags[0]),
        flags(&v.red_flags[1]),
        flags(&v.acted_on[0]),
        flags(&v.acted_on[1]),
        v.preferred.map_or("-", |p| p.as_str()),
        v.student_guess.map_or("-", |s| s.as_str()),
        v.confidence.map_or("-".to_string(), |c| c.to_string()),
    )
}
