//! blindstep: blind, step-by-step clinical audits of model reasoning.
//!
//! Module map (a functional core with I/O at the edges). Each module uses only modules
//! listed above it, so there is no import circle; `storage`, for one, never reaches
//! `workflow`, `tui`, `lab` or `cli`.
//!
//! - [`primitives`]: one copy each of the small shared pieces (FNV-1a, SplitMix64, the emoji
//!   class, an error's cause chain on one line, the caught-panic flag).
//! - [`domain`]: plain types for cases, models, runs, chains, studies and verdicts, model
//!   slots, the side assignment, and the blinded views the review screens receive (pure).
//! - [`strip`]: reasoning extraction, style removal, segmentation, provenance (pure).
//! - [`stats`]: rates, intervals, paired tests, agreement, the leakage classifier (pure).
//! - [`tally`]: the coordinator's tally from plain observations, and its text, JSON and
//!   tidy-row renderings (pure; the screen that shows it is `tui::tally`).
//! - [`search`]: the one case search (cases list, review queue filter, lab picker) and
//!   [`select`]: choosing cases by exact id or alias, or by an explicit `--match` (pure).
//! - [`ingest`]: reading case files, question banks and model-output files into domain
//!   values, every problem with its file, line and field.
//! - [`storage`]: the only place that knows SQL; migrations, pragmas, imports, reports.
//! - [`export`]: CSV profiles, atomic files and the store → tally join; with `stats` and
//!   `tally`, the only place that joins sides to models.
//! - [`inference`]: local models with candle and OpenAI-compatible endpoints.
//! - [`ui`]: the terminal layer every screen shares: setup/restore and the panic hook, the
//!   event loop, the theme, text by display width.
//! - [`tui`]: the review, adjudication and tally screens (The Elm Architecture) and the
//!   [`tui::ReviewBackend`] trait they perform effects against.
//! - [`workflow`]: orchestration across core and store: run import and generation, studies
//!   and reassignment, reviewer packs, adjudication, the store-backed review backend, the
//!   demo.
//! - [`lab`]: the researcher screens (`blindstep lab`): case picker, streaming runs on a
//!   worker thread, raw-vs-stripped view (not blind; never feeds `tui`).
//! - [`bench`](mod@bench): performance figures through the real code path (`blindstep bench`).
//! - [`cli`]: the command line, one module per subcommand. With `main.rs` and `bench`, the
//!   only place that uses `anyhow`; every library module returns its own typed error.

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
