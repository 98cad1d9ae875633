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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    pub steps: Vec<Step>,
    pub answer: Option<FinalAnswer>,
    /// True when generation was cut off (e.g. an unclosed `<think>`).
    pub truncated: bool,
    /// The stripper/segmenter version that made this chain.
    pub stripper_version: String,
}
