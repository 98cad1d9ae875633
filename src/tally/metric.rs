//! The tally's basic values: a rate with its Wilson and cluster intervals ([`Metric`]), and a
//! bootstrap interval ([`Ci`]). Every other result type is built from these.

use crate::stats::Rate;
use serde::Serialize;

/// `k` of `n` with an estimate and a 95 % Wilson interval (`lo`, `hi`), and for step- and
/// reviewer-level rates a cluster-bootstrap interval over items (`cluster`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Metric {
    pub k: u64,
    pub n: u64,
    pub estimate: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    /// Percentile interval from resampling items (clusters) with replacement; `None` for
    /// item-level rates, where Wilson already treats items as independent.
    pub cluster: Option<Ci>,
}

impl Metric {
    /// `k / n` with its Wilson 95 % interval; all `None` when `n == 0`.
    pub fn wilson(k: u64, n: u64) -> Self {
        match Rate::new(k.min(n), n) {
            Ok(r) => Self {
                k: r.k,
                n: r.n,
                estimate: r.estimate,
                lo: r.lo,
                hi: r.hi,
                cluster: None,
            },
            Err(_) => Self {
                k,
                n,
                ..Self::default()
            },
        }
    }

    /// `"30.6% [27.1, 34.4]"` or `"n/a"`.
    pub fn percent(&self) -> String {
        match (self.estimate, self.lo, self.hi) {
            (Some(e), Some(lo), Some(hi)) => {
                format!("{:.1}% [{:.1}, {:.1}]", 100.0 * e, 100.0 * lo, 100.0 * hi)
            }
            (Some(e), _, _) => format!("{:.1}%", 100.0 * e),
            _ => "n/a".into(),
        }
    }

    /// [`Metric::percent`] with the counts: `"30.6% [27.1, 34.4] (31/101)"`.
    pub fn full(&self) -> String {
        format!("{} ({}/{})", self.percent(), self.k, self.n)
    }

    /// The same metric carrying a cluster-bootstrap interval.
    pub fn with_cluster(mut self, cluster: Option<Ci>) -> Self {
        self.cluster = cluster;
        self
    }

    /// Both intervals, labelled: `"30.6% Wilson [27.1, 34.4] cluster [25.0, 36.2] (31/101)"`.
    pub fn labelled(&self) -> String {
        let Some(e) = self.estimate else {
            return format!("n/a ({}/{})", self.k, self.n);
        };
        let mut s = format!("{:.1}%", 100.0 * e);
        if let (Some(lo), Some(hi)) = (self.lo, self.hi) {
            s.push_str(&format!(" Wilson [{:.1}, {:.1}]", 100.0 * lo, 100.0 * hi));
        }
        if let Some(c) = self.cluster {
            s.push_str(&format!(
                " cluster [{:.1}, {:.1}]",
                100.0 * c.lo,
                100.0 * c.hi
            ));
        }
        format!("{s} ({}/{})", self.k, self.n)
    }
}

/// An interval from a bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ci {
    pub lo: f64,
    pub hi: f64,
}
