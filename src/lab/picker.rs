//! The case picker's filter (pure): each case as one line (`id  title  specialty`), ranked
//! against the query by the one case search ([`crate::search`]: every word must match, in any
//! field, whole words first), keeping the matched character positions so the view can
//! highlight them. A word found outside the line (question, options, vignette, red flags)
//! extends the line by the words around that hit. Must not touch storage or the terminal.

use crate::domain::{Case, CaseId};
use crate::search::{self, LINE_FIELD};

/// One case that matches the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerMatch {
    /// Index into the app's cases.
    pub case: usize,
    /// The line that was matched (see [`case_line`]).
    pub line: String,
    /// Char positions of `line` that matched the query, ascending.
    pub hits: Vec<usize>,
    pub score: i64,
}

/// The text a case is matched and shown as.
pub fn case_line(case: &Case) -> String {
    search::case_line(case)
}

/// Cases matching `query`, best first (ties keep the cases' order). An empty query keeps
/// every case in order with nothing highlighted.
pub fn filter(cases: &[Case], query: &str) -> Vec<PickerMatch> {
    search::rank_cases(cases, query)
        .into_iter()
        .map(|(i, m)| {
            let c = &cases[i];
            let mut line = case_line(c);
            let mut hits = Vec::new();
            let score = m.as_ref().map_or(0, |m| m.score);
            if let Some(m) = m {
                let fields = search::case_fields(c);
                let mut snippet = false;
                for w in &m.words {
                    if w.field == LINE_FIELD {
                        hits.extend(&w.chars);
                    } else if !snippet && let Some(f) = fields.get(w.field) {
                        hits.extend(append_context(&mut line, &f.text, &w.chars));
                        snippet = true;
                    }
                }
                hits.sort_unstable();
                hits.dedup();
            }
            PickerMatch {
                case: i,
                line,
                hits,
                score,
            }
        })
        .collect()
}

/// Characters of context shown on each side of a hit in the case text.
const CONTEXT: usize = 24;

/// Append `  · …context…` around the hit `at` (char positions of `text`) to `line`; returns
/// the hit's positions in the extended line.
fn append_context(line: &mut String, text: &str, at: &[usize]) -> Vec<usize> {
    let (Some(&first), Some(&last)) = (at.first(), at.last()) else {
        return Vec::new();
    };
    let chars: Vec<char> = text
        .chars()
        .map(|ch| if ch.is_whitespace() { ' ' } else { ch })
        .collect();
    let from = first.saturating_sub(CONTEXT);
    let to = (last + 1 + CONTEXT).min(chars.len());
    line.push_str("  · ");
    if from > 0 {
        line.push('…');
    }
    let base = line.chars().count();
    line.extend(&chars[from.min(to)..to]);
    if to < chars.len() {
        line.push('…');
    }
    at.iter().map(|&p| base + p - from).collect()
}

/// Picked ids in the order of `cases`.
pub fn in_case_order(cases: &[Case], picked: &[CaseId]) -> Vec<CaseId> {
    cases
        .iter()
        .filter(|c| picked.contains(&c.id))
        .map(|c| c.id.clone())
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::{Specialty, Task};

    pub(crate) fn case(id: &str, title: &str, specialty: Specialty) -> Case {
        Case {
            id: CaseId::new(id),
            title: title.into(),
            specialty,
            incidence: None,
            vignette: format!("Vignette of {title}."),
            question: "What is the most likely diagnosis?".into(),
            task: Task::Differential {
                diagnosis: title.into(),
                synonyms: vec![],
            },
            red_flags: vec![],
            must_not_miss: vec![],
            priority: vec![],
            source: "test".into(),
            licence: "CC0".into(),
            must_not_miss_synonyms: Default::default(),
            aliases: Vec::new(),
            stage: Default::default(),
            variant_of: None,
        }
    }

    fn cases() -> Vec<Case> {
        vec![
            case("im-01", "Chest pain at rest", Specialty::InternalMedicine),
            case("neu-02", "Thunderclap headache", Specialty::Neurology),
            case("ped-03", "Febrile infant", Specialty::Pediatrics),
        ]
    }

    #[test]
    fn empty_query_keeps_all_in_order() {
        let m = filter(&cases(), "  ");
        assert_eq!(m.iter().map(|m| m.case).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(m.iter().all(|m| m.hits.is_empty()));
    }

    #[test]
    fn fuzzy_query_ranks_and_marks_the_matched_characters() {
        let m = filter(&cases(), "thdache");
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].case, 1);
        let marked: String = m[0]
            .line
            .chars()
            .enumerate()
            .filter(|(i, _)| m[0].hits.contains(i))
            .map(|(_, c)| c)
            .collect();
        assert_eq!(marked.to_lowercase(), "thdache");
    }

    #[test]
    fn hits_are_char_positions_even_after_multibyte_text() {
        let cs = vec![case("x-1", "Café coronary syndrome", Specialty::Other)];
        let m = filter(&cs, "cor");
        let chars: Vec<char> = m[0].line.chars().collect();
        let marked: String = m[0].hits.iter().map(|&i| chars[i]).collect();
        assert_eq!(marked.to_lowercase(), "cor");
    }

    #[test]
    fn a_word_of_the_vignette_matches_after_the_lines_and_is_marked() {
        let mut cs = cases();
        cs[2].vignette =
            "A 3-week-old infant with fever and Bulging fontanelle since today.".into();
        let m = filter(&cs, "bulging");
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].case, 2);
        assert!(
            m[0].line
                .starts_with("ped-03  Febrile infant  pediatrics  · …"),
            "{}",
            m[0].line
        );
        let chars: Vec<char> = m[0].line.chars().collect();
        let marked: String = m[0].hits.iter().map(|&i| chars[i]).collect();
        assert_eq!(marked, "Bulging");
    }

    #[test]
    fn no_match_is_empty() {
        assert!(filter(&cases(), "zzzq").is_empty());
    }
}
