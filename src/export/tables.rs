//! The CSV tables, tidy and long, with stable ids in every row so they join back to the
//! database: `steps` (one row per step verdict), `cases` (one row per case verdict and side)
//! and `tally` (one number per row); the fourth, `events`, is in [`super::events`].
//!
//! Blinding: before `study unblind`, the columns that would reveal which model wrote a side
//! (`model_slot`, `model`, `model_role`, `chain_id`, `a_side`) are present but empty, so the
//! header never changes; step text, sides and labels are what the reviewers saw anyway.
//! Must not: write anything but through `CsvOut`.

use super::ExportError;
use super::csv_out::{CsvOut, Profile};
use super::gather::{auto_correct, models};
use crate::domain::{Preference, Side, Study};
use crate::storage::{ReportItem, Rows, Slot, Store};
use crate::tally::{ModelInfo, Tally, tally_rows};
use std::collections::HashMap;
use std::path::Path;

pub const STEP_COLUMNS: &[&str] = &[
    "study",
    "item_id",
    "case_id",
    "specialty",
    "incidence",
    "task_kind",
    "reviewer",
    "side",
    "model_slot",
    "model",
    "model_role",
    "chain_id",
    "step_index",
    "step_number",
    "step_text",
    "label",
    "severity",
    "tags",
    "note",
    "bad_split",
    "ms_spent",
    "event_id",
    "previous_event_id",
    "revision",
    "current",
    "first_judged_at",
    "judged_at",
];

pub const CASE_COLUMNS: &[&str] = &[
    "study",
    "item_id",
    "case_id",
    "specialty",
    "incidence",
    "task_kind",
    "reviewer",
    "side",
    "model_slot",
    "model",
    "model_role",
    "chain_id",
    "answer_extracted",
    "answer_gold",
    "answer_auto_correct",
    "answer_outcome",
    "answer_conflict",
    "answer_correct",
    "plan_rating",
    "red_flags_recognised",
    "red_flags_total",
    "red_flags",
    "red_flags_acted_on",
    "acted_on",
    "preferred",
    "guessed_student",
    "confidence",
    "complete",
    "ms_spent",
    "event_id",
    "previous_event_id",
    "revision",
    "current",
    "first_judged_at",
    "judged_at",
];

pub const TALLY_COLUMNS: &[&str] = &[
    "study",
    "by",
    "group",
    "model",
    "role",
    "slot",
    "metric",
    "estimate",
    "lo",
    "hi",
    "k",
    "n",
    "p_value",
    "p_adjusted",
    "method",
];

/// What every table knows about the study.
pub(super) struct Context {
    study: Study,
    pub(super) models: Option<[ModelInfo; 2]>,
    items: HashMap<i64, ReportItem>,
}

impl Context {
    pub(super) fn load(store: &Store, study: &Study) -> Result<Self, ExportError> {
        Ok(Self {
            study: study.clone(),
            models: models(store, study)?,
            items: store
                .report_items(study.id)?
                .into_iter()
                .map(|r| (r.item.0, r))
                .collect(),
        })
    }

    pub(super) fn item(&self, id: i64) -> Result<&ReportItem, ExportError> {
        self.items.get(&id).ok_or_else(|| {
            ExportError::Inconsistent(format!(
                "study {:?}: verdict on unknown item {id}",
                self.study.name
            ))
        })
    }

    fn item_cells(&self, out: &mut CsvOut, it: &ReportItem) -> Result<(), ExportError> {
        out.text(&self.study.name)?;
        out.num(it.item.0)?;
        out.text(it.case.id.as_str())?;
        out.text(it.case.specialty.as_str())?;
        out.opt_text(it.case.incidence.map(|i| i.as_str()))?;
        out.text(it.case.task.kind().as_str())
    }

    /// `model_slot, model, model_role, chain_id`, empty while blinded.
    fn model_cells(
        &self,
        out: &mut CsvOut,
        it: &ReportItem,
        slot: Slot,
    ) -> Result<(), ExportError> {
        match &self.models {
            Some(m) => {
                out.text(slot.as_str())?;
                out.text(&m[slot.index()].name)?;
                out.text(m[slot.index()].role.as_str())?;
                out.num(it.chains[slot.index()].0)
            }
            None => (0..4).try_for_each(|_| out.text("")),
        }
    }
}

fn rows_of(history: bool) -> Rows {
    if history {
        Rows::History
    } else {
        Rows::Current
    }
}

