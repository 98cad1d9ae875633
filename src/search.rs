//! The one case search, used by `cases list --query`, the review queue's filter and the lab's
//! case picker. Pure: text in, matches out.
//!
//! A query is split into words; **every** word must be found, in any order and in any field
//! ("thunderclap headache" finds a case that says "thunderclap" in one sentence and "headache"
//! in another). Each word is matched case-insensitively as, best first:
//!
//! 1. a whole word (`headache` in "sudden headache."),
//! 2. the start of a word (`head` in "headache"),
//! 3. anywhere inside the text (`ache` in "headache"),
//! 4. on short fields only (id, title, specialty), a tight fuzzy match (`thdache`): scattered
//!    letters over a long vignette match almost any query, so long fields never match fuzzily.
//!
//! The score adds, per word, its best tier (millions), the weight of the field it was found in
//! (ten-thousands) and, for fuzzy hits, the fuzzy matcher's own score, so whole-word hits rank
//! first whatever the field, among equal tiers the title beats the vignette, and tighter fuzzy
//! matches beat looser ones.

use crate::domain::Case;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// One searchable field of a record.
#[derive(Debug, Clone)]
pub struct Field {
    pub text: String,
    /// 1 (long text) to 9 (the record's name); breaks ties within a tier.
    pub weight: u8,
    /// Short fields may match fuzzily.
    pub fuzzy: bool,
}

impl Field {
    pub fn new(text: impl Into<String>, weight: u8, fuzzy: bool) -> Field {
        Field {
            text: text.into(),
            weight,
            fuzzy,
        }
    }
}

/// How one word matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Fuzzy = 1,
    Inside = 2,
    Prefix = 3,
    Whole = 4,
}

/// Where one query word was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordHit {
    /// Index into the fields.
    pub field: usize,
    pub tier: Tier,
    /// Char positions in that field's text, ascending.
    pub chars: Vec<usize>,
}

/// A record that matches every word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub score: i64,
    /// One per query word, in query order.
    pub words: Vec<WordHit>,
}

/// A parsed query: its words, lower-cased.
#[derive(Debug, Clone)]
pub struct Query {
    words: Vec<Vec<char>>,
}

impl Query {
    /// `None` for a blank query (which matches everything, in order).
    pub fn new(query: &str) -> Option<Query> {
        let words: Vec<Vec<char>> = query
            .split_whitespace()
            .map(|w| w.chars().flat_map(char::to_lowercase).collect())
            .collect();
        (!words.is_empty()).then_some(Query { words })
    }

    /// Match a record given as its fields; `None` unless every word is found.
    pub fn matches(&self, fields: &[Field]) -> Option<Match> {
        let lowered: Vec<Vec<char>> = fields.iter().map(|f| lower_chars(&f.text)).collect();
        let mut score = 0i64;
        let mut words = Vec::with_capacity(self.words.len());
        for word in &self.words {
            let mut best: Option<(i64, WordHit)> = None;
            for (i, f) in fields.iter().enumerate() {
                let Some((tier, chars, fuzzy)) = match_word(word, &lowered[i], f) else {
                    continue;
                };
                // Tier first, then the field's weight, then (fuzzy hits) how tight the match is.
                let s = tier as i64 * 1_000_000 + i64::from(f.weight) * 10_000 + fuzzy.min(9_999);
                if best.as_ref().is_none_or(|(b, _)| s > *b) {
                    best = Some((
                        s,
                        WordHit {
                            field: i,
                            tier,
                            chars,
                        },
                    ));
                }
            }
            let (s, hit) = best?;
            score += s;
            words.push(hit);
        }
        Some(Match { score, words })
    }
}

