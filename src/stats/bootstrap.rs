//! Seeded percentile bootstraps: the shared settings, the percentile interval, grouped
//! resampling, and the cluster bootstrap of a ratio (errors / judged steps, clusters = cases).
//!
//! Must not: draw from anything but [`SplitMix64`] seeded from [`BootstrapConfig::seed`];
//! the same data and seed must always print the same interval.

use std::collections::BTreeMap;

use super::StatsError;
use super::proportion::Interval;
use super::rng::SplitMix64;

/// How many replicates, which seed, and which interval level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BootstrapConfig {
    /// Number of bootstrap replicates (default 1000).
    pub replicates: usize,
    /// Seed of the replicate stream.
    pub seed: u64,
    /// Two-sided interval level (default 0.95).
    pub level: f64,
}

impl BootstrapConfig {
    /// The default seed: any fixed number would do; this one is written in the methods text.
    pub const DEFAULT_SEED: u64 = 20_260_101;

    /// Default replicates and level with the given seed.
    pub fn with_seed(seed: u64) -> Self {
        Self {
            seed,
            ..Self::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<(), StatsError> {
        if self.replicates == 0 {
            return Err(StatsError::TooSmall {
                what: "bootstrap replicates",
                min: 1,
                value: 0,
            });
        }
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(StatsError::InvalidLevel(self.level));
        }
        Ok(())
    }
}

impl Default for BootstrapConfig {
    fn default() -> Self {
        Self {
            replicates: 1000,
            seed: Self::DEFAULT_SEED,
            level: 0.95,
        }
    }
}

/// The `q` quantile of ascending `sorted` values by linear interpolation between order
/// statistics (Hyndman & Fan type 7: R's and numpy's default).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = q.clamp(0.0, 1.0) * last as f64;
    let below = h.floor() as usize;
    let above = (below + 1).min(last);
    Some(sorted[below] + (h - below as f64) * (sorted[above] - sorted[below]))
}

/// Percentile interval of replicate values (non-finite replicates dropped).
pub(crate) fn percentile_interval(mut values: Vec<f64>, level: f64) -> Option<Interval> {
    values.retain(|v| v.is_finite());
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    Some(Interval {
        lo: quantile_sorted(&values, tail)?,
        hi: quantile_sorted(&values, 1.0 - tail)?,
    })
}

/// Distinct keys in ascending order with how often each occurs.
///
/// Resampling n items with replacement is the same, in distribution, as a multinomial draw
/// of n over the distinct items weighted by multiplicity; with few distinct patterns (labels
/// per step, error counts per case) a replicate then costs O(patterns), not O(n). The
/// ascending order keeps the replicate stream independent of input order.
pub(crate) fn group<K: Ord>(items: impl Iterator<Item = K>) -> (Vec<K>, Vec<u64>) {
    let mut map: BTreeMap<K, u64> = BTreeMap::new();
    for item in items {
        *map.entry(item).or_insert(0) += 1;
    }
    map.into_iter().unzip()
}

/// A ratio with a cluster-bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioEstimate {
    /// Sum of numerators / sum of denominators; `None` when the denominators sum to 0.
    pub estimate: Option<f64>,
    /// Percentile interval; `None` when no replicate had a positive denominator.
    pub interval: Option<Interval>,
    /// Number of clusters.
    pub clusters: usize,
    /// Replicates with a positive denominator (the others are undefined and skipped).
    pub replicates_used: usize,
}

