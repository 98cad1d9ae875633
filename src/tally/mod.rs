//! The coordinator's tally (SPEC §6): per-model accuracy, step error rates with Wilson and
//! cluster-bootstrap intervals, error modes, red-flag recognition, "right answer, wrong
//! reasoning", severity mix, bad splits, paired McNemar tests with Holm adjustment,
//! inter-rater agreement and the blinding check; renderers for text, JSON and tidy rows.
//! The terminal screen that shows a tally is [`crate::tui::tally`].
//!
//! - [`input`]: the plain observations a tally reads (built by `export::gather`).
//! - [`cell`]: the per item × reviewer accumulator both of the next two read.
//! - [`compute`]: [`tally`], pure; [`agreement`](mod@agreement): progress, agreement, blinding.
//! - [`result`]: the [`Tally`] it returns; [`render`]: text and tidy rows.
//!
//! Must not: touch the store or the terminal, or produce any per-model figure while the study
//! is blinded.

pub mod agreement;
pub mod cell;
pub mod compute;
pub mod input;
pub mod render;
pub mod result;

pub use compute::tally;
pub use input::{
    CaseObs, GroupBy, ItemInfo, ModelInfo, StepObs, TallyConfig, TallyInput, mode_bit, source_group,
};
pub use render::{TallyRow, render_table, tally_rows};
pub use result::{
    Agreement, Contrast, GroupTally, GuessTally, Metric, ModeTally, ModelTally, PairedTest,
    Progress, Tally,
};
