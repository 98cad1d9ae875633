//! What the case form shows from the item (pure): the gold answer and what is derived from it
//! (the MCQ answer-correct pre-fill, "gold in top 5", the gold plan), only once every step of
//! both chains has a label, so the gold cannot colour the step verdicts; and each chain's
//! answer as the form lists it.

use super::FormField;
use crate::domain::{BlindChain, BlindItem, CaseVerdict, Side, Task};

/// Every step of the item has a label: only then are the gold answer and what is derived from
/// it (the answer-correct pre-fill, "gold in top 5") shown.
pub fn gold_visible(item: &BlindItem) -> bool {
    (0..2).all(|s| {
        let n = item.chains[s].steps.len();
        (0..n).all(|i| item.verdicts[s].get(i).is_some_and(|v| v.label.is_some()))
    })
}

/// The option letter a chain's extracted answer names, if it names one (`"C"`, `"C: …"`, `"(C)"`).
fn answer_letter(answer: &str) -> Option<String> {
    let t = answer.trim().trim_start_matches(['(', '[']);
    let mut chars = t.chars();
    let c = chars.next()?;
    let next = chars.next();
    (c.is_ascii_alphabetic() && next.is_none_or(|n| !n.is_alphanumeric()))
        .then(|| c.to_ascii_uppercase().to_string())
}

/// For an MCQ, whether a side's extracted answer is the gold letter; `None` for differentials
/// (the clinician confirms those) or when the chain gave no answer.
pub fn gold_answer_correct(item: &BlindItem, side: Side) -> Option<bool> {
    match &item.case.task {
        Task::Mcq { answer, .. } => {
            let given = item.chains[side.index()].answer.as_deref()?;
            Some(answer_letter(given).is_some_and(|l| l.eq_ignore_ascii_case(answer.trim())))
        }
        Task::Differential { .. } | Task::Plan { .. } => None,
    }
}

/// For a differential, whether the gold diagnosis is in a side's top five (a suggestion only).
pub fn differential_suggestion(item: &BlindItem, side: Side) -> Option<bool> {
    match &item.case.task {
        Task::Differential { .. } => {
            let chain = &item.chains[side.index()];
            let mut candidates = chain
                .differential
                .iter()
                .take(5)
                .map(String::as_str)
                .collect::<Vec<_>>();
            if candidates.is_empty() {
                candidates.extend(chain.answer.as_deref());
            }
            Some(
                candidates
                    .iter()
                    .any(|c| item.case.task.matches_diagnosis(c)),
            )
        }
        Task::Mcq { .. } | Task::Plan { .. } => None,
    }
}

/// The form as the reviewer sees it: the saved verdict with unanswered MCQ answers filled in
/// from the gold answer once every step has a label (SPEC: "pre-filled from gold for MCQ").
/// Red flags are never pre-filled: each one must be looked at. Nothing here is saved until
/// the reviewer's first change, which saves this whole state.
pub fn prefilled(item: &BlindItem) -> CaseVerdict {
    let mut v = item.case_verdict.clone();
    if !gold_visible(item) {
        return v;
    }
    for side in [Side::Left, Side::Right] {
        let i = side.index();
        if v.answer_correct[i].is_none() {
            v.answer_correct[i] = gold_answer_correct(item, side);
        }
    }
    v
}

/// Whether a cell shows a pre-filled value that the reviewer has not saved yet.
pub fn is_prefilled(item: &BlindItem, f: FormField) -> bool {
    match f {
        FormField::AnswerCorrect(s) => {
            item.case_verdict.answer_correct[s.index()].is_none()
                && prefilled(item).answer_correct[s.index()].is_some()
        }
        _ => false,
    }
}

/// What a chain answered, as lines for the form: its answer, else its ranked differential
/// (`1) A`, `2) B`, … the whole top five), else nothing.
pub fn answer_lines(chain: &BlindChain) -> Vec<String> {
    if let Some(a) = &chain.answer {
        return vec![a.clone()];
    }
    chain
        .differential
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, d)| format!("{}) {d}", i + 1))
        .collect()
}

/// What a chain answered on one line: its answer, else `1) A; 2) B; …`, else `None`.
pub fn answer_given(chain: &BlindChain) -> Option<String> {
    let lines = answer_lines(chain);
    (!lines.is_empty()).then(|| lines.join("; "))
}

/// Whether the gold plan may be shown: only once every step of both chains is judged, so the
/// gold cannot colour the step verdicts.
pub fn gold_plan_visible(item: &BlindItem) -> bool {
    (0..2).all(|s| {
        (0..item.chains[s].steps.len())
            .all(|k| item.verdicts[s].get(k).is_some_and(|v| v.label.is_some()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_letters() {
        assert_eq!(answer_letter("C"), Some("C".into()));
        assert_eq!(answer_letter("(c) Subarachnoid"), Some("C".into()));
        assert_eq!(answer_letter("C: SAH"), Some("C".into()));
        assert_eq!(answer_letter("Cluster headache"), None);
    }
}
