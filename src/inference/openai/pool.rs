//! Bounded concurrency for served models: N worker threads take jobs from a
//! shared queue; results come back to the caller's thread in completion
//! order. After the caller says stop, no new request starts, and requests
//! already in flight still deliver their results (so they can be saved).

use super::client::OpenAiClient;
use crate::inference::{ChatMessage, Generation, GenerationConfig, InferenceError};
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

/// Runs `jobs` against `client` with at most `concurrency` requests in
/// flight, calling `on_done` for each finished job on the calling thread.
pub fn run_concurrent<T: Send>(
    client: &OpenAiClient,
    jobs: Vec<(T, Vec<ChatMessage>)>,
    cfg: &GenerationConfig,
    concurrency: usize,
    on_done: &mut dyn FnMut(T, Result<Generation, InferenceError>) -> ControlFlow<()>,
) {
    let workers = concurrency.max(1).min(jobs.len());
    let queue = Mutex::new(jobs.into_iter().collect::<VecDeque<_>>());
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (queue, stop) = (&queue, &stop);
            scope.spawn(move || {
                loop {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let job = match queue.lock() {
                        Ok(mut q) => q.pop_front(),
                        Err(_) => None,
                    };
                    let Some((tag, messages)) = job else { break };
                    let result = client.complete(&messages, cfg);
                    if tx.send((tag, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (tag, result) in rx {
            if on_done(tag, result).is_break() {
                stop.store(true, Ordering::SeqCst);
            }
        }
    });
}
