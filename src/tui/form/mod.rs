//! The case-verdict form as a grid (pure): rows are questions, columns are the sides. ↑↓ move
//! by row, ←→ by column; a cell's value is set by a key and each change is saved as a new
//! case-verdict event holding the whole form as shown.
//!
//! Adding a question is adding a [`FormRow`] (and its cells in [`FormRow::cells`]); the
//! walking order, the answered count and the view follow from [`rows`]. What the form shows
//! from the item (the gold answer once every step is judged, the pre-filled cells) is in
//! `gold.rs`; the form in words (status line, replay output) in `words.rs`.

mod gold;
mod words;

pub use gold::{
    answer_given, answer_lines, differential_suggestion, gold_answer_correct, gold_plan_visible,
    gold_visible, is_prefilled, prefilled,
};
pub use words::{cell_name, describe_case, value_words};

use super::action::FormKey;
use crate::domain::{CaseVerdict, PlanRating, Preference, Side, Task};

/// One row of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRow {
    AnswerCorrect,
    /// Red flag k was recognised, per side.
    Recognised(usize),
    /// The expected action for red flag k was taken or proposed, per side.
    ActedOn(usize),
    /// Which side is better: left, right, or a tie (three cells).
    Preferred,
    /// Which side the reviewer thinks the student wrote (two cells).
    StudentGuess,
    /// Confidence in that guess, 1–5 (one cell).
    Confidence,
    /// Treatment-planning cases: each side's plan against the gold plan (adequate / partly /
    /// inadequate), per side. Takes the place of "Answer correct?".
    Plan,
}

/// One cell of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    AnswerCorrect(Side),
    /// Red flag k recognised, for one side.
    RedFlag(usize, Side),
    /// Red flag k acted on, for one side.
    ActedOn(usize, Side),
    /// The option "prefer this" (left, right or tie).
    Preferred(Preference),
    /// The option "this side is the student".
    StudentGuess(Side),
    Confidence,
    /// A side's plan rating (treatment-planning cases).
    Plan(Side),
}

impl FormRow {
    /// The row's cells, left to right.
    pub fn cells(self) -> Vec<FormField> {
        let sides = |f: fn(Side) -> FormField| vec![f(Side::Left), f(Side::Right)];
        match self {
            FormRow::AnswerCorrect => sides(FormField::AnswerCorrect),
            FormRow::Recognised(k) => vec![
                FormField::RedFlag(k, Side::Left),
                FormField::RedFlag(k, Side::Right),
            ],
            FormRow::ActedOn(k) => vec![
                FormField::ActedOn(k, Side::Left),
                FormField::ActedOn(k, Side::Right),
            ],
            FormRow::Preferred => vec![
                FormField::Preferred(Preference::Left),
                FormField::Preferred(Preference::Right),
                FormField::Preferred(Preference::Tie),
            ],
            FormRow::StudentGuess => sides(FormField::StudentGuess),
            FormRow::Confidence => vec![FormField::Confidence],
            FormRow::Plan => sides(FormField::Plan),
        }
    }

    /// Whether each side has its own answer in this row (else the row is one question).
    pub fn per_side(self) -> bool {
        matches!(
            self,
            FormRow::AnswerCorrect | FormRow::Recognised(_) | FormRow::ActedOn(_) | FormRow::Plan
        )
    }

    /// The row's cell in column `col` (clamped to the row's last cell).
    pub fn cell(self, col: usize) -> FormField {
        let cells = self.cells();
        cells[col.min(cells.len() - 1)]
    }
}

/// The rows of the form for a case with `n_red_flags` red flags, top to bottom.
pub fn rows(n_red_flags: usize) -> Vec<FormRow> {
    let mut r = vec![FormRow::AnswerCorrect];
    for k in 0..n_red_flags {
        r.push(FormRow::Recognised(k));
        r.push(FormRow::ActedOn(k));
    }
    r.extend([
        FormRow::Preferred,
        FormRow::StudentGuess,
        FormRow::Confidence,
    ]);
    r
}

/// The rows of the form for a case of `task`: as [`rows`], with the plan rating in place of
/// "Answer correct?" for a treatment-planning case (same shape, so the walk and the counts
/// are the same).
pub fn rows_for(task: &Task, n_red_flags: usize) -> Vec<FormRow> {
    let mut r = rows(n_red_flags);
    if matches!(task, Task::Plan { .. }) {
        r[0] = FormRow::Plan;
    }
    r
}

/// The grid positions `(row, column)` in the order the cursor walks to the next unanswered
/// question: down the left side, then down the right side, then the comparison rows.
pub fn walk_order(n_red_flags: usize) -> Vec<(usize, usize)> {
    let rows = rows(n_red_flags);
    let mut out = Vec::new();
    for col in 0..2 {
        out.extend(
            rows.iter()
                .enumerate()
                .filter(|(_, r)| r.per_side())
                .map(|(i, _)| (i, col)),
        );
    }
    out.extend(
        rows.iter()
            .enumerate()
            .filter(|(_, r)| !r.per_side())
            .map(|(i, _)| (i, 0)),
    );
    out
}

fn set_flag(
    list: &mut Vec<bool>,
    k: usize,
    n_red_flags: usize,
    key: FormKey,
) -> Result<(), &'static str> {
    if k >= n_red_flags {
        return Err("this case has no such red flag");
    }
    // A side's answers are a list, so flag k can be answered only after the flags above it:
    // filling the gap with "no" would record what nobody said.
    if k > list.len() {
        return Err("answer the same question for the red flags above this one first");
    }
    let new = yes_no(list.get(k).copied(), key)?;
    match list.get_mut(k) {
        Some(slot) => *slot = new,
        None => list.push(new),
    }
    Ok(())
}

