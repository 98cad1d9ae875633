//! The per-case generation loop shared by `blindstep generate` and the lab: build each
//! case's prompt, generate (tokens streamed to the sink), store each finished case at once
//! as a run with its chain, and stop when the sink asks. The front ends differ only in
//! their [`GenerationSink`] (a progress bar, or actions sent to the lab's screen).

use super::open::Engine;
use super::record::finished_run;
use crate::domain::{Case, Model, RunId};
use crate::inference::{
    ChatMessage, Generation, GenerationConfig, Generator, InferenceError, StopReason, build_prompt,
    run_concurrent,
};
use crate::storage::{Store, StoreError};
use std::ops::ControlFlow;

/// What a batch runs with, besides the cases.
#[derive(Debug, Clone, Copy)]
pub struct BatchSpec<'a> {
    pub model: &'a Model,
    pub cfg: &'a GenerationConfig,
    /// The prompt template text (Jinja).
    pub template: &'a str,
    /// The front end, recorded in provenance (`generate`, `lab`).
    pub via: &'a str,
    /// At most this many steps per chain (`--max-steps`; 0: no budget).
    pub max_steps: usize,
}

/// Why one case produced no run.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{0}")]
    Prompt(InferenceError),
    #[error("{0}")]
    Generate(InferenceError),
    #[error("saving the run: {0}")]
    Save(StoreError),
}

/// Where a batch reports. Every method but `stop_requested` has a do-nothing default.
pub trait GenerationSink {
    /// Checked before each case and at every token: true stops the batch (the case in
    /// progress is dropped, finished ones stay saved).
    fn stop_requested(&self) -> bool;
    /// A case starts generating (sequential engines only).
    fn case_started(&mut self, _case: &Case) {}
    /// A piece of the case's text; `Break` stops the batch like `stop_requested`.
    fn token(&mut self, _case: &Case, _text: &str) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
    /// The case finished and is stored as `run`.
    fn saved(&mut self, _case: &Case, _run: RunId, _generation: &Generation) {}
    /// The case failed; `Break` stops the batch.
    fn failed(&mut self, _case: &Case, _error: CaseError) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
    /// The batch stopped on request, `case` (if any) dropped unsaved.
    fn cancelled(&mut self, _case: Option<&Case>) {}
}

/// How a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchOutcome {
    pub saved: usize,
    pub failed: usize,
    /// Stopped on request (by the sink) before every case ran.
    pub cancelled: bool,
    /// A sink's `failed` said stop.
    pub aborted: bool,
}

fn save(
    store: &mut Store,
    spec: &BatchSpec<'_>,
    engine_identity: &crate::inference::ModelIdentity,
    case: &Case,
    g: &Generation,
) -> Result<RunId, StoreError> {
    let (run, chain) = finished_run(
        spec.model,
        case,
        engine_identity,
        spec.cfg,
        spec.template,
        g,
        spec.via,
        spec.max_steps,
    );
    store.save_run(&run, &chain)
}

/// Runs `cases` through `engine`, storing each finished case in `store` at once.
pub fn run_batch(
    engine: &mut Engine,
    store: &mut Store,
    spec: &BatchSpec<'_>,
    cases: &[Case],
    sink: &mut dyn GenerationSink,
) -> BatchOutcome {
    match engine {
        Engine::Sequential(generator) => {
            let identity = generator.identity().clone();
            let mut out = BatchOutcome::default();
            for case in cases {
                if sink.stop_requested() {
                    sink.cancelled(None);
                    out.cancelled = true;
                    return out;
                }
                let messages = match build_prompt(case, spec.template) {
                    Ok(m) => m,
                    Err(e) => {
                        out.failed += 1;
                        if sink.failed(case, CaseError::Prompt(e)).is_break() {
                            out.aborted = true;
                            return out;
                        }
                        continue;
                    }
                };
                sink.case_started(case);
                let result = generator.generate(&messages, spec.cfg, &mut |text| {
                    if sink.token(case, text).is_break() || sink.stop_requested() {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                });
                let error = match result {
                    Ok(g) if g.stopped == StopReason::Cancelled || sink.stop_requested() => {
                        sink.cancelled(Some(case));
                        out.cancelled = true;
                        return out;
                    }
                    Ok(g) => match save(store, spec, &identity, case, &g) {
                        Ok(run) => {
                            out.saved += 1;
                            sink.saved(case, run, &g);
                            continue;
                        }
                        Err(e) => CaseError::Save(e),
                    },
                    Err(_) if sink.stop_requested() => {
                        sink.cancelled(Some(case));
                        out.cancelled = true;
                        return out;
                    }
                    Err(e) => CaseError::Generate(e),
                };
                out.failed += 1;
                if sink.failed(case, error).is_break() {
                    out.aborted = true;
                    return out;
                }
            }
            out
        }
        Engine::Pooled {
            client,
            concurrency,
        } => run_pooled(client, *concurrency, store, spec, cases, sink),
    }
}

/// Served models with requests in flight at once: every prompt is built first (a bad one
/// reports before any request), then results are saved as they complete. After a stop,
/// requests already in flight still deliver and are saved.
fn run_pooled(
    client: &crate::inference::OpenAiClient,
    concurrency: usize,
    store: &mut Store,
    spec: &BatchSpec<'_>,
    cases: &[Case],
    sink: &mut dyn GenerationSink,
) -> BatchOutcome {
    let identity = client.identity().clone();
    let mut out = BatchOutcome::default();
    let mut jobs: Vec<(&Case, Vec<ChatMessage>)> = Vec::with_capacity(cases.len());
    for case in cases {
        match build_prompt(case, spec.template) {
            Ok(m) => jobs.push((case, m)),
            Err(e) => {
                out.failed += 1;
                if sink.failed(case, CaseError::Prompt(e)).is_break() {
                    out.aborted = true;
                    return out;
                }
            }
        }
    }
    if sink.stop_requested() {
        sink.cancelled(None);
        out.cancelled = true;
        return out;
    }
    run_concurrent(client, jobs, spec.cfg, concurrency, &mut |case, result| {
        let error = match result {
            Ok(g) => match save(store, spec, &identity, case, &g) {
                Ok(run) => {
                    out.saved += 1;
                    sink.saved(case, run, &g);
                    None
                }
                Err(e) => Some(CaseError::Save(e)),
            },
            Err(e) => Some(CaseError::Generate(e)),
        };
        if let Some(error) = error {
            out.failed += 1;
            if sink.failed(case, error).is_break() {
                out.aborted = true;
                return ControlFlow::Break(());
            }
        }
        if sink.stop_requested() {
            out.cancelled = true;
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    if out.cancelled {
        sink.cancelled(None);
    }
    out
}
