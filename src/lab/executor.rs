//! Performs lab effects: reads through the runtime's own [`Store`] connection and hands
//! batches to the [`Worker`]. Shared by the terminal runtime and the tests. Must not block
//! on inference: batches only go onto the worker's queue.

use crate::lab::action::Action;
use crate::lab::app::RunView;
use crate::lab::effect::Effect;
use crate::lab::worker::Worker;
use crate::storage::Store;

/// Perform one effect; the action that reports its result, if any. `Quit` does nothing here.
pub fn perform(store: &Store, worker: &Worker, effect: Effect) -> Option<Action> {
    match effect {
        Effect::StartBatch(req) => worker
            .submit(*req)
            .err()
            .map(|e| Action::Failed(format!("starting the batch: {e}"))),
        Effect::CancelBatch => {
            worker.cancel();
            None
        }
        Effect::LoadRuns => Some(match store.list_runs(None, None) {
            Ok(rows) => Action::RunsLoaded(rows),
            Err(e) => Action::Failed(format!("listing runs: {e}")),
        }),
        Effect::OpenRun(id) => Some(match open_run(store, id) {
            Ok(v) => Action::RunOpened(Box::new(v)),
            Err(e) => Action::Failed(format!("opening run {id}: {e}")),
        }),
        Effect::Quit => None,
    }
}

fn open_run(
    store: &Store,
    id: crate::domain::RunId,
) -> Result<RunView, crate::storage::StoreError> {
    let run = store.run(id)?;
    let chain = match store.latest_chain_of_run(id)? {
        Some(c) => Some(store.chain(c)?),
        None => None,
    };
    Ok(RunView { run, chain })
}
