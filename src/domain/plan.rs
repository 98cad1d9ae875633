//! The analysis plan a coordinator fixes at `study create`: how reviewer disagreements on a
//! binary outcome are analysed until adjudicated, the significance level, and the primary
//! outcomes. Changing it later is an audited event; a change after unblinding is flagged.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How a non-unanimous item outcome (reviewers disagree, nobody adjudicated) is analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum TieRule {
    /// Only unanimous (or adjudicated) items count; every disagreement is left out.
    Exclude,
    /// The outcome holds if any reviewer says it does (liberal: one reviewer's error counts).
    Any,
    /// The strict majority decides; an exact tie is left out.
    #[default]
    MajorityElseExclude,
}

impl TieRule {
    pub const ALL: [TieRule; 3] = [TieRule::Exclude, TieRule::Any, TieRule::MajorityElseExclude];

    pub fn as_str(self) -> &'static str {
        match self {
            TieRule::Exclude => "exclude",
            TieRule::Any => "any",
            TieRule::MajorityElseExclude => "majority-else-exclude",
        }
    }

    /// One sentence for the methods paragraph.
    pub fn describe(self) -> &'static str {
        match self {
            TieRule::Exclude => {
                "items on which the reviewers disagree are excluded from that outcome"
            }
            TieRule::Any => "an outcome is counted present if any reviewer marked it",
            TieRule::MajorityElseExclude => {
                "the strict majority of reviewers decides and exact ties are excluded"
            }
        }
    }
}

impl fmt::Display for TieRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TieRule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TieRule::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.as_str().replace('-', "_") == s)
            .ok_or_else(|| {
                format!("unknown tie rule {s:?} (expected exclude, any or majority-else-exclude)")
            })
    }
}

/// Outcomes that may be declared primary.
pub const PRIMARY_CHOICES: &[&str] = &[
    "answer_correct",
    "step_error_rate",
    "chain_error",
    "drift",
    "red_flag",
    "priority",
    "other",
    "red_flag_recognition",
    "top1",
    "mrr",
    "must_not_miss_coverage",
    "priority_inversions",
];

/// The plan: tie rule, α and primary outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisPlan {
    pub ties: TieRule,
    pub alpha: f64,
    pub primary: Vec<String>,
}

impl Default for AnalysisPlan {
    fn default() -> Self {
        Self {
            ties: TieRule::default(),
            alpha: 0.01,
            primary: vec!["answer_correct".into(), "step_error_rate".into()],
        }
    }
}

impl AnalysisPlan {
    /// Checks α and the primary outcome names.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(format!(
                "alpha must lie strictly between 0 and 1, got {}",
                self.alpha
            ));
        }
        if self.primary.is_empty() {
            return Err("at least one primary outcome is needed".into());
        }
        for p in &self.primary {
            if !PRIMARY_CHOICES.contains(&p.as_str()) {
                return Err(format!(
                    "unknown primary outcome {p:?} (choose from {})",
                    PRIMARY_CHOICES.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// One recorded version of a study's plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRecord {
    pub plan: AnalysisPlan,
    pub actor: String,
    pub reason: Option<String>,
    /// Recorded after the study was unblinded.
    pub after_unblinding: bool,
    pub created_at: String,
}
