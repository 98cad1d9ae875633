//! The demo's training feedback: the shipped answer key compared with a finished demo item.
//! A step matches only when its label, severity and tags all match the key, and a mismatch
//! says which of them differ. Steps come in order, left side then right; then the case form
//! (answer, red flags recognised and acted on, preferred side, student guess). Feedback speaks
//! of sides, never of models.

use super::review_backend::FeedbackSource;
use crate::domain::{
    BlindItem, ErrorMode, RawField, ReviewerId, Role, Severity, Side, StepLabel, StepVerdict,
    StudyId,
};
use crate::storage::Store;
use crate::tui::{BackendError, BackendResult};
use serde::Deserialize;
use std::collections::BTreeSet;

const KEY: &str = include_str!("../../assets/demo/key.toml");

#[derive(Debug, Deserialize)]
struct KeyFile {
    #[serde(default)]
    step: Vec<KeyStep>,
    #[serde(default)]
    case: Vec<KeyCase>,
}

#[derive(Debug, Deserialize)]
struct KeyStep {
    case: String,
    model: String,
    contains: String,
    label: StepLabel,
    severity: Option<Severity>,
    #[serde(default)]
    tags: Vec<ErrorMode>,
    why: String,
}

#[derive(Debug, Deserialize)]
struct KeyCase {
    case: String,
    model: String,
    answer_correct: bool,
    #[serde(default)]
    red_flags_recognised: Vec<bool>,
    /// Whether the chain took or proposed each red flag's expected action (optional).
    #[serde(default)]
    red_flags_acted_on: Option<Vec<bool>>,
    /// Per red flag, what the chain did about it (the trainer's reason for `acted on`).
    #[serde(default)]
    acted_on_why: Vec<String>,
}

/// The shipped answer key, compared with a finished demo item.
pub struct DemoKey {
    key: KeyFile,
}

/// The shipped answer key does not parse (a build defect).
#[derive(Debug, thiserror::Error)]
#[error("{origin}")]
pub struct KeyError {
    origin: &'static str,
    #[source]
    source: toml::de::Error,
}

impl DemoKey {
    pub fn shipped() -> Result<Self, KeyError> {
        Self::from_text(KEY).map_err(|source| KeyError {
            origin: "assets/demo/key.toml",
            source,
        })
    }

