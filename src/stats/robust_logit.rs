//! Unpenalised logistic regression with cluster-robust (sandwich) standard errors: the
//! style-control model of step error on model plus covariates, items as clusters.
//!
//! Method: Newton-Raphson on the log-likelihood; covariance `H⁻¹ (Σ_g s_g s_gᵀ) H⁻¹` with
//! s_g the summed score of cluster g, times the small-sample factor
//! `G/(G-1) · (N-1)/(N-K)`, z-tests on the normal distribution: exactly statsmodels'
//! `Logit(...).fit(cov_type="cluster", cov_kwds={"groups": g})`.
//!
//! Must not: return NaN. A fit that does not converge, a singular Hessian (e.g. perfect
//! separation or a constant covariate) or fewer than two clusters is an error saying so.

use super::StatsError;
use super::logistic::solve;
use super::normal::two_sided_normal_p;
use std::collections::BTreeMap;
use thiserror::Error;

/// Why a logistic fit has no answer.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LogitError {
    #[error("{0}")]
    Input(#[from] StatsError),
    #[error("logistic fit: no observations")]
    Empty,
    #[error("logistic fit: the outcome is constant (all {0}), nothing to model")]
    ConstantOutcome(bool),
    #[error("logistic fit: {0} cluster(s); robust errors need at least 2")]
    TooFewClusters(usize),
    #[error("logistic fit: {n} observations for {k} parameters")]
    TooFewObservations { n: usize, k: usize },
    #[error(
        "logistic fit: singular information matrix (a covariate is constant or collinear, or the outcome is perfectly separated)"
    )]
    Singular,
    #[error("logistic fit: Newton did not converge in {0} iterations (separation?)")]
    NoConvergence(usize),
}

/// One fitted coefficient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefficient {
    pub estimate: f64,
    /// Cluster-robust standard error.
    pub se: f64,
    pub z: f64,
    pub p_value: f64,
}

/// A fitted model: coefficients in the order of the design's columns (intercept first).
#[derive(Debug, Clone, PartialEq)]
pub struct LogitFit {
    pub coefficients: Vec<Coefficient>,
    pub observations: usize,
    pub clusters: usize,
    pub iterations: usize,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// One pass over the design: the Newton step's gradient and information matrix, or at the
/// optimum the information matrix and each cluster's score. Widths up to 8 run
/// on fixed-size rows (unrolled; every sum still added in the same order as the loop over a
/// row slice), wider ones on slices.
struct Pass<'a> {
    x: &'a [f64],
    k: usize,
    y: &'a [bool],
    /// Row i's cluster, numbered 0.. in order of first appearance.
    row_cluster: &'a [usize],
    clusters: usize,
}

/// Mirror an upper-triangular `k × k` accumulator into a full symmetric matrix.
fn symmetric(k: usize, upper: impl Fn(usize, usize) -> f64) -> Vec<Vec<f64>> {
    (0..k)
        .map(|a| {
            (0..k)
                .map(|b| if b >= a { upper(a, b) } else { upper(b, a) })
                .collect()
        })
        .collect()
}

