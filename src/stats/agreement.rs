//! Inter-rater agreement on nominal labels: percent agreement, Cohen's kappa, Fleiss' kappa,
//! and [`Units`], the ratings-grouped-by-unit table they (and Krippendorff's alpha) read.
//!
//! Must not: return NaN. Whenever chance agreement is total (one category only) or nothing is
//! pairable, the answer is `None`, shown as "n/a".

use super::StatsError;

/// Ratings grouped by unit (the thing judged: a step, a case), missing ratings simply absent.
///
/// Category codes are small integers the caller assigns (e.g. sound = 0, neutral = 1,
/// error = 2); which rater gave which value does not matter here. Stored flat, so a million
/// ratings are two allocations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Units {
    values: Vec<u32>,
    ends: Vec<usize>,
}

impl Units {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one unit with its ratings (any number, including zero or one).
    pub fn push_unit<I: IntoIterator<Item = u32>>(&mut self, ratings: I) {
        self.values.extend(ratings);
        self.ends.push(self.values.len());
    }

    /// From a raters × units matrix with `None` for missing ratings: the layout of
    /// Krippendorff's reliability data and of the `krippendorff` Python package.
    pub fn from_rater_rows(rows: &[Vec<Option<u32>>]) -> Result<Self, StatsError> {
        let width = rows.first().map_or(0, Vec::len);
        if let Some(bad) = rows.iter().find(|r| r.len() != width) {
            return Err(StatsError::LengthMismatch {
                what: "reliability data rows",
                left: width,
                right: bad.len(),
            });
        }
        let mut units = Self::new();
        for u in 0..width {
            units.push_unit(rows.iter().filter_map(|r| r[u]));
        }
        Ok(units)
    }

    /// Number of units (including those with fewer than two ratings).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no units.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The ratings of unit `i`.
    pub fn unit(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.values[start..self.ends[i]]
    }

    /// Every unit's ratings, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|i| self.unit(i))
    }

    /// The distinct category codes used, ascending.
    pub fn categories(&self) -> Vec<u32> {
        distinct(self.values.iter().copied())
    }

    /// Per-unit counts over `categories` (as from [`Units::categories`]), flattened
    /// units × categories.
    pub(crate) fn counts(&self, categories: &[u32]) -> Vec<u32> {
        let k = categories.len();
        let mut counts = vec![0u32; self.len() * k];
        for (u, ratings) in self.iter().enumerate() {
            for v in ratings {
                if let Ok(c) = categories.binary_search(v) {
                    counts[u * k + c] += 1;
                }
            }
        }
        counts
    }
}

