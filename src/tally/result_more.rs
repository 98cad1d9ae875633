//! The newer parts of a tally's result: rank-aware scores, calibration, paired permutation
//! tests, disputed outcomes, style control, pairwise agreement and method provenance.
//!
//! Must not: compute anything; plain serialisable values, `None` (with a reason) never NaN.

use super::metric::{Ci, Metric};
use serde::Serialize;

/// A mean (or ratio of sums) over items with a cluster-bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Estimate {
    pub value: Option<f64>,
    pub ci: Option<Ci>,
    /// Items it rests on.
    pub items: u64,
}

impl Estimate {
    /// `"0.625 [0.400, 0.850] (n=8)"`, or `"n/a (no item)"`.
    pub fn text(&self, digits: usize) -> String {
        match self.value {
            Some(v) => {
                let ci = self.ci.map_or(String::new(), |c| {
                    format!(" [{:.digits$}, {:.digits$}]", c.lo, c.hi)
                });
                format!("{v:.digits$}{ci} (n={})", self.items)
            }
            None => "n/a (no differential item with an answer)".into(),
        }
    }
}

/// Rank-aware scoring of a side's differential (issue 15); only items whose chain gave a
/// ranked list count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct RankTally {
    /// Mean reciprocal rank of the gold diagnosis (0 when absent from the list).
    pub mrr: Estimate,
    /// Gold diagnosis ranked first.
    pub top1: Metric,
    /// Must-not-miss diagnoses in the side's top 5 / must-not-miss diagnoses (ratio of sums
    /// over items with at least one).
    pub must_not_miss: Estimate,
    /// Priority inversions per item: pairs (x above must-not-miss y) that the case's
    /// priority order puts the other way round.
    pub inversions: Estimate,
}

/// One reliability-table bin.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityBin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
    pub mean_confidence: Option<f64>,
    pub accuracy: Option<f64>,
}

/// Calibration of the top option's probability against correctness (MCQ items whose run
/// carries option probabilities).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationTally {
    pub items: usize,
    /// Expected calibration error, 10 equal-width bins.
    pub ece: Option<f64>,
    pub brier: Option<f64>,
    pub bins: Vec<ReliabilityBin>,
}

/// A paired permutation test of a per-item measure, A − B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedMeasure {
    /// `step_error_rate`, `reciprocal_rank`, `must_not_miss_coverage`, `priority_inversions`.
    pub metric: String,
    pub pairs: u64,
    pub nonzero: u64,
    /// Mean of A − B over the pairs.
    pub mean_difference: f64,
    pub p_value: f64,
    /// Exact enumeration (else Monte Carlo).
    pub exact: bool,
    pub significant: bool,
    /// Declared primary in the study plan.
    pub primary: bool,
}

/// How one binary outcome's reviewer disagreements were handled, per slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolutionRow {
    /// `answer_correct`, `chain_error`, `mode:drift`, `red_flag` (every flag recognised,
    /// together), `acted_on` (every flag acted on, together).
    pub outcome: String,
    /// `A` or `B`.
    pub slot: String,
    /// Item outcomes with a value from at least two reviewers.
    pub multi_rated: u64,
    /// Of those, reviewers disagreed and no adjudication exists.
    pub unresolved: u64,
    /// Settled by an adjudicator.
    pub adjudicated: u64,
    /// Left out by the tie rule.
    pub excluded: u64,
}

/// One coefficient of interest with and without the style covariates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StyleEffect {
    /// Log-odds (model B vs A for step error; preference for A's side otherwise).
    pub estimate: f64,
    pub se: f64,
    pub p_value: f64,
}

/// A fitted pair of logistic models, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StyleFit {
    /// What the effect means.
    pub effect: String,
    pub observations: usize,
    pub clusters: usize,
    pub without_covariates: Option<StyleEffect>,
    pub with_covariates: Option<StyleEffect>,
    /// Why a fit is missing.
    pub why_na: Option<String>,
    /// Covariate names and their log-odds in the adjusted model.
    pub covariates: Vec<(String, StyleEffect)>,
}

/// Style control (Chatbot-Arena-style): does chain style explain the model difference?
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StyleControl {
    pub step_error: StyleFit,
    /// Side preference, ties excluded (counted in `preference_ties`): a binary logit.
    pub preference: StyleFit,
    pub preference_ties: u64,
}

/// Cohen's κ for one reviewer pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairKappa {
    pub a: String,
    pub b: String,
    /// Steps both judged.
    pub units: usize,
    pub kappa: Option<f64>,
    pub why_na: Option<String>,
}

/// Agreement on one facet (a tag, severity).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacetAgreement {
    pub facet: String,
    pub units: usize,
    pub percent: Option<f64>,
    pub krippendorff: Option<f64>,
    pub krippendorff_ci: Option<Ci>,
    pub why_na: Option<String>,
}

/// What the methods paragraph cites.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MethodInfo {
    pub replicates: usize,
    pub seed: u64,
    pub level: f64,
    pub stripper_versions: Vec<String>,
    pub software: String,
    /// Items in the study and reviewers.
    pub items: usize,
    pub reviewers: usize,
}
