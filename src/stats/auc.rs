//! Area under the ROC curve from two groups of scores (Mann–Whitney, ties counted half), and
//! its stratified bootstrap interval.
//!
//! Must not: refit anything. The bootstrap resamples fixed scores (as pROC's
//! `ci.auc(method = "bootstrap", stratified = TRUE)`), so it measures the uncertainty of the
//! AUC given the classifier, not of the classifier's training.

use super::StatsError;
use super::bootstrap::{BootstrapConfig, percentile_interval};
use super::proportion::Interval;
use super::rng::SplitMix64;

/// Scores of both groups sorted once, as tie groups, so each replicate is a linear sweep.
struct Ranked {
    /// Tie group of each A score and each B score.
    group_a: Vec<usize>,
    group_b: Vec<usize>,
    groups: usize,
}

impl Ranked {
    fn new(a: &[f64], b: &[f64]) -> Result<Self, StatsError> {
        for (what, xs) in [("auc: scores of group a", a), ("auc: scores of group b", b)] {
            if let Some(index) = xs.iter().position(|x| !x.is_finite()) {
                return Err(StatsError::NonFinite { what, index });
            }
        }
        let mut all: Vec<(f64, usize)> = a
            .iter()
            .chain(b)
            .copied()
            .enumerate()
            .map(|(i, s)| (s, i))
            .collect();
        all.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut group_of = vec![0usize; all.len()];
        let mut g = 0usize;
        for (pos, &(s, i)) in all.iter().enumerate() {
            if pos > 0 && s != all[pos - 1].0 {
                g += 1;
            }
            group_of[i] = g;
        }
        let groups = if all.is_empty() { 0 } else { g + 1 };
        let group_b = group_of.split_off(a.len());
        Ok(Self {
            group_a: group_of,
            group_b,
            groups,
        })
    }

    /// AUC when A item i counts `wa[i]` times and B item j `wb[j]` times.
    fn auc(&self, wa: &[u32], wb: &[u32], na: f64, nb: f64, acc: &mut Vec<[f64; 2]>) -> f64 {
        acc.clear();
        acc.resize(self.groups, [0.0, 0.0]);
        for (&g, &w) in self.group_a.iter().zip(wa) {
            acc[g][0] += f64::from(w);
        }
        for (&g, &w) in self.group_b.iter().zip(wb) {
            acc[g][1] += f64::from(w);
        }
        let mut below_b = 0.0;
        let mut wins = 0.0;
        for &[ga, gb] in acc.iter() {
            wins += ga * (below_b + 0.5 * gb);
            below_b += gb;
        }
        wins / (na * nb)
    }
}

/// P(score of a random A item > score of a random B item) + half the probability of a tie:
/// the Mann–Whitney U of A divided by n_a n_b. `None` when either group is empty.
pub fn auc(a: &[f64], b: &[f64]) -> Result<Option<f64>, StatsError> {
    if a.is_empty() || b.is_empty() {
        return Ok(None);
    }
    let ranked = Ranked::new(a, b)?;
    let ones_a = vec![1u32; a.len()];
    let ones_b = vec![1u32; b.len()];
    Ok(Some(ranked.auc(
        &ones_a,
        &ones_b,
        a.len() as f64,
        b.len() as f64,
        &mut Vec::new(),
    )))
}

