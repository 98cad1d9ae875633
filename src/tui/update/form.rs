//! The case-verdict form: opening it (which saves nothing), walking its fields and setting
//! them. Each change is saved as a new case-verdict event holding the whole form as shown.

use crate::tui::action::{Action, FormKey};
use crate::tui::app::{App, PendingSave, Screen, Status};
use crate::tui::effect::Effect;
use crate::tui::form::{FormField, apply, is_answered, prefilled};

impl App {
    pub(super) fn on_form(&mut self, action: Action) -> Vec<Effect> {
        let n_fields = self.open.as_ref().map_or(0, |v| v.form_fields().len());
        match action {
            Action::MoveDown | Action::MoveRight | Action::TextSubmit => {
                self.move_field(1, n_fields)
            }
            Action::MoveUp | Action::MoveLeft => self.move_field(-1, n_fields),
            Action::MoveFirst => self.move_field(-(n_fields as isize), n_fields),
            Action::MoveLast => self.move_field(n_fields as isize, n_fields),
            Action::ToggleCaseForm | Action::Cancel => {
                self.screen = Screen::Review;
                self.status = Status::info("");
            }
            Action::FormInput(key) => return self.set_field(key, n_fields),
            other => return self.on_item_common(other),
        }
        vec![]
    }

    fn move_field(&mut self, by: isize, n_fields: usize) {
        if let Some(v) = self.open.as_mut() {
            let last = n_fields.saturating_sub(1) as isize;
            v.form_field = (v.form_field as isize + by).clamp(0, last.max(0)) as usize;
        }
    }

    /// Open the form. Nothing is saved: the pre-filled values (MCQ answers from gold) are
    /// saved with the reviewer's first change. The cursor starts on the first unanswered red
    /// flag (they are what the reviewer must look at), else the first unanswered field.
    pub(super) fn open_form(&mut self) -> Vec<Effect> {
        let now = self.now_ms;
        let Some(v) = self.open.as_mut() else {
            return vec![];
        };
        self.screen = Screen::CaseForm;
        v.form_opened_ms = now;
        let state = prefilled(&v.item);
        let fields = v.form_fields();
        let red_flag = |f: &FormField| matches!(f, FormField::RedFlag(..));
        let open = |f: &FormField| !is_answered(&state, *f);
        v.form_field = fields
            .iter()
            .position(|f| red_flag(f) && open(f))
            .or_else(|| fields.iter().position(open))
            .or_else(|| fields.iter().position(red_flag))
            .unwrap_or(0);
        self.status =
            Status::info("case verdict: ↑↓ move · y/n/Space · l/r/t · 1-5 · Esc back to steps");
        vec![]
    }

    fn set_field(&mut self, key: FormKey, n_fields: usize) -> Vec<Effect> {
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
        // The first change saves the whole form as shown, pre-filled values included.
        let new = match apply(&prefilled(&v.item), field, key, n_flags) {
            Ok(new) => new,
            Err(hint) => {
                self.status = Status::info(hint);
                return vec![];
            }
        };
        let item = v.item.item;
        let ms_spent = now.saturating_sub(v.form_opened_ms);
        let unchanged = new == v.item.case_verdict;
        if key != FormKey::Toggle {
            self.move_field(1, n_fields);
        }
        if unchanged {
            return vec![];
        }
        self.pending = Some(PendingSave::default());
        self.status = Status::info("saving…");
        vec![Effect::SaveCaseVerdict {
            item,
            verdict: new,
            ms_spent,
        }]
    }
}
