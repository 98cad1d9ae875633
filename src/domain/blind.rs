//! What a reviewer's screen receives. These types have no model, run, timing
//! or token field by construction: a leak of model identity into the review
//! screens must fail to compile, not merely fail a test.

use super::case::Case;
use super::ids::{CaseId, EventId, ItemId};
use super::verdict::{CaseVerdict, StepVerdict};
use serde::Serialize;

/// A chain as shown on one side: step texts and the extracted answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlindChain {
    pub steps: Vec<BlindStep>,
    /// The extracted final answer, one line.
    pub answer: Option<String>,
    /// The ranked differential, when the chain has one.
    pub differential: Vec<String>,
    /// Generation was cut off; the screen says so at the chain's end, in the
    /// same words on either side.
    pub cut_off: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlindStep {
    pub text: String,
}

/// One item of one reviewer's queue, as the review screen sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlindItem {
    pub item: ItemId,
    /// 0-based position in this reviewer's queue.
    pub position: u32,
    pub case: Case,
    /// `[left, right]`.
    pub chains: [BlindChain; 2],
    /// This reviewer's current verdicts, `[left, right]`, one per step.
    pub verdicts: [Vec<StepVerdict>; 2],
    pub case_verdict: CaseVerdict,
    /// The events the verdicts above were read from, so a save can say what it was based on.
    pub events: VerdictEvents,
}

/// The latest event behind each of a reviewer's current verdicts on one item (`None`: never
/// judged). A save carries the event it was based on; the store refuses it when the current
/// event is another (the verdict changed in another session meanwhile).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct VerdictEvents {
    /// `[left, right]`, one per step.
    pub steps: [Vec<Option<EventId>>; 2],
    pub case: Option<EventId>,
}

impl VerdictEvents {
    pub fn step(&self, side: super::enums::Side, step: usize) -> Option<EventId> {
        self.steps[side.index()].get(step).copied().flatten()
    }

    pub fn set_step(&mut self, side: super::enums::Side, step: usize, event: EventId) {
        let list = &mut self.steps[side.index()];
        if list.len() <= step {
            list.resize(step + 1, None);
        }
        list[step] = Some(event);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ItemStatus {
    NotStarted,
    InProgress,
    Done,
}

/// One row of a reviewer's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueEntry {
    pub item: ItemId,
    pub position: u32,
    pub case_id: CaseId,
    pub title: String,
    pub specialty: String,
    pub steps_total: usize,
    pub steps_judged: usize,
    pub case_verdict_complete: bool,
    /// The case's question, options and vignette, for the queue's search (case text only).
    pub search_text: String,
}

impl QueueEntry {
    pub fn status(&self) -> ItemStatus {
        if self.steps_judged == 0 && !self.case_verdict_complete {
            ItemStatus::NotStarted
        } else if self.steps_judged >= self.steps_total && self.case_verdict_complete {
            ItemStatus::Done
        } else {
            ItemStatus::InProgress
        }
    }
}

/// Where a reviewer was, so that reopening resumes exactly there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ReviewCursor {
    /// The open item, or `None` when the reviewer was on the queue.
    pub item: Option<ItemId>,
    pub side: super::enums::Side,
    pub step: usize,
}
