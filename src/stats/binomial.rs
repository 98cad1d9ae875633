//! The exact two-sided binomial test, as R's `binom.test` and scipy's `binomtest` compute it.
//!
//! Must not: form binomial coefficients or powers directly (they overflow long before
//! n = 10^6). Probabilities are built in log space with Loader's saddle-point method
//! (the algorithm behind R's `dbinom`), and tails are summed only as far as they matter.

use super::StatsError;

/// R's relative tolerance for "as or less likely than the observed count".
const REL_ERR: f64 = 1.0 + 1e-7;

const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// `ln(n!) - ((n + 1/2) ln n - n + ln sqrt(2 pi))` for n = 0..=15, computed with mpmath at
/// 40 digits (the integer entries of R's `sferr_halves`; n = 0 is 0 by R's convention).
const STIRLERR_SMALL: [f64; 16] = [
    0.0,
    0.081_061_466_795_327_26,
    0.041_340_695_955_409_3,
    0.027_677_925_684_998_34,
    0.020_790_672_103_765_093,
    0.016_644_691_189_821_193,
    0.013_876_128_823_070_748,
    0.011_896_709_945_891_77,
    0.010_411_265_261_972_096,
    0.009_255_462_182_712_733,
    0.008_330_563_433_362_87,
    0.007_573_675_487_951_841,
    0.006_942_840_107_209_53,
    0.006_408_994_188_004_207,
    0.005_951_370_112_758_847_5,
    0.005_554_733_551_962_801,
];

/// The error of Stirling's formula for `ln(n!)`, as in R's `stirlerr`.
fn stirlerr(n: u64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if let Some(&v) = STIRLERR_SMALL.get(n as usize) {
        return v;
    }
    let n = n as f64;
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// `x ln(x / np) + np - x`, computed without cancellation when `x` is near `np` (R's `bd0`).
fn bd0(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let mut v = (x - np) / (x + np);
        let mut s = (x - np) * v;
        if s.abs() < f64::MIN_POSITIVE {
            return s;
        }
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
    }
    x * (x / np).ln() + np - x
}

