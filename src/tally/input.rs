//! What the tally reads: plain, already-joined observations, with every side already mapped
//! to the model slot (A/B) it held for that reviewer. Built by `export::gather` from the store.
//!
//! Must not: hold model names while the study is blinded (`models` is `None` then).

use crate::domain::{ErrorMode, Incidence, ItemId, Role, Severity, Specialty, StepLabel, TaskKind};
use crate::stats::{BootstrapConfig, SignificanceLevel};
use crate::storage::Slot;
use serde::Serialize;

/// A model's public identity, known only after unblinding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelInfo {
    pub name: String,
    pub role: Role,
}

/// One study item. Per-slot arrays are `[A, B]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemInfo {
    pub item: ItemId,
    pub case_id: String,
    pub specialty: Specialty,
    pub incidence: Option<Incidence>,
    pub task: TaskKind,
    pub red_flags: usize,
    pub steps: [usize; 2],
    /// The chain's extracted answer scored against gold (MCQ letter; top-5 for differentials);
    /// `None` when the chain gave no answer.
    pub auto_correct: [Option<bool>; 2],
    /// Given, none given, or cut off before an answer.
    pub outcomes: [crate::domain::AnswerOutcome; 2],
    /// The final answer contradicts the reasoning's own conclusion.
    pub conflicts: [bool; 2],
}

/// One reviewer's current verdict on one step. `item` and `reviewer` index
/// [`TallyInput::items`] and [`TallyInput::reviewers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepObs {
    pub item: u32,
    pub reviewer: u32,
    pub slot: Slot,
    pub step: u32,
    pub label: Option<StepLabel>,
    pub severity: Option<Severity>,
    /// Error-mode tags as bits, see [`mode_bit`].
    pub tags: u8,
    pub bad_split: bool,
}

/// The bit of an error mode in [`StepObs::tags`].
pub fn mode_bit(mode: ErrorMode) -> u8 {
    let i = ErrorMode::ALL.iter().position(|m| *m == mode).unwrap_or(0);
    1 << i
}

/// One reviewer's current case verdict, by slot (`[A, B]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseObs {
    pub item: u32,
    pub reviewer: u32,
    pub answer_correct: [Option<bool>; 2],
    pub red_flags: [Vec<bool>; 2],
    /// The slot the reviewer took for the student's.
    pub student_guess: Option<Slot>,
    pub confidence: Option<u8>,
    /// Every question of the form answered.
    pub complete: bool,
}

/// A subgroup dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Specialty,
    Incidence,
    Reviewer,
}

impl GroupBy {
    pub const ALL: [GroupBy; 3] = [GroupBy::Specialty, GroupBy::Incidence, GroupBy::Reviewer];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Specialty => "specialty",
            GroupBy::Incidence => "incidence",
            GroupBy::Reviewer => "reviewer",
        }
    }
}

/// How to tally.
#[derive(Debug, Clone, PartialEq)]
pub struct TallyConfig {
    /// Level for the paired tests (default 0.01, Zhong et al.).
    pub alpha: SignificanceLevel,
    pub bootstrap: BootstrapConfig,
    /// Subgroup breakdowns besides the overall one.
    pub by: Vec<GroupBy>,
}

impl Default for TallyConfig {
    fn default() -> Self {
        Self {
            alpha: SignificanceLevel::DEFAULT,
            bootstrap: BootstrapConfig::default(),
            by: Vec::new(),
        }
    }
}

/// Everything one tally reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TallyInput {
    pub study: String,
    /// `[A, B]`; `None` while the study is blinded.
    pub models: Option<[ModelInfo; 2]>,
    /// Reviewer ids, sorted; [`StepObs::reviewer`] indexes this.
    pub reviewers: Vec<String>,
    pub items: Vec<ItemInfo>,
    /// `(item, reviewer)` index pairs of every assignment.
    pub assignments: Vec<(u32, u32)>,
    pub steps: Vec<StepObs>,
    pub cases: Vec<CaseObs>,
}
