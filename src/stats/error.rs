//! The one error type of the statistics core: bad arguments, said plainly.
//!
//! Must not: carry I/O or SQL errors (the stats core does neither); every variant names the
//! function or argument at fault so the caller can add only the file or study context.

use thiserror::Error;

/// What went wrong inside `stats`. Messages are lowercase and name the place.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    /// A probability-like argument outside [0, 1] or not finite.
    #[error("{what}: expected a probability in [0, 1], got {value}")]
    InvalidProbability { what: &'static str, value: f64 },
    /// More successes than trials.
    #[error("{what}: {k} successes out of {n} trials is impossible")]
    CountExceedsTotal { what: &'static str, k: u64, n: u64 },
    /// A z multiplier that is not a positive finite number.
    #[error("wilson interval: z must be positive and finite, got {0}")]
    InvalidZ(f64),
    /// A significance level outside (0, 1).
    #[error("significance level must lie strictly between 0 and 1, got {0}")]
    InvalidAlpha(f64),
    /// A confidence level outside (0, 1).
    #[error("confidence level must lie strictly between 0 and 1, got {0}")]
    InvalidLevel(f64),
    /// Two inputs that must be parallel have different lengths.
    #[error("{what}: {left} values on one side but {right} on the other")]
    LengthMismatch {
        what: &'static str,
        left: usize,
        right: usize,
    },
    /// A value that must be finite is NaN or infinite.
    #[error("{what}: value at index {index} is not a finite number")]
    NonFinite { what: &'static str, index: usize },
    /// Fleiss' kappa needs the same number of ratings on every unit.
    #[error(
        "fleiss kappa: unit {unit} has {found} ratings but unit 0 has {expected}; every unit needs the same number (use krippendorff alpha for missing ratings)"
    )]
    UnequalRaters {
        unit: usize,
        expected: usize,
        found: usize,
    },
    /// A count argument that must be at least some minimum.
    #[error("{what}: must be at least {min}, got {value}")]
    TooSmall {
        what: &'static str,
        min: usize,
        value: usize,
    },
    /// The leakage classifier cannot cross-validate a model whose chains cover fewer than two
    /// cases (or, without case keys, fewer than two chains).
    #[error(
        "leakage: model {side} has chains on {found} case(s); cross-validation needs at least 2 per model"
    )]
    TooFewDocuments { side: char, found: usize },
}