/// `ln P(X = k)` for X ~ Binomial(n, p); `-inf` outside the support. Caller checks `p`.
pub fn ln_binomial_pmf(k: u64, n: u64, p: f64) -> f64 {
    let q = 1.0 - p;
    if k > n {
        return f64::NEG_INFINITY;
    }
    if p == 0.0 {
        return if k == 0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if q == 0.0 {
        return if k == n { 0.0 } else { f64::NEG_INFINITY };
    }
    let nf = n as f64;
    if k == 0 {
        if n == 0 {
            return 0.0;
        }
        return if p < 0.1 {
            -bd0(nf, nf * q) - nf * p
        } else {
            nf * q.ln()
        };
    }
    if k == n {
        return if q < 0.1 {
            -bd0(nf, nf * p) - nf * q
        } else {
            nf * p.ln()
        };
    }
    let kf = k as f64;
    let lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(kf, nf * p) - bd0(nf - kf, nf * q);
    let lf = LN_2PI + kf.ln() + (-kf / nf).ln_1p();
    lc - 0.5 * lf
}

/// Sum of P(X = i) for i from `start` stepping by `step` (+1 or -1) to the end of the support,
/// where the terms shrink monotonically; stops once they no longer change the sum.
fn tail_sum(start: u64, n: u64, p: f64, upward: bool) -> f64 {
    let mut sum = 0.0;
    let mut i = start;
    loop {
        let term = ln_binomial_pmf(i, n, p).exp();
        sum += term;
        if term <= sum * 1e-18 {
            break;
        }
        if upward {
            if i == n {
                break;
            }
            i += 1;
        } else {
            if i == 0 {
                break;
            }
            i -= 1;
        }
    }
    sum
}

/// Number of i in `lo..=hi` with pmf(i) <= `threshold`, where pmf is monotone on the range
/// (non-increasing when `decreasing`), found by bisection.
fn count_at_most(lo: u64, hi: u64, n: u64, p: f64, threshold: f64, decreasing: bool) -> u64 {
    if lo > hi {
        return 0;
    }
    // The qualifying indices form a suffix (decreasing) or a prefix (increasing) of lo..=hi.
    let qualifies = |i: u64| ln_binomial_pmf(i, n, p).exp() <= threshold;
    let (mut a, mut b) = (lo, hi + 1);
    if decreasing {
        // First qualifying index in [a, b); b means none.
        while a < b {
            let mid = a + (b - a) / 2;
            if qualifies(mid) { b = mid } else { a = mid + 1 }
        }
        hi + 1 - a
    } else {
        // First non-qualifying index in [a, b).
        while a < b {
            let mid = a + (b - a) / 2;
            if qualifies(mid) { a = mid + 1 } else { b = mid }
        }
        a - lo
    }
}

/// Exact two-sided binomial test of `k` successes in `n` trials against success probability
/// `p`: the total probability of all counts no more likely than `k` (R's `binom.test`, with its
/// relative tolerance 1 + 1e-7). Returns 1 when `k` equals the expected count (and for n = 0).
///
/// O(sqrt(n)) work: the pmf is unimodal, so the opposite tail is located by bisection and each
/// tail is summed outward only until its terms vanish. Tested to n = 10^6.
pub fn binomial_test(k: u64, n: u64, p: f64) -> Result<f64, StatsError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(StatsError::InvalidProbability {
            what: "binomial test: null success probability",
            value: p,
        });
    }
    if k > n {
        return Err(StatsError::CountExceedsTotal {
            what: "binomial test",
            k,
            n,
        });
    }
    let nf = n as f64;
    let m = nf * p;
    let kf = k as f64;
    if kf == m {
        return Ok(1.0);
    }
    let threshold = ln_binomial_pmf(k, n, p).exp() * REL_ERR;
    let pval = if kf < m {
        // Upper tail: counts from ceil(m) upward, where the pmf is non-increasing.
        let start = m.ceil() as u64;
        let y = count_at_most(start, n, n, p, threshold, true);
        let lower = tail_sum(k, n, p, false);
        let upper = if y == 0 {
            0.0
        } else {
            tail_sum(n + 1 - y, n, p, true)
        };
        lower + upper
    } else {
        // Lower tail: counts from 0 to floor(m), where the pmf is non-decreasing.
        let end = m.floor() as u64;
        let y = count_at_most(0, end, n, p, threshold, false);
        let lower = if y == 0 {
            0.0
        } else {
            tail_sum(y - 1, n, p, false)
        };
        let upper = tail_sum(k, n, p, true);
        lower + upper
    };
    Ok(pval.min(1.0))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn rel_close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn log_pmf_matches_scipy() {
        // ln C(n, k) + k ln p + (n - k) ln(1 - p) at 50 digits with mpmath 1.3. (scipy 1.17.1's
        // binom.logpmf agrees to 1e-15 except at n = 10^6, k = 499000, where it is 5e-11 off.)
        let cases = [
            (3, 10, 0.3, -1.321_151_277_766_888_6),
            (0, 10, 0.3, -3.566_749_439_387_323_8),
            (10, 10, 0.3, -12.039_728_043_259_36),
            (499_000, 1_000_000, 0.5, -9.133_546_214_959_664),
            (1, 1_000_000, 0.5, -693_133.365_049_387_3),
            (123, 1000, 0.1, -6.019_263_469_694_304),
        ];
        for (k, n, p, want) in cases {
            let got = ln_binomial_pmf(k, n, p);
            assert!(
                rel_close(got, want, 1e-12),
                "{k}/{n} p={p}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn two_sided_p_values_match_scipy_binomtest() {
        // scipy 1.17.1 stats.binomtest(k, n, p).pvalue (same algorithm and tolerance as R).
        // 682/925 at 0.75 is the example in scipy's binomtest docs (Mendel's peas, R's too).
        let cases = [
            (7, 20, 0.5, 0.263_175_964_355_468_75),
            (3, 10, 0.3, 1.0),
            (682, 925, 0.75, 0.382_491_559_574_851_7),
            (2, 12, 0.5, 0.038_574_218_75),
            (10, 12, 0.5, 0.038_574_218_75),
            (0, 5, 0.5, 0.0625),
            (5, 5, 0.2, 0.000_320_000_000_000_000_1),
            (1, 10, 0.05, 0.401_263_060_761_621_1),
            (500, 1000, 0.5, 1.0),
            (480, 1000, 0.5, 0.217_448_293_204_141_5),
            (12, 40, 0.1, 0.000_380_834_266_736_342_85),
            (3, 7, 0.4, 1.0),
            (499_000, 1_000_000, 0.5, 0.045_608_299_865_389_6),
            (300_000, 1_000_000, 0.3, 1.0),
            (301_000, 1_000_000, 0.3, 0.029_176_858_487_956_43),
        ];
        for (k, n, p, want) in cases {
            let got = binomial_test(k, n, p).unwrap();
            assert!(rel_close(got, want, 1e-9), "{k}/{n} p={p}: {got} vs {want}");
        }
    }

    #[test]
    fn degenerate_nulls_and_empty_trials() {
        assert_eq!(binomial_test(0, 0, 0.5).unwrap(), 1.0);
        assert_eq!(binomial_test(0, 10, 0.0).unwrap(), 1.0);
        assert_eq!(binomial_test(1, 10, 0.0).unwrap(), 0.0);
        assert_eq!(binomial_test(10, 10, 1.0).unwrap(), 1.0);
        assert_eq!(binomial_test(9, 10, 1.0).unwrap(), 0.0);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(binomial_test(3, 2, 0.5).is_err());
        assert!(binomial_test(1, 2, 1.5).is_err());
        assert!(binomial_test(1, 2, f64::NAN).is_err());
    }

    #[test]
    fn a_million_trials_stay_in_range() {
        // Timing lives in `cargo bench --bench stats`.
        for k in 498_000..498_100 {
            let p = binomial_test(k, 1_000_000, 0.5).unwrap();
            assert!((0.0..=1.0).contains(&p));
        }
    }
}
