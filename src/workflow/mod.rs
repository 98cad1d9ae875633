//! Orchestration across the pure core and the store: import runs with their
//! chains, create studies, build the demo. No SQL and no terminal here. Errors are
//! [`error::WorkflowError`] (no `anyhow`: that stays at the command line).

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
