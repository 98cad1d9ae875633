//! Stratified, grouped k-fold assignment for the leakage classifier, seeded.
//!
//! Must not: split a group (the chains of one case) across folds, or leave a test fold
//! without both classes. With few groups the fold count drops; fewer than two groups holding
//! a class is an error.

use super::StatsError;
use super::rng::SplitMix64;

/// Fold of each document and the fold count.
///
/// `is_a[i]` says which model wrote document i; `groups[i]` (dense ids 0..G) which case it
/// answers. Documents of one group share a fold, so a case's content cannot be learnt from
/// one model's chain and recognised in the other's. Folds: `min(max_folds, groups with an A
/// document, groups with a B document)`. Groups are shuffled by `seed`; groups holding both
/// classes are dealt round-robin, then single-class groups go to the fold with the fewest
/// documents of their class, so every fold has both classes.
pub(crate) fn stratified_group_folds(
    is_a: &[bool],
    groups: &[usize],
    max_folds: usize,
    seed: u64,
) -> Result<(usize, Vec<usize>), StatsError> {
    if max_folds < 2 {
        return Err(StatsError::TooSmall {
            what: "cross-validation folds",
            min: 2,
            value: max_folds,
        });
    }
    let n_groups = groups.iter().max().map_or(0, |g| g + 1);
    let mut count = vec![[0usize; 2]; n_groups];
    for (&g, &a) in groups.iter().zip(is_a) {
        count[g][usize::from(!a)] += 1;
    }
    let with_a = count.iter().filter(|c| c[0] > 0).count();
    let with_b = count.iter().filter(|c| c[1] > 0).count();
    for (side, found) in [('A', with_a), ('B', with_b)] {
        if found < 2 {
            return Err(StatsError::TooFewDocuments { side, found });
        }
    }
    let k = max_folds.min(with_a).min(with_b);
    let mut order: Vec<usize> = (0..n_groups).collect();
    let mut rng = SplitMix64::new(seed);
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    let mut fold_of_group = vec![0usize; n_groups];
    let mut load = vec![[0usize; 2]; k];
    let paired = order
        .iter()
        .filter(|&&g| count[g][0] > 0 && count[g][1] > 0);
    for (dealt, &g) in paired.enumerate() {
        let f = dealt % k;
        fold_of_group[g] = f;
        load[f][0] += count[g][0];
        load[f][1] += count[g][1];
    }
    for class in 0..2 {
        let single = order
            .iter()
            .copied()
            .filter(|&g| count[g][class] > 0 && count[g][1 - class] == 0);
        for g in single.collect::<Vec<_>>() {
            let f = (0..k).min_by_key(|&f| (load[f][class], f)).unwrap_or(0);
            fold_of_group[g] = f;
            load[f][class] += count[g][class];
        }
    }
    Ok((k, groups.iter().map(|&g| fold_of_group[g]).collect()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn singletons(n: usize) -> Vec<usize> {
        (0..n).collect()
    }

    fn check_both_classes(is_a: &[bool], k: usize, folds: &[usize]) {
        for f in 0..k {
            let a = (0..is_a.len())
                .filter(|&i| folds[i] == f && is_a[i])
                .count();
            let b = (0..is_a.len())
                .filter(|&i| folds[i] == f && !is_a[i])
                .count();
            assert!(a > 0 && b > 0, "fold {f}: {a} A, {b} B");
        }
    }

    #[test]
    fn ungrouped_folds_are_stratified_and_balanced() {
        let is_a: Vec<bool> = (0..23).map(|i| i < 13).collect();
        let (k, folds) = stratified_group_folds(&is_a, &singletons(23), 5, 1).unwrap();
        assert_eq!(k, 5);
        for f in 0..k {
            let a = (0..23).filter(|&i| folds[i] == f && is_a[i]).count();
            let b = (0..23).filter(|&i| folds[i] == f && !is_a[i]).count();
            assert!((2..=3).contains(&a) && b == 2, "fold {f}: {a} A, {b} B");
        }
        assert_eq!(
            stratified_group_folds(&is_a, &singletons(23), 5, 1)
                .unwrap()
                .1,
            folds
        );
        assert_ne!(
            stratified_group_folds(&is_a, &singletons(23), 5, 2)
                .unwrap()
                .1,
            folds
        );
    }

    #[test]
    fn a_case_never_straddles_folds() {
        // 12 cases answered by both models, 3 only by A, 2 only by B.
        let mut is_a = Vec::new();
        let mut groups = Vec::new();
        for case in 0..12 {
            is_a.extend([true, false]);
            groups.extend([case, case]);
        }
        for case in 12..15 {
            is_a.push(true);
            groups.push(case);
        }
        for case in 15..17 {
            is_a.push(false);
            groups.push(case);
        }
        let (k, folds) = stratified_group_folds(&is_a, &groups, 5, 3).unwrap();
        assert_eq!(k, 5);
        for i in 0..groups.len() {
            for j in 0..groups.len() {
                if groups[i] == groups[j] {
                    assert_eq!(folds[i], folds[j]);
                }
            }
        }
        check_both_classes(&is_a, k, &folds);
    }

    #[test]
    fn single_class_groups_fill_folds_that_lack_their_class() {
        // One paired case, four A-only and four B-only: every fold still gets both classes.
        let is_a = [
            true, false, true, true, true, true, false, false, false, false,
        ];
        let groups = [0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
        let (k, folds) = stratified_group_folds(&is_a, &groups, 5, 0).unwrap();
        assert_eq!(k, 5);
        check_both_classes(&is_a, k, &folds);
    }

    #[test]
    fn small_classes_reduce_the_fold_count() {
        let is_a = [true, true, true, false, false, false, false, false];
        assert_eq!(
            stratified_group_folds(&is_a, &singletons(8), 5, 0)
                .unwrap()
                .0,
            3
        );
        let is_a = [true, true, false, false];
        assert_eq!(
            stratified_group_folds(&is_a, &singletons(4), 5, 0)
                .unwrap()
                .0,
            2
        );
    }

    #[test]
    fn too_few_documents_or_cases_is_an_error() {
        assert_eq!(
            stratified_group_folds(&[true, false, false], &singletons(3), 5, 0),
            Err(StatsError::TooFewDocuments {
                side: 'A',
                found: 1
            })
        );
        assert_eq!(
            stratified_group_folds(&[true, true], &singletons(2), 5, 0),
            Err(StatsError::TooFewDocuments {
                side: 'B',
                found: 0
            })
        );
        // Two A chains, but both on one case.
        assert_eq!(
            stratified_group_folds(&[true, true, false, false], &[0, 0, 1, 2], 5, 0),
            Err(StatsError::TooFewDocuments {
                side: 'A',
                found: 1
            })
        );
        assert!(stratified_group_folds(&[true, true, false, false], &singletons(4), 1, 0).is_err());
    }
}
