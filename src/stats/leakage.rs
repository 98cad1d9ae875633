//! The leakage check (SPEC §4): can a cross-validated classifier tell model A's chains from
//! model B's? Reports the out-of-fold AUC with a bootstrap interval, per feature family.
//!
//! Design: stratified k-fold CV (k = 5, fewer when a model has fewer than 5 chains), grouped
//! by case when case keys are given, so a case's content never straddles folds; per fold,
//! naive Bayes on lexical features, a diagonal discriminant on layout or length features, or,
//! for `All`, a stacker: the three family scores from an inner CV on the training fold feed a
//! small L2 logistic regression. Out-of-fold scores give the AUC (Mann–Whitney, ties half);
//! its interval comes from a stratified bootstrap over documents with the scores held fixed.
//! Must not: let a test document influence the model that scores it, or use any randomness
//! but the seed.

use std::collections::BTreeMap;

use super::StatsError;
use super::auc::auc_bootstrap;
use super::bootstrap::BootstrapConfig;
use super::classifier::{DiagonalLda, MultinomialNb};
use super::cross_validation::stratified_group_folds;
use super::features::{Document, FeatureSet};
use super::logistic::Logistic;
use super::rng::SplitMix64;

/// Settings of a leakage run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeakageConfig {
    /// Most cross-validation folds (default 5); fewer when a model has fewer chains.
    pub max_folds: usize,
    /// Seed of fold assignment and bootstrap.
    pub seed: u64,
    /// Bootstrap replicates for the AUC interval (default 1000).
    pub replicates: usize,
    /// Interval level (default 0.95).
    pub level: f64,
}

impl Default for LeakageConfig {
    fn default() -> Self {
        Self {
            max_folds: 5,
            seed: BootstrapConfig::DEFAULT_SEED,
            replicates: 1000,
            level: 0.95,
        }
    }
}

/// One feature family's verdict: 0.5 means the models cannot be told apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeakageResult {
    pub features: FeatureSet,
    /// Out-of-fold AUC; "A" is the positive class, so below 0.5 is as telling as above.
    pub auc: f64,
    pub lo: f64,
    pub hi: f64,
    pub n_a: usize,
    pub n_b: usize,
    /// Folds actually used.
    pub folds: usize,
}

/// One chain for the case-grouped leakage check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeakageDoc<'a> {
    /// The chain's text, steps separated by '\n'.
    pub text: &'a str,
    /// The case it answers: chains of one case always share a fold.
    pub case: &'a str,
}

/// Leakage AUC of one feature family with default settings and the given seed, every chain
/// its own fold unit. Each document is a chain's text, steps separated by '\n'.
///
/// When both models answered the same cases, prefer [`leakage_auc_by_case`]: ungrouped,
/// a case's vocabulary learnt from one model's chain votes for that model on the other
/// model's chain of the same case, which drags the AUC below 0.5 (measured: 0.01 on the
/// MedAgentsBench R1 vs QwQ fixtures, lexical features).
pub fn leakage_auc(
    a: &[&str],
    b: &[&str],
    set: FeatureSet,
    seed: u64,
) -> Result<LeakageResult, StatsError> {
    let config = LeakageConfig {
        seed,
        ..LeakageConfig::default()
    };
    let mut results = leakage_auc_with(a, b, &[set], &config)?;
    results.pop().ok_or(StatsError::TooSmall {
        what: "leakage feature sets",
        min: 1,
        value: 0,
    })
}

/// Leakage AUCs of several feature families on the same folds, each chain its own fold unit.
pub fn leakage_auc_with(
    a: &[&str],
    b: &[&str],
    sets: &[FeatureSet],
    config: &LeakageConfig,
) -> Result<Vec<LeakageResult>, StatsError> {
    let texts: Vec<&str> = a.iter().chain(b).copied().collect();
    let groups: Vec<usize> = (0..texts.len()).collect();
    run(&texts, a.len(), &groups, sets, config)
}

