//! The case picker's filter (pure): each case as one line (`id  title  specialty`), ranked
//! against the query with skim's fuzzy matcher, keeping the matched character positions so
//! the view can highlight them. A case whose line does not match but whose question or
//! vignette contains the query (case-insensitive) comes after, its line extended by the
//! words around the hit. Must not touch storage or the terminal.

use crate::domain::{Case, CaseId};
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

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
    format!("{}  {}  {}", case.id, case.title, case.specialty)
}

/// Cases matching `query`, best first (ties keep the cases' order). An empty query keeps
/// every case in order with nothing highlighted.
pub fn filter(cases: &[Case], query: &str) -> Vec<PickerMatch> {
    let q = query.trim();
    if q.is_empty() {
        return cases
            .iter()
            .enumerate()
            .map(|(i, c)| PickerMatch {
                case: i,
                line: case_line(c),
                hits: Vec::new(),
                score: 0,
            })
            .collect();
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut out: Vec<PickerMatch> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let line = case_line(c);
            // A scattered subsequence over a long line matches almost anything:
            // keep fuzzy matches that are mostly consecutive, and put whole
            // substring hits first.
            let min_score = 14 * q.chars().count() as i64;
            let substring = line.to_lowercase().contains(&q.to_lowercase());
            if let Some((score, mut hits)) = matcher.fuzzy_indices(&line, q)
                && (substring || score >= min_score)
            {
                hits.sort_unstable();
                return Some(PickerMatch {
                    case: i,
                    line,
                    hits,
                    score: if substring { score + 100_000 } else { score },
                });
            }
            in_text(i, line, c, q)
        })
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.case.cmp(&b.case)));
    out
}

/// Characters of context shown on each side of a hit in the case text.
const CONTEXT: usize = 24;

/// A substring hit in the question or vignette, shown after the line as `· …context…`.
fn in_text(case: usize, line: String, c: &Case, q: &str) -> Option<PickerMatch> {
    let needle: Vec<char> = q.chars().flat_map(char::to_lowercase).collect();
    let flags: String = c
        .red_flags
        .iter()
        .map(|f| f.finding.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    for text in [c.question.as_str(), c.vignette.as_str(), flags.as_str()] {
        let chars: Vec<char> = text
            .chars()
            .map(|ch| if ch.is_whitespace() { ' ' } else { ch })
            .collect();
        let lower: Vec<char> = chars
            .iter()
            .map(|ch| ch.to_lowercase().next().unwrap_or(*ch))
            .collect();
        let Some(at) = lower
            .windows(needle.len())
            .position(|w| w == needle.as_slice())
        else {
            continue;
        };
        let from = at.saturating_sub(CONTEXT);
        let to = (at + needle.len() + CONTEXT).min(chars.len());
        let mut out = line;
        out.push_str("  · ");
        if from > 0 {
            out.push('…');
        }
        let start = out.chars().count() + at - from;
        out.extend(&chars[from..to]);
        if to < chars.len() {
            out.push('…');
        }
        return Some(PickerMatch {
            case,
            line: out,
            hits: (start..start + needle.len()).collect(),
            score: -1,
        });
    }
    None
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