impl Pass<'_> {
    fn information(&self, beta: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
        macro_rules! fixed {
            ($($k:literal)*) => {
                match self.k {
                    $($k => return self.information_fixed::<$k>(beta),)*
                    _ => {}
                }
            };
        }
        fixed!(1 2 3 4 5 6 7 8);
        let k = self.k;
        let mut grad = vec![0.0; k];
        let mut h = vec![vec![0.0; k]; k];
        for (row, &yi) in self.x.chunks_exact(k).zip(self.y) {
            let p = sigmoid(row.iter().zip(beta).map(|(a, b)| a * b).sum());
            let r = f64::from(u8::from(yi)) - p;
            let w = p * (1.0 - p);
            for (a, (ga, ha)) in grad.iter_mut().zip(h.iter_mut()).enumerate() {
                *ga += row[a] * r;
                let wa = w * row[a];
                for (hb, xb) in ha.iter_mut().zip(row).skip(a) {
                    *hb += wa * xb;
                }
            }
        }
        (grad, symmetric(k, |a, b| h[a][b]))
    }

    #[allow(clippy::needless_range_loop)]
    fn information_fixed<const K: usize>(&self, beta: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
        let mut grad = [0.0; K];
        let mut h = [[0.0; K]; K];
        for (row, &yi) in self.x.chunks_exact(K).zip(self.y) {
            let Ok(row) = <&[f64; K]>::try_from(row) else {
                continue;
            };
            let p = sigmoid(row.iter().zip(beta).map(|(a, b)| a * b).sum());
            let r = f64::from(u8::from(yi)) - p;
            let w = p * (1.0 - p);
            for a in 0..K {
                grad[a] += row[a] * r;
                let wa = w * row[a];
                for b in a..K {
                    h[a][b] += wa * row[b];
                }
            }
        }
        (grad.to_vec(), symmetric(K, |a, b| h[a][b]))
    }

    /// The information matrix and the per-cluster scores at `beta`.
    fn at_optimum(&self, beta: &[f64]) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        macro_rules! fixed {
            ($($k:literal)*) => {
                match self.k {
                    $($k => return self.at_optimum_fixed::<$k>(beta),)*
                    _ => {}
                }
            };
        }
        fixed!(1 2 3 4 5 6 7 8);
        let k = self.k;
        let mut h = vec![vec![0.0; k]; k];
        let mut scores = vec![vec![0.0; k]; self.clusters];
        for ((row, &yi), &c) in self.x.chunks_exact(k).zip(self.y).zip(self.row_cluster) {
            let p = sigmoid(row.iter().zip(beta).map(|(a, b)| a * b).sum());
            let r = f64::from(u8::from(yi)) - p;
            let w = p * (1.0 - p);
            for (a, ha) in h.iter_mut().enumerate() {
                let wa = w * row[a];
                for (hb, xb) in ha.iter_mut().zip(row).skip(a) {
                    *hb += wa * xb;
                }
            }
            if let Some(s) = scores.get_mut(c) {
                for (sa, xa) in s.iter_mut().zip(row) {
                    *sa += xa * r;
                }
            }
        }
        (symmetric(k, |a, b| h[a][b]), scores)
    }

    #[allow(clippy::needless_range_loop)]
    fn at_optimum_fixed<const K: usize>(&self, beta: &[f64]) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let mut h = [[0.0; K]; K];
        let mut scores = vec![[0.0; K]; self.clusters];
        for ((row, &yi), &c) in self.x.chunks_exact(K).zip(self.y).zip(self.row_cluster) {
            let Ok(row) = <&[f64; K]>::try_from(row) else {
                continue;
            };
            let p = sigmoid(row.iter().zip(beta).map(|(a, b)| a * b).sum());
            let r = f64::from(u8::from(yi)) - p;
            let w = p * (1.0 - p);
            for a in 0..K {
                let wa = w * row[a];
                for b in a..K {
                    h[a][b] += wa * row[b];
                }
            }
            if let Some(s) = scores.get_mut(c) {
                for a in 0..K {
                    s[a] += row[a] * r;
                }
            }
        }
        let scores = scores.iter().map(|s| s.to_vec()).collect();
        (symmetric(K, |a, b| h[a][b]), scores)
    }
}

fn inverse(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let k = a.len();
    let mut cols = Vec::with_capacity(k);
    for j in 0..k {
        let e: Vec<f64> = (0..k).map(|i| f64::from(u8::from(i == j))).collect();
        cols.push(solve(a.to_vec(), e)?);
    }
    Some(
        (0..k)
            .map(|i| (0..k).map(|j| cols[j][i]).collect())
            .collect(),
    )
}

const MAX_ITER: usize = 100;

/// Fit `P(y) = sigmoid(x · β)` where each row of `x` already holds the intercept column if
/// wanted; `clusters[i]` names row i's cluster.
pub fn logit_cluster_robust(
    x: &[Vec<f64>],
    y: &[bool],
    clusters: &[u64],
) -> Result<LogitFit, LogitError> {
    let k = x.first().map_or(0, Vec::len);
    for row in x {
        if row.len() != k {
            return Err(StatsError::LengthMismatch {
                what: "logistic fit: row width",
                left: k,
                right: row.len(),
            }
            .into());
        }
    }
    let flat: Vec<f64> = x.iter().flatten().copied().collect();
    logit_cluster_robust_flat(&flat, k, y, clusters)
}

