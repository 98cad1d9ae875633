//! Krippendorff's alpha for nominal labels with missing ratings, and its bootstrap interval
//! over units.
//!
//! Must not: return NaN. No pairable values, or a single category overall, gives `None`.
//! Method: the coincidence matrix of Krippendorff (2011, "Computing Krippendorff's
//! alpha-reliability") and Hayes & Krippendorff (2007), as the `krippendorff` Python package.

use super::StatsError;
use super::agreement::Units;
use super::bootstrap::{BootstrapConfig, group, percentile_interval};
use super::proportion::Interval;
use super::rng::SplitMix64;

/// Alpha with its bootstrap interval and the data it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KrippendorffAlpha {
    /// 1 - D_o / D_e.
    pub value: f64,
    /// Percentile interval from resampling pairable units; `None` if no replicate was defined.
    pub interval: Option<Interval>,
    /// Units with at least two ratings.
    pub units: usize,
    /// Ratings in those units (Krippendorff's n).
    pub values: usize,
}

/// The distinct per-unit count patterns of the pairable units, with their multiplicities.
struct Patterns {
    k: usize,
    /// Flattened patterns × categories.
    counts: Vec<u32>,
    /// Ratings per pattern (m_u).
    m: Vec<f64>,
    /// Observed disagreement mass per pattern: m_u - sum_c n_uc (n_uc - 1) / (m_u - 1).
    disagreement: Vec<f64>,
    weights: Vec<u64>,
}

impl Patterns {
    fn new(units: &Units) -> Self {
        let cats = units.categories();
        let k = cats.len();
        let all = units.counts(&cats);
        let rows = all
            .chunks_exact(k.max(1))
            .filter(|row| row.iter().sum::<u32>() >= 2);
        let (keys, weights) = group(rows);
        let mut counts = Vec::with_capacity(keys.len() * k);
        let mut m = Vec::with_capacity(keys.len());
        let mut disagreement = Vec::with_capacity(keys.len());
        for row in &keys {
            let mu = f64::from(row.iter().sum::<u32>());
            let agree: f64 = row
                .iter()
                .map(|&c| f64::from(c) * f64::from(c.saturating_sub(1)))
                .sum();
            counts.extend_from_slice(row);
            m.push(mu);
            disagreement.push(mu - agree / (mu - 1.0));
        }
        Self {
            k,
            counts,
            m,
            disagreement,
            weights,
        }
    }

    /// Alpha for the multiset that holds pattern i `w[i]` times; `None` when undefined.
    fn alpha(&self, w: &[u64], totals: &mut Vec<f64>) -> Option<f64> {
        totals.clear();
        totals.resize(self.k, 0.0);
        let (mut n, mut d_o) = (0.0, 0.0);
        for (i, &wi) in w.iter().enumerate() {
            if wi == 0 {
                continue;
            }
            let wf = wi as f64;
            n += wf * self.m[i];
            d_o += wf * self.disagreement[i];
            let row = &self.counts[i * self.k..(i + 1) * self.k];
            for (t, &c) in totals.iter_mut().zip(row) {
                *t += wf * f64::from(c);
            }
        }
        let expected = n * n - totals.iter().map(|t| t * t).sum::<f64>();
        (n >= 2.0 && expected > 0.0).then(|| 1.0 - (n - 1.0) * d_o / expected)
    }
}

/// Krippendorff's alpha (nominal) over units with missing ratings; `None` when no unit has two
/// ratings or only one category occurs among pairable ratings.
pub fn krippendorff_alpha(units: &Units) -> Option<f64> {
    let p = Patterns::new(units);
    p.alpha(&p.weights, &mut Vec::new())
}

