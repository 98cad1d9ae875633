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

/// Sign patterns evaluated side by side: independent sums interleave (so they do not wait on
/// one another), each still added in the differences' order, so every sum is bit for bit the
/// one a pattern-at-a-time loop gives.
const LANES: usize = 8;

/// Negate `d` when `bit` (0 or 1) is set: a sign flip, exactly `-d`.
#[inline(always)]
fn flip(d: f64, bit: u64) -> f64 {
    f64::from_bits(d.to_bits() ^ (bit << 63))
}

/// How many of `patterns` sign patterns give `|Σ ± d| >= bound`. `fill(p, words)` writes
/// pattern p's bits (bit i of the whole words negates `d[i]`), called for p = 0, 1, 2, ... in
/// order, so a random stream behind it is drawn exactly as one pattern after another would.
fn count_extreme(
    d: &[f64],
    bound: f64,
    patterns: u64,
    mut fill: impl FnMut(u64, &mut [u64]),
) -> u64 {
    let words = d.len().div_ceil(64);
    let mut bits = vec![0u64; words * LANES];
    let mut hits = 0u64;
    let mut p = 0u64;
    while p + LANES as u64 <= patterns {
        for (lane, w) in bits.chunks_exact_mut(words).enumerate() {
            fill(p + lane as u64, w);
        }
        let mut sums = [0.0f64; LANES];
        for (word, block) in d.chunks(64).enumerate() {
            let w: [u64; LANES] =
                std::array::from_fn(|lane| bits.get(lane * words + word).copied().unwrap_or(0));
            for (shift, &x) in block.iter().enumerate() {
                for (s, w) in sums.iter_mut().zip(w) {
                    *s += flip(x, w >> shift & 1);
                }
            }
        }
        hits += sums
            .iter()
            .map(|s| u64::from(s.abs() >= bound))
            .sum::<u64>();
        p += LANES as u64;
    }
    let one = &mut bits[..words];
    while p < patterns {
        fill(p, one);
        let mut s = 0.0;
        for (block, &w) in d.chunks(64).zip(one.iter()) {
            for (shift, &x) in block.iter().enumerate() {
                s += flip(x, w >> shift & 1);
            }
        }
        hits += u64::from(s.abs() >= bound);
        p += 1;
    }
    hits
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
    let bound = observed - tol;
    if m <= EXACT_MAX {
        // Bit i of the pattern negates difference i; pattern words are the masks themselves.
        let patterns = 1u64 << m;
        let hits = count_extreme(&nz, bound, patterns, |mask, words| words[0] = mask);
        return Ok(PermutationTest {
            mean_difference,
            pairs,
            nonzero: m,
            p_value: hits as f64 / patterns as f64,
            exact: true,
        });
    }
    let mut rng = SplitMix64::new(seed);
    // Each draw takes one fresh word per 64 differences, draw after draw, from one stream.
    let hits = count_extreme(&nz, bound, MONTE_CARLO_DRAWS, |_, words| {
        for w in words.iter_mut() {
            *w = rng.next_u64();
        }
    });
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

    /// The pattern-at-a-time loops the batched count replaced, kept as the reference.
    fn reference(differences: &[f64], seed: u64) -> (f64, bool) {
        let nz: Vec<f64> = differences.iter().copied().filter(|d| *d != 0.0).collect();
        let observed: f64 = nz.iter().sum::<f64>().abs();
        let scale: f64 = nz.iter().map(|d| d.abs()).sum();
        let tol = 1e-9 * scale.max(1e-300);
        let m = nz.len();
        if m == 0 {
            return (1.0, true);
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
            return (hits as f64 / (1u64 << m) as f64, true);
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
        ((hits + 1) as f64 / (MONTE_CARLO_DRAWS + 1) as f64, false)
    }

    #[test]
    fn batched_patterns_give_the_reference_p_bit_for_bit() {
        let mut rng = SplitMix64::new(99);
        for m in [1usize, 2, 3, 7, 8, 9, 15, 16, 17, 20, 21, 63, 64, 65, 130] {
            for trial in 0..3u64 {
                // Rates, small integers and a few exact zeros, some ties in magnitude.
                let d: Vec<f64> = (0..m + 2)
                    .map(|i| match (i as u64 + trial) % 5 {
                        0 => 0.0,
                        1 => rng.below(5) as f64 - 2.0,
                        _ => rng.next_f64() * 0.6 - 0.2,
                    })
                    .collect();
                let t = paired_permutation_test(&d, 7 + trial).unwrap();
                let (p, exact) = reference(&d, 7 + trial);
                assert_eq!(t.p_value.to_bits(), p.to_bits(), "m {m} trial {trial}");
                assert_eq!(t.exact, exact);
            }
        }
    }
}
