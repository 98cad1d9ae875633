//! Rank-aware scoring of differentials (issue 15): where the side's ranked list puts the gold
//! diagnosis (reciprocal rank, top-1), how many must-not-miss diagnoses reach its top 5, and
//! how often it ranks something above a must-not-miss diagnosis that the case's priority
//! order puts first (a priority inversion).
//!
//! Must not: look at model identity; values in, values out.

use super::input::RankObs;
use crate::domain::{Case, Task};

/// Lowercase alphanumeric words joined by single spaces.
fn words(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Does the side's `entry` name `diagnosis` (whole words, case-insensitive, either way round:
/// "acute appendicitis" names "appendicitis", and "SAH" names "SAH")?
pub fn names(entry: &str, diagnosis: &str) -> bool {
    let (e, d) = (words(entry), words(diagnosis));
    if e.is_empty() || d.is_empty() {
        return false;
    }
    format!(" {e} ").contains(&format!(" {d} ")) || format!(" {d} ").contains(&format!(" {e} "))
}

/// Does `entry` name the case's `diagnosis`? By words; when `diagnosis` is the gold
/// diagnosis, by the gold's synonyms too; when it is a must-not-miss entry, by that entry's
/// synonyms (tolerant matching, [`crate::domain::matching`]).
fn names_in(case: &Case, entry: &str, diagnosis: &str) -> bool {
    names(entry, diagnosis)
        || (case.task.matches_diagnosis(diagnosis) && case.task.matches_diagnosis(entry))
        || (case.must_not_miss.iter().any(|m| m == diagnosis)
            && case.names_must_not_miss(diagnosis, entry))
}

/// The rank facts of one side's ranked `list` on a differential case; `None` for MCQs.
pub fn rank_obs(case: &Case, list: &[String]) -> Option<RankObs> {
    if !matches!(case.task, Task::Differential { .. }) {
        return None;
    }
    let gold_rank = list
        .iter()
        .position(|d| case.task.matches_diagnosis(d))
        .map(|i| i as u32 + 1);
    let top5 = &list[..list.len().min(5)];
    let covered = case
        .must_not_miss
        .iter()
        .filter(|m| top5.iter().any(|d| names_in(case, d, m)))
        .count() as u32;
    // Priority position of each listed entry (usize::MAX when the priority order lacks it).
    let prio = |entry: &str| {
        case.priority
            .iter()
            .position(|p| names_in(case, entry, p))
            .unwrap_or(usize::MAX)
    };
    let mut inversions = 0u32;
    for (j, y) in list.iter().enumerate() {
        if !case.must_not_miss.iter().any(|m| names_in(case, y, m)) {
            continue;
        }
        let py = prio(y);
        if py == usize::MAX {
            continue;
        }
        inversions += list[..j].iter().filter(|x| prio(x) > py).count() as u32;
    }
    Some(RankObs {
        gold_rank,
        must_not_miss: case.must_not_miss.len() as u32,
        covered,
        inversions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseId, Specialty};

    fn case() -> Case {
        Case {
            id: CaseId("t".into()),
            title: "t".into(),
            specialty: Specialty::InternalMedicine,
            incidence: None,
            vignette: String::new(),
            question: String::new(),
            task: Task::Differential {
                diagnosis: "Adrenal crisis".into(),
                synonyms: vec!["Addisonian crisis".into()],
            },
            red_flags: Vec::new(),
            must_not_miss: vec!["Adrenal crisis".into(), "Meningococcal sepsis".into()],
            priority: vec![
                "Adrenal crisis".into(),
                "Meningococcal sepsis".into(),
                "Gastroenteritis".into(),
            ],
            source: String::new(),
            licence: String::new(),
            must_not_miss_synonyms: Default::default(),
            aliases: Vec::new(),
            stage: Default::default(),
            variant_of: None,
        }
    }

    #[test]
    fn hand_computed_rank_facts() {
        let list: Vec<String> = ["Viral URTI", "Gastroenteritis", "Addisonian crisis"]
            .map(String::from)
            .to_vec();
        // gold third; one of two must-not-miss in the top 5; the adrenal crisis (priority 0)
        // sits below URTI (not in the order) and gastroenteritis (priority 2): 2 inversions.
        assert_eq!(
            rank_obs(&case(), &list),
            Some(RankObs {
                gold_rank: Some(3),
                must_not_miss: 2,
                covered: 1,
                inversions: 2,
            })
        );
        let good: Vec<String> = ["Adrenal crisis", "Meningococcal sepsis"]
            .map(String::from)
            .to_vec();
        let r = rank_obs(&case(), &good).unwrap_or_default();
        assert_eq!((r.gold_rank, r.covered, r.inversions), (Some(1), 2, 0));
        assert!(names("acute appendicitis", "Appendicitis"));
        assert!(!names("sah", "hypersahara"));
    }
}
