//! Effects: requests for I/O that `update` returns and the runtime (or the replay driver)
//! performs against a [`crate::tui::ReviewBackend`]. Plain data; performing them is
//! [`crate::tui::executor`]'s job.

use crate::domain::{BlindItem, CaseVerdict, ItemId, ReviewCursor, Side, StepVerdict};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read where the reviewer last stopped (answered by `CursorLoaded`).
    LoadCursor,
    /// Read the queue (answered by `QueueLoaded`).
    LoadQueue,
    /// Read one item (answered by `ItemLoaded`).
    LoadItem(ItemId),
    /// Append a step-verdict event (answered by `StepVerdictSaved` or `SaveFailed`).
    SaveStepVerdict {
        item: ItemId,
        side: Side,
        step_index: usize,
        verdict: StepVerdict,
        ms_spent: u64,
    },
    /// Append a case-verdict event (answered by `CaseVerdictSaved` or `SaveFailed`).
    SaveCaseVerdict {
        item: ItemId,
        verdict: CaseVerdict,
        ms_spent: u64,
    },
    /// Remember where the reviewer is.
    SaveCursor(ReviewCursor),
    /// The item just became done; ask for demo feedback (answered by `FeedbackReady`, if any).
    ItemCompleted(Box<BlindItem>),
    /// Leave the program (after the effects before it).
    Quit,
}