/// Alpha with a percentile bootstrap interval, resampling pairable units with replacement.
///
/// Each replicate is a multinomial draw over distinct unit patterns (O(patterns), e.g. a
/// handful for three labels and two or three reviewers), so a million ratings cost the same
/// per replicate as a hundred. Replicates where alpha is undefined are skipped.
pub fn krippendorff_alpha_bootstrap(
    units: &Units,
    config: &BootstrapConfig,
) -> Result<Option<KrippendorffAlpha>, StatsError> {
    config.validate()?;
    let p = Patterns::new(units);
    let mut totals = Vec::new();
    let Some(value) = p.alpha(&p.weights, &mut totals) else {
        return Ok(None);
    };
    let pairable: u64 = p.weights.iter().sum();
    let values: f64 = p.weights.iter().zip(&p.m).map(|(&w, m)| w as f64 * m).sum();
    let mut rng = SplitMix64::new(config.seed);
    let mut draw = Vec::with_capacity(p.weights.len());
    let mut replicates = Vec::with_capacity(config.replicates);
    for _ in 0..config.replicates {
        rng.multinomial(pairable, &p.weights, &mut draw);
        if let Some(a) = p.alpha(&draw, &mut totals) {
            replicates.push(a);
        }
    }
    Ok(Some(KrippendorffAlpha {
        value,
        interval: percentile_interval(replicates, config.level),
        units: pairable as usize,
        values: values as usize,
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    const NA: Option<u32> = None;

    fn rows_units(rows: &[&[Option<u32>]]) -> Units {
        let rows: Vec<Vec<Option<u32>>> = rows.iter().map(|r| r.to_vec()).collect();
        Units::from_rater_rows(&rows).unwrap()
    }

    fn krippendorff_2011() -> Units {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C:
        // 4 observers x 12 units with missing values; nominal alpha = 0.743.
        rows_units(&[
            &[
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                NA,
                NA,
                NA,
            ],
            &[
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                NA,
                Some(3),
            ],
            &[
                NA,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                NA,
            ],
            &[
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                NA,
            ],
        ])
    }

    #[test]
    fn matches_krippendorff_2011_and_the_python_package() {
        // krippendorff 0.9.0: alpha(reliability_data=..., level_of_measurement="nominal")
        // = 0.743421052631579; the paper prints 0.743.
        let a = krippendorff_alpha(&krippendorff_2011()).unwrap();
        assert!((a - 0.743_421_052_631_579).abs() < 1e-12, "{a}");
    }

    #[test]
    fn matches_the_python_package_test_data() {
        // The nominal example in the krippendorff package's tests (from Krippendorff's
        // Content Analysis): 3 coders x 15 units, expected 0.691358024691358.
        let a = krippendorff_alpha(&rows_units(&[
            &[
                NA,
                NA,
                NA,
                NA,
                NA,
                Some(3),
                Some(4),
                Some(1),
                Some(2),
                Some(1),
                Some(1),
                Some(3),
                Some(3),
                NA,
                Some(3),
            ],
            &[
                Some(1),
                NA,
                Some(2),
                Some(1),
                Some(3),
                Some(3),
                Some(4),
                Some(3),
                NA,
                NA,
                NA,
                NA,
                NA,
                NA,
                NA,
            ],
            &[
                NA,
                NA,
                Some(2),
                Some(1),
                Some(3),
                Some(4),
                Some(4),
                NA,
                Some(2),
                Some(1),
                Some(1),
                Some(3),
                Some(3),
                NA,
                Some(4),
            ],
        ]))
        .unwrap();
        assert!((a - 0.691_358_024_691_358).abs() < 1e-12, "{a}");
        // Two coders, binary: krippendorff.alpha([[0, 1, 0, 0], [0, 1, 0, 1]]) = 0.5333...
        let a = krippendorff_alpha(&rows_units(&[
            &[Some(0), Some(1), Some(0), Some(0)],
            &[Some(0), Some(1), Some(0), Some(1)],
        ]))
        .unwrap();
        assert!((a - 0.533_333_333_333_333_3).abs() < 1e-12, "{a}");
    }

    #[test]
    fn undefined_cases_are_none_and_perfect_agreement_is_one() {
        assert_eq!(krippendorff_alpha(&Units::new()), None);
        // No unit with two ratings.
        assert_eq!(
            krippendorff_alpha(&rows_units(&[&[Some(1), NA], &[NA, Some(2)]])),
            None
        );
        // One category only.
        assert_eq!(
            krippendorff_alpha(&rows_units(&[&[Some(1), Some(1)], &[Some(1), Some(1)]])),
            None
        );
        // All agree over two categories.
        assert_eq!(
            krippendorff_alpha(&rows_units(&[&[Some(0), Some(1)], &[Some(0), Some(1)]])),
            Some(1.0)
        );
        let r = krippendorff_alpha_bootstrap(&Units::new(), &BootstrapConfig::default()).unwrap();
        assert_eq!(r, None);
    }

    #[test]
    fn bootstrap_interval_brackets_the_estimate_and_is_reproducible() {
        let units = krippendorff_2011();
        let config = BootstrapConfig::with_seed(7);
        let a = krippendorff_alpha_bootstrap(&units, &config)
            .unwrap()
            .unwrap();
        let b = krippendorff_alpha_bootstrap(&units, &config)
            .unwrap()
            .unwrap();
        assert_eq!(a, b);
        assert_eq!((a.units, a.values), (11, 40));
        let i = a.interval.unwrap();
        assert!(i.lo < a.value && a.value < i.hi && i.hi <= 1.0, "{a:?}");
    }

    /// Two reviewers on `n` steps, three labels; the second copies the first with
    /// probability `agree`, otherwise labels at random.
    fn two_reviewers(n: usize, agree: f64, seed: u64) -> Units {
        let mut rng = SplitMix64::new(seed);
        let mut units = Units::new();
        for _ in 0..n {
            let a = rng.below(3) as u32;
            let b = if rng.next_f64() < agree {
                a
            } else {
                rng.below(3) as u32
            };
            units.push_unit([a, b]);
        }
        units
    }

    #[test]
    fn bootstrap_spread_shrinks_like_one_over_root_n() {
        let config = BootstrapConfig::default();
        let small = krippendorff_alpha_bootstrap(&two_reviewers(400, 0.6, 1), &config)
            .unwrap()
            .unwrap();
        let large = krippendorff_alpha_bootstrap(&two_reviewers(40_000, 0.6, 1), &config)
            .unwrap()
            .unwrap();
        let w = |a: &KrippendorffAlpha| a.interval.map_or(0.0, |i| i.hi - i.lo);
        // 100x the units: width should shrink about 10x.
        let ratio = w(&small) / w(&large);
        assert!((7.0..14.0).contains(&ratio), "{ratio}");
        // True alpha for this process is about 0.6.
        assert!((large.value - 0.6).abs() < 0.02, "{large:?}");
    }

    #[test]
    fn a_million_ratings_bootstrap() {
        // Timing lives in `cargo bench --bench stats`.
        let units = two_reviewers(500_000, 0.7, 2);
        let a = krippendorff_alpha_bootstrap(&units, &BootstrapConfig::default()).unwrap();
        assert!(a.is_some());
    }
}
