//! The storage-facing boundary of the TUI: a trait the runtime and the replay driver perform
//! effects against. It knows no SQL; the storage layer implements it with a study and a
//! reviewer bound in. Everything it hands the screens is blinded by type.

use crate::domain::{
    BlindItem, CaseVerdict, EventId, ItemId, QueueEntry, ReviewCursor, Side, StepVerdict,
};

/// What the review screens need from storage, for one reviewer in one study.
pub trait ReviewBackend {
    /// The reviewer's queue, in their shuffled order.
    fn queue(&mut self) -> anyhow::Result<Vec<QueueEntry>>;
    /// One item with this reviewer's current verdicts.
    fn load_item(&mut self, item: ItemId) -> anyhow::Result<BlindItem>;
    /// Append a step-verdict event; return only once it is durable.
    fn save_step_verdict(
        &mut self,
        item: ItemId,
        side: Side,
        step_index: usize,
        verdict: &StepVerdict,
        ms_spent: u64,
    ) -> anyhow::Result<EventId>;
    /// Append a case-verdict event; return only once it is durable.
    fn save_case_verdict(
        &mut self,
        item: ItemId,
        verdict: &CaseVerdict,
        ms_spent: u64,
    ) -> anyhow::Result<EventId>;
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
