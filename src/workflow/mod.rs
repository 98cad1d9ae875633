//! Orchestration across the pure core and the store: import runs with their
//! chains, create studies, build the demo. No SQL and no terminal here.

pub mod adjudicate;
pub mod assign;
pub mod demo;
pub mod generation;
pub mod import_runs;
pub mod review_backend;
pub mod study;
