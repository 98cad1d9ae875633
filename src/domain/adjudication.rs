//! What an adjudicator's screen receives: the case, both chains by side, and the disputed
//! outcomes with reviewers numbered, never named. No model, run, timing or reviewer field.

use super::enums::Side;
use super::ids::ItemId;

/// One disputed outcome as the adjudicator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeView {
    /// The outcome key (`answer_correct`, `chain_error`, `mode:drift`, `red_flag:0`,
    /// `acted_on:0`).
    pub outcome: String,
    /// The question in plain words.
    pub question: String,
    pub side: Side,
    /// `(reviewer number from 1, vote)`.
    pub votes: Vec<(usize, bool)>,
    /// The current adjudication (by anyone), if any.
    pub decided: Option<bool>,
}

/// One step on which the reviewers' labels differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDisagreement {
    pub side: Side,
    /// 0-based.
    pub step: usize,
    /// `(reviewer number, label text)`.
    pub labels: Vec<(usize, String)>,
}

/// One item of the queue, blind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjudicationItem {
    pub item: ItemId,
    pub title: String,
    pub vignette: String,
    pub question: String,
    pub gold: String,
    /// Step texts `[left, right]`.
    pub chains: [Vec<String>; 2],
    pub disputes: Vec<DisputeView>,
    pub steps: Vec<StepDisagreement>,
    /// How many reviewers judged the item.
    pub reviewers: usize,
}
