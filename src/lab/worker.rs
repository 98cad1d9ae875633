//! The inference worker: a thread that owns the [`Generator`] (loaded once, reused while the
//! model and settings stay the same) and its own [`Store`] connection for writing runs, runs
//! one batch at a time, and reports everything back as [`Action`]s over a channel. A case is
//! stored only when its generation finished; a cancelled case stores nothing. Must not
//! touch the terminal or the UI state.

use crate::domain::Model;
use crate::domain::{Case, CaseId, ModelId, RunId};
use crate::inference::{DeviceChoice, Generation, Generator};
use crate::lab::action::Action;
use crate::lab::effect::BatchRequest;
use crate::lab::engine::describe;
use crate::lab::settings::RunSettings;
use crate::primitives::error_chain::error_chain;
use crate::storage::Store;
use crate::workflow::generation::{
    BatchSpec, CaseError, Engine, GenerationSink, OpenError, run_batch,
};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Loads the generator of a batch. The runtime passes [`crate::lab::engine::load_generator`];
/// tests pass a fake.
pub type Loader =
    Box<dyn FnMut(&Model, &RunSettings) -> Result<Box<dyn Generator>, OpenError> + Send>;

/// How often the worker reports live speed while a case generates.
const PROGRESS_EVERY: Duration = Duration::from_millis(150);

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("the inference worker has stopped")]
    Stopped,
    #[error("starting the inference worker thread: {0}")]
    Spawn(std::io::Error),
}

/// What the worker got back on a poll.
#[derive(Debug, Clone, PartialEq)]
pub enum Poll {
    Action(Action),
    Empty,
    /// The thread is gone (it panicked, or the worker was dropped).
    Stopped,
}

/// The handle the runtime keeps: send batches, cancel, receive actions.
pub struct Worker {
    jobs: Option<Sender<BatchRequest>>,
    events: Receiver<Action>,
    cancel: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Start the worker thread; it opens the database at `db` for writing on its first batch.
    /// `template` is the prompt template text (Jinja).
    pub fn spawn(db: PathBuf, template: String, loader: Loader) -> Result<Worker, WorkerError> {
        let (job_tx, job_rx) = channel::<BatchRequest>();
        let (tx, rx) = channel::<Action>();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = cancel.clone();
        let handle = std::thread::Builder::new()
            .name("blindstep-lab-worker".into())
            .spawn(move || {
                let mut state = WorkerState {
                    db,
                    template,
                    loader,
                    store: None,
                    loaded: None,
                    tx,
                    cancel: flag,
                };
                while let Ok(job) = job_rx.recv() {
                    state.run_batch(job);
                    if state.tx.send(Action::BatchFinished).is_err() {
                        break;
                    }
                }
            })
            .map_err(WorkerError::Spawn)?;
        Ok(Worker {
            jobs: Some(job_tx),
            events: rx,
            cancel,
            handle: Some(handle),
        })
    }

    /// Queue a batch (the cancel flag is cleared first, so a cancel never leaks into it).
    pub fn submit(&self, request: BatchRequest) -> Result<(), WorkerError> {
        self.cancel.store(false, Ordering::SeqCst);
        self.jobs
            .as_ref()
            .ok_or(WorkerError::Stopped)?
            .send(request)
            .map_err(|_| WorkerError::Stopped)
    }

