//! What a tally says: plain serialisable values. Undefined numbers are `None` (shown as
//! "n/a", written as an empty cell or JSON null), never NaN.
//!
//! Must not: compute anything beyond trivial conversions; see `compute` and `agreement`.

use super::input::ModelInfo;
pub use super::metric::{Ci, Metric};
pub use super::result_more::*;
use crate::domain::{AnalysisPlan, ErrorMode, PlanRecord};
use serde::Serialize;

/// Steps and chains carrying one error mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModeTally {
    pub mode: ErrorMode,
    /// Judged steps tagged with the mode / judged steps.
    pub steps: Metric,
    /// Chains with ≥ 1 tagged step / judged chains (consensus over reviewers).
    pub chains: Metric,
}

/// Error steps by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct SeverityMix {
    pub minor: u64,
    pub major: u64,
    pub harmful: u64,
    /// Error steps without a severity.
    pub unspecified: u64,
}

impl SeverityMix {
    pub fn total(&self) -> u64 {
        self.minor + self.major + self.harmful + self.unspecified
    }
}

/// One model's figures within one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelTally {
    /// Reviewer-confirmed answer correct, every task kind (consensus over reviewers).
    pub answer_correct: Metric,
    /// Reviewer-confirmed accuracy on MCQ items.
    pub mcq_accuracy: Metric,
    /// Reviewer-confirmed top-5 inclusion on differential items.
    pub top5_inclusion: Metric,
    /// The chain's extracted answer scored against gold automatically (given answers only).
    pub auto_answer_correct: Metric,
    /// Chains whose answer was given / none given / cut off before an answer.
    pub answer_outcomes: [u64; 3],
    /// Chains whose final answer contradicts the reasoning's own conclusion.
    pub answer_conflicts: u64,
    /// Error / (sound + neutral + error), pooled over reviewers; Wilson interval.
    pub step_error: Metric,
    /// Cluster-bootstrap interval of the step error rate, resampling items.
    pub step_error_cluster: Option<Ci>,
    pub steps_abstained: u64,
    pub steps_unmarked: u64,
    /// Chains with ≥ 1 error step / judged chains.
    pub chains_with_error: Metric,
    pub modes: Vec<ModeTally>,
    /// Red flags ticked as recognised / red flags on the checklists, pooled over reviewers.
    pub red_flag_recognition: Metric,
    /// Red flags ticked as acted on (the expected action taken or proposed) / red flags on the
    /// checklists, pooled over reviewers.
    pub red_flag_action: Metric,
    /// Chains with a correct answer and ≥ 1 error step / judged chains with a correct answer.
    pub right_answer_wrong_reasoning: Metric,
    pub severity: SeverityMix,
    /// Steps flagged as a bad split / labelled steps (abstain included).
    pub bad_split: Metric,
    /// Red flags recognised by the item's reviewers (tie rule; adjudication wins) / red flags
    /// with a resolved value: the item-level version of `red_flag_recognition`.
    pub red_flag_consensus: Metric,
    /// Red flags acted on by the item's reviewers (tie rule; adjudication wins) / red flags
    /// with a resolved value: the item-level version of `red_flag_action`.
    pub red_flag_action_consensus: Metric,
    /// Rank-aware scoring of differential answers (issue 15).
    pub rank: RankTally,
    /// Calibration of the option probabilities, when runs carry them.
    pub calibration: Option<CalibrationTally>,
}

/// An exact McNemar test, A vs B on the same items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedTest {
    /// `answer_correct`, or an error mode (`drift`, ...).
    pub metric: String,
    /// Items where both sides have a value.
    pub pairs: u64,
    /// Pairs where only A has the outcome (correct answer, or the mode).
    pub a_only: u64,
    /// Pairs where only B has it.
    pub b_only: u64,
    pub p_value: f64,
    /// Holm-adjusted across the error modes; `None` for the accuracy test.
    pub p_holm: Option<f64>,
    /// p (or Holm-adjusted p) below the configured level.
    pub significant: bool,
    /// Declared primary in the study plan.
    pub primary: bool,
}

/// One group (overall, a specialty, an incidence tier or a reviewer).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupTally {
    /// `all`, `specialty`, `incidence`, `stage` or `reviewer`.
    pub by: String,
    pub group: String,
    /// Items in the group.
    pub items: u64,
    /// `[A, B]`.
    pub models: [ModelTally; 2],
    pub paired: Vec<PairedTest>,
    /// Paired permutation tests of per-item measures (step error rate, ranks, counts).
    pub paired_measures: Vec<PairedMeasure>,
    /// Disputed item outcomes per slot and how they were analysed.
    pub resolution: Vec<ResolutionRow>,
    /// Style control (overall group only).
    pub style: Option<StyleControl>,
}

