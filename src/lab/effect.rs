//! Lab effects: requests for I/O that `update` returns; the runtime performs them (reads
//! through its own store, runs through the worker) and feeds the results back as actions.
//! Plain data.

use crate::domain::{Case, Model, RunId};
use crate::lab::settings::RunSettings;

/// Everything the worker needs to run one batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRequest {
    pub model: Model,
    pub cases: Vec<Case>,
    pub settings: RunSettings,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Hand a batch to the worker (answered by its stream of actions).
    StartBatch(Box<BatchRequest>),
    /// Ask the worker to stop (answered by `Cancelled`).
    CancelBatch,
    /// Read the stored runs (answered by `RunsLoaded`).
    LoadRuns,
    /// Read one run and its latest chain (answered by `RunOpened`).
    OpenRun(RunId),
    /// Leave the lab.
    Quit,
}