/// Leakage AUCs of several feature families with stratified folds grouped by case: the
/// recommended check for a study, where both models answer the same cases.
pub fn leakage_auc_by_case(
    a: &[LeakageDoc<'_>],
    b: &[LeakageDoc<'_>],
    sets: &[FeatureSet],
    config: &LeakageConfig,
) -> Result<Vec<LeakageResult>, StatsError> {
    let docs: Vec<&LeakageDoc<'_>> = a.iter().chain(b).collect();
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &docs {
        let next = ids.len();
        ids.entry(d.case).or_insert(next);
    }
    let groups: Vec<usize> = docs.iter().map(|d| ids[d.case]).collect();
    let texts: Vec<&str> = docs.iter().map(|d| d.text).collect();
    run(&texts, a.len(), &groups, sets, config)
}

/// The shared run: the first `n_a` texts are model A's.
fn run(
    texts: &[&str],
    n_a: usize,
    groups: &[usize],
    sets: &[FeatureSet],
    config: &LeakageConfig,
) -> Result<Vec<LeakageResult>, StatsError> {
    let bootstrap = BootstrapConfig {
        replicates: config.replicates,
        seed: 0,
        level: config.level,
    };
    bootstrap.validate()?;
    let is_a: Vec<bool> = (0..texts.len()).map(|i| i < n_a).collect();
    let mut seeds = SplitMix64::new(config.seed);
    let (fold_seed, boot_seed, inner_seed) = (seeds.next_u64(), seeds.next_u64(), seeds.next_u64());
    let (k, folds) = stratified_group_folds(&is_a, groups, config.max_folds, fold_seed)?;
    let docs: Vec<Document> = texts.iter().map(|t| Document::new(t)).collect();
    let mut results = Vec::with_capacity(sets.len());
    for &set in sets {
        let mut scores = vec![0.0; docs.len()];
        for fold in 0..k {
            let (train, test): (Vec<usize>, Vec<usize>) =
                (0..docs.len()).partition(|&i| folds[i] != fold);
            let training = Training {
                docs: train.iter().map(|&i| &docs[i]).collect(),
                is_a: train.iter().map(|&i| is_a[i]).collect(),
                groups: train.iter().map(|&i| groups[i]).collect(),
            };
            let test_docs: Vec<&Document> = test.iter().map(|&i| &docs[i]).collect();
            let s = fit_and_score(set, &training, &test_docs, inner_seed ^ fold as u64);
            for (&i, v) in test.iter().zip(s) {
                scores[i] = v;
            }
        }
        let (scores_a, scores_b) = scores.split_at(n_a);
        let config = BootstrapConfig {
            seed: boot_seed,
            ..bootstrap
        };
        let (auc, interval) =
            auc_bootstrap(scores_a, scores_b, &config)?.ok_or(StatsError::TooFewDocuments {
                side: if n_a == 0 { 'A' } else { 'B' },
                found: 0,
            })?;
        results.push(LeakageResult {
            features: set,
            auc,
            lo: interval.lo,
            hi: interval.hi,
            n_a,
            n_b: texts.len() - n_a,
            folds: k,
        });
    }
    Ok(results)
}

/// A training fold: documents, their classes, and their (dense, possibly sparse-ranged) groups.
struct Training<'d> {
    docs: Vec<&'d Document>,
    is_a: Vec<bool>,
    groups: Vec<usize>,
}

impl<'d> Training<'d> {
    fn subset(&self, keep: &[usize]) -> Self {
        Self {
            docs: keep.iter().map(|&i| self.docs[i]).collect(),
            is_a: keep.iter().map(|&i| self.is_a[i]).collect(),
            groups: keep.iter().map(|&i| self.groups[i]).collect(),
        }
    }
}

/// Fits one family's model on the training fold and scores the test documents.
fn fit_and_score(set: FeatureSet, train: &Training<'_>, test: &[&Document], seed: u64) -> Vec<f64> {
    match set {
        FeatureSet::Lexical => {
            let nb = MultinomialNb::fit(&train.docs, &train.is_a);
            test.iter().map(|d| nb.score(d)).collect()
        }
        FeatureSet::Layout => dense(train, test, |d| &d.layout),
        FeatureSet::Length => dense(train, test, |d| &d.length),
        FeatureSet::All => stacked(train, test, seed),
    }
}

fn dense(train: &Training<'_>, test: &[&Document], pick: fn(&Document) -> &[f64]) -> Vec<f64> {
    let rows: Vec<&[f64]> = train.docs.iter().map(|d| pick(d)).collect();
    let lda = DiagonalLda::fit(&rows, &train.is_a);
    test.iter().map(|d| lda.score(pick(d))).collect()
}

const FAMILIES: [FeatureSet; 3] = [FeatureSet::Lexical, FeatureSet::Layout, FeatureSet::Length];

/// Family scores of `test` from models fitted on all of `train`, one row per document.
fn family_rows(train: &Training<'_>, test: &[&Document]) -> Vec<Vec<f64>> {
    let columns: Vec<Vec<f64>> = FAMILIES
        .iter()
        .map(|&f| fit_and_score(f, train, test, 0))
        .collect();
    (0..test.len())
        .map(|i| columns.iter().map(|c| c[i]).collect())
        .collect()
}

/// Column means and standard deviations (1 where a column is constant).
fn standardiser(rows: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    let d = FAMILIES.len();
    let n = rows.len().max(1) as f64;
    let mean: Vec<f64> = (0..d)
        .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n)
        .collect();
    let sd: Vec<f64> = (0..d)
        .map(|j| {
            let v = rows.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n;
            if v > 0.0 { v.sqrt() } else { 1.0 }
        })
        .collect();
    (mean, sd)
}

