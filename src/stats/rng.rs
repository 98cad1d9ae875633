//! A seeded pseudo-random stream (SplitMix64) and the few distributions the bootstraps need.
//!
//! Must not: read the clock, OS entropy or std's randomly seeded hasher. Every draw is a pure
//! function of the seed, so an interval printed today is reprinted bit for bit tomorrow.

/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference `splitmix64.c`).
///
/// Small, fast, passes BigCrush, and trivially seedable from any `u64`, which is all a
/// bootstrap needs. Not for cryptography.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A stream determined entirely by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 uniformly distributed bits.
    pub fn next_u64(&mut self) -> u64 {
        let z = crate::primitives::splitmix::mix(self.state);
        self.state = self.state.wrapping_add(crate::primitives::splitmix::GAMMA);
        z
    }

    /// Uniform on [0, 1) with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on (0, 1]: safe to take the logarithm of.
    fn next_open_f64(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..n` without modulo bias (Lemire 2019); 0 when `n == 0`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        let mut low = m as u64;
        if low < n {
            let threshold = n.wrapping_neg() % n;
            while low < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
                low = m as u64;
            }
        }
        (m >> 64) as u64
    }

    /// Standard normal by Box–Muller (one of the pair is discarded to keep the state simple).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.next_open_f64();
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Gamma(shape, 1) for `shape >= 1` by Marsaglia & Tsang (2000); smaller shapes use their
    /// boost `Gamma(a) = Gamma(a + 1) * U^(1/a)`.
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let boost = self.next_open_f64().powf(1.0 / shape);
            return self.gamma(shape + 1.0) * boost;
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.next_open_f64();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Beta(a, b) as a ratio of gammas.
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        x / (x + y)
    }

    /// Binomial(n, p), exact in distribution, in O(log n) expected draws for large `n`.
    ///
    /// Small means use inversion. Large ones use Devroye's order-statistic splitting: the
    /// median-rank order statistic of `n` uniforms is Beta(k, n + 1 - k); depending on which
    /// side of `p` it falls, the count below `p` is `k` plus a binomial on the upper uniforms or
    /// a binomial on the lower ones, each a problem of half the size.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        let mut n = n;
        let mut p = p;
        let mut base = 0u64;
        loop {
            if n == 0 || p.is_nan() || p <= 0.0 {
                return base;
            }
            if p >= 1.0 {
                return base + n;
            }
            let small = if p <= 0.5 { p } else { 1.0 - p };
            if (n as f64) * small < 30.0 {
                let x = self.binomial_inversion(n, small);
                return base + if p <= 0.5 { x } else { n - x };
            }
            let k = n.div_ceil(2);
            let u = self.beta(k as f64, (n + 1 - k) as f64);
            if u > p {
                n = k - 1;
                p /= u;
            } else {
                base += k;
                n -= k;
                p = (p - u) / (1.0 - u);
            }
        }
    }

    /// Inversion for `p <= 0.5` and a small mean; walks the cdf up from zero.
    fn binomial_inversion(&mut self, n: u64, p: f64) -> u64 {
        let q = 1.0 - p;
        let ratio = p / q;
        let mut pmf = (n as f64 * q.ln()).exp();
        let mut cdf = pmf;
        let u = self.next_f64();
        let mut x = 0u64;
        while u > cdf && x < n {
            x += 1;
            pmf *= (n - x + 1) as f64 / x as f64 * ratio;
            cdf += pmf;
            if pmf <= 0.0 {
                break;
            }
        }
        x
    }

    /// Counts of `draws` picks with replacement among groups weighted by `weights`
    /// (a multinomial draw), by sequential conditional binomials: O(groups), not O(draws).
    ///
    /// This is what lets a bootstrap over a million units with a handful of distinct
    /// patterns cost microseconds per replicate.
    pub fn multinomial(&mut self, draws: u64, weights: &[u64], out: &mut Vec<u64>) {
        out.clear();
        let mut remaining_draws = draws;
        let mut remaining_weight: u64 = weights.iter().sum();
        for &w in weights {
            let x = if remaining_draws == 0 || w == 0 {
                0
            } else if w >= remaining_weight {
                remaining_draws
            } else {
                self.binomial(remaining_draws, w as f64 / remaining_weight as f64)
            };
            out.push(x);
            remaining_draws -= x;
            remaining_weight -= w;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_reference_stream() {
        // Vigna's splitmix64.c with x = 1234567; the same five outputs are used as a test
        // vector by rand_xoshiro's SplitMix64 and reproduced with a Python transcription.
        let mut rng = SplitMix64::new(1_234_567);
        let got: Vec<u64> = (0..5).map(|_| rng.next_u64()).collect();
        assert_eq!(
            got,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut rng = SplitMix64::new(7);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            let i = rng.below(6) as usize;
            counts[i] += 1;
        }
        // Each cell ~ Binomial(60000, 1/6): sd ~ 91; 5 sd = 456.
        for c in counts {
            assert!((c as i64 - 10_000).abs() < 456, "{counts:?}");
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.below(1), 0);
    }

    fn moments(draws: &[f64]) -> (f64, f64) {
        let n = draws.len() as f64;
        let mean = draws.iter().sum::<f64>() / n;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    #[test]
    fn binomial_has_the_right_mean_and_variance_on_both_paths() {
        let mut rng = SplitMix64::new(42);
        // (n, p): inversion path, splitting path, p above one half, a huge n.
        for (n, p) in [(20u64, 0.3), (10_000, 0.37), (5_000, 0.9), (2_000_000, 0.5)] {
            let draws: Vec<f64> = (0..20_000).map(|_| rng.binomial(n, p) as f64).collect();
            let (mean, var) = moments(&draws);
            let true_var = n as f64 * p * (1.0 - p);
            let se_mean = (true_var / 20_000.0).sqrt();
            assert!(
                (mean - n as f64 * p).abs() < 5.0 * se_mean,
                "n={n} p={p} mean={mean}"
            );
            // sd of a sample variance ~ var * sqrt(2 / (N - 1)) = 1 % here; allow 6 %.
            assert!((var / true_var - 1.0).abs() < 0.06, "n={n} p={p} var={var}");
            assert!(draws.iter().all(|&x| x >= 0.0 && x <= n as f64));
        }
        assert_eq!(rng.binomial(0, 0.5), 0);
        assert_eq!(rng.binomial(9, 0.0), 0);
        assert_eq!(rng.binomial(9, 1.0), 9);
    }

    #[test]
    fn multinomial_sums_to_draws_and_matches_weights() {
        let mut rng = SplitMix64::new(3);
        let weights = [500_000u64, 300_000, 0, 200_000];
        let mut out = Vec::new();
        let mut totals = [0f64; 4];
        for _ in 0..2_000 {
            rng.multinomial(1_000_000, &weights, &mut out);
            assert_eq!(out.iter().sum::<u64>(), 1_000_000);
            assert_eq!(out[2], 0);
            for (t, &x) in totals.iter_mut().zip(&out) {
                *t += x as f64;
            }
        }
        for (t, w) in totals.iter().zip(weights) {
            let mean = t / 2_000.0;
            // sd of the mean of group 0: sqrt(1e6 * .25) / sqrt(2000) ~ 11.
            assert!((mean - w as f64).abs() < 60.0, "{mean} vs {w}");
        }
    }

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = {
            let mut r = SplitMix64::new(99);
            (0..10).map(|_| r.binomial(1_000, 0.4)).collect()
        };
        let b: Vec<u64> = {
            let mut r = SplitMix64::new(99);
            (0..10).map(|_| r.binomial(1_000, 0.4)).collect()
        };
        assert_eq!(a, b);
    }
}
