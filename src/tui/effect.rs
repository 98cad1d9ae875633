//! Effects: requests for I/O that `update` returns and the runtime (or the replay driver)
//! performs against a [`crate::tui::ReviewBackend`]. Plain data; performing them is
//! [`crate::tui::executor`]'s job.

use crate::domain::{BlindItem, CaseVerdict, EventId, ItemId, ReviewCursor, Side, StepVerdict};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read where the reviewer last stopped (answered by `CursorLoaded`).
    LoadCursor,
    /// Read the queue (answered by `QueueLoaded`).
    LoadQueue,
    /// Read one item (answered by `ItemLoaded`).
    LoadItem(ItemId),
    /// Append a step-verdict event based on the event `base` the screen showed (answered by
    /// `StepVerdictSaved`, `SaveStale` or `SaveFailed`).
    SaveStepVerdict {
        item: ItemId,
        side: Side,
        step_index: usize,
        verdict: StepVerdict,
        base: Option<EventId>,
        ms_spent: u64,
    },
    /// Append a case-verdict event based on `base` (answered like a step save).
    SaveCaseVerdict {
        item: ItemId,
        verdict: CaseVerdict,
        base: Option<EventId>,
        ms_spent: u64,
    },
    /// Undo the reviewer's last change to the item (answered by `Undone` or `SaveFailed`).
    Undo(ItemId),
    /// Remember where the reviewer is.
    SaveCursor(ReviewCursor),
    /// The item just became done; ask for demo feedback (answered by `FeedbackReady`, if any).
    ItemCompleted(Box<BlindItem>),
    /// Leave the program (after the effects before it).
    Quit,
}
