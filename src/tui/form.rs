//! The case-verdict form's fields and how a key changes a field's value (pure). The form is a
//! flat list of fields walked with ↑↓; each change is saved as a new case-verdict event.

use super::action::FormKey;
use crate::domain::{BlindChain, BlindItem, CaseVerdict, PlanRating, Preference, Side, Task};

/// One field of the case-verdict form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    /// "Answer correct?" for one side.
    AnswerCorrect(Side),
    /// "Red flag k recognised?" for one side.
    RedFlag(usize, Side),
    /// Preferred side: left, right or tie.
    Preferred,
    /// Which side the reviewer thinks is the student.
    StudentGuess,
    /// Confidence in that guess, 1–5.
    Confidence,
    /// Treatment-planning cases: one side's plan against the gold plan
    /// (adequate / partly / inadequate). Takes the place of "Answer correct?".
    Plan(Side),
}

/// The fields of the form for a case of `task`: as [`fields`], with a plan rating per side in
/// place of "Answer correct?" for a treatment-planning case.
pub fn fields_for(task: &Task, n_red_flags: usize) -> Vec<FormField> {
    let mut f = fields(n_red_flags);
    if matches!(task, Task::Plan { .. }) {
        for field in &mut f {
            if let FormField::AnswerCorrect(side) = *field {
                *field = FormField::Plan(side);
            }
        }
    }
    f
}