fn lower_chars(text: &str) -> Vec<char> {
    // One char per char (a multi-char lower case keeps its first), so positions stay aligned.
    text.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

fn match_word(word: &[char], text: &[char], field: &Field) -> Option<(Tier, Vec<usize>, i64)> {
    let n = word.len();
    let mut best: Option<(Tier, usize)> = None;
    if n > 0 && n <= text.len() {
        for at in 0..=text.len() - n {
            if text[at..at + n] != *word {
                continue;
            }
            let starts = at == 0 || !text[at - 1].is_alphanumeric();
            let ends = at + n == text.len() || !text[at + n].is_alphanumeric();
            let tier = match (starts, ends) {
                (true, true) => Tier::Whole,
                (true, false) => Tier::Prefix,
                _ => Tier::Inside,
            };
            if best.is_none_or(|(t, _)| tier > t) {
                best = Some((tier, at));
                if tier == Tier::Whole {
                    break;
                }
            }
        }
    }
    if let Some((tier, at)) = best {
        return Some((tier, (at..at + n).collect(), 0));
    }
    if field.fuzzy && n >= 3 {
        let needle: String = word.iter().collect();
        let matcher = SkimMatcherV2::default().ignore_case();
        // Mostly consecutive letters only: a scattered subsequence matches nearly anything.
        let min_score = 14 * n as i64;
        if let Some((score, mut chars)) = matcher.fuzzy_indices(&field.text, &needle)
            && score >= min_score
        {
            chars.sort_unstable();
            return Some((Tier::Fuzzy, chars, score));
        }
    }
    None
}

/// A case as one line: `id  title  specialty` (what the lab picker shows and marks).
pub fn case_line(case: &Case) -> String {
    format!("{}  {}  {}", case.id, case.title, case.specialty)
}

/// Index of the case-line field in [`case_fields`].
pub const LINE_FIELD: usize = 0;

/// The searchable fields of a case: its line (id, title, specialty), aliases, question,
/// options, vignette, red-flag findings and source.
pub fn case_fields(case: &Case) -> Vec<Field> {
    let options = match &case.task {
        crate::domain::Task::Mcq { options, .. } => options
            .iter()
            .map(|(k, v)| format!("{k}. {v}"))
            .collect::<Vec<_>>()
            .join("; "),
        _ => String::new(),
    };
    let flags = case
        .red_flags
        .iter()
        .map(|f| f.finding.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    vec![
        Field::new(case_line(case), 6, true),
        Field::new(case.aliases.join(" "), 6, false),
        Field::new(case.question.clone(), 3, false),
        Field::new(options, 2, false),
        Field::new(case.vignette.clone(), 1, false),
        Field::new(flags, 1, false),
        Field::new(case.source.clone(), 1, false),
    ]
}

/// Rank records by `query`, best first, ties in their given order. A blank query keeps every
/// record in order (with no match).
pub fn rank<T>(
    records: &[T],
    query: &str,
    fields: impl Fn(&T) -> Vec<Field>,
) -> Vec<(usize, Option<Match>)> {
    let Some(q) = Query::new(query) else {
        return (0..records.len()).map(|i| (i, None)).collect();
    };
    let mut out: Vec<(usize, Match)> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| q.matches(&fields(r)).map(|m| (i, m)))
        .collect();
    out.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.0.cmp(&b.0)));
    out.into_iter().map(|(i, m)| (i, Some(m))).collect()
}

/// Cases matching `query`, best first.
pub fn rank_cases(cases: &[Case], query: &str) -> Vec<(usize, Option<Match>)> {
    rank(cases, query, case_fields)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn f(text: &str) -> Vec<Field> {
        vec![Field::new(text, 1, false)]
    }

    #[test]
    fn every_word_must_match_in_any_order() {
        let q = Query::new("Headache thunderclap").unwrap();
        assert!(
            q.matches(&f(
                "Thunderclap onset while lifting. Worst headache of her life."
            ))
            .is_some()
        );
        assert!(
            q.matches(&f("A thunderclap onset of chest pain."))
                .is_none()
        );
    }

    #[test]
    fn words_are_found_across_fields() {
        let q = Query::new("thunderclap headache").unwrap();
        let fields = vec![
            Field::new("neu-02  Sudden onset  neurology", 6, true),
            Field::new("Thunderclap onset at the gym.", 1, false),
            Field::new("Which investigation for this headache?", 3, false),
        ];
        let m = q.matches(&fields).unwrap();
        assert_eq!(m.words[0].field, 1);
        assert_eq!(m.words[1].field, 2);
        assert_eq!(m.words[0].tier, Tier::Whole);
    }

    #[test]
    fn whole_words_rank_above_parts_of_words() {
        let recs = ["the patient is pale", "palestinian traveller", "a pale"];
        let ranked = rank(&recs, "pale", |r| f(r));
        let order: Vec<usize> = ranked.iter().map(|(i, _)| *i).collect();
        // Whole-word hits first (ties keep their order), then the prefix hit.
        assert_eq!(order, [0, 2, 1]);
    }

    #[test]
    fn long_fields_never_match_fuzzily() {
        let q = Query::new("thdache").unwrap();
        assert!(q.matches(&f("Thunderclap headache")).is_none());
        let short = vec![Field::new("Thunderclap headache", 6, true)];
        let m = q.matches(&short).unwrap();
        assert_eq!(m.words[0].tier, Tier::Fuzzy);
        let marked: String = m.words[0]
            .chars
            .iter()
            .map(|&i| "Thunderclap headache".chars().nth(i).unwrap())
            .collect();
        assert_eq!(marked.to_lowercase(), "thdache");
    }

    #[test]
    fn hits_are_char_positions_after_multibyte_text() {
        let q = Query::new("cor").unwrap();
        let m = q.matches(&f("Café coronary")).unwrap();
        assert_eq!(m.words[0].chars, vec![5, 6, 7]);
    }

    #[test]
    fn blank_query_keeps_order() {
        let recs = ["b", "a"];
        let ranked = rank(&recs, "   ", |r| f(r));
        assert_eq!(ranked.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1]);
    }
}
