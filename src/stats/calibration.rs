//! Calibration of answer probabilities: reliability bins and expected calibration error (ECE).
//!
//! Must not: silently drop or clamp bad confidences; a value outside [0, 1] is an error that
//! names its index.

use super::StatsError;

/// One equal-width confidence bin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationBin {
    /// Lower edge (included).
    pub lo: f64,
    /// Upper edge (excluded, except 1.0 in the last bin).
    pub hi: f64,
    /// Predictions that fell in the bin.
    pub count: usize,
    /// Mean confidence in the bin; `None` when empty.
    pub mean_confidence: Option<f64>,
    /// Share correct in the bin; `None` when empty.
    pub accuracy: Option<f64>,
}

fn check(confidence: &[f64], correct: &[bool], bins: usize) -> Result<(), StatsError> {
    if confidence.len() != correct.len() {
        return Err(StatsError::LengthMismatch {
            what: "calibration: confidences vs correctness flags",
            left: confidence.len(),
            right: correct.len(),
        });
    }
    if bins == 0 {
        return Err(StatsError::TooSmall {
            what: "calibration bins",
            min: 1,
            value: 0,
        });
    }
    for (i, &c) in confidence.iter().enumerate() {
        if !c.is_finite() {
            return Err(StatsError::NonFinite {
                what: "calibration confidence",
                index: i,
            });
        }
        if !(0.0..=1.0).contains(&c) {
            return Err(StatsError::InvalidProbability {
                what: "calibration confidence",
                value: c,
            });
        }
    }
    Ok(())
}

/// Equal-width bins [i/B, (i+1)/B) over [0, 1], the last one closed at 1.
pub fn calibration_bins(
    confidence: &[f64],
    correct: &[bool],
    bins: usize,
) -> Result<Vec<CalibrationBin>, StatsError> {
    check(confidence, correct, bins)?;
    let mut count = vec![0usize; bins];
    let mut conf_sum = vec![0.0f64; bins];
    let mut hits = vec![0usize; bins];
    for (&c, &ok) in confidence.iter().zip(correct) {
        let b = ((c * bins as f64) as usize).min(bins - 1);
        count[b] += 1;
        conf_sum[b] += c;
        hits[b] += usize::from(ok);
    }
    Ok((0..bins)
        .map(|b| {
            let n = count[b];
            CalibrationBin {
                lo: b as f64 / bins as f64,
                hi: (b + 1) as f64 / bins as f64,
                count: n,
                mean_confidence: (n > 0).then(|| conf_sum[b] / n as f64),
                accuracy: (n > 0).then(|| hits[b] as f64 / n as f64),
            }
        })
        .collect())
}

/// Expected calibration error with `bins` equal-width bins (Naeini et al. 2015; Guo et al.
/// 2017): sum over bins of (bin share) x |accuracy - mean confidence|. For multiple choice,
/// pass the probability of the chosen option and whether it was right. `None` when empty.
pub fn expected_calibration_error(
    confidence: &[f64],
    correct: &[bool],
    bins: usize,
) -> Result<Option<f64>, StatsError> {
    let table = calibration_bins(confidence, correct, bins)?;
    let total = confidence.len();
    if total == 0 {
        return Ok(None);
    }
    let ece = table
        .iter()
        .filter_map(|b| {
            let gap = (b.accuracy? - b.mean_confidence?).abs();
            Some(b.count as f64 / total as f64 * gap)
        })
        .sum();
    Ok(Some(ece))
}

