//! What the tally reads: plain, already-joined observations, with every side already mapped
//! to the model slot (A/B) it held for that reviewer. Built by `export::gather` from the store.
//!
//! Must not: hold model names while the study is blinded (`models` is `None` then).

use super::outcome::Outcome;
use crate::domain::Slot;
use crate::domain::{
    AnalysisPlan, ErrorMode, Incidence, ItemId, PlanRecord, Role, Severity, Specialty, Stage,
    StepLabel, TaskKind,
};
use crate::stats::{BootstrapConfig, SignificanceLevel};
use serde::Serialize;

/// A model's public identity, known only after unblinding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelInfo {
    pub name: String,
    pub role: Role,
}

/// Where a side's ranked differential puts the gold and the must-not-miss diagnoses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RankObs {
    /// 1-based rank of the first entry naming the gold diagnosis; `None` when absent.
    pub gold_rank: Option<u32>,
    /// The case's must-not-miss diagnoses.
    pub must_not_miss: u32,
    /// Of those, named in the side's top 5.
    pub covered: u32,
    /// Pairs (x, y), y must-not-miss, x listed above y, and the case's priority order puts y
    /// above x (an x absent from the priority order ranks below every listed diagnosis).
    pub inversions: u32,
}

/// Per-chain facts beyond the counts: style covariates, rank and calibration inputs.
/// Per-slot arrays are `[A, B]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemDetail {
    pub truncated: [bool; 2],
    /// Words in each step, in order.
    pub step_words: [Vec<u32>; 2],
    /// Differential items whose chain gave a ranked list.
    pub rank: [Option<RankObs>; 2],
    /// `(probability of the most probable option, that option is gold)`, when the run
    /// carries option probabilities.
    pub calibration: [Option<(f64, bool)>; 2],
}

/// One study item. Per-slot arrays are `[A, B]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemInfo {
    pub item: ItemId,
    pub case_id: String,
    pub specialty: Specialty,
    pub incidence: Option<Incidence>,
    /// Presentation only, or investigated.
    pub stage: Stage,
    pub task: TaskKind,
    /// The case's source dataset (its source text up to the first `;` or `(`).
    pub source: String,
    pub red_flags: usize,
    pub steps: [usize; 2],
    /// The chain's extracted answer scored against gold (MCQ letter; top-5 for differentials);
    /// `None` when the chain gave no answer.
    pub auto_correct: [Option<bool>; 2],
    pub detail: ItemDetail,
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
    /// Red flags recognised, one entry per red flag of the case.
    pub red_flags: [Vec<bool>; 2],
    /// Red flags acted on (the expected action taken or proposed), one entry per red flag.
    pub acted_on: [Vec<bool>; 2],
    /// The slot the reviewer took for the student's.
    pub student_guess: Option<Slot>,
    /// The slot whose chain the reviewer preferred; `None` for a tie or no answer.
    pub preferred: Option<Slot>,
    /// The reviewer called the preference a tie.
    pub preferred_tie: bool,
    pub confidence: Option<u8>,
    /// Every question of the form answered.
    pub complete: bool,
}

/// A subgroup dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// `mcq`, `differential` or `plan`.
    TaskKind,
    /// The case's source dataset.
    Source,
    Specialty,
    Incidence,
    Reviewer,
    /// Presentation variants against investigated cases.
    Stage,
}

impl GroupBy {
    /// The breakdowns the tally screen walks (`task_kind`, `source` and `stage` are asked for
    /// with `--by`: most studies hold one stage only).
    pub const ALL: [GroupBy; 3] = [GroupBy::Specialty, GroupBy::Incidence, GroupBy::Reviewer];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::TaskKind => "task_kind",
            GroupBy::Source => "source",
            GroupBy::Specialty => "specialty",
            GroupBy::Incidence => "incidence",
            GroupBy::Reviewer => "reviewer",
            GroupBy::Stage => "stage",
        }
    }
}

/// The dataset part of a case's source: `MedQA; meta_info=step1` → `MedQA`,
/// `MedR-Bench treatment (PMC…)` → `MedR-Bench treatment`.
pub fn source_group(source: &str) -> String {
    let end = source.find([';', '(']).unwrap_or(source.len());
    let g = source[..end].trim();
    if g.is_empty() {
        "unknown".into()
    } else {
        g.to_string()
    }
}

/// An adjudicator's current decision on one disputed item outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdjudicationObs {
    pub item: u32,
    pub slot: Slot,
    pub outcome: Outcome,
    pub value: bool,
}

/// How to tally.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TallyConfig {
    /// Level for the paired tests; `None` takes the study plan's α (the normal case: α is
    /// fixed at `study create`). An override is shown as such.
    pub alpha: Option<SignificanceLevel>,
    pub bootstrap: BootstrapConfig,
    /// Subgroup breakdowns besides the overall one.
    pub by: Vec<GroupBy>,
}

/// Everything one tally reads.
#[derive(Debug, Clone, PartialEq, Default)]
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
    /// The study's analysis plan (latest version) and its history, oldest first.
    pub plan: AnalysisPlan,
    pub plan_history: Vec<PlanRecord>,
    pub adjudications: Vec<AdjudicationObs>,
    /// Stripper versions of the study's chains.
    pub stripper_versions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::source_group;

    #[test]
    fn the_source_group_is_the_dataset() {
        assert_eq!(source_group("MedQA; meta_info=step1"), "MedQA");
        assert_eq!(
            source_group("MedR-Bench treatment (PMC1; Cancers)"),
            "MedR-Bench treatment"
        );
        assert_eq!(
            source_group("blindstep authors (simulated case)"),
            "blindstep authors"
        );
        assert_eq!(source_group(" (x)"), "unknown");
    }
}