/// [`logit_cluster_robust`] on a row-major design of `k` columns (no per-row allocation:
/// a million step verdicts fit in one buffer).
pub fn logit_cluster_robust_flat(
    x: &[f64],
    k: usize,
    y: &[bool],
    clusters: &[u64],
) -> Result<LogitFit, LogitError> {
    let n = y.len();
    if k == 0 || x.len() != n * k || clusters.len() != n {
        return Err(StatsError::LengthMismatch {
            what: "logistic fit: rows vs outcomes vs clusters",
            left: x.len().checked_div(k).unwrap_or(0),
            right: if clusters.len() != n {
                clusters.len()
            } else {
                n
            },
        }
        .into());
    }
    if n == 0 {
        return Err(LogitError::Empty);
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(StatsError::NonFinite {
            what: "logistic fit: covariate",
            index: i / k,
        }
        .into());
    }
    if y.iter().all(|&v| v == y[0]) {
        return Err(LogitError::ConstantOutcome(y[0]));
    }
    if n <= k {
        return Err(LogitError::TooFewObservations { n, k });
    }
    // Clusters numbered in order of first appearance; rows of one cluster usually come
    // together, so the map is consulted once per run.
    let mut index: BTreeMap<u64, usize> = BTreeMap::new();
    let mut row_cluster: Vec<usize> = Vec::with_capacity(n);
    let mut run: Option<(u64, usize)> = None;
    for &c in clusters {
        let i = match run {
            Some((key, i)) if key == c => i,
            _ => {
                let next = index.len();
                let i = *index.entry(c).or_insert(next);
                run = Some((c, i));
                i
            }
        };
        row_cluster.push(i);
    }
    let g = index.len();
    if g < 2 {
        return Err(LogitError::TooFewClusters(g));
    }
    let pass = Pass {
        x,
        k,
        y,
        row_cluster: &row_cluster,
        clusters: g,
    };
    let mut beta = vec![0.0; k];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < MAX_ITER {
        iterations += 1;
        let (grad, hessian) = pass.information(&beta);
        let step = solve(hessian, grad).ok_or(LogitError::Singular)?;
        for (b, s) in beta.iter_mut().zip(&step) {
            *b += s;
        }
        let size = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
        if !size.is_finite() {
            return Err(LogitError::Singular);
        }
        if size < 1e-12 * (1.0 + beta.iter().map(|b| b.abs()).fold(0.0, f64::max)) {
            converged = true;
            break;
        }
    }
    if !converged || beta.iter().any(|b| b.abs() > 30.0) {
        return Err(LogitError::NoConvergence(iterations));
    }
    // The information matrix and cluster scores at the optimum, from one pass.
    let (hessian, scores) = pass.at_optimum(&beta);
    let bread = inverse(&hessian).ok_or(LogitError::Singular)?;
    let mut meat = vec![vec![0.0; k]; k];
    for s in &scores {
        for a in 0..k {
            for b in 0..k {
                meat[a][b] += s[a] * s[b];
            }
        }
    }
    let factor = (g as f64 / (g as f64 - 1.0)) * ((n as f64 - 1.0) / (n - k) as f64);
    let mut coefficients = Vec::with_capacity(k);
    for a in 0..k {
        let mut var = 0.0;
        for i in 0..k {
            for j in 0..k {
                var += bread[a][i] * meat[i][j] * bread[j][a];
            }
        }
        let se = (var * factor).max(0.0).sqrt();
        if !(se.is_finite() && se > 0.0) {
            return Err(LogitError::Singular);
        }
        let z = beta[a] / se;
        coefficients.push(Coefficient {
            estimate: beta[a],
            se,
            z,
            p_value: two_sided_normal_p(z),
        });
    }
    Ok(LogitFit {
        coefficients,
        observations: n,
        clusters: g,
        iterations,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    /// The fixed data set of the reference run (60 steps in 10 items):
    /// ```python
    /// import numpy as np, statsmodels.api as sm   # statsmodels 0.15.0
    /// rows = []
    /// for i in range(60):
    ///     item = i // 6; model = i % 2; words = 5 + (i*7) % 23; chain = 3 + (item*5) % 7
    ///     pos = (i % 6) / 5; trunc = 1 if item % 4 == 0 else 0
    ///     y = 1 if ((i*13 + item*3) % 10) < 3 + 2*model + (1 if words > 18 else 0) else 0
    ///     rows.append((item, model, words, chain, pos, trunc, y))
    /// a = np.array(rows, dtype=float); g = a[:, 0].astype(int); y = a[:, 6]
    /// r1 = sm.Logit(y, sm.add_constant(a[:, [1]])).fit(disp=0, cov_type='cluster',
    ///                                                   cov_kwds={'groups': g})
    /// r2 = sm.Logit(y, sm.add_constant(a[:, [1, 2, 3, 4, 5]])).fit(disp=0,
    ///                                      cov_type='cluster', cov_kwds={'groups': g})
    /// ```
    pub(crate) fn reference_data() -> (Vec<[f64; 5]>, Vec<bool>, Vec<u64>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        let mut g = Vec::new();
        for i in 0..60u64 {
            let item = i / 6;
            let model = (i % 2) as f64;
            let words = 5 + (i * 7) % 23;
            let chain = 3 + (item * 5) % 7;
            let pos = (i % 6) as f64 / 5.0;
            let trunc = if item % 4 == 0 { 1.0 } else { 0.0 };
            let thr = 3 + 2 * (i % 2) + u64::from(words > 18);
            x.push([model, words as f64, chain as f64, pos, trunc]);
            y.push((i * 13 + item * 3) % 10 < thr);
            g.push(item);
        }
        (x, y, g)
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn matches_statsmodels_cluster_robust_logit() {
        let (x, y, g) = reference_data();
        let m1: Vec<Vec<f64>> = x.iter().map(|r| vec![1.0, r[0]]).collect();
        let f1 = logit_cluster_robust(&m1, &y, &g).unwrap();
        let want1 = [
            (
                -0.8472978603872036,
                0.28737514526984714,
                0.003194199322123763,
            ),
            (
                1.1155618469818829,
                0.3754129011715712,
                0.0029629126536916774,
            ),
        ];
        for (c, (b, se, p)) in f1.coefficients.iter().zip(want1) {
            assert!(close(c.estimate, b, 1e-9), "{} vs {b}", c.estimate);
            assert!(close(c.se, se, 1e-9), "{} vs {se}", c.se);
            assert!(close(c.p_value, p, 1e-9), "{} vs {p}", c.p_value);
        }
        let m2: Vec<Vec<f64>> = x.iter().map(|r| [&[1.0][..], &r[..]].concat()).collect();
        let f2 = logit_cluster_robust(&m2, &y, &g).unwrap();
        let want2 = [
            (-1.8190772823695749, 1.655473715205851, 0.2718440424335925),
            (1.1428108673216457, 0.4428288824009893, 0.009859869562163639),
            (
                0.04644614863185478,
                0.06162971946162752,
                0.45107002997750834,
            ),
            (0.05144268473693956, 0.08704603195999278, 0.5545321222741422),
            (-0.17218882374310648, 1.12991786235221, 0.8788788966049174),
            (
                -0.037581771399706185,
                0.3958698851526187,
                0.9243667292492505,
            ),
        ];
        assert_eq!(f2.clusters, 10);
        for (c, (b, se, p)) in f2.coefficients.iter().zip(want2) {
            assert!(close(c.estimate, b, 1e-8), "{} vs {b}", c.estimate);
            assert!(close(c.se, se, 1e-8), "{} vs {se}", c.se);
            assert!(close(c.p_value, p, 1e-8), "{} vs {p}", c.p_value);
        }
    }

    #[test]
    fn degenerate_fits_say_why() {
        let x = vec![vec![1.0, 0.0], vec![1.0, 1.0], vec![1.0, 0.0]];
        assert_eq!(
            logit_cluster_robust(&x, &[true, true, true], &[1, 2, 3]),
            Err(LogitError::ConstantOutcome(true))
        );
        assert_eq!(
            logit_cluster_robust(&x, &[true, false, true], &[1, 1, 1]),
            Err(LogitError::TooFewClusters(1))
        );
        // perfectly separated
        let x: Vec<Vec<f64>> = (0..8).map(|i| vec![1.0, f64::from(i)]).collect();
        let y: Vec<bool> = (0..8).map(|i| i >= 4).collect();
        assert!(logit_cluster_robust(&x, &y, &[0, 1, 2, 3, 4, 5, 6, 7]).is_err());
    }

    /// The slice-at-a-time passes the fixed-width ones replaced, kept as the reference: the
    /// Newton iterations and the final information matrix and cluster scores as before.
    fn reference(x: &[f64], k: usize, y: &[bool], clusters: &[u64]) -> Vec<(f64, f64, f64)> {
        let n = y.len();
        let mut index: BTreeMap<u64, usize> = BTreeMap::new();
        for &c in clusters {
            let next = index.len();
            index.entry(c).or_insert(next);
        }
        let g = index.len();
        let rows = || x.chunks_exact(k).zip(y);
        #[allow(clippy::needless_range_loop)]
        let info = |beta: &[f64]| {
            let mut grad = vec![0.0; k];
            let mut h = vec![vec![0.0; k]; k];
            for (row, &yi) in rows() {
                let p = sigmoid(row.iter().zip(beta).map(|(a, b)| a * b).sum());
                let r = f64::from(u8::from(yi)) - p;
                let w = p * (1.0 - p);
                for a in 0..k {
                    grad[a] += row[a] * r;
                    let wa = w * row[a];
                    for b in a..k {
                        h[a][b] += wa * row[b];
                    }
                }
            }
            for a in 0..k {
                for b in 0..a {
                    h[a][b] = h[b][a];
                }
            }
            (grad, h)
        };
        let mut beta = vec![0.0; k];
        for _ in 0..MAX_ITER {
            let (grad, hessian) = info(&beta);
            let step = solve(hessian, grad).unwrap();
            for (b, s) in beta.iter_mut().zip(&step) {
                *b += s;
            }
            let size = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
            if size < 1e-12 * (1.0 + beta.iter().map(|b| b.abs()).fold(0.0, f64::max)) {
                break;
            }
        }
        let (_, hessian) = info(&beta);
        let mut scores = vec![vec![0.0; k]; g];
        for ((row, &yi), c) in rows().zip(clusters) {
            let p = sigmoid(row.iter().zip(&beta).map(|(a, b)| a * b).sum());
            let r = f64::from(u8::from(yi)) - p;
            let s = &mut scores[index[c]];
            for a in 0..k {
                s[a] += row[a] * r;
            }
        }
        let bread = inverse(&hessian).unwrap();
        let mut meat = vec![vec![0.0; k]; k];
        for s in &scores {
            for a in 0..k {
                for b in 0..k {
                    meat[a][b] += s[a] * s[b];
                }
            }
        }
        let factor = (g as f64 / (g as f64 - 1.0)) * ((n as f64 - 1.0) / (n - k) as f64);
        (0..k)
            .map(|a| {
                let mut var = 0.0;
                for i in 0..k {
                    for j in 0..k {
                        var += bread[a][i] * meat[i][j] * bread[j][a];
                    }
                }
                let se = (var * factor).max(0.0).sqrt();
                (beta[a], se, two_sided_normal_p(beta[a] / se))
            })
            .collect()
    }

    #[test]
    fn fixed_width_passes_give_the_reference_fit_bit_for_bit() {
        let mut rng = crate::stats::rng::SplitMix64::new(17);
        // Widths 1..=10: the fixed-size rows (up to 8) and the slice path beyond.
        for k in 1..=10usize {
            let n = 400;
            let mut x = Vec::with_capacity(n * k);
            let mut y = Vec::with_capacity(n);
            let mut clusters = Vec::with_capacity(n);
            for i in 0..n {
                let mut z = -0.3;
                for j in 0..k {
                    let v = if j == 0 {
                        1.0
                    } else {
                        rng.next_f64() * 2.0 - 1.0
                    };
                    z += 0.4 * v;
                    x.push(v);
                }
                y.push(rng.next_f64() < 1.0 / (1.0 + (-z).exp()));
                // Runs of one cluster, and a cluster that comes back later.
                clusters.push(if i % 50 == 49 { 3 } else { (i / 7) as u64 });
            }
            let fit = logit_cluster_robust_flat(&x, k, &y, &clusters).unwrap();
            let want = reference(&x, k, &y, &clusters);
            assert_eq!(fit.coefficients.len(), k);
            for (c, (b, se, p)) in fit.coefficients.iter().zip(want) {
                assert_eq!(c.estimate.to_bits(), b.to_bits(), "k {k}");
                assert_eq!(c.se.to_bits(), se.to_bits(), "k {k}");
                assert_eq!(c.p_value.to_bits(), p.to_bits(), "k {k}");
            }
        }
    }
}
