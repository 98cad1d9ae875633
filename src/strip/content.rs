//! Content words: what is left of a sentence once stopwords and words about
//! the task itself ("question", "options", "let", "check") are set aside. A
//! step with no content word and no clinical token has nothing to judge; the
//! same words key the near-duplicate test. Pure.

use super::lexicon;
use std::sync::LazyLock;

/// Function words (sorted).
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "both", "but", "by", "can", "could", "did",
    "do", "does", "doing", "each", "either", "else", "even", "every", "for", "from", "further",
    "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "however",
    "if", "in", "into", "is", "it", "its", "itself", "just", "let", "may", "me", "might", "more",
    "most", "must", "my", "of", "off", "on", "once", "one", "only", "or", "other", "our", "out",
    "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under",
    "until", "up", "us", "very", "was", "we", "were", "what", "when", "where", "whether", "which",
    "while", "who", "whom", "why", "will", "with", "would", "you", "your",
];

/// Words about the task, the reasoning process or the conversation (sorted).
const META: &[&str] = &[
    "again",
    "analysis",
    "analyze",
    "analyzing",
    "answer",
    "answers",
    "approach",
    "ask",
    "asked",
    "asking",
    "asks",
    "back",
    "begin",
    "break",
    "carefully",
    "case",
    "check",
    "checking",
    "choice",
    "choices",
    "clarify",
    "closer",
    "confirm",
    "consider",
    "considering",
    "correct",
    "detail",
    "details",
    "double",
    "figure",
    "first",
    "focus",
    "go",
    "going",
    "got",
    "information",
    "key",
    "know",
    "look",
    "looking",
    "make",
    "maybe",
    "mean",
    "means",
    "move",
    "need",
    "next",
    "note",
    "now",
    "okay",
    "option",
    "options",
    "parse",
    "part",
    "patient",
    "point",
    "points",
    "proceed",
    "process",
    "provided",
    "question",
    "questions",
    "read",
    "recall",
    "remember",
    "request",
    "review",
    "right",
    "see",
    "sense",
    "situation",
    "start",
    "starting",
    "step",
    "steps",
    "summary",
    "sure",
    "tackle",
    "thing",
    "things",
    "think",
    "thinking",
    "thought",
    "try",
    "understand",
    "understanding",
    "user",
    "verify",
    "wait",
    "want",
    "way",
    "yes",
];

static SKIP: LazyLock<lexicon::WordSet> = LazyLock::new(|| {
    let mut s = lexicon::word_set(STOPWORDS);
    s.extend(META.iter().copied());
    s
});

fn is_content(w: &str) -> bool {
    w.chars().nth(1).is_some() && !SKIP.contains(w)
}

/// Lowercased content words of `text` (no stopwords, no task words, no single
/// letters), in order.
pub fn content_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    lexicon::for_each_word(text, |s, e| {
        let w = lexicon::normalise_word(&text[s..e]);
        if is_content(&w) {
            out.push(w);
        }
    });
    out
}

/// Does `text` say anything a clinician could judge?
pub fn has_content(text: &str) -> bool {
    if lexicon::has_clinical(text) {
        return true;
    }
    let mut found = false;
    lexicon::for_each_word(text, |s, e| {
        if found {
            return;
        }
        let mut buf = [0u8; 48];
        found = match lexicon::normalise_ascii(&text[s..e], &mut buf) {
            Some(w) => is_content(w),
            None => is_content(&lexicon::normalise_word(&text[s..e])),
        };
    });
    found
}

/// Verbs that open a plan about the task once "Let me"/"I need to" is gone
/// ("Recall what the score measures", "Look at the results").
const TASK_VERBS: &[&str] = &[
    "analyse",
    "analyze",
    "break",
    "check",
    "clarify",
    "consider",
    "determine",
    "examine",
    "figure",
    "focus",
    "go",
    "look",
    "make",
    "note",
    "parse",
    "piece",
    "recall",
    "remember",
    "review",
    "see",
    "start",
    "think",
    "understand",
    "verify",
];

/// A self-talk plan with no clinical token: "Recall what the score measures."
pub fn is_task_plan(text: &str) -> bool {
    let first = text
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    TASK_VERBS.contains(&first.as_str()) && !lexicon::has_clinical(text)
}

/// The near-duplicate key (distinct content words and clinical tokens,
/// sorted) and the clinical set (distinct clinical tokens, sorted), from one
/// pass over the words.
pub fn key_and_clinical(text: &str) -> (Vec<String>, Vec<String>) {
    let mut key = Vec::new();
    let mut clinical = Vec::new();
    lexicon::for_each_word(text, |s, e| {
        let w = lexicon::normalise_word(&text[s..e]);
        if lexicon::classify(&w).is_some() {
            clinical.push(w.clone());
            key.push(w);
        } else if is_content(&w) {
            key.push(w);
        }
    });
    if text.contains('%') {
        clinical.push("%".to_string());
        key.push("%".to_string());
    }
    for v in [&mut key, &mut clinical] {
        v.sort();
        v.dedup();
    }
    (key, clinical)
}

/// The near-duplicate key alone.
pub fn key(text: &str) -> Vec<String> {
    key_and_clinical(text).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted() {
        for list in [STOPWORDS, META] {
            for w in list.windows(2) {
                assert!(w[0] < w[1], "{:?} before {:?}", w[0], w[1]);
            }
        }
    }

    #[test]
    fn meta_sentences_have_no_content() {
        assert!(!has_content("Go through the options again."));
        assert!(!has_content("Tackle this question."));
        assert!(!has_content("The answer is C."));
        assert!(has_content("The answer is no."));
        assert!(has_content("The Barthel Index measures disability."));
    }
}