/// A kappa with what it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KappaValue {
    pub value: f64,
    pub observed: f64,
    pub expected: f64,
    pub units: usize,
}

/// Agreement between reviewers on step labels (sound / neutral / error; abstain is missing).
/// A unit is one step of one chain, however each reviewer saw its side.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Agreement {
    /// Steps judged by at least two reviewers.
    pub pairable_units: usize,
    pub percent: Option<f64>,
    /// Only when the study has exactly two reviewers.
    pub cohen: Option<KappaValue>,
    /// Over the units rated by the most common number (≥ 2) of reviewers.
    pub fleiss: Option<KappaValue>,
    pub krippendorff: Option<f64>,
    /// Percentile interval resampling items (cases), not steps.
    pub krippendorff_ci: Option<Ci>,
    /// Items the Krippendorff interval resampled.
    pub krippendorff_items: usize,
    /// Cohen's κ for every reviewer pair on the steps both judged.
    pub pairwise: Vec<PairKappa>,
    /// How many units Fleiss' κ used, and why others were left out.
    pub fleiss_note: String,
    /// Why a statistic above is n/a: keys `percent`, `cohen`, `fleiss`, `krippendorff`.
    pub why_na: std::collections::BTreeMap<String, String>,
    /// Agreement on each error-mode tag (present / absent on steps both judged).
    pub tags: Vec<FacetAgreement>,
    /// Agreement on severity (minor / major / harmful) on steps both marked as errors.
    pub severity: Option<FacetAgreement>,
}

/// One reviewer's guesses of which side was the student.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuessTally {
    /// A reviewer id, or `all`.
    pub reviewer: String,
    pub correct: Metric,
    /// Exact two-sided binomial test against 50 %; `None` without guesses.
    pub p_value: Option<f64>,
    /// Item-clustered sign-flip permutation test (`all` row only): guesses on one item move
    /// together.
    pub p_cluster: Option<f64>,
}

/// A reviewer's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub reviewer: String,
    pub items: u64,
    pub items_done: u64,
    pub steps_total: u64,
    pub steps_judged: u64,
}

/// Answer accuracy against step error, the contrast the tool exists for (seed 000).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contrast {
    /// `[A, B]` reviewer-confirmed answer correct.
    pub answer_correct: [Metric; 2],
    pub step_error: [Metric; 2],
    /// The slot whose answers are better while its steps are worse (point estimates).
    pub hidden_by_answers: Option<String>,
    /// McNemar p of answer correctness and the paired permutation p of the per-item step
    /// error rate; `None` when not computable.
    pub answer_p: Option<f64>,
    pub step_p: Option<f64>,
    /// Both differences significant at α: only then does the tally state the contrast.
    pub supported: bool,
}

/// The whole tally of a study.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tally {
    pub study: String,
    pub unblinded: bool,
    pub alpha: f64,
    /// `[A, B]`, only after unblinding.
    pub models: Option<[ModelInfo; 2]>,
    pub progress: Vec<Progress>,
    pub agreement: Agreement,
    /// Per-model figures: empty while blinded.
    pub groups: Vec<GroupTally>,
    /// Whether blinding held: only after unblinding, and only when one model is the student.
    pub blinding: Vec<GuessTally>,
    pub contrast: Option<Contrast>,
    /// The analysis plan fixed at `study create` (latest version).
    pub plan: AnalysisPlan,
    /// Every recorded version of the plan, oldest first.
    pub plan_history: Vec<PlanRecord>,
    /// Where α came from: `study plan`, or a command-line override.
    pub alpha_source: String,
    /// Why figures are n/a when a computation failed (the error, not silence).
    pub notes: Vec<String>,
    /// Settings and provenance the methods paragraph cites.
    pub method: MethodInfo,
}

impl Tally {
    /// The display name of slot `i` (0 = A): `"aster (student)"`, or `"A"` while blinded.
    pub fn model_name(&self, i: usize) -> String {
        match &self.models {
            Some(m) => format!("{} ({})", m[i].name, m[i].role),
            None => ["A", "B"][i.min(1)].to_string(),
        }
    }

    /// The overall group, when there is one.
    pub fn overall(&self) -> Option<&GroupTally> {
        self.groups.iter().find(|g| g.by == "all")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_metric_is_na_not_nan() {
        let m = Metric::wilson(0, 0);
        assert_eq!(m.estimate, None);
        assert_eq!(m.percent(), "n/a");
        assert_eq!(Metric::wilson(1, 2).percent(), "50.0% [9.5, 90.5]");
    }
}
