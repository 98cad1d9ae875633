//! Actions: everything that can happen to the [`crate::tui::App`]. Intents come from keys
//! (via [`crate::tui::keymap`]) and the mouse; results come back from performed effects.
//! Plain data, no behaviour.

use crate::domain::{BlindItem, CaseVerdict, ErrorMode, EventId, ItemId, QueueEntry, ReviewCursor};
use crate::domain::{Severity, Side, StepLabel, StepVerdict, UndoneChange};

/// A value typed into a case-verdict form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// `y`: yes, or choose the option under the cursor.
    Yes,
    /// `n`: no.
    No,
    /// Space: toggle a yes/no cell, or choose the option under the cursor.
    Toggle,
    /// `t`: a tie (preferred side).
    Tie,
    /// `1`–`5`: a confidence level.
    Level(u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    // ---- lifecycle -------------------------------------------------------------------------
    /// Start the session: load the saved cursor, then the queue.
    Start,
    /// The runtime's clock in milliseconds since start, sent before each input so that
    /// `update` can measure time spent per step while staying pure.
    Tick(u64),
    /// The terminal is now this many columns and rows.
    Resize(u16, u16),
    /// Leave the program, saving where the reviewer is (Ctrl-c anywhere, `q` on the queue).
    Quit,
    /// Go back one level: review or form → queue (`q`).
    Back,
    /// Close whatever is open (Esc): help, popup, filter, note, form.
    Cancel,
    /// Show or hide the help screen (`?`).
    ToggleHelp,

    // ---- movement --------------------------------------------------------------------------
    /// Up one row / step / field (`k`, ↑).
    MoveUp,
    /// Down one row / step / field (`j`, ↓).
    MoveDown,
    /// To the left chain, or the form's column to the left (`h`, ←).
    MoveLeft,
    /// To the right chain, or the form's column to the right (`l`, →).
    MoveRight,
    /// To the first row / step (`g`, Home).
    MoveFirst,
    /// To the last row / step (`G`, End).
    MoveLast,
    /// Up one page in the queue or help; scroll the case panel up in review (PgUp, `[`).
    PageUp,
    /// Down one page; scroll the case panel down in review (PgDn, `]`).
    PageDown,
    /// Scroll the focused chain (or the queue, or help) by this many lines (mouse wheel).
    ScrollLines(i32),

    // ---- queue -----------------------------------------------------------------------------
    /// Open the selected queue item (Enter).
    OpenItem,
    /// Start typing a filter over the queue (`/`): words, and `status:done` and the like.
    StartFilter,
    /// Show only the next status: all → not started → in progress → done → all (`s`).
    CycleStatusFilter,

    // ---- text input (queue filter, step note) ------------------------------------------------
    /// A printable character typed into the open input.
    TextInput(char),
    /// Delete the last character of the open input (Backspace).
    TextBackspace,
    /// Accept the open input (Enter): save the note, or keep the filter and open the item.
    TextSubmit,
    /// Text pasted into the open input (bracketed paste, or a burst of keys that arrived
    /// together). Never a command: newlines and tabs become spaces.
    Paste(String),

    // ---- judging steps ---------------------------------------------------------------------
    /// Label the focused step (`1` sound, `2` neutral, `3` error, `0` abstain).
    JudgeStep(StepLabel),
    /// Toggle an error-mode tag on the focused step (`d`, `r`, `p`, `o`).
    ToggleTag(ErrorMode),
    /// Open the severity chooser for the focused error step (`s`).
    OpenSeverity,
    /// In the severity chooser: this severity (`1` minor, `2` major, `3` harmful, `0` none).
    ChooseSeverity(Option<Severity>),
    /// Open the one-line note input for the focused step (`c`).
    StartNote,
    /// Flag or unflag the focused step as a bad split (`b`).
    ToggleBadSplit,
    /// Undo the reviewer's last change to the open item (from the stored log, so also after
    /// a restart), as a new event (`u`).
    Undo,

    // ---- layout ----------------------------------------------------------------------------
    /// Switch the chains between side by side and stacked (`w`).
    ToggleLayout,
    /// Collapse or expand the case panel (`v`).
    ToggleCasePanel,

    // ---- case verdict form -----------------------------------------------------------------
    /// Open the case-verdict form, or go back from it to the steps (`f`, Tab).
    ToggleCaseForm,
    /// Set the focused form field.
    FormInput(FormKey),

    // ---- results of effects ----------------------------------------------------------------
    /// The saved cursor was read.
    CursorLoaded(Option<ReviewCursor>),
    /// The queue was read.
    QueueLoaded(Vec<QueueEntry>),
    /// An item was read.
    ItemLoaded(Box<BlindItem>),
    /// A step verdict is durable.
    StepVerdictSaved {
        item: ItemId,
        side: Side,
        step_index: usize,
        verdict: StepVerdict,
        event: EventId,
    },
    /// A case verdict is durable.
    CaseVerdictSaved {
        item: ItemId,
        verdict: CaseVerdict,
        event: EventId,
    },
    /// A save did not happen; `what` names it, `error` says why.
    SaveFailed { what: String, error: String },
    /// A save was refused because the verdict changed in another session since it was loaded
    /// (`what` names it); the item is reloaded.
    SaveStale { item: ItemId, what: String },
    /// An undo is durable (`None`: there was nothing to undo).
    Undone {
        item: ItemId,
        change: Option<UndoneChange>,
    },
    /// Demo feedback for the item just completed.
    FeedbackReady(Vec<String>),
    /// Any other effect failed (loading, saving the cursor).
    Failed(String),
}
