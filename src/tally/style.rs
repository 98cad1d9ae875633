//! Style control, as Chatbot Arena does for preferences: logistic models with item-clustered
//! robust errors, fitted with and without style covariates, so a reader sees whether a
//! model's higher step error rate (or the reviewers' preference for a side) is explained by
//! longer chains, longer steps, later positions or truncation.
//!
//! - Step error: one row per judged step verdict; y = error; x = model (B vs A) plus step
//!   length in words, chain length in steps, relative position (0 first .. 1 last), truncated.
//! - Side preference: one row per case verdict with a preferred side (ties excluded and
//!   counted; a binary logit, not an ordinal model); y = A preferred; the intercept is the
//!   preference for A at equal style; covariates are A − B differences in mean step length,
//!   chain length and truncation.
//!
//! Covariates that do not vary in the data are dropped (and not listed).
//!
//! Must not: name a model; slots only.

use super::cells::Cell;
use super::input::TallyInput;
use super::result::{StyleControl, StyleEffect, StyleFit};
use crate::domain::StepLabel;
use crate::stats::{LogitFit, logit_cluster_robust_flat};

/// Distinct cluster keys (runs of equal keys counted once before sorting).
fn distinct(keys: &[u64]) -> usize {
    let mut heads: Vec<u64> = Vec::new();
    for &k in keys {
        if heads.last() != Some(&k) {
            heads.push(k);
        }
    }
    heads.sort_unstable();
    heads.dedup();
    heads.len()
}

/// Which (item, reviewer) cells are in the group: a dense items × reviewers table.
struct Membership {
    reviewers: usize,
    cells: Vec<bool>,
}

impl Membership {
    fn of(cells: &[&Cell<'_>]) -> Self {
        let items = cells.iter().map(|c| c.item as usize + 1).max().unwrap_or(0);
        let reviewers = cells
            .iter()
            .map(|c| c.reviewer as usize + 1)
            .max()
            .unwrap_or(0);
        let mut table = vec![false; items * reviewers];
        for c in cells {
            if let Some(x) = table.get_mut(c.item as usize * reviewers + c.reviewer as usize) {
                *x = true;
            }
        }
        Self {
            reviewers,
            cells: table,
        }
    }

    fn contains(&self, item: u32, reviewer: u32) -> bool {
        (reviewer as usize) < self.reviewers
            && self
                .cells
                .get(item as usize * self.reviewers + reviewer as usize)
                .copied()
                .unwrap_or(false)
    }
}

/// A row-major design: `names.len()` columns per row.
struct Design {
    names: Vec<&'static str>,
    rows: Vec<f64>,
    y: Vec<bool>,
    clusters: Vec<u64>,
}

impl Design {
    fn k(&self) -> usize {
        self.names.len()
    }

    fn push(&mut self, row: &[f64], y: bool, cluster: u64) {
        self.rows.extend_from_slice(row);
        self.y.push(y);
        self.clusters.push(cluster);
    }

    /// The given columns only, row-major (borrowed when that is every column in order).
    fn columns(&self, cols: &[usize]) -> std::borrow::Cow<'_, [f64]> {
        if cols.iter().copied().eq(0..self.k()) {
            return std::borrow::Cow::Borrowed(&self.rows);
        }
        let mut out = Vec::with_capacity(self.y.len() * cols.len());
        for r in self.rows.chunks_exact(self.k()) {
            out.extend(cols.iter().map(|&j| r[j]));
        }
        std::borrow::Cow::Owned(out)
    }

    /// The first `keep` columns, and of the rest only those that vary.
    fn varying(&self, keep: usize) -> Vec<usize> {
        let k = self.k();
        (0..k)
            .filter(|&j| {
                j < keep
                    || self
                        .rows
                        .get(j)
                        .is_some_and(|&first| self.rows.chunks_exact(k).any(|r| r[j] != first))
            })
            .collect()
    }
}

fn effect(fit: &LogitFit, j: usize) -> Option<StyleEffect> {
    fit.coefficients.get(j).map(|c| StyleEffect {
        estimate: c.estimate,
        se: c.se,
        p_value: c.p_value,
    })
}

