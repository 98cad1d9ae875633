//! Paired comparisons: exact McNemar tests and Holm's step-down adjustment over a family.
//!
//! Must not: decide significance with a hard-coded level. The level is a [`SignificanceLevel`]
//! the coordinator configures (default 0.01, as in Zhong et al.).

use super::StatsError;
use super::binomial::binomial_test;

/// A significance level strictly between 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignificanceLevel(f64);

impl SignificanceLevel {
    /// The default level, 0.01 (Zhong et al., J Med Syst 2026).
    pub const DEFAULT: Self = Self(0.01);

    /// A level in (0, 1).
    pub fn new(alpha: f64) -> Result<Self, StatsError> {
        if alpha > 0.0 && alpha < 1.0 {
            Ok(Self(alpha))
        } else {
            Err(StatsError::InvalidAlpha(alpha))
        }
    }

    /// The level as a number.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for SignificanceLevel {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// An exact McNemar test on paired binary outcomes (A's outcome, B's outcome) per case.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McNemar {
    /// Pairs where A succeeded and B did not.
    pub b: u64,
    /// Pairs where B succeeded and A did not.
    pub c: u64,
    /// Two-sided exact p-value: binomial test of `b` in `b + c` at 1/2; 1 when `b + c = 0`.
    pub p_value: f64,
}

impl McNemar {
    /// The test from the two discordant counts.
    pub fn exact(b: u64, c: u64) -> Self {
        // b <= b + c and p = 1/2 are always valid arguments; 1.0 is the n = 0 answer anyway.
        let p_value = binomial_test(b, b + c, 0.5).unwrap_or(1.0);
        Self { b, c, p_value }
    }

    /// The test from paired outcomes `(a_ok, b_ok)`; concordant pairs carry no information.
    pub fn from_pairs<I: IntoIterator<Item = (bool, bool)>>(pairs: I) -> Self {
        let (mut b, mut c) = (0u64, 0u64);
        for pair in pairs {
            match pair {
                (true, false) => b += 1,
                (false, true) => c += 1,
                _ => {}
            }
        }
        Self::exact(b, c)
    }

    /// Whether the unadjusted p-value is below the level.
    pub fn significant(&self, level: SignificanceLevel) -> bool {
        self.p_value < level.get()
    }
}

/// Holm (1979) step-down adjusted p-values, in the input order (as R's
/// `p.adjust(method = "holm")` and statsmodels' `multipletests(method="holm")`).
///
/// NaN inputs sort last and stay NaN; the stats core never produces them.
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]));
    let mut adjusted = vec![0.0; m];
    let mut running_max = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        let candidate = ((m - rank) as f64 * p_values[i]).min(1.0);
        running_max = running_max.max(candidate);
        adjusted[i] = if p_values[i].is_nan() {
            f64::NAN
        } else {
            running_max
        };
    }
    adjusted
}

/// Which hypotheses Holm's procedure rejects at `level` (adjusted p < level).
pub fn holm_reject(p_values: &[f64], level: SignificanceLevel) -> Vec<bool> {
    holm(p_values)
        .into_iter()
        .map(|p| p < level.get())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn exact_mcnemar_matches_statsmodels() {
        // statsmodels 0.15 mcnemar([[100, b], [c, 100]], exact=True).pvalue.
        // 10 vs 2: 2 * (1 + 12 + 66) / 4096 exactly. 150 vs 86: Agresti (2002), Table 10.1
        // presidential approval, the textbook McNemar example.
        let cases = [
            (10, 2, 0.038_574_218_75),
            (150, 86, 3.715_936_139_571_386_6e-5),
            (0, 0, 1.0),
            (5, 5, 1.0),
            (3, 0, 0.25),
            (59, 73, 0.257_761_087_843_254_3),
        ];
        for (b, c, want) in cases {
            let got = McNemar::exact(b, c).p_value;
            assert!(
                (got - want).abs() <= 1e-10 * want,
                "{b},{c}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn from_pairs_counts_only_discordant_pairs() {
        let pairs = [
            (true, true),
            (true, false),
            (true, false),
            (false, true),
            (false, false),
        ];
        let t = McNemar::from_pairs(pairs);
        assert_eq!((t.b, t.c), (2, 1));
        assert_eq!(t.p_value, 1.0);
    }

    #[test]
    fn significance_uses_the_configured_level() {
        let t = McNemar::exact(10, 2); // p = 0.0386
        assert!(!t.significant(SignificanceLevel::default()));
        assert!(t.significant(SignificanceLevel::new(0.05).unwrap()));
        assert!(SignificanceLevel::new(0.0).is_err());
        assert!(SignificanceLevel::new(1.0).is_err());
        assert!(SignificanceLevel::new(f64::NAN).is_err());
    }

    #[test]
    fn holm_matches_statsmodels() {
        // statsmodels multipletests(p, method="holm")[1].
        let adj = holm(&[0.01, 0.04, 0.03, 0.005, 0.2]);
        let want = [0.04, 0.09, 0.09, 0.025, 0.2];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-15, "{adj:?}");
        }
        let adj = holm(&[0.02, 0.02, 0.5]);
        let want = [0.06, 0.06, 0.5];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-15, "{adj:?}");
        }
        assert!(holm(&[]).is_empty());
        assert_eq!(holm(&[0.7, 0.9]), vec![1.0, 1.0]);
    }

    #[test]
    fn holm_reject_at_level() {
        let r = holm_reject(
            &[0.01, 0.04, 0.03, 0.005, 0.2],
            SignificanceLevel::new(0.05).unwrap(),
        );
        assert_eq!(r, vec![true, false, false, true, false]);
    }
}
