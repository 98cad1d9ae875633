//! Paired sign-flip permutation test on per-item differences (rank and count measures, and the
//! item-clustered blinding test): under the null each item's difference is as likely negated.
//!
//! Exact over all 2^m sign patterns of the m non-zero differences when m <= 20; otherwise a
//! seeded Monte Carlo of [`MONTE_CARLO_DRAWS`] patterns with p = (hits + 1) / (draws + 1).
//! Two-sided: P(|Σ ± d| >= |Σ d|), which equals scipy's
//! `permutation_test(..., permutation_type="samples")` two-sided p for this symmetric null.
//!
//! Must not: return NaN; no non-zero difference gives p = 1.

use super::StatsError;
use super::rng::SplitMix64;

/// Monte Carlo sign patterns when exact enumeration is too large.
pub const MONTE_CARLO_DRAWS: u64 = 20_000;
const EXACT_MAX: usize = 20;

/// The outcome of a paired permutation test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PermutationTest {
    /// Mean difference over all pairs (zeros included).
    pub mean_difference: f64,
    pub pairs: usize,
    /// Pairs with a non-zero difference (the ones the test can flip).
    pub nonzero: usize,
    pub p_value: f64,
    /// Exact enumeration (true) or Monte Carlo (false).
    pub exact: bool,
}

/// Two-sided paired sign-flip test of `differences` (A − B per item) against a zero mean.
pub fn paired_permutation_test(
    differences: &[f64],
    seed: u64,
) -> Result<PermutationTest, StatsError> {
    for (i, d) in differences.iter().enumerate() {
        if !d.is_finite() {
            return Err(StatsError::NonFinite {
                what: "paired permutation test: difference",
                index: i,
            });
        }
    }
    let pairs = differences.len();
    let nz: Vec<f64> = differences.iter().copied().filter(|d| *d != 0.0).collect();
    let observed: f64 = nz.iter().sum::<f64>().abs();
    let mean_difference = if pairs == 0 {
        0.0
    } else {
        differences.iter().sum::<f64>() / pairs as f64
    };
    let scale: f64 = nz.iter().map(|d| d.abs()).sum();
    let tol = 1e-9 * scale.max(1e-300);
    let m = nz.len();
    if m == 0 {
        return Ok(PermutationTest {
            mean_difference,
            pairs,
            nonzero: 0,
            p_value: 1.0,
            exact: true,
        });
    }
    if m <= EXACT_MAX {
        let mut hits = 0u64;
        for mask in 0u64..(1u64 << m) {
            let s: f64 = nz
                .iter()
                .enumerate()
                .map(|(i, d)| if mask >> i & 1 == 1 { -d } else { *d })
                .sum();
            hits += u64::from(s.abs() >= observed - tol);
        }
        return Ok(PermutationTest {
            mean_difference,
            pairs,
            nonzero: m,
            p_value: hits as f64 / (1u64 << m) as f64,
            exact: true,
        });
    }
    let mut rng = SplitMix64::new(seed);
    let mut hits = 0u64;
    for _ in 0..MONTE_CARLO_DRAWS {
        let mut s = 0.0;
        let mut bits = 0u64;
        for (i, d) in nz.iter().enumerate() {
            if i % 64 == 0 {
                bits = rng.next_u64();
            }
            s += if bits >> (i % 64) & 1 == 1 { -d } else { *d };
        }
        hits += u64::from(s.abs() >= observed - tol);
    }
    Ok(PermutationTest {
        mean_difference,
        pairs,
        nonzero: m,
        p_value: (hits + 1) as f64 / (MONTE_CARLO_DRAWS + 1) as f64,
        exact: false,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    /// scipy 1.17.1:
    /// ```python
    /// stats.permutation_test((d,), lambda x, axis: np.mean(x, axis=axis),
    ///     permutation_type='samples', n_resamples=np.inf, alternative='two-sided').pvalue
    /// ```
    #[test]
    fn exact_p_matches_scipy() {
        let d = [
            0.5, -0.25, 1.0, 0.0, 0.75, 0.5, -0.5, 1.0, 0.25, 0.0, 0.5, 1.0,
        ];
        let t = paired_permutation_test(&d, 1).unwrap();
        assert!((t.p_value - 0.033203125).abs() < 1e-12, "{}", t.p_value);
        assert!(t.exact);
        assert_eq!((t.pairs, t.nonzero), (12, 10));
        let d2 = [1.0, 2.0, 0.0, 1.0, 3.0, -1.0, 2.0, 1.0, 0.0, 1.0];
        let t2 = paired_permutation_test(&d2, 1).unwrap();
        assert!((t2.p_value - 0.046875).abs() < 1e-12, "{}", t2.p_value);
    }

    #[test]
    fn no_difference_is_p_one_and_large_samples_use_monte_carlo() {
        assert_eq!(
            paired_permutation_test(&[0.0, 0.0], 1).unwrap().p_value,
            1.0
        );
        // 30 differences of +1: exact p = 2 / 2^30; Monte Carlo gives its floor 1/(draws+1).
        let t = paired_permutation_test(&[1.0; 30], 7).unwrap();
        assert!(!t.exact);
        assert!(t.p_value < 1e-4);
        // Alternating ±1 with 30 pairs: the sum is 0, so every pattern is as extreme.
        let alt: Vec<f64> = (0..30)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        assert!((paired_permutation_test(&alt, 7).unwrap().p_value - 1.0).abs() < 1e-9);
    }
}
