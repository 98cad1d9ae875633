//! The reviewer's terminal UI (SPEC §10), in The Elm Architecture without a framework.
//!
//! - [`app`]: the state ([`App`]); [`action`]: intents and results; [`effect`]: I/O requests.
//! - [`update`]: `App::update(action) -> Vec<Effect>`, the one place state changes (pure).
//! - [`keymap`]: keys (and replay key names) to actions, by mode.
//! - [`views`]: render `&App` into a frame; never mutate.
//! - [`backend`]: the [`ReviewBackend`] trait the runtime performs effects against (no SQL here).
//! - [`executor`]: performs one effect against a backend and returns the resulting action.
//! - [`runtime`]: the event loop on the shared terminal; [`replay`]: the headless driver.
//! - [`tally`](mod@tally): the coordinator's tally screen (state, update, view, loop).
//! - [`badge`], [`chain_layout`], [`geometry`]: pure layout helpers shared by `update` (which
//!   caches wrapped steps) and the views (which draw only what is visible); text wrapping,
//!   the theme and the terminal itself come from [`crate::ui`].
//!
//! Blinding: everything here sees only [`crate::domain::BlindItem`] and
//! [`crate::domain::QueueEntry`], which have no model, run or timing field.

pub mod action;
pub mod adjudicate;
pub mod app;
pub mod backend;
pub mod badge;
pub mod chain_layout;
pub mod effect;
pub mod executor;
pub mod form;
pub mod geometry;
pub mod keymap;
pub mod replay;
pub mod runtime;
pub mod tally;
pub mod update;
pub mod views;

pub use action::{Action, FormKey};
pub use app::{App, ChainLayout, Focus, Screen, Status, StatusKind};
pub use backend::{BackendError, BackendResult, ReviewBackend, TuiOptions};
pub use effect::Effect;
pub use keymap::{
    KeyNameError, editing_text, map_key, map_key_queued, map_mouse, map_paste, parse_key_name,
};
pub use replay::{ReplayError, ReplaySummary, run_replay};
pub use runtime::run_tui;
pub use views::render_app;
