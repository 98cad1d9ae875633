//! Orchestration across the pure core and the store: import runs with their chains,
//! generate runs ([`generation`]), create studies and move reviewers' items, make and collect
//! reviewer packs, the adjudication queue, the review backend over the store, and the demo.
//! No SQL and no terminal here. Errors are [`error::WorkflowError`] (or the layer's own
//! where only one layer can fail); no `anyhow`: that stays at the command line.

pub mod adjudicate;
pub mod demo;
pub mod demo_feedback;
pub mod error;
pub mod generation;
pub mod import_runs;
pub mod pack;
pub mod reassign;
pub mod review_backend;
pub mod study;

pub use error::{WorkflowError, WorkflowResult};
