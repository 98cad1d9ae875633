//! Lab actions: intents from keys (through [`crate::lab::keymap`]) and results reported by
//! the runtime and the inference worker. Plain data, no behaviour.

use crate::domain::{CaseId, RunId};
use crate::lab::app::RunView;
use crate::storage::RunSummary;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // ---- lifecycle -------------------------------------------------------------------------
    /// The terminal is now this many columns and rows.
    Resize(u16, u16),
    /// Leave the lab (Ctrl-c anywhere; cancels a running batch first).
    Quit,
    /// Go back one screen (Esc).
    Back,

    // ---- picker ----------------------------------------------------------------------------
    /// Append a character to the fuzzy query.
    TypeQuery(char),
    /// Delete the last character of the query.
    EraseQuery,
    /// Move the cursor of the current list (picker, settings fields, runs, steps) by rows.
    MoveCursor(i32),
    /// Pick or unpick the case under the cursor (Tab / Space).
    TogglePick,
    /// Pick every case the query matches (Ctrl-a).
    PickAllMatches,
    /// Unpick every case (Ctrl-x).
    ClearPicks,
    /// Go on to the settings with the picked cases (Enter).
    OpenSettings,

    // ---- settings --------------------------------------------------------------------------
    /// Choose the previous/next model (←/→ on the model field).
    CycleModel(i32),
    /// Type a character into the focused settings field.
    TypeField(char),
    /// Delete the last character of the focused settings field.
    EraseField,
    /// Start the run on the picked cases with these settings (Enter).
    StartRun,

    // ---- running ---------------------------------------------------------------------------
    /// Stop the running batch: the case in progress is dropped, finished ones stay saved (`c`).
    CancelRun,

    // ---- runs and the raw-vs-stripped view -------------------------------------------------
    /// Show the stored runs (Ctrl-r on the picker, `r` after a batch).
    ShowRuns,
    /// Open the run under the cursor raw beside its stripped chain (Enter).
    OpenRun,

    // ---- results from the worker -----------------------------------------------------------
    /// The worker is loading the model (this can take seconds).
    ModelLoading { model: String },
    /// The model is ready; `identity` is a one-line description (format, quantisation, device).
    ModelLoaded { identity: String },
    /// Generation of `case` started.
    CaseStarted { case: CaseId },
    /// A piece of text generated for `case`.
    Token { case: CaseId, text: String },
    /// Live speed of the case in progress.
    Progress {
        case: CaseId,
        tokens: u64,
        tokens_per_second: f64,
    },
    /// `case` finished and its run (and chain) is stored.
    RunFinished {
        case: CaseId,
        run_id: RunId,
        tokens_per_second: f64,
    },
    /// `case` could not be generated or stored.
    RunFailed { case: CaseId, error: String },
    /// The batch stopped on request; `case` was in progress and is not stored.
    Cancelled { case: Option<CaseId> },
    /// The worker is done with the batch (after its last result).
    BatchFinished,

    // ---- results from the runtime ----------------------------------------------------------
    /// The stored runs, for the runs list.
    RunsLoaded(Vec<RunSummary>),
    /// One run with its latest chain, for the raw-vs-stripped view.
    RunOpened(Box<RunView>),
    /// Something the runtime tried failed; shown in the status line.
    Failed(String),
}