    /// Ask the running batch to stop at the next token.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Stop: cancel what runs, close the job queue, and wait up to `grace` for the thread.
    /// A thread still busy after that (a long prefill or model load checks no flag) is left
    /// to die with the process: a run is saved in one transaction, so nothing half-written
    /// can remain. Returns true when the thread ended in time.
    pub fn shutdown(mut self, grace: Duration) -> bool {
        self.cancel();
        self.jobs = None;
        let deadline = Instant::now() + grace;
        while self.handle.as_ref().is_some_and(|h| !h.is_finished()) {
            if Instant::now() >= deadline {
                self.handle = None; // detach
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        true
    }

    /// The next reported action, without waiting.
    pub fn poll(&self) -> Poll {
        match self.events.try_recv() {
            Ok(a) => Poll::Action(a),
            Err(TryRecvError::Empty) => Poll::Empty,
            Err(TryRecvError::Disconnected) => Poll::Stopped,
        }
    }

    /// The next reported action, waiting at most `timeout`.
    pub fn wait(&self, timeout: Duration) -> Poll {
        match self.events.recv_timeout(timeout) {
            Ok(a) => Poll::Action(a),
            Err(RecvTimeoutError::Timeout) => Poll::Empty,
            Err(RecvTimeoutError::Disconnected) => Poll::Stopped,
        }
    }
}

impl Drop for Worker {
    /// Cancel whatever runs, close the job channel and wait for the thread, so a case in
    /// progress is never half-written when the lab exits.
    fn drop(&mut self) {
        self.cancel();
        self.jobs = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// What a loaded generator was loaded for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LoadKey {
    model: ModelId,
    threads: usize,
    device: DeviceChoice,
}

struct WorkerState {
    db: PathBuf,
    template: String,
    loader: Loader,
    store: Option<Store>,
    loaded: Option<(LoadKey, Engine)>,
    tx: Sender<Action>,
    cancel: Arc<AtomicBool>,
}

impl WorkerState {
    fn send(&self, a: Action) {
        // A closed channel means the UI is gone; the cancel flag stops the batch then.
        if self.tx.send(a).is_err() {
            self.cancel.store(true, Ordering::SeqCst);
        }
    }

    fn fail_all(&self, cases: &[CaseId], error: &str) {
        for case in cases {
            self.send(Action::RunFailed {
                case: case.clone(),
                error: error.to_string(),
            });
        }
    }

    fn run_batch(&mut self, job: BatchRequest) {
        let ids: Vec<CaseId> = job.cases.iter().map(|c| c.id.clone()).collect();
        if self.store.is_none() {
            match Store::open(&self.db) {
                Ok(s) => self.store = Some(s),
                Err(e) => {
                    return self.fail_all(
                        &ids,
                        &format!("opening {} for writing: {e}", self.db.display()),
                    );
                }
            }
        }
        let key = LoadKey {
            model: job.model.id,
            threads: job.settings.threads,
            device: job.settings.device,
        };
        if self.loaded.as_ref().is_none_or(|(k, _)| *k != key) {
            self.loaded = None; // free the old weights before loading new ones
            self.send(Action::ModelLoading {
                model: job.model.name.clone(),
            });
            match (self.loader)(&job.model, &job.settings) {
                Ok(g) => self.loaded = Some((key, Engine::Sequential(g))),
                Err(e) => return self.fail_all(&ids, &error_chain(&e)),
            }
        }
        let Some((_, engine)) = self.loaded.as_mut() else {
            return;
        };
        let _ = self.tx.send(Action::ModelLoaded {
            identity: describe(engine.identity()),
        });
        let Some(store) = self.store.as_mut() else {
            return self.fail_all(&ids, "the database is not open");
        };
        let spec = BatchSpec {
            model: &job.model,
            cfg: &job.settings.cfg,
            template: &self.template,
            via: "lab",
            max_steps: crate::strip::DEFAULT_MAX_STEPS,
        };
        let mut sink = LabSink {
            tx: &self.tx,
            cancel: &self.cancel,
            pieces: 0,
            first: None,
            last_report: Instant::now(),
        };
        run_batch(engine, store, &spec, &job.cases, &mut sink);
    }
}

/// The lab's front end of a batch: every event becomes an [`Action`] for the screen, with
/// the live speed every [`PROGRESS_EVERY`]; the cancel flag (or a closed channel) stops.
struct LabSink<'a> {
    tx: &'a Sender<Action>,
    cancel: &'a AtomicBool,
    pieces: u64,
    first: Option<Instant>,
    last_report: Instant,
}

impl LabSink<'_> {
    fn send(&self, a: Action) {
        // A closed channel means the UI is gone; the cancel flag stops the batch then.
        if self.tx.send(a).is_err() {
            self.cancel.store(true, Ordering::SeqCst);
        }
    }
}

impl GenerationSink for LabSink<'_> {
    fn stop_requested(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    fn case_started(&mut self, case: &Case) {
        self.pieces = 0;
        self.first = None;
        self.last_report = Instant::now();
        self.send(Action::CaseStarted {
            case: case.id.clone(),
        });
    }

    fn token(&mut self, case: &Case, text: &str) -> ControlFlow<()> {
        let now = Instant::now();
        let start = *self.first.get_or_insert(now);
        self.pieces += 1;
        let sent = self.tx.send(Action::Token {
            case: case.id.clone(),
            text: text.to_string(),
        });
        if now.duration_since(self.last_report) >= PROGRESS_EVERY {
            self.last_report = now;
            let secs = now.duration_since(start).as_secs_f64();
            let rate = if secs > 0.0 {
                (self.pieces.saturating_sub(1)) as f64 / secs
            } else {
                0.0
            };
            let _ = self.tx.send(Action::Progress {
                case: case.id.clone(),
                tokens: self.pieces,
                tokens_per_second: rate,
            });
        }
        if sent.is_err() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    fn saved(&mut self, case: &Case, run: RunId, g: &Generation) {
        self.send(Action::RunFinished {
            case: case.id.clone(),
            run_id: run,
            tokens_per_second: g.tokens_per_second,
        });
    }

    fn failed(&mut self, case: &Case, error: CaseError) -> ControlFlow<()> {
        self.send(Action::RunFailed {
            case: case.id.clone(),
            error: error.to_string(),
        });
        ControlFlow::Continue(())
    }

    fn cancelled(&mut self, case: Option<&Case>) {
        self.send(Action::Cancelled {
            case: case.map(|c| c.id.clone()),
        });
    }
}