/// Fit without (the first `base` columns) and with every varying covariate; the effect is
/// column `j`.
fn fit_pair(d: &Design, base: usize, j: usize, what: &str) -> StyleFit {
    let mut out = StyleFit {
        effect: what.into(),
        observations: d.y.len(),
        clusters: distinct(&d.clusters),
        without_covariates: None,
        with_covariates: None,
        why_na: None,
        covariates: Vec::new(),
    };
    let base_cols: Vec<usize> = (0..base).collect();
    let cols = d.varying(base);
    // The two fits are independent: side by side on the thread pool.
    let (without, with) = rayon::join(
        || logit_cluster_robust_flat(&d.columns(&base_cols), base, &d.y, &d.clusters),
        || logit_cluster_robust_flat(&d.columns(&cols), cols.len(), &d.y, &d.clusters),
    );
    match without {
        Ok(f) => out.without_covariates = effect(&f, j),
        Err(e) => {
            out.why_na = Some(e.to_string());
            return out;
        }
    }
    match with {
        Ok(f) => {
            out.with_covariates = effect(&f, j);
            out.covariates = cols
                .iter()
                .enumerate()
                .skip(base)
                .filter_map(|(i, &c)| Some((d.names[c].to_string(), effect(&f, i)?)))
                .collect();
        }
        Err(e) => out.why_na = Some(format!("with covariates: {e}")),
    }
    out
}

pub(crate) fn style_control(
    input: &TallyInput,
    cells: &[&Cell<'_>],
    _notes: &mut Vec<String>,
) -> StyleControl {
    let in_group = Membership::of(cells);
    let mut steps = Design {
        names: vec![
            "intercept",
            "model B",
            "step words",
            "chain steps",
            "position",
            "truncated",
        ],
        rows: Vec::with_capacity(input.steps.len() * 6),
        y: Vec::with_capacity(input.steps.len()),
        clusters: Vec::with_capacity(input.steps.len()),
    };
    for s in &input.steps {
        if !in_group.contains(s.item, s.reviewer) {
            continue;
        }
        let Some(label) = s.label else { continue };
        if label == StepLabel::Abstain {
            continue;
        }
        let Some(item) = input.items.get(s.item as usize) else {
            continue;
        };
        let slot = s.slot.index();
        let len = item.steps[slot];
        let words = item.detail.step_words[slot]
            .get(s.step as usize)
            .copied()
            .unwrap_or(0);
        let pos = if len > 1 {
            f64::from(s.step) / (len - 1) as f64
        } else {
            0.0
        };
        steps.push(
            &[
                1.0,
                slot as f64,
                f64::from(words),
                len as f64,
                pos,
                f64::from(u8::from(item.detail.truncated[slot])),
            ],
            label == StepLabel::Error,
            u64::from(s.item),
        );
    }
    let mut prefs = Design {
        names: vec![
            "intercept (A preferred)",
            "step words A−B",
            "chain steps A−B",
            "truncated A−B",
        ],
        rows: Vec::new(),
        y: Vec::new(),
        clusters: Vec::new(),
    };
    let mut ties = 0u64;
    for c in cells {
        let Some(case) = c.case else { continue };
        if case.preferred_tie {
            ties += 1;
            continue;
        }
        let Some(p) = case.preferred else { continue };
        let Some(item) = input.items.get(c.item as usize) else {
            continue;
        };
        let mean_words = |s: usize| {
            let w = &item.detail.step_words[s];
            if w.is_empty() {
                0.0
            } else {
                w.iter().map(|x| f64::from(*x)).sum::<f64>() / w.len() as f64
            }
        };
        let t = |s: usize| f64::from(u8::from(item.detail.truncated[s]));
        prefs.push(
            &[
                1.0,
                mean_words(0) - mean_words(1),
                item.steps[0] as f64 - item.steps[1] as f64,
                t(0) - t(1),
            ],
            p.index() == 0,
            u64::from(c.item),
        );
    }
    StyleControl {
        step_error: fit_pair(&steps, 2, 1, "log-odds of a step error, model B vs model A"),
        preference: fit_pair(
            &prefs,
            1,
            0,
            "log-odds that reviewers prefer model A's chain (ties excluded)",
        ),
        preference_ties: ties,
    }
}
