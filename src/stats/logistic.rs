//! L2-regularised logistic regression for a handful of dense features, fitted by Newton's
//! method: the stacker that combines the leakage classifier's per-family scores.
//!
//! Must not: be used for high-dimensional features (it forms the d x d Hessian); it exists for
//! d <= ~10, where Newton converges in a few exact, deterministic steps.

/// Penalty on the slopes (not the intercept): the objective is
/// sum of log-losses + 0.5 * L2 * |w|^2, i.e. scikit-learn's `C = 1`.
const L2: f64 = 1.0;

/// Fitted intercept and slopes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Logistic {
    pub intercept: f64,
    pub slopes: Vec<f64>,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Solves `a x = b` in place by Gaussian elimination with partial pivoting; `None` if singular.
pub(crate) fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let factor = a[row][col] / a[col][col];
            let (upper, lower) = a.split_at_mut(row);
            for (x, y) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                *x -= factor * y;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    Some(x)
}

impl Logistic {
    /// Fits P(A | x) = sigmoid(intercept + slopes . x).
    pub(crate) fn fit(rows: &[Vec<f64>], is_a: &[bool]) -> Self {
        let d = rows.first().map_or(0, Vec::len);
        // Parameters: [intercept, slopes...].
        let mut beta = vec![0.0; d + 1];
        for _ in 0..100 {
            let mut grad = vec![0.0; d + 1];
            let mut hess = vec![vec![0.0; d + 1]; d + 1];
            for (row, &a) in rows.iter().zip(is_a) {
                let z = beta[0] + row.iter().zip(&beta[1..]).map(|(x, b)| x * b).sum::<f64>();
                let p = sigmoid(z);
                let r = p - f64::from(u8::from(a));
                let w = p * (1.0 - p);
                let xs = std::iter::once(1.0)
                    .chain(row.iter().copied())
                    .collect::<Vec<_>>();
                for i in 0..=d {
                    grad[i] += r * xs[i];
                    for j in 0..=d {
                        hess[i][j] += w * xs[i] * xs[j];
                    }
                }
            }
            for i in 1..=d {
                grad[i] += L2 * beta[i];
                hess[i][i] += L2;
            }
            // Keeps the intercept's curvature positive when every prediction saturates.
            hess[0][0] += 1e-9;
            let Some(step) = solve(hess, grad) else { break };
            let mut largest: f64 = 0.0;
            for (b, s) in beta.iter_mut().zip(&step) {
                *b -= s;
                largest = largest.max(s.abs());
            }
            if largest < 1e-10 {
                break;
            }
        }
        Self {
            intercept: beta[0],
            slopes: beta[1..].to_vec(),
        }
    }

    /// The linear predictor (log-odds of A).
    pub(crate) fn score(&self, row: &[f64]) -> f64 {
        self.intercept
            + row
                .iter()
                .zip(&self.slopes)
                .map(|(x, b)| x * b)
                .sum::<f64>()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn matches_scikit_learn_with_c_1() {
        // sklearn 1.9.1 LogisticRegression(C=1.0, tol=1e-12, max_iter=10000) on
        // X = [[0.5,1],[1.5,-1],[2,0.3],[-1,2],[-0.5,-0.2],[0.2,0.1],[3,1],[-2,-1]],
        // y = [1,1,1,0,0,0,1,0].
        let x = [
            [0.5, 1.0],
            [1.5, -1.0],
            [2.0, 0.3],
            [-1.0, 2.0],
            [-0.5, -0.2],
            [0.2, 0.1],
            [3.0, 1.0],
            [-2.0, -1.0],
        ];
        let y = [true, true, true, false, false, false, true, false];
        let rows: Vec<Vec<f64>> = x.iter().map(|r| r.to_vec()).collect();
        let m = Logistic::fit(&rows, &y);
        assert!((m.intercept - SK_INTERCEPT).abs() < 1e-6, "{m:?}");
        assert!((m.slopes[0] - SK_SLOPES[0]).abs() < 1e-6, "{m:?}");
        assert!((m.slopes[1] - SK_SLOPES[1]).abs() < 1e-6, "{m:?}");
    }

    const SK_INTERCEPT: f64 = -0.552_681_681_264_467_7;
    const SK_SLOPES: [f64; 2] = [1.228_303_704_383_058_5, 0.055_559_205_085_031_82];

    #[test]
    fn separable_data_stays_finite() {
        let rows = vec![vec![-1.0], vec![-2.0], vec![1.0], vec![2.0]];
        let m = Logistic::fit(&rows, &[false, false, true, true]);
        assert!(m.slopes[0].is_finite() && m.slopes[0] > 0.0);
        assert!(m.score(&[3.0]) > 0.0);
    }
}