/// Cluster bootstrap of `sum(numerator) / sum(denominator)`, resampling whole clusters with
/// replacement: for the step error rate, clusters are cases (or chains) and each contributes
/// `(error steps, judged steps)`, so correlated steps of one chain move together.
///
/// O(distinct cluster patterns) per replicate, see [`group`].
pub fn cluster_ratio_bootstrap(
    clusters: &[(u64, u64)],
    config: &BootstrapConfig,
) -> Result<RatioEstimate, StatsError> {
    config.validate()?;
    let (num, den) = clusters
        .iter()
        .fold((0u64, 0u64), |(a, b), &(x, y)| (a + x, b + y));
    let estimate = (den > 0).then(|| num as f64 / den as f64);
    let (patterns, weights) = group(clusters.iter().copied());
    let mut rng = SplitMix64::new(config.seed);
    let mut draw = Vec::with_capacity(patterns.len());
    let mut replicates = Vec::with_capacity(config.replicates);
    for _ in 0..config.replicates {
        rng.multinomial(clusters.len() as u64, &weights, &mut draw);
        let (mut n, mut d) = (0u64, 0u64);
        for (&(x, y), &w) in patterns.iter().zip(&draw) {
            n += w * x;
            d += w * y;
        }
        if d > 0 {
            replicates.push(n as f64 / d as f64);
        }
    }
    let replicates_used = replicates.len();
    Ok(RatioEstimate {
        estimate,
        interval: percentile_interval(replicates, config.level),
        clusters: clusters.len(),
        replicates_used,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_type_7() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.025, 0.5, 0.975]) = [1.1, 3.0, 9.4].
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile_sorted(&v, 0.025).unwrap() - 1.1).abs() < 1e-12);
        assert_eq!(quantile_sorted(&v, 0.5), Some(3.0));
        assert!((quantile_sorted(&v, 0.975).unwrap() - 9.4).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(quantile_sorted(&[7.0], 0.9), Some(7.0));
    }

    /// Synthetic cases: judged steps 5..=24, errors ~ a case-level rate, so steps cluster.
    fn synthetic_cases(n: usize, seed: u64) -> Vec<(u64, u64)> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|_| {
                let judged = 5 + rng.below(20);
                let rate = if rng.below(2) == 0 { 0.1 } else { 0.5 };
                (rng.binomial(judged, rate), judged)
            })
            .collect()
    }

    #[test]
    fn interval_width_matches_the_delta_method() {
        // For a ratio estimator R = sum y / sum x over n clusters, the linearised variance is
        // sum (y_i - R x_i)^2 / (n (n - 1) xbar^2) (Cochran 1977, Sampling Techniques, 6.9).
        // A 95 % percentile interval should span about 2 * 1.96 of that standard error.
        let cases = synthetic_cases(400, 11);
        let config = BootstrapConfig {
            replicates: 4000,
            ..BootstrapConfig::default()
        };
        let r = cluster_ratio_bootstrap(&cases, &config).unwrap();
        let est = r.estimate.unwrap();
        let n = cases.len() as f64;
        let xbar = cases.iter().map(|c| c.1 as f64).sum::<f64>() / n;
        let ss: f64 = cases
            .iter()
            .map(|&(y, x)| (y as f64 - est * x as f64).powi(2))
            .sum();
        let se = (ss / (n * (n - 1.0))).sqrt() / xbar;
        let interval = r.interval.unwrap();
        let implied_se = (interval.hi - interval.lo) / (2.0 * 1.96);
        assert!((implied_se / se - 1.0).abs() < 0.1, "{implied_se} vs {se}");
        assert!(interval.contains(est));
        assert_eq!(r.replicates_used, 4000);
        assert_eq!(r.clusters, 400);
    }

    #[test]
    fn deterministic_for_a_seed_and_sensitive_to_it() {
        let cases = synthetic_cases(50, 5);
        let a = cluster_ratio_bootstrap(&cases, &BootstrapConfig::with_seed(1)).unwrap();
        let b = cluster_ratio_bootstrap(&cases, &BootstrapConfig::with_seed(1)).unwrap();
        let c = cluster_ratio_bootstrap(&cases, &BootstrapConfig::with_seed(2)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.interval, c.interval);
        // Input order does not matter: the groups are sorted.
        let mut reversed = cases.clone();
        reversed.reverse();
        let d = cluster_ratio_bootstrap(&reversed, &BootstrapConfig::with_seed(1)).unwrap();
        assert_eq!(a, d);
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        let r = cluster_ratio_bootstrap(&[], &BootstrapConfig::default()).unwrap();
        assert_eq!((r.estimate, r.interval, r.replicates_used), (None, None, 0));
        let r = cluster_ratio_bootstrap(&[(0, 0), (0, 0)], &BootstrapConfig::default()).unwrap();
        assert_eq!((r.estimate, r.interval), (None, None));
        let bad = BootstrapConfig {
            replicates: 0,
            ..BootstrapConfig::default()
        };
        assert!(cluster_ratio_bootstrap(&[(1, 2)], &bad).is_err());
        let bad = BootstrapConfig {
            level: 1.0,
            ..BootstrapConfig::default()
        };
        assert!(cluster_ratio_bootstrap(&[(1, 2)], &bad).is_err());
    }

    #[test]
    fn a_million_steps_in_fifty_thousand_cases_give_an_interval() {
        // Timing lives in `cargo bench --bench stats`.
        let cases = synthetic_cases(50_000, 3);
        let r = cluster_ratio_bootstrap(&cases, &BootstrapConfig::default()).unwrap();
        assert!(r.interval.is_some());
    }
}
