//! Proportions with Wilson score intervals: accuracy, top-5 inclusion, step error rate.
//!
//! Must not: return NaN. An empty denominator is "n/a" (`None`), never 0/0.

use std::fmt;

use super::StatsError;

/// The normal quantile for a two-sided 95 % interval, `qnorm(0.975)`.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A closed interval `[lo, hi]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
}

impl Interval {
    /// Whether `x` lies in the interval (ends included).
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

/// Wilson (1927) score interval for `k` successes in `n` trials with normal quantile `z`.
///
/// `None` when `n == 0`. Matches statsmodels' `proportion_confint(method="wilson")` and R's
/// `prop.test(correct = FALSE)`.
pub fn wilson(k: u64, n: u64, z: f64) -> Result<Option<Interval>, StatsError> {
    if !(z.is_finite() && z > 0.0) {
        return Err(StatsError::InvalidZ(z));
    }
    if k > n {
        return Err(StatsError::CountExceedsTotal {
            what: "wilson interval",
            k,
            n,
        });
    }
    if n == 0 {
        return Ok(None);
    }
    let nf = n as f64;
    let p = k as f64 / nf;
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let center = (p + z2 / (2.0 * nf)) / denom;
    let half = z / denom * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    // At k = 0 or k = n the formula's end sits exactly on 0 or 1 up to rounding; pin it.
    let lo = if k == 0 {
        0.0
    } else {
        (center - half).max(0.0)
    };
    let hi = if k == n {
        1.0
    } else {
        (center + half).min(1.0)
    };
    Ok(Some(Interval { lo, hi }))
}

/// `k` of `n` with its estimate and Wilson interval; every field `None` when `n == 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub k: u64,
    pub n: u64,
    pub estimate: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

impl Rate {
    /// A rate with its Wilson 95 % interval.
    pub fn new(k: u64, n: u64) -> Result<Self, StatsError> {
        Self::with_z(k, n, Z_95)
    }

    /// A rate with a Wilson interval for normal quantile `z` (2.5758 for 99 %).
    pub fn with_z(k: u64, n: u64, z: f64) -> Result<Self, StatsError> {
        let interval = wilson(k, n, z)?;
        Ok(Self {
            k,
            n,
            estimate: (n > 0).then(|| k as f64 / n as f64),
            lo: interval.map(|i| i.lo),
            hi: interval.map(|i| i.hi),
        })
    }
}

/// `30.6 % [27.1, 34.4] (k/n)`, or `n/a (0/0)`.
impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.estimate, self.lo, self.hi) {
            (Some(e), Some(lo), Some(hi)) => write!(
                f,
                "{:.1} % [{:.1}, {:.1}] ({}/{})",
                100.0 * e,
                100.0 * lo,
                100.0 * hi,
                self.k,
                self.n
            ),
            _ => write!(f, "n/a ({}/{})", self.k, self.n),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn wilson_matches_newcombe_and_statsmodels() {
        // Newcombe (1998), Stat Med 17:857, Table I example 81/263: Wilson 0.2553–0.3662.
        // statsmodels 0.15 proportion_confint(81, 263, method="wilson") =
        // (0.2552885198782742, 0.36620957698280004).
        let i = wilson(81, 263, Z_95).unwrap().unwrap();
        assert!(close(i.lo, 0.255_288_519_878_274_2, 1e-12), "{i:?}");
        assert!(close(i.hi, 0.366_209_576_982_800_04, 1e-12), "{i:?}");
        // statsmodels, alpha = 0.01 (z = 2.5758293035489004).
        let i = wilson(81, 263, 2.575_829_303_548_900_4).unwrap().unwrap();
        assert!(close(i.lo, 0.240_136_902_687_607_73, 1e-12), "{i:?}");
        assert!(close(i.hi, 0.385_282_502_318_229_86, 1e-12), "{i:?}");
    }

    #[test]
    fn wilson_at_the_edges_matches_statsmodels() {
        // statsmodels: (0, 10) -> (0.0, 0.27753279986288926); (10, 10) -> (0.7224672001371106, 1.0);
        // (1, 3) -> (0.06149194472039626, 0.7923403991979523);
        // (15, 148) -> (0.06238639953073628, 0.16048724172330803).
        let cases = [
            (0, 10, 0.0, 0.277_532_799_862_889_26),
            (10, 10, 0.722_467_200_137_110_6, 1.0),
            (1, 3, 0.061_491_944_720_396_26, 0.792_340_399_197_952_3),
            (15, 148, 0.062_386_399_530_736_28, 0.160_487_241_723_308_03),
        ];
        for (k, n, lo, hi) in cases {
            let i = wilson(k, n, Z_95).unwrap().unwrap();
            assert!(
                close(i.lo, lo, 1e-12) && close(i.hi, hi, 1e-12),
                "{k}/{n}: {i:?}"
            );
        }
    }

    #[test]
    fn empty_rate_is_not_applicable_never_nan() {
        let r = Rate::new(0, 0).unwrap();
        assert_eq!((r.estimate, r.lo, r.hi), (None, None, None));
        assert_eq!(r.to_string(), "n/a (0/0)");
    }

    #[test]
    fn rate_displays_percent_with_interval() {
        let r = Rate::new(81, 263).unwrap();
        assert_eq!(r.to_string(), "30.8 % [25.5, 36.6] (81/263)");
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(matches!(
            Rate::new(5, 4),
            Err(StatsError::CountExceedsTotal { k: 5, n: 4, .. })
        ));
        assert!(matches!(
            wilson(1, 4, f64::NAN),
            Err(StatsError::InvalidZ(_))
        ));
        assert!(matches!(wilson(1, 4, -1.0), Err(StatsError::InvalidZ(_))));
    }
}
