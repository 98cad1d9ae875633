//! blindstep: blind, step-by-step clinical audits of model reasoning.
//!
//! Module map (a functional core with I/O at the edges):
//!
//! - [`domain`]: plain types for cases, models, runs, chains, studies and
//!   verdicts, and the blinded views the review screens receive.
//! - [`strip`]: reasoning extraction, style removal, segmentation, provenance (pure).
//! - [`stats`]: rates, intervals, paired tests, agreement, the leakage classifier (pure).
//! - [`storage`]: the only place that knows SQL; migrations, pragmas, imports.
//! - [`export`]: CSV profiles; with `stats`, the only place that joins sides to models.
//! - [`inference`]: local models with candle and OpenAI-compatible endpoints.
//! - [`tui`]: the review and tally screens (The Elm Architecture).
//! - [`ui`]: the terminal layer every screen shares: setup/restore and the panic hook, the
//!   event loop, the theme, text by display width.
//! - [`primitives`]: one copy each of the small shared pieces (FNV-1a, SplitMix64, the
//!   caught-panic flag).
//! - [`lab`]: the researcher screens (`blindstep lab`): case picker, streaming runs on a
//!   worker thread, raw-vs-stripped view (not blind; never feeds `tui`).
//! - [`ingest`]: reading case files, question banks and model-output files (pure).
//! - [`search`]: the one case search (cases list, review queue filter, lab picker) and
//!   [`select`]: choosing cases by exact id or alias, or by an explicit `--match`.
//! - [`workflow`]: orchestration across core and store: run import, studies, the demo.
//! - [`bench`]: performance figures through the real code path (`blindstep bench`).
//! - [`cli`]: the command line, one module per subcommand.

pub mod bench;
pub mod cli;
pub mod domain;
pub mod export;
pub mod inference;
pub mod ingest;
pub mod lab;
pub mod primitives;
pub mod search;
pub mod select;
pub mod stats;
pub mod storage;
pub mod strip;
pub mod tally;
pub mod tui;
pub mod ui;
pub mod workflow;