/// `steps.csv`: one row per current step verdict (or per event with `history`).
pub fn write_steps(
    store: &Store,
    study: &Study,
    path: &Path,
    replace: bool,
    profile: Profile,
    history: bool,
) -> Result<u64, ExportError> {
    store.read_snapshot(|s| {
        let cx = Context::load(s, study)?;
        let mut out = CsvOut::create(path, replace, profile, STEP_COLUMNS)?;
        s.visit_step_verdicts(study.id, rows_of(history), true, |r| {
            let it = cx.item(r.item.0)?;
            cx.item_cells(&mut out, it)?;
            out.text(&r.reviewer)?;
            out.text(r.side.as_str())?;
            cx.model_cells(&mut out, it, r.slot)?;
            out.num(r.step_index)?;
            out.num(r.step_index + 1)?;
            out.opt_text(r.text.as_deref())?;
            out.opt_text(r.verdict.label.map(|l| l.as_str()))?;
            out.opt_text(r.verdict.severity.map(|l| l.as_str()))?;
            out.text(&r.verdict.tags_text())?;
            out.opt_text(r.verdict.note.as_deref())?;
            out.bool(r.verdict.bad_split)?;
            out.num(r.ms_spent)?;
            out.num(r.event.0)?;
            out.opt_num(r.previous.map(|p| p.0))?;
            out.num(r.revision)?;
            out.bool(r.current)?;
            out.text(&r.first_at)?;
            out.text(&r.created_at)?;
            out.end()
        })?;
        out.finish()
    })
}

/// `cases.csv`: one row per current case verdict and side (or per event and side).
pub fn write_cases(
    store: &Store,
    study: &Study,
    path: &Path,
    replace: bool,
    profile: Profile,
    history: bool,
) -> Result<u64, ExportError> {
    store.read_snapshot(|s| {
        let cx = Context::load(s, study)?;
        let mut out = CsvOut::create(path, replace, profile, CASE_COLUMNS)?;
        for r in s.case_verdict_rows(study.id, rows_of(history))? {
            let it = cx.item(r.item.0)?;
            let n_flags = it.case.red_flags.len();
            for side in [Side::Left, Side::Right] {
                let i = side.index();
                let slot = Slot::on_side(side, r.a_side);
                let answer = it.answers[slot.index()].as_ref();
                cx.item_cells(&mut out, it)?;
                out.text(&r.reviewer)?;
                out.text(side.as_str())?;
                cx.model_cells(&mut out, it, slot)?;
                out.opt_text(answer.map(|a| a.display()).as_deref())?;
                out.text(&it.case.task.gold_display())?;
                out.opt_bool(auto_correct(&it.case.task, answer))?;
                out.text(it.outcomes[slot.index()].as_str())?;
                out.opt_bool(Some(it.conflicts[slot.index()]))?;
                out.opt_bool(r.verdict.answer_correct[i])?;
                // Treatment-planning cases: adequate / partly / inadequate; empty otherwise.
                out.opt_text(r.verdict.plan[i].map(|p| p.as_str()))?;
                let flags = &r.verdict.red_flags[i];
                out.num(flags.iter().filter(|f| **f).count())?;
                out.num(flags.len())?;
                out.text(
                    &flags
                        .iter()
                        .map(|f| if *f { "1" } else { "0" })
                        .collect::<Vec<_>>()
                        .join(";"),
                )?;
                // Whether the expected action was taken or proposed, per red flag.
                let acted = &r.verdict.acted_on[i];
                out.num(acted.iter().filter(|f| **f).count())?;
                out.text(
                    &acted
                        .iter()
                        .map(|f| if *f { "1" } else { "0" })
                        .collect::<Vec<_>>()
                        .join(";"),
                )?;
                out.opt_text(r.verdict.preferred.map(|p| match p {
                    Preference::Tie => "tie",
                    Preference::Left if side == Side::Left => "yes",
                    Preference::Right if side == Side::Right => "yes",
                    _ => "no",
                }))?;
                out.opt_bool(r.verdict.student_guess.map(|g| g == side))?;
                out.opt_num(r.verdict.confidence)?;
                out.bool(r.verdict.is_complete(n_flags))?;
                out.num(r.ms_spent)?;
                out.num(r.event.0)?;
                out.opt_num(r.previous.map(|p| p.0))?;
                out.num(r.revision)?;
                out.bool(r.current)?;
                out.text(&r.first_at)?;
                out.text(&r.created_at)?;
                out.end()?;
            }
        }
        out.finish()
    })
}

/// `tally.csv`: the tally as tidy rows (see [`crate::tally::TallyRow`]).
pub fn write_tally(
    tally: &Tally,
    path: &Path,
    replace: bool,
    profile: Profile,
) -> Result<u64, ExportError> {
    let mut out = CsvOut::create(path, replace, profile, TALLY_COLUMNS)?;
    for r in tally_rows(tally) {
        for cell in [
            &r.study, &r.by, &r.group, &r.model, &r.role, &r.slot, &r.metric,
        ] {
            out.text(cell)?;
        }
        for v in [r.estimate, r.lo, r.hi] {
            out.opt_num(v)?;
        }
        out.opt_num(r.k)?;
        out.opt_num(r.n)?;
        out.opt_num(r.p_value)?;
        out.opt_num(r.p_adjusted)?;
        out.text(&r.method)?;
        out.end()?;
    }
    out.finish()
}
