//! The case-verdict form: opening it (which saves nothing), moving in its grid and setting
//! cells. Each change is saved as a new case-verdict event holding the whole form as shown.
//! Changing a cell that already holds an answer (saved or pre-filled) takes a second press of
//! the same key, and the status line says which side and which question first.

use crate::tui::action::{Action, FormKey};
use crate::tui::app::{App, Confirm, PendingSave, Screen, Status};
use crate::tui::effect::Effect;
use crate::tui::form::{
    FormField, apply, cell_name, is_answered, is_prefilled, prefilled, value_words, walk_order,
};

const FORM_HINT: &str = "y n answer · ←→ side · ↑↓ row";

impl App {
    pub(super) fn on_form(&mut self, action: Action, confirm: Option<Confirm>) -> Vec<Effect> {
        match action {
            Action::MoveDown | Action::TextSubmit => self.move_cell(1, 0),
            Action::MoveUp => self.move_cell(-1, 0),
            Action::MoveLeft => self.move_cell(0, -1),
            Action::MoveRight => self.move_cell(0, 1),
            Action::MoveFirst => self.move_cell(isize::MIN / 2, 0),
            Action::MoveLast => self.move_cell(isize::MAX / 2, 0),
            Action::ScrollLines(n) => self.move_cell(n.signum() as isize, 0),
            Action::ToggleCaseForm | Action::Cancel => {
                self.screen = Screen::Review;
                self.status = Status::info(if confirm.is_some() { "not changed" } else { "" });
            }
            Action::FormInput(key) => return self.set_cell(key, confirm),
            other => return self.on_item_common(other),
        }
        if confirm.is_some() && matches!(self.screen, Screen::CaseForm) {
            let here = self.here();
            self.status = Status::info(format!("not changed · {here}"));
        }
        vec![]
    }

    /// The focused cell in words, with its value: `left · answer correct: yes (from gold)`.
    fn here(&self) -> String {
        let Some(v) = self.open.as_ref() else {
            return String::new();
        };
        let Some(f) = v.current_field() else {
            return String::new();
        };
        let shown = prefilled(&v.item);
        let mut s = format!("{}: {}", cell_name(f), value_words(&shown, f));
        if is_prefilled(&v.item, f) {
            s.push_str(" (from gold, not saved yet)");
        }
        s
    }

    fn move_cell(&mut self, rows: isize, cols: isize) {
        let Some(v) = self.open.as_mut() else { return };
        let n_rows = v.form_rows().len();
        let last = n_rows.saturating_sub(1) as isize;
        v.form_row = (v.form_row as isize).saturating_add(rows).clamp(0, last) as usize;
        if cols != 0 {
            // Columns of the row under the cursor; the column is remembered across rows.
            let n_cols = v.form_rows()[v.form_row].cells().len();
            let col = v.form_col.min(n_cols - 1) as isize + cols;
            v.form_col = col.clamp(0, n_cols as isize - 1) as usize;
        }
        let here = self.here();
        self.status = Status::info(here);
    }

    /// Put the cursor on the first unanswered cell at or after `from` in walking order
    /// (down the left side, down the right, then the comparison rows); stay if none.
    fn walk_to_unanswered(&mut self, after_current: bool) {
        let Some(v) = self.open.as_mut() else { return };
        let shown = prefilled(&v.item);
        let rows = v.form_rows();
        let order = walk_order(v.item.case.red_flags.len());
        let col = if rows[v.form_row].per_side() {
            v.form_col.min(1)
        } else {
            0
        };
        let start = order
            .iter()
            .position(|&p| p == (v.form_row, col))
            .unwrap_or(0);
        let skip = usize::from(after_current);
        let next = (0..order.len())
            .map(|i| order[(start + skip + i) % order.len()])
            .find(|&(r, c)| !is_answered(&shown, rows[r].cell(c)));
        if let Some((r, c)) = next {
            v.form_row = r;
            v.form_col = c;
        }
    }

    /// Open the form on the first unanswered cell. Nothing is saved: pre-filled values (MCQ
    /// answers from gold, once every step has a label) are saved with the first change.
    pub(super) fn open_form(&mut self) -> Vec<Effect> {
        let now = self.now_ms;
        let Some(v) = self.open.as_mut() else {
            return vec![];
        };
        self.screen = Screen::CaseForm;
        self.confirm = None;
        v.form_opened_ms = now;
        v.form_row = 0;
        v.form_col = 0;
        self.walk_to_unanswered(false);
        let here = self.here();
        self.status = Status::info(format!("{here} · {FORM_HINT}"));
        vec![]
    }

    fn set_cell(&mut self, key: FormKey, confirm: Option<Confirm>) -> Vec<Effect> {
        if self.pending.is_some() {
            self.status = Status::info("still saving the last change…");
            return vec![];
        }
        let now = self.now_ms;
        let Some(v) = self.open.as_ref() else {
            return vec![];
        };
        let Some(field) = v.current_field() else {
            return vec![];
        };
        let n_flags = v.item.case.red_flags.len();
        if matches!(field, FormField::Plan(_)) && !crate::tui::form::gold_plan_visible(&v.item) {
            self.status = Status::info(
                "judge every step first: the gold plan is shown then, and the plans rated",
            );
            return vec![];
        }
        let shown = prefilled(&v.item);
        // The first change saves the whole form as shown, pre-filled values included.
        let new = match apply(&shown, field, key, n_flags) {
            Ok(new) => new,
            Err(hint) => {
                self.status = Status::info(format!("{} · {hint}", cell_name(field)));
                return vec![];
            }
        };
        let changes_answer = is_answered(&shown, field) && new != shown;
        if changes_answer && confirm != Some(Confirm { field, key }) {
            let was = value_words(&shown, field);
            let will = value_words(&new, field);
            let origin = if is_prefilled(&v.item, field) {
                " (pre-filled from gold)"
            } else {
                ""
            };
            self.confirm = Some(Confirm { field, key });
            self.status = Status::info(format!(
                "{} is {was}{origin}: press the same key again to change it to {will} · any other key keeps it",
                cell_name(field)
            ));
            return vec![];
        }
        if new == v.item.case_verdict {
            // Nothing to save (the value shown is already the saved one): just move on.
            self.walk_to_unanswered(true);
            let here = self.here();
            self.status = Status::info(format!("unchanged · now {here}"));
            return vec![];
        }
        let item = v.item.item;
        let base = v.item.events.case;
        let ms_spent = now.saturating_sub(v.form_opened_ms);
        self.pending = Some(PendingSave {
            advance: false,
            field: Some(field),
        });
        self.status = Status::info(format!("saving {}…", cell_name(field)));
        vec![Effect::SaveCaseVerdict {
            item,
            verdict: new,
            base,
            ms_spent,
        }]
    }

    /// After a confirmed case-verdict save on the form: on to the next unanswered cell.
    pub(super) fn form_saved(&mut self, field: Option<FormField>) -> String {
        if self.screen != Screen::CaseForm {
            return String::new();
        }
        self.walk_to_unanswered(true);
        let now = self.open.as_ref().and_then(|v| v.current_field());
        match (field, now) {
            (Some(f), Some(n)) if f != n => format!(" · now: {}", cell_name(n)),
            _ => String::new(),
        }
    }
}
