//! What the per-model tally and its measures share (so that neither imports the other):
//! the group context, each item's resolved outcomes, and the cluster-bootstrap interval.

use super::resolve::{Decisions, Resolved};
use super::result::Ci;
use crate::domain::TieRule;
use crate::stats::{BootstrapConfig, SignificanceLevel, cluster_ratio_bootstrap};

/// One item's resolved outcomes for one slot.
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemOutcome {
    pub answer: Resolved,
    pub has_error: Resolved,
    pub modes: [Resolved; 4],
    /// Each red flag recognised.
    pub flags: Vec<Resolved>,
    /// Each red flag acted on.
    pub acted: Vec<Resolved>,
}

/// The cluster-bootstrap interval of `Σk / Σn` over items, or a note saying why not.
pub(crate) fn cluster_ci(
    clusters: &[(u64, u64)],
    config: &BootstrapConfig,
    what: &str,
    notes: &mut Vec<String>,
) -> Option<Ci> {
    match cluster_ratio_bootstrap(clusters, config) {
        Ok(r) => r.interval.map(|i| Ci { lo: i.lo, hi: i.hi }),
        Err(e) => {
            notes.push(format!("{what}: no cluster interval: {e}"));
            None
        }
    }
}

/// Items (keys of `by_item`) with their resolved `[A, B]` outcomes.
pub(crate) type Outcomes = Vec<(u32, [ItemOutcome; 2])>;

/// What every group's computation shares.
pub(crate) struct Ctx {
    pub alpha: SignificanceLevel,
    pub bootstrap: BootstrapConfig,
    pub rule: TieRule,
    pub decided: Decisions,
    pub primary: Vec<String>,
}

impl Ctx {
    pub fn is_primary(&self, metric: &str) -> bool {
        self.primary.iter().any(|p| p == metric)
    }
}