fn standardise(rows: &mut [Vec<f64>], (mean, sd): &(Vec<f64>, Vec<f64>)) {
    for row in rows {
        for ((x, m), s) in row.iter_mut().zip(mean).zip(sd) {
            *x = (*x - m) / s;
        }
    }
}

/// Stacking: family scores from an inner grouped CV on the training fold train a logistic
/// combiner, which then weighs the test documents' family scores. When the training fold is
/// too small for an inner CV (a model on fewer than 2 training cases), the standardised family
/// scores are simply added.
fn stacked(train: &Training<'_>, test: &[&Document], seed: u64) -> Vec<f64> {
    let mut test_rows = family_rows(train, test);
    let Ok((k, folds)) = stratified_group_folds(&train.is_a, &dense_ids(&train.groups), 5, seed)
    else {
        let mut train_rows = family_rows(train, &train.docs);
        let scale = standardiser(&train_rows);
        standardise(&mut train_rows, &scale);
        standardise(&mut test_rows, &scale);
        return test_rows.iter().map(|r| r.iter().sum()).collect();
    };
    let mut oof = vec![Vec::new(); train.docs.len()];
    for fold in 0..k {
        let (inner_train, inner_test): (Vec<usize>, Vec<usize>) =
            (0..train.docs.len()).partition(|&i| folds[i] != fold);
        let held: Vec<&Document> = inner_test.iter().map(|&i| train.docs[i]).collect();
        for (&i, row) in inner_test
            .iter()
            .zip(family_rows(&train.subset(&inner_train), &held))
        {
            oof[i] = row;
        }
    }
    let scale = standardiser(&oof);
    standardise(&mut oof, &scale);
    standardise(&mut test_rows, &scale);
    let combiner = Logistic::fit(&oof, &train.is_a);
    test_rows.iter().map(|r| combiner.score(r)).collect()
}

/// Renumbers group ids to 0..G in order of first appearance.
fn dense_ids(groups: &[usize]) -> Vec<usize> {
    let mut ids: BTreeMap<usize, usize> = BTreeMap::new();
    groups
        .iter()
        .map(|&g| {
            let next = ids.len();
            *ids.entry(g).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
#[path = "leakage_tests.rs"]
mod tests;