fn yes_no(cur: Option<bool>, key: FormKey) -> Result<bool, &'static str> {
    match key {
        FormKey::Yes => Ok(true),
        FormKey::No => Ok(false),
        FormKey::Toggle => Ok(!cur.unwrap_or(false)),
        FormKey::Tie | FormKey::Level(_) => Err("this cell takes y (yes) or n (no)"),
    }
}

/// Apply a key to one cell. `Err` holds a hint when the key does not fit the cell.
pub fn apply(
    v: &CaseVerdict,
    field: FormField,
    key: FormKey,
    n_red_flags: usize,
) -> Result<CaseVerdict, &'static str> {
    let mut v = v.clone();
    match field {
        FormField::AnswerCorrect(side) => {
            let i = side.index();
            v.answer_correct[i] = Some(yes_no(v.answer_correct[i], key)?);
        }
        FormField::RedFlag(k, side) => {
            set_flag(&mut v.red_flags[side.index()], k, n_red_flags, key)?;
        }
        FormField::ActedOn(k, side) => {
            set_flag(&mut v.acted_on[side.index()], k, n_red_flags, key)?;
        }
        FormField::Preferred(p) => {
            v.preferred = Some(match key {
                FormKey::Yes | FormKey::Toggle => p,
                FormKey::Tie => Preference::Tie,
                _ => return Err("y chooses the option under the cursor · t a tie"),
            });
        }
        FormField::StudentGuess(s) => {
            v.student_guess = Some(match key {
                FormKey::Yes | FormKey::Toggle => s,
                _ => return Err("y chooses the side under the cursor as the student"),
            });
        }
        FormField::Confidence => match key {
            FormKey::Level(n) if (1..=5).contains(&n) => v.confidence = Some(n),
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

/// Whether a cell's question holds an answer.
pub fn is_answered(v: &CaseVerdict, f: FormField) -> bool {
    match f {
        FormField::AnswerCorrect(s) => v.answer_correct[s.index()].is_some(),
        FormField::RedFlag(k, s) => v.red_flags[s.index()].get(k).is_some(),
        FormField::ActedOn(k, s) => v.acted_on[s.index()].get(k).is_some(),
        FormField::Preferred(_) => v.preferred.is_some(),
        FormField::StudentGuess(_) => v.student_guess.is_some(),
        FormField::Confidence => v.confidence.is_some(),
        FormField::Plan(s) => v.plan[s.index()].is_some(),
    }
}

/// Questions answered and questions in all, for a case with `n` red flags.
pub fn answered_count(v: &CaseVerdict, n: usize) -> (usize, usize) {
    let mut answered = 0;
    let mut total = 0;
    for row in rows(n) {
        let cells = if row.per_side() {
            row.cells()
        } else {
            vec![row.cell(0)]
        };
        for c in cells {
            total += 1;
            answered += usize::from(is_answered(v, c));
        }
    }
    (answered, total)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn keys_fit_cells() {
        let v = CaseVerdict::default();
        let v = apply(&v, FormField::Preferred(Preference::Left), FormKey::Tie, 0).unwrap();
        assert_eq!(v.preferred, Some(Preference::Tie));
        let v = apply(&v, FormField::Preferred(Preference::Right), FormKey::Yes, 0).unwrap();
        assert_eq!(v.preferred, Some(Preference::Right));
        assert!(apply(&v, FormField::Preferred(Preference::Left), FormKey::No, 0).is_err());
        assert!(apply(&v, FormField::RedFlag(1, Side::Right), FormKey::Toggle, 2).is_err());
        let v = apply(&v, FormField::RedFlag(0, Side::Right), FormKey::No, 2).unwrap();
        let v = apply(&v, FormField::RedFlag(1, Side::Right), FormKey::Toggle, 2).unwrap();
        assert_eq!(v.red_flags[1], vec![false, true]);
        assert!(v.red_flags[0].is_empty(), "the other side is untouched");
        assert!(v.acted_on[1].is_empty(), "recognised is not acted on");
        let v = apply(&v, FormField::ActedOn(0, Side::Right), FormKey::Yes, 2).unwrap();
        assert_eq!(v.acted_on[1], vec![true]);
        let v = apply(&v, FormField::Confidence, FormKey::Level(4), 2).unwrap();
        assert_eq!(v.confidence, Some(4));
        assert!(apply(&v, FormField::Confidence, FormKey::Level(6), 2).is_err());
        assert!(apply(&v, FormField::Confidence, FormKey::Toggle, 2).is_err());
    }

    #[test]
    fn the_walk_goes_down_each_side_then_the_comparison() {
        let order = walk_order(1);
        // rows: answer, recognised 0, acted 0, preferred, student, confidence
        assert_eq!(
            order,
            vec![
                (0, 0),
                (1, 0),
                (2, 0),
                (0, 1),
                (1, 1),
                (2, 1),
                (3, 0),
                (4, 0),
                (5, 0)
            ]
        );
        assert_eq!(answered_count(&CaseVerdict::default(), 1), (0, 9));
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
            rows_for(&plan, 0)[0].cells(),
            vec![FormField::Plan(Side::Left), FormField::Plan(Side::Right)]
        );
    }
}
