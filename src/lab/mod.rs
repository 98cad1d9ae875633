//! The researcher screens (`blindstep lab`, SPEC §10): a fuzzy case picker, a model and its
//! sampling settings, runs with the output streaming in and tokens/s shown (cancellable), the
//! stored runs, and any run raw beside its stripped chain. The Elm Architecture, as in
//! [`crate::tui`]:
//!
//! - [`app`]: the state ([`LabApp`]); [`action`]: intents and results; [`effect`]: I/O requests.
//! - [`update`]: `LabApp::update(action) -> Vec<Effect>`, the one place state changes (pure).
//! - [`picker`], [`settings`], [`raw_layout`]: pure helpers (fuzzy filter with match
//!   positions, the settings form, raw text layout with step ownership).
//! - [`keymap`]: keys to actions by screen; [`views`]: render `&LabApp`; never mutate.
//! - [`worker`]: the inference thread (owns the generator and a writing store connection);
//!   [`engine`]: the only file that calls [`crate::inference`].
//! - [`executor`]: performs effects; [`runtime`]: the terminal loop.
//!
//! Model names, timings and tokens/s are shown here on purpose: this is not a blind screen.
//! Nothing from this module may flow into [`crate::tui`].

pub mod action;
pub mod app;
pub mod effect;
pub mod engine;
pub mod executor;
pub mod keymap;
pub mod picker;
pub mod raw_layout;
pub mod runtime;
pub mod settings;
pub mod update;
pub mod views;
pub mod worker;

pub use action::Action;
pub use app::{LabApp, Screen};
pub use effect::{BatchRequest, Effect};
pub use keymap::map_key;
pub use runtime::{LabError, drive, run_lab};
pub use settings::{RunSettings, SettingsForm};
pub use views::render;
pub use worker::{Loader, Poll, Worker};
