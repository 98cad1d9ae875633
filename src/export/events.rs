//! `events.csv`, the fourth table: the full audit trail, with stable ids in every row so it
//! joins back to the database, and the redaction of audit details before unblinding.
//!
//! Blinding: before `study unblind`, the columns that would reveal which model wrote a side
//! (`a_side`, `model_slot`, `model`) are present but empty, and an audit detail is shown only
//! with the identity keys removed and no model name or label left in it.
//! Must not: write anything but through `CsvOut`.

use super::ExportError;
use super::csv_out::{CsvOut, Profile};
use super::tables::Context;
use crate::domain::Study;
use crate::storage::{Rows, Slot, Store};
use std::path::Path;

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
