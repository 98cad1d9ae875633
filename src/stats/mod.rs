//! Statistics for the audit: rates with Wilson intervals, exact binomial and McNemar tests with
//! Holm adjustment, inter-rater agreement (percent, Cohen, Fleiss, Krippendorff), seeded
//! bootstraps, calibration, and the leakage classifier that checks the style blinding.
//!
//! Must not: do I/O, SQL, or read the clock or OS randomness. Values in, values out; every
//! random draw comes from a seeded [`SplitMix64`], and undefined results are `None`, never NaN.
//! Each function is checked in its tests against a textbook example or a reference
//! implementation (scipy, statsmodels, the `krippendorff` package), cited beside the numbers.

mod agreement;
mod auc;
mod binomial;
mod bootstrap;
mod calibration;
mod classifier;
mod cluster;
mod cross_validation;
mod error;
mod features;
mod krippendorff;
mod leakage;
mod logistic;
mod mcnemar;
mod normal;
mod permutation;
mod proportion;
mod rng;
mod robust_logit;

pub use agreement::{Kappa, Units, cohen_kappa, fleiss_kappa, percent_agreement};
pub use auc::{auc, auc_bootstrap};
pub use binomial::{binomial_test, ln_binomial_pmf};
pub use bootstrap::{BootstrapConfig, RatioEstimate, cluster_ratio_bootstrap, quantile_sorted};
pub use calibration::{CalibrationBin, brier_score, calibration_bins, expected_calibration_error};
pub use cluster::{cluster_mean_bootstrap, krippendorff_alpha_cluster_bootstrap};
pub use error::StatsError;
pub use features::FeatureSet;
pub use krippendorff::{KrippendorffAlpha, krippendorff_alpha, krippendorff_alpha_bootstrap};
pub use leakage::{
    LeakageConfig, LeakageDoc, LeakageResult, leakage_auc, leakage_auc_by_case, leakage_auc_with,
};
pub use mcnemar::{McNemar, SignificanceLevel, holm, holm_reject};
pub use normal::{erfc, normal_sf, two_sided_normal_p};
pub use permutation::{MONTE_CARLO_DRAWS, PermutationTest, paired_permutation_test};
pub use proportion::{Interval, Rate, Z_95, wilson};
pub use rng::SplitMix64;
pub use robust_logit::{
    Coefficient, LogitError, LogitFit, logit_cluster_robust, logit_cluster_robust_flat,
};
