//! Verdicts. Every change is an appended event carrying the full new state;
//! the current verdict is the latest event. Undo appends the earlier state again.

use super::enums::{ErrorMode, PlanRating, Preference, Severity, Side, StepLabel};
use super::ids::{EventId, ItemId, ReviewerId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One reviewer's judgement of one step. `label: None` is "unmarked".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StepVerdict {
    pub label: Option<StepLabel>,
    pub severity: Option<Severity>,
    pub tags: BTreeSet<ErrorMode>,
    pub note: Option<String>,
    pub bad_split: bool,
}

impl StepVerdict {
    pub fn is_unmarked(&self) -> bool {
        self.label.is_none()
    }

    /// Tags as stored and exported: `drift;red_flag`.
    pub fn tags_text(&self) -> String {
        self.tags
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// One reviewer's verdict on a whole item. Per-side arrays are `[left, right]`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaseVerdict {
    pub answer_correct: [Option<bool>; 2],
    /// One entry per red flag of the case, per side: the alarm feature was recognised.
    pub red_flags: [Vec<bool>; 2],
    /// One entry per red flag of the case, per side: the expected action was taken or proposed.
    /// Recognition without action is the failure the audit exists to catch.
    #[serde(default)]
    pub acted_on: [Vec<bool>; 2],
    pub preferred: Option<Preference>,
    /// Which side the reviewer thinks the student wrote.
    pub student_guess: Option<Side>,
    /// 1 (a guess) to 5 (certain).
    pub confidence: Option<u8>,
    /// Treatment-planning cases only: each side's plan rated against the gold plan.
    #[serde(default)]
    pub plan: [Option<PlanRating>; 2],
}

impl CaseVerdict {
    /// The form is complete: every question answered.
    pub fn is_complete(&self, n_red_flags: usize) -> bool {
        self.answer_correct.iter().all(Option::is_some)
            && self.red_flags.iter().all(|v| v.len() == n_red_flags)
            && self.acted_on.iter().all(|v| v.len() == n_red_flags)
            && self.preferred.is_some()
            && self.student_guess.is_some()
            && self.confidence.is_some()
    }
}

/// A stored step-verdict event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepVerdictEvent {
    pub id: EventId,
    pub item: ItemId,
    pub reviewer: ReviewerId,
    pub side: Side,
    pub step_index: usize,
    pub verdict: StepVerdict,
    /// The event this one superseded, if any (old → new).
    pub previous: Option<EventId>,
    pub ms_spent: u64,
    pub created_at: String,
}

/// A stored case-verdict event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseVerdictEvent {
    pub id: EventId,
    pub item: ItemId,
    pub reviewer: ReviewerId,
    pub verdict: CaseVerdict,
    pub previous: Option<EventId>,
    pub ms_spent: u64,
    pub created_at: String,
}

/// What an undo changed: the verdict it put back, as the new event that records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UndoneChange {
    Step {
        side: Side,
        step_index: usize,
        verdict: StepVerdict,
        event: EventId,
    },
    Case {
        verdict: CaseVerdict,
        event: EventId,
    },
}