pub(crate) fn distinct(values: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut v: Vec<u32> = values.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A kappa statistic with the agreements it compares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kappa {
    /// (observed - expected) / (1 - expected).
    pub value: f64,
    /// Observed agreement.
    pub observed: f64,
    /// Agreement expected by chance.
    pub expected: f64,
    /// Units that entered the statistic.
    pub units: usize,
}

/// Percent agreement: over units with at least two ratings, the mean share of rater pairs that
/// agree (Fleiss' P-bar). For two raters, the share of units on which they agree.
/// `None` when no unit has two ratings.
pub fn percent_agreement(units: &Units) -> Option<f64> {
    let mut sum = 0.0;
    let mut pairable = 0usize;
    let mut scratch = Vec::new();
    for ratings in units.iter() {
        let m = ratings.len();
        if m < 2 {
            continue;
        }
        let agreeing = match ratings {
            // Two ratings (the common case): they agree or not.
            [a, b] => 2 * u64::from(a == b),
            _ => agreeing_pairs(ratings, &mut scratch),
        };
        sum += agreeing as f64 / (m * (m - 1)) as f64;
        pairable += 1;
    }
    (pairable > 0).then(|| sum / pairable as f64)
}

/// Ordered pairs of ratings in one unit that agree: sum over categories of n_c (n_c - 1).
fn agreeing_pairs(ratings: &[u32], scratch: &mut Vec<u32>) -> u64 {
    scratch.clear();
    scratch.extend_from_slice(ratings);
    scratch.sort_unstable();
    let mut total = 0u64;
    let mut run = 0u64;
    for (i, v) in scratch.iter().enumerate() {
        run = if i > 0 && scratch[i - 1] == *v {
            run + 1
        } else {
            1
        };
        // Adding the run's r-th member adds 2 (r - 1) ordered agreeing pairs.
        total += 2 * (run - 1);
    }
    total
}

/// Cohen's (1960) kappa for two raters on the same units, given as `(rater1, rater2)` pairs.
///
/// `None` when there are no pairs or chance agreement is 1 (both raters used one and the same
/// category throughout). Matches statsmodels' `cohens_kappa` and R's `irr::kappa2`.
pub fn cohen_kappa(pairs: &[(u32, u32)]) -> Option<Kappa> {
    let n = pairs.len();
    if n == 0 {
        return None;
    }
    let cats = distinct(pairs.iter().flat_map(|&(a, b)| [a, b]));
    let k = cats.len();
    let mut rows = vec![0u64; k];
    let mut cols = vec![0u64; k];
    let mut agree = 0u64;
    for &(a, b) in pairs {
        let (Ok(i), Ok(j)) = (cats.binary_search(&a), cats.binary_search(&b)) else {
            continue;
        };
        rows[i] += 1;
        cols[j] += 1;
        agree += u64::from(i == j);
    }
    let nf = n as f64;
    let observed = agree as f64 / nf;
    let expected: f64 = rows
        .iter()
        .zip(&cols)
        .map(|(&r, &c)| (r as f64 / nf) * (c as f64 / nf))
        .sum();
    kappa(observed, expected, n)
}

fn kappa(observed: f64, expected: f64, units: usize) -> Option<Kappa> {
    (expected < 1.0).then(|| Kappa {
        value: (observed - expected) / (1.0 - expected),
        observed,
        expected,
        units,
    })
}

/// Fleiss' (1971) kappa for any number of raters, the same number `m >= 2` on every unit
/// (raters need not be the same people). Units with differing counts are an error: use
/// Krippendorff's alpha when ratings are missing.
///
/// `None` when there are no units, `m < 2`, or every rating is one category.
/// Matches statsmodels' `fleiss_kappa(method="fleiss")` and R's `irr::kappam.fleiss`.
pub fn fleiss_kappa(units: &Units) -> Result<Option<Kappa>, StatsError> {
    let Some(first) = units.iter().next() else {
        return Ok(None);
    };
    let m = first.len();
    for (u, ratings) in units.iter().enumerate() {
        if ratings.len() != m {
            return Err(StatsError::UnequalRaters {
                unit: u,
                expected: m,
                found: ratings.len(),
            });
        }
    }
    if m < 2 {
        return Ok(None);
    }
    let cats = units.categories();
    let counts = units.counts(&cats);
    let k = cats.len();
    let n_units = units.len();
    let mut totals = vec![0u64; k];
    let mut p_bar = 0.0;
    for row in counts.chunks_exact(k) {
        let mut agreeing = 0u64;
        for (t, &c) in totals.iter_mut().zip(row) {
            *t += u64::from(c);
            agreeing += u64::from(c) * u64::from(c.saturating_sub(1));
        }
        p_bar += agreeing as f64 / (m * (m - 1)) as f64;
    }
    let observed = p_bar / n_units as f64;
    let all = (n_units * m) as f64;
    let expected: f64 = totals.iter().map(|&t| (t as f64 / all).powi(2)).sum();
    Ok(kappa(observed, expected, n_units))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn table_pairs(table: &[&[u32]]) -> Vec<(u32, u32)> {
        let mut pairs = Vec::new();
        for (i, row) in table.iter().enumerate() {
            for (j, &count) in row.iter().enumerate() {
                pairs.extend(std::iter::repeat_n((i as u32, j as u32), count as usize));
            }
        }
        pairs
    }

    #[test]
    fn cohen_matches_the_textbook_and_statsmodels() {
        // Wikipedia "Cohen's kappa", worked example: 50 proposals, yes/yes 20, yes/no 5,
        // no/yes 10, no/no 15: po = 0.7, pe = 0.5, kappa = 0.4.
        // statsmodels cohens_kappa([[20, 5], [10, 15]]).kappa = 0.3999999999999999.
        let k = cohen_kappa(&table_pairs(&[&[20, 5], &[10, 15]])).unwrap();
        assert!((k.value - 0.4).abs() < 1e-12, "{k:?}");
        assert!((k.observed - 0.7).abs() < 1e-12 && (k.expected - 0.5).abs() < 1e-12);
        assert_eq!(k.units, 50);
        // statsmodels cohens_kappa([[22, 5, 3], [4, 11, 6], [2, 3, 24]]).kappa.
        let k = cohen_kappa(&table_pairs(&[&[22, 5, 3], &[4, 11, 6], &[2, 3, 24]])).unwrap();
        assert!((k.value - 0.562_321_598_477_640_4).abs() < 1e-12, "{k:?}");
    }

    #[test]
    fn cohen_edge_cases() {
        assert_eq!(cohen_kappa(&[]), None);
        // One category only: chance agreement is 1, kappa undefined.
        assert_eq!(cohen_kappa(&[(2, 2), (2, 2)]), None);
        // Perfect agreement over two categories.
        assert_eq!(cohen_kappa(&[(0, 0), (1, 1), (1, 1)]).unwrap().value, 1.0);
    }

    fn fleiss_table() -> Units {
        // Fleiss (1971) via Wikipedia "Fleiss' kappa": 10 subjects, 14 raters, 5 categories;
        // rows are per-subject category counts. kappa = 0.210.
        let table: [[u32; 5]; 10] = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let mut units = Units::new();
        for row in table {
            units.push_unit(
                row.iter()
                    .enumerate()
                    .flat_map(|(c, &n)| std::iter::repeat_n(c as u32, n as usize)),
            );
        }
        units
    }

    #[test]
    fn fleiss_matches_the_textbook_and_statsmodels() {
        // statsmodels fleiss_kappa(table, method="fleiss") = 0.20993070442195522;
        // Wikipedia: P-bar = 0.378, P-e = 0.213.
        let k = fleiss_kappa(&fleiss_table()).unwrap().unwrap();
        assert!((k.value - 0.209_930_704_421_955_22).abs() < 1e-12, "{k:?}");
        assert!((k.observed - 0.378).abs() < 5e-4 && (k.expected - 0.213).abs() < 5e-4);
        let p = percent_agreement(&fleiss_table()).unwrap();
        assert!((p - k.observed).abs() < 1e-15);
    }

    #[test]
    fn fleiss_rejects_varying_rater_counts_and_handles_edges() {
        let mut u = Units::new();
        u.push_unit([0, 1]);
        u.push_unit([0, 1, 1]);
        assert_eq!(
            fleiss_kappa(&u),
            Err(StatsError::UnequalRaters {
                unit: 1,
                expected: 2,
                found: 3
            })
        );
        assert_eq!(fleiss_kappa(&Units::new()), Ok(None));
        let mut one = Units::new();
        one.push_unit([3, 3, 3]);
        one.push_unit([3, 3, 3]);
        assert_eq!(fleiss_kappa(&one), Ok(None));
        assert_eq!(percent_agreement(&one), Some(1.0));
    }

    #[test]
    fn percent_agreement_over_pairs_and_units() {
        let rows = vec![
            vec![Some(0), Some(1), Some(2), None],
            vec![Some(0), Some(2), Some(2), Some(1)],
            vec![None, Some(1), Some(2), None],
        ];
        let u = Units::from_rater_rows(&rows).unwrap();
        // Unit 0: 1 pair, agrees. Unit 1: 3 pairs, 1 agrees. Unit 2: 3 of 3. Unit 3: 1 rating.
        let p = percent_agreement(&u).unwrap();
        assert!((p - (1.0 + 1.0 / 3.0 + 1.0) / 3.0).abs() < 1e-15, "{p}");
        assert_eq!(percent_agreement(&Units::new()), None);
        let mut single = Units::new();
        single.push_unit([1]);
        assert_eq!(percent_agreement(&single), None);
    }

    #[test]
    fn ragged_rows_are_an_error() {
        let rows = vec![vec![Some(0)], vec![Some(0), Some(1)]];
        assert!(matches!(
            Units::from_rater_rows(&rows),
            Err(StatsError::LengthMismatch {
                left: 1,
                right: 2,
                ..
            })
        ));
    }
}
