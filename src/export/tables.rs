//! The four CSV tables, tidy and long, with stable ids in every row so they join back to the
//! database: `steps` (one row per step verdict), `cases` (one row per case verdict and side),
//! `events` (the full audit trail) and `tally` (one number per row).
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

pub const EVENT_COLUMNS: &[&str] = &[
    "study",
    "event_type",
    "event_id",
    "previous_event_id",
    "created_at",
    "reviewer",
    "actor",
    "item_id",
    "case_id",
    "side",
    "a_side",
    "model_slot",
    "model",
    "step_index",
    "label",
    "severity",
    "tags",
    "note",
    "bad_split",
    "answer_correct_left",
    "answer_correct_right",
    "red_flags_left",
    "red_flags_right",
    "preferred",
    "student_guess",
    "confidence",
    "ms_spent",
    "kind",
    "detail",
    "os_user",
    "host",
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
struct Context {
    study: Study,
    models: Option<[ModelInfo; 2]>,
    items: HashMap<i64, ReportItem>,
}

impl Context {
    fn load(store: &Store, study: &Study) -> Result<Self, ExportError> {
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

    fn item(&self, id: i64) -> Result<&ReportItem, ExportError> {
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

/// `events.csv`: the audit trail: study events, then every case-verdict event, then every
/// step-verdict event (each with the event it superseded), grouped by type; sort by
/// `created_at` for one timeline. The `exported` event of this very export is recorded after
/// the file is written, so it is not in it.
pub fn write_events(
    store: &Store,
    study: &Study,
    path: &Path,
    replace: bool,
    profile: Profile,
) -> Result<u64, ExportError> {
    store.read_snapshot(|s| {
        let cx = Context::load(s, study)?;
        let mut out = CsvOut::create(path, replace, profile, EVENT_COLUMNS)?;
        let blank = |out: &mut CsvOut, n: usize| (0..n).try_for_each(|_| out.text(""));
        // Before unblinding, an audit detail (the `created` event names both models) is
        // stripped of identity; the raw names are read only to check nothing is left.
        let names = match cx.models {
            Some(_) => None,
            None => Some(identity_strings(s, study)?),
        };
        for e in s.study_events(study.id)? {
            out.text(&study.name)?;
            out.text("study")?;
            out.num(e.id)?;
            blank(&mut out, 1)?;
            out.text(&e.created_at)?;
            blank(&mut out, 1)?;
            out.text(&e.actor)?;
            blank(&mut out, 20)?;
            out.text(&e.kind)?;
            match &names {
                None => out.opt_text(e.detail.as_deref())?,
                Some(names) => out.opt_text(
                    e.detail
                        .as_deref()
                        .and_then(|d| redact(d, names))
                        .as_deref(),
                )?,
            }
            out.opt_text(e.os_user.as_deref())?;
            out.opt_text(e.host.as_deref())?;
            out.end()?;
        }
        let unblinded = cx.models.is_some();
        for r in s.case_verdict_rows(study.id, Rows::History)? {
            let it = cx.item(r.item.0)?;
            out.text(&study.name)?;
            out.text("case_verdict")?;
            out.num(r.event.0)?;
            out.opt_num(r.previous.map(|p| p.0))?;
            out.text(&r.created_at)?;
            out.text(&r.reviewer)?;
            blank(&mut out, 1)?;
            out.num(it.item.0)?;
            out.text(it.case.id.as_str())?;
            blank(&mut out, 1)?;
            out.opt_text(unblinded.then_some(r.a_side.as_str()))?;
            blank(&mut out, 8)?;
            let v = &r.verdict;
            out.opt_bool(v.answer_correct[0])?;
            out.opt_bool(v.answer_correct[1])?;
            for f in &v.red_flags {
                out.text(
                    &f.iter()
                        .map(|b| if *b { "1" } else { "0" })
                        .collect::<String>(),
                )?;
            }
            out.opt_text(v.preferred.map(|p| p.as_str()))?;
            out.opt_text(v.student_guess.map(|g| g.as_str()))?;
            out.opt_num(v.confidence)?;
            out.num(r.ms_spent)?;
            blank(&mut out, 4)?;
            out.end()?;
        }
        s.visit_step_verdicts(study.id, Rows::History, false, |r| {
            let it = cx.item(r.item.0)?;
            out.text(&study.name)?;
            out.text("step_verdict")?;
            out.num(r.event.0)?;
            out.opt_num(r.previous.map(|p| p.0))?;
            out.text(&r.created_at)?;
            out.text(&r.reviewer)?;
            blank(&mut out, 1)?;
            out.num(it.item.0)?;
            out.text(it.case.id.as_str())?;
            out.text(r.side.as_str())?;
            let a_side = if r.slot == Slot::A {
                r.side
            } else {
                r.side.other()
            };
            match &cx.models {
                Some(m) => {
                    out.text(a_side.as_str())?;
                    out.text(r.slot.as_str())?;
                    out.text(&m[r.slot.index()].name)?;
                }
                None => blank(&mut out, 3)?,
            }
            out.num(r.step_index)?;
            out.opt_text(r.verdict.label.map(|l| l.as_str()))?;
            out.opt_text(r.verdict.severity.map(|l| l.as_str()))?;
            out.text(&r.verdict.tags_text())?;
            out.opt_text(r.verdict.note.as_deref())?;
            out.bool(r.verdict.bad_split)?;
            blank(&mut out, 7)?;
            out.num(r.ms_spent)?;
            blank(&mut out, 4)?;
            out.end()
        })?;
        out.finish()
    })
}

/// Audit-detail keys that name or locate a model, or would let one redraw the sides.
const IDENTITY_KEYS: &[&str] = &["model_a", "model_b", "models", "seed"];

/// The study's model names and labels, lower case, for the leak check of [`redact`].
fn identity_strings(store: &Store, study: &Study) -> Result<Vec<String>, ExportError> {
    let mut out = Vec::new();
    for id in [study.model_a, study.model_b] {
        let m = store.model_by_id(id)?;
        out.push(m.name.to_lowercase());
        out.extend(m.label.map(|l| l.to_lowercase()));
    }
    out.retain(|s| !s.trim().is_empty());
    Ok(out)
}

/// An audit detail as a blinded export may show it: identity keys removed, and nothing at
/// all if a model's name or label is still in it.
pub fn redact(detail: &str, names: &[String]) -> Option<String> {
    let kept = match serde_json::from_str::<serde_json::Value>(detail) {
        Ok(serde_json::Value::Object(mut map)) => {
            for k in IDENTITY_KEYS {
                map.remove(*k);
            }
            serde_json::Value::Object(map).to_string()
        }
        _ => detail.to_string(),
    };
    let lower = kept.to_lowercase();
    (!names.iter().any(|n| lower.contains(n.as_str()))).then_some(kept)
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

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redaction_drops_identity_keys_and_blanks_leftover_names() {
        let names = vec!["zircon-7".to_string(), "my label".to_string()];
        let d =
            r#"{"model_a":"zircon-7","model_b":"other","seed":5,"items":3,"reviewers":["ana"]}"#;
        let kept = redact(d, &names).unwrap();
        assert!(!kept.contains("zircon") && !kept.contains("seed") && !kept.contains("other"));
        assert!(
            kept.contains("\"items\":3") && kept.contains("ana"),
            "{kept}"
        );
        assert_eq!(redact(r#"{"note":"ZIRCON-7 was here"}"#, &names), None);
        assert_eq!(redact("plain text naming My Label", &names), None);
        assert_eq!(redact("plain", &names).as_deref(), Some("plain"));
    }
}