/// AUC with a stratified percentile bootstrap interval: each replicate redraws n_a A scores and
/// n_b B scores with replacement. O(n) per replicate. `None` when either group is empty.
pub fn auc_bootstrap(
    a: &[f64],
    b: &[f64],
    config: &BootstrapConfig,
) -> Result<Option<(f64, Interval)>, StatsError> {
    config.validate()?;
    if a.is_empty() || b.is_empty() {
        return Ok(None);
    }
    let ranked = Ranked::new(a, b)?;
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let mut acc = Vec::new();
    let mut wa = vec![1u32; a.len()];
    let mut wb = vec![1u32; b.len()];
    let point = ranked.auc(&wa, &wb, na, nb, &mut acc);
    let mut rng = SplitMix64::new(config.seed);
    let mut replicates = Vec::with_capacity(config.replicates);
    for _ in 0..config.replicates {
        for w in [&mut wa, &mut wb] {
            w.iter_mut().for_each(|x| *x = 0);
            let n = w.len() as u64;
            for _ in 0..n {
                w[rng.below(n) as usize] += 1;
            }
        }
        replicates.push(ranked.auc(&wa, &wb, na, nb, &mut acc));
    }
    let interval = percentile_interval(replicates, config.level).unwrap_or(Interval {
        lo: point,
        hi: point,
    });
    Ok(Some((point, interval)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn matches_sklearn_and_scipy_with_ties() {
        // sklearn roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75 (its docs' example).
        assert_eq!(auc(&[0.35, 0.8], &[0.1, 0.4]).unwrap(), Some(0.75));
        // scipy mannwhitneyu([.9, .5, .5, .3], [.5, .2, .3, .1, .05]).statistic = 17.5;
        // 17.5 / 20 = 0.875 = sklearn roc_auc_score on the same data.
        let got = auc(&[0.9, 0.5, 0.5, 0.3], &[0.5, 0.2, 0.3, 0.1, 0.05]).unwrap();
        assert_eq!(got, Some(0.875));
        assert_eq!(auc(&[3.0, 3.0, 3.0], &[3.0, 3.0]).unwrap(), Some(0.5));
        assert_eq!(auc(&[1.0], &[0.0]).unwrap(), Some(1.0));
        assert_eq!(auc(&[0.0], &[1.0]).unwrap(), Some(0.0));
    }

    #[test]
    fn empty_and_non_finite() {
        assert_eq!(auc(&[], &[1.0]).unwrap(), None);
        assert!(matches!(
            auc(&[1.0, f64::NAN], &[0.0]),
            Err(StatsError::NonFinite { index: 1, .. })
        ));
        assert_eq!(
            auc_bootstrap(&[1.0], &[], &BootstrapConfig::default()).unwrap(),
            None
        );
    }

    /// DeLong et al. (1988) variance of the AUC from its structural components.
    fn delong_se(a: &[f64], b: &[f64]) -> f64 {
        let psi = |x: f64, y: f64| {
            if x > y {
                1.0
            } else if x == y {
                0.5
            } else {
                0.0
            }
        };
        let (na, nb) = (a.len() as f64, b.len() as f64);
        let v10: Vec<f64> = a
            .iter()
            .map(|&x| b.iter().map(|&y| psi(x, y)).sum::<f64>() / nb)
            .collect();
        let v01: Vec<f64> = b
            .iter()
            .map(|&y| a.iter().map(|&x| psi(x, y)).sum::<f64>() / na)
            .collect();
        let var = |v: &[f64]| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)
        };
        (var(&v10) / na + var(&v01) / nb).sqrt()
    }

    #[test]
    fn bootstrap_width_matches_delong() {
        let mut rng = SplitMix64::new(8);
        let a: Vec<f64> = (0..300).map(|_| rng.normal() + 1.0).collect();
        let b: Vec<f64> = (0..250).map(|_| rng.normal()).collect();
        let config = BootstrapConfig {
            replicates: 4000,
            ..BootstrapConfig::default()
        };
        let (point, interval) = auc_bootstrap(&a, &b, &config).unwrap().unwrap();
        assert_eq!(Some(point), auc(&a, &b).unwrap());
        let implied = (interval.hi - interval.lo) / (2.0 * 1.96);
        let se = delong_se(&a, &b);
        assert!((implied / se - 1.0).abs() < 0.1, "{implied} vs {se}");
        // Binormal with unit shift: true AUC = Phi(1 / sqrt 2) = 0.760.
        assert!(interval.contains(0.760), "{interval:?}");
        let again = auc_bootstrap(&a, &b, &config).unwrap().unwrap();
        assert_eq!(again.1, interval);
    }
}