    /// A key from TOML text in the key format (tests).
    pub fn from_text(text: &str) -> Result<Self, toml::de::Error> {
        Ok(Self {
            key: toml::from_str(text)?,
        })
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn tag_words(t: ErrorMode) -> &'static str {
    crate::tui::badge::tag_words(t)
}

/// A verdict in the help screen's words: `error · major · tags drift, red flag`.
fn verdict_words(
    label: Option<StepLabel>,
    severity: Option<Severity>,
    tags: &BTreeSet<ErrorMode>,
) -> String {
    let mut parts = vec![label.map_or("unmarked", |l| l.as_str()).to_string()];
    if let Some(sev) = severity {
        parts.push(sev.as_str().to_string());
    }
    if !tags.is_empty() {
        let t: Vec<&str> = tags.iter().map(|t| tag_words(*t)).collect();
        parts.push(format!("tags {}", t.join(", ")));
    }
    parts.join(" · ")
}

/// One keyed step compared with the reviewer's verdict: `(matches, line)`.
pub fn compare_step(
    side: Side,
    idx: usize,
    mine: &StepVerdict,
    key: (StepLabel, Option<Severity>, &BTreeSet<ErrorMode>),
) -> (bool, String) {
    let (label, severity, tags) = key;
    let mut differ = Vec::new();
    if mine.label != Some(label) {
        differ.push("label");
    }
    if mine.severity != severity {
        differ.push("severity");
    }
    if &mine.tags != tags {
        differ.push("tags");
    }
    let mine_words = verdict_words(mine.label, mine.severity, &mine.tags);
    let line = if differ.is_empty() {
        format!("✓ {side} step {}: {mine_words} (matches the key)", idx + 1)
    } else {
        format!(
            "✗ {side} step {}: you {mine_words} · key {} · {} differ{}",
            idx + 1,
            verdict_words(Some(label), severity, tags),
            differ.join(" and "),
            if differ.len() == 1 { "s" } else { "" }
        )
    };
    (differ.is_empty(), line)
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

impl FeedbackSource for DemoKey {
    fn feedback(
        &mut self,
        store: &Store,
        study: StudyId,
        reviewer: &ReviewerId,
        item: &BlindItem,
    ) -> BackendResult<Option<Vec<String>>> {
        let s = store.study_by_id(study)?;
        let a = store.model_by_id(s.model_a)?;
        let b = store.model_by_id(s.model_b)?;
        let a_side = store
            .study_assignments(study)?
            .into_iter()
            .find(|(i, r, _, _)| *i == item.item && r == reviewer.as_str())
            .map(|(_, _, _, side)| side)
            .ok_or_else(|| BackendError::Missing("assignment of the finished item".into()))?;
        let items = store.study_items(study)?;
        let row = items
            .iter()
            .find(|r| r.item == item.item)
            .ok_or_else(|| BackendError::Missing("finished item".into()))?;
        let case = item.case.id.as_str();
        let mut steps: Vec<String> = Vec::new();
        let mut form: Vec<String> = vec!["Case form:".to_string()];
        let (mut agree, mut keyed) = (0usize, 0usize);
        let mut student_side = None;
        for side in [Side::Left, Side::Right] {
            let (model, chain_id) = if side == a_side {
                (&a, row.chain_a)
            } else {
                (&b, row.chain_b)
            };
            if model.role == Role::Student {
                student_side = Some(side);
            }
            let chain = store.chain(chain_id)?;
            let run_output = match store.run_of_chain(chain_id)? {
                Some(r) => Some(store.run(r)?.output),
                None => None,
            };
            let mut found: Vec<(usize, &KeyStep)> = Vec::new();
            for k in self
                .key
                .step
                .iter()
                .filter(|k| k.case == case && k.model == model.name)
            {
                // Find the step: by raw span first (robust to stripping), then by text.
                let by_span = run_output
                    .as_deref()
                    .and_then(|out| out.find(&k.contains))
                    .and_then(|off| {
                        chain.steps.iter().position(|st| {
                            st.spans.iter().any(|sp| {
                                sp.field == RawField::Output && sp.start <= off && off < sp.end
                            })
                        })
                    });
                let needle = norm(&k.contains);
                let idx = by_span.or_else(|| {
                    chain
                        .steps
                        .iter()
                        .position(|st| norm(&st.text).contains(&needle))
                });
                if let Some(idx) = idx {
                    found.push((idx, k));
                }
            }
            found.sort_by_key(|(i, _)| *i);
            for (idx, k) in found {
                keyed += 1;
                let mine = item.verdicts[side.index()]
                    .get(idx)
                    .cloned()
                    .unwrap_or_default();
                let tags: BTreeSet<ErrorMode> = k.tags.iter().copied().collect();
                let (same, line) = compare_step(side, idx, &mine, (k.label, k.severity, &tags));
                agree += usize::from(same);
                steps.push(line);
                steps.push(format!("  — {}", k.why));
            }
            let kc = self
                .key
                .case
                .iter()
                .find(|c| c.case == case && c.model == model.name);
            form.extend(case_lines(item, side, kc));
        }
        let cv = &item.case_verdict;
        form.push(format!(
            "  preferred side: you said {} (a judgement: the key has none)",
            cv.preferred.map_or("-", |p| p.as_str())
        ));
        if let Some(st) = student_side {
            let guess = cv.student_guess;
            form.push(format!(
                "{} student guess: you said {} · the student wrote the {st} side",
                if guess == Some(st) { "✓" } else { "✗" },
                guess.map_or("-", |g| g.as_str())
            ));
        }
        let mut lines = vec![
            format!("Answer key for {case}:"),
            format!(
                "Your steps match the key on {agree} of {keyed} keyed steps (label, severity and tags all the same)."
            ),
        ];
        lines.extend(steps);
        lines.push(String::new());
        lines.extend(form);
        Ok(Some(lines))
    }
}

/// The case form for one side against the key: answer, then each red flag recognised and
/// acted on.
fn case_lines(item: &BlindItem, side: Side, kc: Option<&KeyCase>) -> Vec<String> {
    let cv = &item.case_verdict;
    let i = side.index();
    let mut out = Vec::new();
    let mine = cv.answer_correct[i];
    match kc {
        Some(kc) => out.push(format!(
            "{} {side} answer correct: you said {} · key {}",
            if mine == Some(kc.answer_correct) {
                "✓"
            } else {
                "✗"
            },
            yes_no(mine),
            yes_no(Some(kc.answer_correct))
        )),
        None => out.push(format!(
            "  {side} answer correct: you said {}",
            yes_no(mine)
        )),
    }
    for (k, rf) in item.case.red_flags.iter().enumerate() {
        let rec = cv.red_flags[i].get(k).copied();
        let act = cv.acted_on[i].get(k).copied();
        let key_rec = kc.and_then(|c| c.red_flags_recognised.get(k).copied());
        let key_act = kc.and_then(|c| c.red_flags_acted_on.as_ref()?.get(k).copied());
        let agrees =
            key_rec.is_none_or(|r| Some(r) == rec) && key_act.is_none_or(|a| Some(a) == act);
        let mut line = format!(
            "{} {side} red flag {} ({}): you said recognised {}, acted on {}",
            if key_rec.is_none() && key_act.is_none() {
                " "
            } else if agrees {
                "✓"
            } else {
                "✗"
            },
            k + 1,
            rf.finding.trim(),
            yes_no(rec),
            yes_no(act)
        );
        match (key_rec, key_act) {
            (Some(r), Some(a)) => {
                line.push_str(&format!(
                    " · key recognised {}, acted on {}",
                    yes_no(Some(r)),
                    yes_no(Some(a))
                ));
            }
            (Some(r), None) => {
                line.push_str(&format!(" · key recognised {}", yes_no(Some(r))));
            }
            (None, Some(a)) => line.push_str(&format!(" · key acted on {}", yes_no(Some(a)))),
            (None, None) => {}
        }
        out.push(line);
        if let Some(why) = kc.and_then(|c| c.acted_on_why.get(k)) {
            out.push(format!("  — {why}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn a_step_matches_only_when_label_severity_and_tags_match() {
        let tags: BTreeSet<ErrorMode> = [ErrorMode::RedFlag].into_iter().collect();
        let key = (StepLabel::Error, Some(Severity::Major), &tags);
        let mut mine = StepVerdict {
            label: Some(StepLabel::Error),
            severity: Some(Severity::Major),
            ..StepVerdict::default()
        };
        let (same, line) = compare_step(Side::Left, 2, &mine, key);
        assert!(!same, "tags differ");
        assert!(line.ends_with("· tags differs"), "{line}");
        mine.tags.insert(ErrorMode::RedFlag);
        let (same, line) = compare_step(Side::Left, 2, &mine, key);
        assert!(same, "{line}");
        assert!(
            line.starts_with("✓ left step 3: error · major · tags red flag"),
            "{line}"
        );
        mine.severity = Some(Severity::Minor);
        mine.label = Some(StepLabel::Error);
        let (same, line) = compare_step(Side::Right, 0, &mine, key);
        assert!(!same);
        assert!(line.contains("severity differs"), "{line}");
        mine.label = Some(StepLabel::Sound);
        mine.severity = None;
        let (_, line) = compare_step(Side::Right, 0, &mine, key);
        assert!(
            line.contains("label and severity and tags differ")
                || line.contains("label and severity differ"),
            "{line}"
        );
    }

    #[test]
    fn the_shipped_key_parses() {
        assert!(DemoKey::shipped().is_ok());
    }

    #[test]
    fn every_shipped_case_entry_says_what_was_acted_on_and_why() {
        let key = DemoKey::shipped().unwrap().key;
        assert_eq!(key.case.len(), 20);
        for c in &key.case {
            let acted = c.red_flags_acted_on.as_ref().unwrap();
            assert_eq!(acted.len(), c.red_flags_recognised.len(), "{}", c.case);
            assert_eq!(acted.len(), c.acted_on_why.len(), "{}", c.case);
        }
    }
}
