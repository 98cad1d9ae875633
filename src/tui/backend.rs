//! The storage-facing boundary of the TUI: a trait the runtime and the replay driver perform
//! effects against. It knows no SQL; the storage layer implements it with a study and a
//! reviewer bound in. Everything it hands the screens is blinded by type.

use crate::domain::{
    BlindItem, CaseVerdict, EventId, ItemId, QueueEntry, ReviewCursor, Side, StepVerdict,
    UndoneChange,
};

/// The error a backend returns (inside its `anyhow::Error`) when a save is refused because
/// the verdict it was based on is no longer the current one: it changed in another session.
/// The screen then reloads the item and says so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} changed in another session")]
pub struct StaleSave {
    pub what: String,
}

/// What the review screens need from storage, for one reviewer in one study.
pub trait ReviewBackend {
    /// The reviewer's queue, in their shuffled order.
    fn queue(&mut self) -> anyhow::Result<Vec<QueueEntry>>;
    /// One item with this reviewer's current verdicts.
    fn load_item(&mut self, item: ItemId) -> anyhow::Result<BlindItem>;
    /// Append a step-verdict event based on the event `base` (the one the screen loaded or
    /// last saved for this step; `None`: never judged); return only once it is durable.
    /// Refuse with [`StaleSave`] when the step's current event is another.
    fn save_step_verdict(
        &mut self,
        item: ItemId,
        side: Side,
        step_index: usize,
        verdict: &StepVerdict,
        base: Option<EventId>,
        ms_spent: u64,
    ) -> anyhow::Result<EventId>;
    /// Append a case-verdict event based on `base`, as for steps.
    fn save_case_verdict(
        &mut self,
        item: ItemId,
        verdict: &CaseVerdict,
        base: Option<EventId>,
        ms_spent: u64,
    ) -> anyhow::Result<EventId>;
    /// Undo the reviewer's last change to `item` (from the stored log of changes, so it
    /// works after a restart), as a new event; `None` when nothing is left to undo.
    fn undo_last(&mut self, item: ItemId) -> anyhow::Result<Option<UndoneChange>>;
    /// Where the reviewer was when they last stopped.
    fn load_cursor(&mut self) -> anyhow::Result<Option<ReviewCursor>>;
    fn save_cursor(&mut self, cursor: &ReviewCursor) -> anyhow::Result<()>;
    /// Demo/training feedback for a completed item (lines to show in a popup); None outside the demo.
    fn feedback(&mut self, item: &BlindItem) -> anyhow::Result<Option<Vec<String>>>;
}

/// How the interactive TUI starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TuiOptions {
    /// Draw without colour (symbols and text carry every meaning). Set from `NO_COLOR`.
    pub no_color: bool,
    /// Capture the mouse (wheel scrolling). On by default in [`TuiOptions::from_env`].
    pub mouse: bool,
}

impl TuiOptions {
    /// Options from the environment: `NO_COLOR` (any non-empty value) turns colour off.
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            no_color,
            mouse: true,
        }
    }
}
