//! `blindstep bench`: performance figures measured through the real code path
//! on real database files, printed, never asserted (SPEC §11). Each figure is
//! compared with its target side by side in one run.

pub mod import;
pub mod profile;
pub mod repack;
pub mod review;

/// Percentile of sorted samples (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// p50, p99 and max of samples in milliseconds.
pub fn summary(mut samples: Vec<f64>) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    let max = samples.last().copied().unwrap_or(f64::NAN);
    (percentile(&samples, 50.0), percentile(&samples, 99.0), max)
}
