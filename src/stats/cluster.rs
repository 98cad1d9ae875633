//! Cluster bootstraps over items for quantities that are not integer ratios: a ratio of real
//! sums (mean reciprocal rank, must-not-miss coverage, inversions per item), and
//! Krippendorff's alpha resampling whole items (cases) rather than single steps.
//!
//! Must not: draw from anything but [`SplitMix64`] seeded from the config; undefined
//! replicates are skipped and counted, never NaN.

use super::StatsError;
use super::agreement::Units;
use super::bootstrap::{BootstrapConfig, RatioEstimate, percentile_interval};
use super::krippendorff::KrippendorffAlpha;
use super::rng::SplitMix64;

/// Cluster bootstrap of `Σ numerator / Σ denominator` over real-valued cluster sums; with
/// every denominator 1 it is the plain bootstrap of a mean over items.
pub fn cluster_mean_bootstrap(
    clusters: &[(f64, f64)],
    config: &BootstrapConfig,
) -> Result<RatioEstimate, StatsError> {
    config.validate()?;
    for (i, (a, b)) in clusters.iter().enumerate() {
        if !a.is_finite() || !b.is_finite() {
            return Err(StatsError::NonFinite {
                what: "cluster bootstrap: cluster sum",
                index: i,
            });
        }
    }
    let (num, den) = clusters
        .iter()
        .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x, b + y));
    let estimate = (den > 0.0).then(|| num / den);
    let n = clusters.len() as u64;
    let mut rng = SplitMix64::new(config.seed);
    let mut replicates = Vec::with_capacity(config.replicates);
    if n > 0 {
        for _ in 0..config.replicates {
            let (mut a, mut b) = (0.0, 0.0);
            for _ in 0..n {
                let (x, y) = clusters[rng.below(n) as usize];
                a += x;
                b += y;
            }
            if b > 0.0 {
                replicates.push(a / b);
            }
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

/// Add one cluster's coincidences (k × k, row-major) for nominal alpha into `o`.
///
/// Only categories a unit uses contribute: every other term is `+0.0`, whose addition changes
/// nothing (no term is ever `-0.0`), so skipping them keeps each sum bit for bit.
fn coincidences(units: &Units, members: &[usize], cats: &[u32], o: &mut [f64]) {
    let k = cats.len();
    let mut counts = vec![0.0; k];
    let mut used: Vec<usize> = Vec::with_capacity(k);
    for &u in members {
        let r = units.unit(u);
        if r.len() < 2 {
            continue;
        }
        for &c in &used {
            counts[c] = 0.0;
        }
        used.clear();
        for v in r {
            if let Ok(i) = cats.binary_search(v) {
                if counts[i] == 0.0 {
                    used.push(i);
                }
                counts[i] += 1.0;
            }
        }
        used.sort_unstable();
        let m = r.len() as f64 - 1.0;
        for &c in &used {
            for &d in &used {
                let same = if c == d { counts[c] } else { 0.0 };
                o[c * k + d] += (counts[c] * counts[d] - same) / m;
            }
        }
    }
}

/// Add matrix `m` to `acc`, element by element (`K2` known: unrolled, each sum unchanged).
#[inline(always)]
fn add_fixed<const K2: usize>(acc: &mut [f64], m: &[f64]) {
    if let (Ok(a), Ok(m)) = (<&mut [f64; K2]>::try_from(acc), <&[f64; K2]>::try_from(m)) {
        for (a, x) in a.iter_mut().zip(m) {
            *a += *x;
        }
    }
}

/// One replicate: `acc = Σ mats[draw]` over `n` draws from `rng`, in draw order.
fn replicate_sum(rng: &mut SplitMix64, mats: &[f64], kk: usize, n: u64, acc: &mut [f64]) {
    acc.iter_mut().for_each(|a| *a = 0.0);
    macro_rules! draws {
        ($k2:literal) => {
            for _ in 0..n {
                let at = rng.below(n) as usize * $k2;
                add_fixed::<$k2>(acc, &mats[at..at + $k2]);
            }
        };
    }
    match kk {
        1 => draws!(1),
        4 => draws!(4),
        9 => draws!(9),
        16 => draws!(16),
        _ => {
            for _ in 0..n {
                let at = rng.below(n) as usize * kk;
                acc.iter_mut()
                    .zip(&mats[at..at + kk])
                    .for_each(|(a, x)| *a += *x);
            }
        }
    }
}

fn alpha_of(o: &[f64], k: usize) -> Option<f64> {
    let nc: Vec<f64> = (0..k).map(|c| (0..k).map(|d| o[c * k + d]).sum()).collect();
    let n: f64 = nc.iter().sum();
    let mut disagree = 0.0;
    let mut expected = 0.0;
    for c in 0..k {
        for d in 0..k {
            if c != d {
                disagree += o[c * k + d];
                expected += nc[c] * nc[d];
            }
        }
    }
    (n > 1.0 && expected > 0.0).then(|| 1.0 - (n - 1.0) * disagree / expected)
}

/// Krippendorff's alpha (nominal) with a percentile interval from resampling whole clusters
/// (items) with replacement: `cluster_of[u]` names unit u's item. Steps of one case move
/// together, so the interval reflects the number of cases, not of steps.
/// `None` when alpha itself is undefined.
pub fn krippendorff_alpha_cluster_bootstrap(
    units: &Units,
    cluster_of: &[u64],
    config: &BootstrapConfig,
) -> Result<Option<KrippendorffAlpha>, StatsError> {
    config.validate()?;
    if cluster_of.len() != units.len() {
        return Err(StatsError::LengthMismatch {
            what: "krippendorff cluster bootstrap: units vs cluster keys",
            left: units.len(),
            right: cluster_of.len(),
        });
    }
    let cats = units.categories();
    let k = cats.len();
    let kk = k * k;
    // Units by cluster, clusters in ascending key order, units in order within each: runs of
    // equal keys when the keys are already sorted (the tally's are), else a stable sort.
    let mut order: Vec<usize> = (0..units.len()).collect();
    if !cluster_of.is_sorted() {
        order.sort_by_key(|&u| cluster_of[u]);
    }
    let mut mats: Vec<f64> = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let key = cluster_of[order[start]];
        let len = order[start..]
            .iter()
            .take_while(|&&u| cluster_of[u] == key)
            .count();
        let at = mats.len();
        mats.resize(at + kk, 0.0);
        coincidences(units, &order[start..start + len], &cats, &mut mats[at..]);
        start += len;
    }
    let mut total = vec![0.0; kk];
    for m in mats.chunks_exact(kk.max(1)) {
        total.iter_mut().zip(m).for_each(|(t, x)| *t += x);
    }
    let Some(value) = alpha_of(&total, k) else {
        return Ok(None);
    };
    let pairable = units.iter().filter(|r| r.len() >= 2).count();
    let values: usize = units
        .iter()
        .filter(|r| r.len() >= 2)
        .map(<[u32]>::len)
        .sum();
    let n = mats.len().checked_div(kk).unwrap_or(0) as u64;
    let mut rng = SplitMix64::new(config.seed);
    let mut replicates = Vec::with_capacity(config.replicates);
    let mut acc = vec![0.0; kk];
    for _ in 0..config.replicates {
        replicate_sum(&mut rng, &mats, kk, n, &mut acc);
        if let Some(a) = alpha_of(&acc, k) {
            replicates.push(a);
        }
    }
    Ok(Some(KrippendorffAlpha {
        value,
        interval: percentile_interval(replicates, config.level),
        units: pairable,
        values,
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::stats::krippendorff_alpha;

    fn config() -> BootstrapConfig {
        BootstrapConfig {
            replicates: 20_000,
            seed: 11,
            level: 0.95,
        }
    }

    /// numpy 2.4.6, 200 000 replicates (reference; our draws differ, so Monte Carlo tolerance):
    /// ```python
    /// cl = np.array([(3,10),(0,8),(5,12),(1,9),(2,11),(7,14),(0,6),(4,10),(1,7),(6,13),
    ///                (2,9),(3,8)], dtype=float)
    /// idx = np.random.default_rng(1).integers(0, len(cl), size=(200000, len(cl)))
    /// r = cl[idx,0].sum(1) / cl[idx,1].sum(1); np.percentile(r, [2.5, 97.5])
    /// # -> [0.18867925, 0.376], estimate 0.2905982905982906
    /// ```
    #[test]
    fn ratio_interval_matches_numpy_within_monte_carlo_error() {
        let cl: Vec<(f64, f64)> = [
            (3, 10),
            (0, 8),
            (5, 12),
            (1, 9),
            (2, 11),
            (7, 14),
            (0, 6),
            (4, 10),
            (1, 7),
            (6, 13),
            (2, 9),
            (3, 8),
        ]
        .iter()
        .map(|&(a, b)| (f64::from(a), f64::from(b)))
        .collect();
        let r = cluster_mean_bootstrap(&cl, &config()).unwrap();
        assert!((r.estimate.unwrap() - 0.2905982905982906).abs() < 1e-12);
        let i = r.interval.unwrap();
        assert!((i.lo - 0.18867925).abs() < 0.008, "{}", i.lo);
        assert!((i.hi - 0.376).abs() < 0.008, "{}", i.hi);
        // The integer version resamples the same way.
        let ints: Vec<(u64, u64)> = cl.iter().map(|&(a, b)| (a as u64, b as u64)).collect();
        let j = crate::stats::cluster_ratio_bootstrap(&ints, &config())
            .unwrap()
            .interval
            .unwrap();
        assert!((j.lo - 0.18867925).abs() < 0.008 && (j.hi - 0.376).abs() < 0.008);
    }

    /// 10 items × 4 steps, two raters (`krippendorff` 0.8.x, 20 000 item resamples):
    /// ```python
    /// for it in range(10):
    ///     for s in range(4):
    ///         a = (it*3 + s*5) % 3; b = a if (it+s) % 3 else (a + 1 + (it % 2)) % 3
    /// krippendorff.alpha(reliability_data=[r1, r2], level_of_measurement='nominal')
    /// # -> 0.46518375241779497; items resampled: percentiles [0.36680811, 0.54359244]
    /// ```
    #[test]
    fn alpha_over_items_matches_the_krippendorff_package() {
        let mut units = Units::new();
        let mut keys = Vec::new();
        for it in 0..10u32 {
            for s in 0..4u32 {
                let a = (it * 3 + s * 5) % 3;
                let b = if (it + s) % 3 != 0 {
                    a
                } else {
                    (a + 1 + (it % 2)) % 3
                };
                units.push_unit([a, b]);
                keys.push(u64::from(it));
            }
        }
        let a = krippendorff_alpha_cluster_bootstrap(&units, &keys, &config())
            .unwrap()
            .unwrap();
        assert!((a.value - 0.46518375241779497).abs() < 1e-12, "{}", a.value);
        assert!((a.value - krippendorff_alpha(&units).unwrap()).abs() < 1e-12);
        let i = a.interval.unwrap();
        assert!((i.lo - 0.36680811).abs() < 0.015, "{}", i.lo);
        assert!((i.hi - 0.54359244).abs() < 0.015, "{}", i.hi);
        assert_eq!(a.units, 40);
    }

    /// The map-of-vectors version the flat buffer replaced, kept as the reference.
    fn reference(
        units: &Units,
        cluster_of: &[u64],
        config: &BootstrapConfig,
    ) -> Option<(f64, Option<(f64, f64)>)> {
        fn coincidences(units: &Units, members: &[usize], cats: &[u32]) -> Vec<f64> {
            let k = cats.len();
            let mut o = vec![0.0; k * k];
            let mut counts = vec![0.0; k];
            for &u in members {
                let r = units.unit(u);
                if r.len() < 2 {
                    continue;
                }
                counts.iter_mut().for_each(|c| *c = 0.0);
                for v in r {
                    if let Ok(i) = cats.binary_search(v) {
                        counts[i] += 1.0;
                    }
                }
                let m = r.len() as f64 - 1.0;
                for c in 0..k {
                    for d in 0..k {
                        let same = if c == d { counts[c] } else { 0.0 };
                        o[c * k + d] += (counts[c] * counts[d] - same) / m;
                    }
                }
            }
            o
        }
        let cats = units.categories();
        let k = cats.len();
        let mut by: std::collections::BTreeMap<u64, Vec<usize>> = Default::default();
        for (u, c) in cluster_of.iter().enumerate() {
            by.entry(*c).or_default().push(u);
        }
        let mats: Vec<Vec<f64>> = by.values().map(|m| coincidences(units, m, &cats)).collect();
        let mut total = vec![0.0; k * k];
        for m in &mats {
            total.iter_mut().zip(m).for_each(|(t, x)| *t += x);
        }
        let value = alpha_of(&total, k)?;
        let n = mats.len() as u64;
        let mut rng = SplitMix64::new(config.seed);
        let mut replicates = Vec::new();
        let mut acc = vec![0.0; k * k];
        for _ in 0..config.replicates {
            acc.iter_mut().for_each(|a| *a = 0.0);
            for _ in 0..n {
                let m = &mats[rng.below(n) as usize];
                acc.iter_mut().zip(m).for_each(|(a, x)| *a += x);
            }
            if let Some(a) = alpha_of(&acc, k) {
                replicates.push(a);
            }
        }
        let i = percentile_interval(replicates, config.level);
        Some((value, i.map(|i| (i.lo, i.hi))))
    }

    #[test]
    fn flat_buffer_gives_the_reference_alpha_bit_for_bit() {
        let mut rng = SplitMix64::new(5);
        let config = BootstrapConfig {
            replicates: 300,
            seed: 3,
            level: 0.95,
        };
        // Raters per unit 1..=4 (three raters make thirds), categories 2..=5 (k² = 4, 9,
        // 16 and 25, the last on the general path), clusters sorted and shuffled.
        for (cats, max_raters, shuffled) in [
            (2u64, 2u64, false),
            (3, 2, false),
            (3, 3, true),
            (4, 4, false),
            (5, 3, true),
        ] {
            let mut units = Units::new();
            let mut keys = Vec::new();
            for item in 0..40u64 {
                for _ in 0..1 + rng.below(6) {
                    let raters = 1 + rng.below(max_raters);
                    units.push_unit((0..raters).map(|_| rng.below(cats) as u32 * 3));
                    keys.push(if shuffled { (item * 7919) % 41 } else { item });
                }
            }
            let got = krippendorff_alpha_cluster_bootstrap(&units, &keys, &config)
                .unwrap()
                .map(|a| (a.value, a.interval.map(|i| (i.lo, i.hi))));
            let want = reference(&units, &keys, &config);
            let bits = |x: Option<(f64, Option<(f64, f64)>)>| {
                x.map(|(v, i)| (v.to_bits(), i.map(|(a, b)| (a.to_bits(), b.to_bits()))))
            };
            assert!(want.is_some());
            assert_eq!(
                bits(got),
                bits(want),
                "{cats} categories, {max_raters} raters"
            );
        }
    }
}
