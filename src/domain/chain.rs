//! A chain: a run's reasoning after style stripping and segmentation, with the
//! byte spans of the raw output every step came from.

use serde::{Deserialize, Serialize};

/// Which raw field of a run a span points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawField {
    /// The main output text (`output`, `completion`, `content`).
    Output,
    /// A separate reasoning field (`reasoning_content`, `thinking_process`).
    Reasoning,
}

/// A half-open byte range `[start, end)` of one raw field, on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub field: RawField,
    pub start: usize,
    pub end: usize,
}

/// One judgeable step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// 0-based position in the chain.
    pub index: usize,
    /// Style-stripped display text.
    pub text: String,
    /// Raw spans the text came from, in order.
    pub spans: Vec<Span>,
    /// Raw spans of near-duplicate repeats collapsed into this step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<Span>,
}

/// The extracted final answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum FinalAnswer {
    /// An option letter (`"B"`); yes/no/maybe questions map to their letter when options are known.
    Letter(String),
    /// yes / no / maybe, when no option letters are known.
    YesNoMaybe(String),
    /// Ranked differential, most likely first.
    Differential(Vec<String>),
    /// Free text that is none of the above.
    Text(String),
}

impl FinalAnswer {
    /// A short one-line form for screens and CSVs.
    pub fn display(&self) -> String {
        match self {
            FinalAnswer::Letter(l) => l.clone(),
            FinalAnswer::YesNoMaybe(s) | FinalAnswer::Text(s) => s.clone(),
            FinalAnswer::Differential(d) => d
                .iter()
                .enumerate()
                .map(|(i, x)| format!("{}. {x}", i + 1))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// What became of a chain's final answer. Kept apart everywhere (chain,
/// `runs show`, tally, exports): only a given answer can be right or wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerOutcome {
    /// An answer was found.
    Given,
    /// The output is complete but states no answer.
    #[default]
    None,
    /// The output was cut off before an answer.
    Truncated,
}

impl AnswerOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerOutcome::Given => "given",
            AnswerOutcome::None => "none",
            AnswerOutcome::Truncated => "truncated",
        }
    }

    pub fn parse(s: &str) -> Option<AnswerOutcome> {
        match s {
            "given" => Some(AnswerOutcome::Given),
            "none" => Some(AnswerOutcome::None),
            "truncated" => Some(AnswerOutcome::Truncated),
            _ => None,
        }
    }

    /// The outcome of an answer and a truncation flag: an answer found is
    /// given even in a cut-off output; no answer in a cut-off output is
    /// truncated.
    pub fn of(answer: Option<&FinalAnswer>, truncated: bool) -> AnswerOutcome {
        match (answer, truncated) {
            (Some(_), _) => AnswerOutcome::Given,
            (None, true) => AnswerOutcome::Truncated,
            (None, false) => AnswerOutcome::None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    pub steps: Vec<Step>,
    pub answer: Option<FinalAnswer>,
    /// True when generation was cut off: an unclosed `<think>`, a stop at
    /// the token limit or a full context.
    pub truncated: bool,
    /// The stripper/segmenter version that made this chain.
    pub stripper_version: String,
    /// Given, none given, or cut off before an answer.
    #[serde(default)]
    pub outcome: AnswerOutcome,
    /// The final answer contradicts the conclusion the reasoning reached
    /// (the final letter is kept as the answer).
    #[serde(default)]
    pub conflict: bool,
    /// How many sentence-steps went into [`Chain::steps`] (before grouping
    /// and the step budget); 0 when unknown (chains older than strip-4).
    #[serde(default)]
    pub sentences: usize,
}

impl Chain {
    /// A chain with the outcome derived from `answer` and `truncated`, no
    /// conflict, and one sentence per step.
    pub fn new(
        steps: Vec<Step>,
        answer: Option<FinalAnswer>,
        truncated: bool,
        stripper_version: String,
    ) -> Chain {
        Chain {
            outcome: AnswerOutcome::of(answer.as_ref(), truncated),
            sentences: steps.len(),
            steps,
            answer,
            truncated,
            stripper_version,
            conflict: false,
        }
    }
}