/// The fields of the form for a case with `n_red_flags` red flags, in walking order.
pub fn fields(n_red_flags: usize) -> Vec<FormField> {
    let mut f = vec![
        FormField::AnswerCorrect(Side::Left),
        FormField::AnswerCorrect(Side::Right),
    ];
    for k in 0..n_red_flags {
        f.push(FormField::RedFlag(k, Side::Left));
        f.push(FormField::RedFlag(k, Side::Right));
    }
    f.extend([
        FormField::Preferred,
        FormField::StudentGuess,
        FormField::Confidence,
    ]);
    f
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
/// from the gold answer (SPEC: "pre-filled from gold for MCQ"). Red flags are never
/// pre-filled: each one must be looked at. Nothing here is saved until the reviewer's first
/// change, which saves this whole state.
pub fn prefilled(item: &BlindItem) -> CaseVerdict {
    let mut v = item.case_verdict.clone();
    for side in [Side::Left, Side::Right] {
        let i = side.index();
        if v.answer_correct[i].is_none() {
            v.answer_correct[i] = gold_answer_correct(item, side);
        }
    }
    v
}

/// What a chain answered, for the form's "Answer given" line: its answer, else its ranked
/// differential (`1) A; 2) B; …`), else `None`.
pub fn answer_given(chain: &BlindChain) -> Option<String> {
    if let Some(a) = &chain.answer {
        return Some(a.clone());
    }
    (!chain.differential.is_empty()).then(|| {
        chain
            .differential
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, d)| format!("{}) {d}", i + 1))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Apply a key to one field. `Err` holds a hint when the key does not fit the field.
pub fn apply(
    v: &CaseVerdict,
    field: FormField,
    key: FormKey,
    n_red_flags: usize,
) -> Result<CaseVerdict, &'static str> {
    let mut v = v.clone();
    let flag = |cur: Option<bool>| match key {
        FormKey::Yes => Ok(true),
        FormKey::No => Ok(false),
        FormKey::Toggle => Ok(!cur.unwrap_or(false)),
        _ => Err("this field takes y, n or Space"),
    };
    match field {
        FormField::AnswerCorrect(side) => {
            let i = side.index();
            v.answer_correct[i] = Some(flag(v.answer_correct[i])?);
        }
        FormField::RedFlag(k, side) => {
            // A side's answers are a list, so flag k can be answered only after the flags
            // above it: filling the gap with "not recognised" would record what nobody said.
            let list = &mut v.red_flags[side.index()];
            if k >= n_red_flags {
                return Err("this case has no such red flag");
            }
            if k > list.len() {
                return Err("answer the red flags above this one first (y/n)");
            }
            let new = flag(list.get(k).copied())?;
            match list.get_mut(k) {
                Some(slot) => *slot = new,
                None => list.push(new),
            }
        }
        FormField::Preferred => {
            v.preferred = Some(match key {
                FormKey::Left => Preference::Left,
                FormKey::Right => Preference::Right,
                FormKey::Tie => Preference::Tie,
                FormKey::Toggle => match v.preferred {
                    None | Some(Preference::Tie) => Preference::Left,
                    Some(Preference::Left) => Preference::Right,
                    Some(Preference::Right) => Preference::Tie,
                },
                _ => return Err("preferred side takes l, r or t"),
            });
        }
        FormField::StudentGuess => {
            v.student_guess = Some(match key {
                FormKey::Left => Side::Left,
                FormKey::Right => Side::Right,
                FormKey::Toggle => v.student_guess.map_or(Side::Left, Side::other),
                _ => return Err("the student guess takes l or r"),
            });
        }
        FormField::Confidence => match key {
            FormKey::Level(n) if (1..=5).contains(&n) => v.confidence = Some(n),
            FormKey::Toggle => v.confidence = Some(v.confidence.map_or(1, |c| c % 5 + 1)),
            _ => return Err("confidence takes 1 (a guess) to 5 (certain)"),
        },
        FormField::Plan(side) => {
            let i = side.index();
            let rating = match key {
                FormKey::Yes | FormKey::Level(1) => PlanRating::Adequate,
                FormKey::Level(2) => PlanRating::Partly,
                FormKey::No | FormKey::Level(3) => PlanRating::Inadequate,
                FormKey::Toggle => match v.plan[i] {
                    None | Some(PlanRating::Inadequate) => PlanRating::Adequate,
                    Some(PlanRating::Adequate) => PlanRating::Partly,
                    Some(PlanRating::Partly) => PlanRating::Inadequate,
                },
                _ => {
                    return Err("the plan takes y (adequate), 2 (partly), n (inadequate) or Space");
                }
            };
            v.plan[i] = Some(rating);
            // The answer-correct columns keep meaning "acceptable": only an adequate plan is.
            v.answer_correct[i] = Some(rating == PlanRating::Adequate);
        }
    }
    Ok(v)
}

/// Whether a field holds an answer (an unticked red-flag box is an answer once the list exists).
pub fn is_answered(v: &CaseVerdict, f: FormField) -> bool {
    match f {
        FormField::AnswerCorrect(s) => v.answer_correct[s.index()].is_some(),
        FormField::RedFlag(k, s) => v.red_flags[s.index()].get(k).is_some(),
        FormField::Preferred => v.preferred.is_some(),
        FormField::StudentGuess => v.student_guess.is_some(),
        FormField::Confidence => v.confidence.is_some(),
        FormField::Plan(s) => v.plan[s.index()].is_some(),
    }
}

/// A one-line description of a case verdict, for the status line and replay output:
/// `answer_correct=yes,no red_flags=10,01 preferred=left student=right confidence=4`
/// (per-side values are left,right; `-` is unanswered, `?` one red flag not answered yet).
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
        "answer_correct={},{} red_flags={},{} preferred={} student={} confidence={}{plan}",
        yn(v.answer_correct[0]),
        yn(v.answer_correct[1]),
        flags(&v.red_flags[0]),
        flags(&v.red_flags[1]),
        v.preferred.map_or("-", |p| p.as_str()),
        v.student_guess.map_or("-", |s| s.as_str()),
        v.confidence.map_or("-".to_string(), |c| c.to_string()),
    )
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
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn answer_letters() {
        assert_eq!(answer_letter("C"), Some("C".into()));
        assert_eq!(answer_letter("(c) Subarachnoid"), Some("C".into()));
        assert_eq!(answer_letter("C: SAH"), Some("C".into()));
        assert_eq!(answer_letter("Cluster headache"), None);
    }

    #[test]
    fn keys_fit_fields() {
        let v = CaseVerdict::default();
        let v = apply(&v, FormField::Preferred, FormKey::Tie, 0).unwrap();
        assert_eq!(v.preferred, Some(Preference::Tie));
        assert!(apply(&v, FormField::Preferred, FormKey::Yes, 0).is_err());
        assert!(apply(&v, FormField::RedFlag(1, Side::Right), FormKey::Toggle, 2).is_err());
        let v = apply(&v, FormField::RedFlag(0, Side::Right), FormKey::No, 2).unwrap();
        let v = apply(&v, FormField::RedFlag(1, Side::Right), FormKey::Toggle, 2).unwrap();
        assert_eq!(v.red_flags[1], vec![false, true]);
        assert!(v.red_flags[0].is_empty(), "the other side is untouched");
        let v = apply(&v, FormField::Confidence, FormKey::Level(4), 2).unwrap();
        assert_eq!(v.confidence, Some(4));
        assert!(apply(&v, FormField::Confidence, FormKey::Level(6), 2).is_err());
    }

    #[test]
    fn plan_rating_sets_the_side_and_its_acceptability() {
        let v = CaseVerdict::default();
        let v = apply(&v, FormField::Plan(Side::Right), FormKey::Level(2), 0).unwrap();
        assert_eq!(v.plan, [None, Some(PlanRating::Partly)]);
        assert_eq!(v.answer_correct, [None, Some(false)]);
        let v = apply(&v, FormField::Plan(Side::Left), FormKey::Yes, 0).unwrap();
        assert_eq!(v.plan[0], Some(PlanRating::Adequate));
        assert_eq!(v.answer_correct[0], Some(true));
        let v = apply(&v, FormField::Plan(Side::Right), FormKey::Toggle, 0).unwrap();
        assert_eq!(v.plan[1], Some(PlanRating::Inadequate));
        assert!(apply(&v, FormField::Plan(Side::Left), FormKey::Tie, 0).is_err());
        assert!(describe_case(&v, 0).ends_with("plan=adequate,inadequate"));
        let plan = Task::Plan { plan: "x".into() };
        assert_eq!(
            fields_for(&plan, 0)[..2],
            [FormField::Plan(Side::Left), FormField::Plan(Side::Right)]
        );
    }
}
