//! The coordinator's tally (SPEC §6): per-model accuracy, step error rates with Wilson and
//! cluster-bootstrap intervals, error modes, red-flag recognition and action, "right answer, wrong
//! reasoning", severity mix, bad splits, paired McNemar tests with Holm adjustment,
//! inter-rater agreement and the blinding check; renderers for text, JSON and tidy rows.
//! The terminal screen that shows a tally is [`crate::tui::tally`].
//!
//! - [`input`]: the plain observations a tally reads (built by `export::gather`).
//! - [`cells`]: the per item × reviewer accumulator the tally and the agreement read;
//!   [`resolve`]: tie rules and adjudications; [`rank`], [`measures`], [`style`]: rank-aware
//!   scores, the clustered measures and style control; [`methods`]: the methods paragraph.
//! - [`compute`]: [`tally`], pure; [`agreement`](mod@agreement): progress, agreement, blinding.
//! - [`result`]: the [`Tally`] it returns; [`render`] and [`render_more`]: text;
//!   [`rows`]: tidy rows; [`format`](mod@format): the p-value and text-table formats.
//!
//! Must not: touch the store or the terminal, or produce any per-model figure while the study
//! is blinded.

pub mod agreement;
pub mod cells;
pub mod compute;
pub mod format;
pub mod input;
pub mod measures;
pub mod methods;
pub mod metric;
pub mod outcome;
pub mod rank;
pub mod render;
pub mod render_more;
pub mod resolve;
pub mod result;
pub mod result_more;
pub mod rows;
pub mod shared;
pub mod style;

pub use compute::tally;
pub use input::{
    AdjudicationObs, CaseObs, GroupBy, ItemDetail, ItemInfo, ModelInfo, RankObs, StepObs,
    TallyConfig, TallyInput, mode_bit, source_group,
};
pub use methods::render_methods;
pub use rank::rank_obs;
pub use render::render_table;
pub use resolve::{Dispute, Outcome, disputes};
pub use result::{
    Agreement, Contrast, GroupTally, GuessTally, Metric, ModeTally, ModelTally, PairedTest,
    Progress, Tally,
};
pub use rows::{TallyRow, tally_rows};