/// Brier score of binary outcomes: mean of (confidence − correct)², as scikit-learn's
/// `brier_score_loss(correct, confidence)`. `None` when empty.
pub fn brier_score(confidence: &[f64], correct: &[bool]) -> Result<Option<f64>, StatsError> {
    check(confidence, correct, 1)?;
    if confidence.is_empty() {
        return Ok(None);
    }
    let sum: f64 = confidence
        .iter()
        .zip(correct)
        .map(|(c, &y)| (c - f64::from(u8::from(y))).powi(2))
        .sum();
    Ok(Some(sum / confidence.len() as f64))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    /// scikit-learn 1.9.1 on 20 predictions (no value on a bin edge, where sklearn's bins are
    /// closed on the right and ours on the left):
    /// ```python
    /// brier_score_loss(corr, conf)                          # 0.16881000000000002
    /// calibration_curve(corr, conf, n_bins=5)               # non-empty bins only:
    /// # prob_true [0.0, 0.5, 0.6666666666666666, 0.8571428571428571]
    /// # prob_pred [0.3266666666666667, 0.5025, 0.6849999999999999, 0.9057142857142857]
    /// # ECE = sum(share * |prob_true - prob_pred|) = 0.072
    /// ```
    #[test]
    fn brier_reliability_and_ece_match_sklearn() {
        let conf = [
            0.95, 0.81, 0.62, 0.33, 0.44, 0.97, 0.71, 0.58, 0.26, 0.88, 0.91, 0.52, 0.67, 0.39,
            0.77, 0.99, 0.83, 0.47, 0.61, 0.73,
        ];
        let ok: Vec<bool> = [1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]
            .iter()
            .map(|&v| v == 1)
            .collect();
        let b = brier_score(&conf, &ok).unwrap().unwrap();
        assert!((b - 0.16881000000000002).abs() < 1e-12, "{b}");
        let bins: Vec<CalibrationBin> = calibration_bins(&conf, &ok, 5)
            .unwrap()
            .into_iter()
            .filter(|b| b.count > 0)
            .collect();
        let want_true = [0.0, 0.5, 0.6666666666666666, 0.8571428571428571];
        let want_pred = [
            0.3266666666666667,
            0.5025,
            0.6849999999999999,
            0.9057142857142857,
        ];
        assert_eq!(bins.len(), 4);
        for ((bin, t), p) in bins.iter().zip(want_true).zip(want_pred) {
            assert!((bin.accuracy.unwrap() - t).abs() < 1e-12);
            assert!((bin.mean_confidence.unwrap() - p).abs() < 1e-12);
        }
        let ece = expected_calibration_error(&conf, &ok, 5).unwrap().unwrap();
        assert!((ece - 0.072).abs() < 1e-12, "{ece}");
        assert_eq!(brier_score(&[], &[]), Ok(None));
    }

    #[test]
    fn worked_example_by_hand() {
        // Five bins. Bin [0.2, 0.4): 0.25 (wrong), 0.35 (right): acc .5, conf .3, gap .2.
        // Bin [0.6, 0.8): 0.7 (right), 0.7 (right), 0.6 (wrong): acc 2/3, conf 2/3, gap 0.
        // Bin [0.8, 1.0]: 0.9 (right), 1.0 (right), 0.8 (wrong), 0.95 (wrong), 0.85 (right):
        // acc .6, conf .9, gap .3.
        // ECE = 2/10 * .2 + 3/10 * 0 + 5/10 * .3 = 0.19.
        let conf = [0.25, 0.35, 0.7, 0.7, 0.6, 0.9, 1.0, 0.8, 0.95, 0.85];
        let ok = [
            false, true, true, true, false, true, true, false, false, true,
        ];
        let ece = expected_calibration_error(&conf, &ok, 5).unwrap().unwrap();
        assert!((ece - 0.19).abs() < 1e-12, "{ece}");
        let bins = calibration_bins(&conf, &ok, 5).unwrap();
        assert_eq!(
            bins.iter().map(|b| b.count).collect::<Vec<_>>(),
            [0, 2, 0, 3, 5]
        );
        assert_eq!(bins[0].accuracy, None);
    }

    #[test]
    fn perfectly_calibrated_is_zero_and_overconfident_is_the_gap() {
        let conf = [1.0, 1.0, 0.0, 0.0];
        assert_eq!(
            expected_calibration_error(&conf, &[true, true, false, false], 10).unwrap(),
            Some(0.0)
        );
        // Always 0.9 confident, right half the time: ECE = 0.4.
        let conf = [0.9; 4];
        let ece = expected_calibration_error(&conf, &[true, false, true, false], 10)
            .unwrap()
            .unwrap();
        assert!((ece - 0.4).abs() < 1e-12);
    }

    #[test]
    fn bad_inputs_are_errors_and_empty_is_none() {
        assert_eq!(expected_calibration_error(&[], &[], 10), Ok(None));
        assert!(expected_calibration_error(&[0.5], &[], 10).is_err());
        assert!(expected_calibration_error(&[1.5], &[true], 10).is_err());
        assert!(matches!(
            expected_calibration_error(&[0.5, f64::NAN], &[true, true], 10),
            Err(StatsError::NonFinite { index: 1, .. })
        ));
        assert!(expected_calibration_error(&[0.5], &[true], 0).is_err());
    }
}
