//! A study: a named blind comparison of two models on a set of cases.

use super::enums::Side;
use super::ids::{ItemId, ModelId, ReviewerId, StudyId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Study {
    pub id: StudyId,
    pub name: String,
    pub model_a: ModelId,
    pub model_b: ModelId,
    pub seed: u64,
    pub overlap: u32,
    pub created_at: String,
    /// Set once, by `study unblind`.
    pub unblinded_at: Option<String>,
}

/// One reviewer's assignment to one item: where it sits in their queue and
/// which side model A is drawn on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub item: ItemId,
    pub reviewer: ReviewerId,
    /// 0-based position in the reviewer's shuffled queue.
    pub position: u32,
    pub a_side: Side,
}
