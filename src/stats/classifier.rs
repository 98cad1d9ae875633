//! The leakage classifier's base learners: multinomial naive Bayes on hashed lexical counts,
//! and a regularised diagonal linear discriminant (Gaussian naive Bayes with pooled variances)
//! on dense layout and length features. Each returns a score, high = "looks like model A".
//!
//! Why naive Bayes rather than logistic regression on the n-grams: it is closed form (no
//! iterations, no convergence question, deterministic), O(non-zeros) to fit, and known to do
//! well with few documents (Ng & Jordan 2002) — leakage checks start at 10 vs 10 chains.
//! Must not: see the test documents while fitting.

use super::features::{Document, LEXICAL_DIM};

/// Lidstone smoothing of the multinomial model (Laplace).
const SMOOTHING: f64 = 1.0;

/// Shrinkage of each pooled within-class variance toward the feature's total variance, so a
/// feature constant within both classes cannot get an infinite weight.
const VARIANCE_SHRINK: f64 = 0.1;

/// Multinomial naive Bayes over hashed, sublinear counts.
pub(crate) struct MultinomialNb {
    counts_a: Vec<f64>,
    counts_b: Vec<f64>,
    /// ln((N_b + alpha D) / (N_a + alpha D)): the per-token log-odds from the class totals.
    offset: f64,
}

impl MultinomialNb {
    pub(crate) fn fit(docs: &[&Document], is_a: &[bool]) -> Self {
        let mut counts_a = vec![0.0; LEXICAL_DIM];
        let mut counts_b = vec![0.0; LEXICAL_DIM];
        let (mut total_a, mut total_b) = (0.0, 0.0);
        for (doc, &a) in docs.iter().zip(is_a) {
            let (counts, total) = if a {
                (&mut counts_a, &mut total_a)
            } else {
                (&mut counts_b, &mut total_b)
            };
            for &(f, x) in &doc.lexical {
                counts[f as usize] += x;
                *total += x;
            }
        }
        // Smooth over the training vocabulary, not the whole hashed space: as with a fitted
        // vocabulary (scikit-learn's CountVectorizer), the class with less text would otherwise
        // lose most of its mass to 2^18 empty buckets, and rare tokens would vote for it.
        let vocabulary = counts_a
            .iter()
            .zip(&counts_b)
            .filter(|&(a, b)| *a > 0.0 || *b > 0.0)
            .count();
        let smooth = SMOOTHING * vocabulary as f64;
        Self {
            counts_a,
            counts_b,
            offset: ((total_b + smooth) / (total_a + smooth)).ln(),
        }
    }

    /// Mean per-token log-likelihood ratio ln P(token | A) - ln P(token | B) over the tokens
    /// seen in training. Dividing by the token mass keeps long and short documents on one
    /// scale; the class prior is left out because a constant shift does not change the AUC.
    pub(crate) fn score(&self, doc: &Document) -> f64 {
        let (mut sum, mut mass) = (0.0, 0.0);
        for &(f, x) in &doc.lexical {
            let f = f as usize;
            if self.counts_a[f] == 0.0 && self.counts_b[f] == 0.0 {
                // Unseen in training: no evidence either way, and not part of the vocabulary.
                continue;
            }
            let ratio = ((self.counts_a[f] + SMOOTHING) / (self.counts_b[f] + SMOOTHING)).ln();
            sum += x * (ratio + self.offset);
            mass += x;
        }
        if mass > 0.0 { sum / mass } else { 0.0 }
    }
}

/// Diagonal linear discriminant: score = sum_j w_j (x_j - midpoint_j), with
/// w_j = (mean_a - mean_b) / (pooled variance + 0.1 total variance).
pub(crate) struct DiagonalLda {
    weights: Vec<f64>,
    midpoint: Vec<f64>,
}

impl DiagonalLda {
    pub(crate) fn fit(rows: &[&[f64]], is_a: &[bool]) -> Self {
        let d = rows.first().map_or(0, |r| r.len());
        let mean = |class: Option<bool>| -> (Vec<f64>, f64) {
            let mut m = vec![0.0; d];
            let mut n = 0.0;
            for (row, &a) in rows.iter().zip(is_a) {
                if class.is_none_or(|c| c == a) {
                    m.iter_mut().zip(row.iter()).for_each(|(s, x)| *s += x);
                    n += 1.0;
                }
            }
            m.iter_mut().for_each(|s| *s /= f64::max(n, 1.0));
            (m, n)
        };
        let (mean_a, n_a) = mean(Some(true));
        let (mean_b, n_b) = mean(Some(false));
        let (mean_all, n) = mean(None);
        let mut within = vec![0.0; d];
        let mut total = vec![0.0; d];
        for (row, &a) in rows.iter().zip(is_a) {
            let own = if a { &mean_a } else { &mean_b };
            for j in 0..d {
                within[j] += (row[j] - own[j]).powi(2);
                total[j] += (row[j] - mean_all[j]).powi(2);
            }
        }
        let within_df = f64::max(n_a + n_b - 2.0, 1.0);
        let total_df = f64::max(n - 1.0, 1.0);
        let weights = (0..d)
            .map(|j| {
                let var = within[j] / within_df + VARIANCE_SHRINK * total[j] / total_df;
                if var > 0.0 {
                    (mean_a[j] - mean_b[j]) / var
                } else {
                    0.0
                }
            })
            .collect();
        let midpoint = (0..d).map(|j| 0.5 * (mean_a[j] + mean_b[j])).collect();
        Self { weights, midpoint }
    }

    pub(crate) fn score(&self, row: &[f64]) -> f64 {
        self.weights
            .iter()
            .zip(&self.midpoint)
            .zip(row)
            .map(|((w, m), x)| w * (x - m))
            .sum()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn naive_bayes_prefers_the_class_whose_words_it_saw() {
        let a = Document::new("myocardial infarction troponin elevated");
        let b = Document::new("appendicitis right lower quadrant pain");
        let nb = MultinomialNb::fit(&[&a, &b], &[true, false]);
        assert!(nb.score(&Document::new("troponin elevated")) > 0.0);
        assert!(nb.score(&Document::new("lower quadrant pain")) < 0.0);
        assert_eq!(nb.score(&Document::new("")), 0.0);
    }

    #[test]
    fn discriminant_uses_the_mean_difference_over_the_variance() {
        let rows: Vec<[f64; 2]> = vec![[1.0, 5.0], [3.0, 5.0], [-1.0, 5.0], [-3.0, 5.0]];
        let refs: Vec<&[f64]> = rows.iter().map(|r| r.as_slice()).collect();
        let lda = DiagonalLda::fit(&refs, &[true, true, false, false]);
        // Feature 0: means 2 and -2, pooled var (1+1+1+1)/2 = 2, total var (1+9+1+9)/3;
        // weight 4 / (2 + 0.1 * 20 / 3). Feature 1 is constant: weight 0.
        let w0 = 4.0 / (2.0 + 0.1 * 20.0 / 3.0);
        assert!((lda.weights[0] - w0).abs() < 1e-12 && lda.weights[1] == 0.0);
        assert!(lda.score(&[2.0, 0.0]) > 0.0 && lda.score(&[-2.0, 9.0]) < 0.0);
    }
}
