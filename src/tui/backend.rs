//! The storage-facing boundary of the TUI: a trait the runtime and the replay driver perform
//! effects against. It knows no SQL; the storage layer implements it with a study and a
//! reviewer bound in. Everything it hands the screens is blinded by type.

use crate::domain::{
    BlindItem, CaseVerdict, EventId, ItemId, QueueEntry, ReviewCursor, Side, StepVerdict,
    UndoneChange,
};
use crate::storage::StoreError;

/// Why a backend could not do what a screen asked. The screens show it in the status line
/// (with its causes, [`crate::primitives::error_chain::error_chain`]); a [`BackendError::Stale`]
/// save instead reloads the item and says so.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// A save refused because the verdict it was based on is no longer the current one: it
    /// changed in another session. Nothing was written.
    #[error("{what} changed in another session")]
    Stale { what: String },
    /// The backend declines the request; the message says why (the study takes no more
    /// verdicts, the reviewer is not one of the study's, the store is busy).
    #[error("{0}")]
    Refused(String),
    /// Something the request needs is not there (an item, a step, an assignment).
    #[error("{0}")]
    Missing(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BackendError {
    /// Whether a save was refused as stale (the screen reloads instead of failing).
    pub fn is_stale(&self) -> bool {
        matches!(self, BackendError::Stale { .. })
    }
}

/// What a backend's calls return.
pub type BackendResult<T> = Result<T, BackendError>;

/// What the review screens need from storage, for one reviewer in one study.
pub trait ReviewBackend {
    /// The reviewer's queue, in their shuffled order.
    fn queue(&mut self) -> BackendResult<Vec<QueueEntry>>;
    /// One item with this reviewer's current verdicts.
    fn load_item(&mut self, item: ItemId) -> BackendResult<BlindItem>;
    /// Append a step-verdict event based on the event `base` (the one the screen loaded or
    /// last saved for this step; `None`: never judged); return only once it is durable.
    /// Refuse with [`BackendError::Stale`] when the step's current event is another.
    fn save_step_verdict(
        &mut self,
        item: ItemId,
        side: Side,
        step_index: usize,
        verdict: &StepVerdict,
        base: Option<EventId>,
        ms_spent: u64,
    ) -> BackendResult<EventId>;
    /// Append a case-verdict event based on `base`, as for steps.
    fn save_case_verdict(
        &mut self,
        item: ItemId,
        verdict: &CaseVerdict,
        base: Option<EventId>,
        ms_spent: u64,
    ) -> BackendResult<EventId>;
    /// Undo the reviewer's last change to `item` (from the stored log of changes, so it
    /// works after a restart), as a new event; `None` when nothing is left to undo.
    fn undo_last(&mut self, item: ItemId) -> BackendResult<Option<UndoneChange>>;
    /// Where the reviewer was when they last stopped.
    fn load_cursor(&mut self) -> BackendResult<Option<ReviewCursor>>;
    fn save_cursor(&mut self, cursor: &ReviewCursor) -> BackendResult<()>;
    /// Demo/training feedback for a completed item (lines to show in a popup); None outside the demo.
    fn feedback(&mut self, item: &BlindItem) -> BackendResult<Option<Vec<String>>>;
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
