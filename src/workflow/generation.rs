//! Generation as a workflow, shared by `blindstep generate` and the lab: open a
//! registered model ([`open_generator`]), run cases through it ([`run_batch`], the two
//! front ends being two [`GenerationSink`]s), and what a finished generation becomes in
//! the store: the run with full provenance and its chain. Both front ends therefore record
//! the same provenance and the same settings key (which lets `generate` skip what the lab
//! already ran).

mod batch;
mod open;
mod record;

pub use batch::{BatchOutcome, BatchSpec, CaseError, GenerationSink, run_batch};
pub use open::{Engine, OpenError, OpenOptions, endpoint_client, open_generator};
pub use record::{finished_run, provenance, settings_key};
