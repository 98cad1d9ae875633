//! Content words: what is left of a sentence once stopwords and words about
//! the task itself ("question", "options", "let", "check") are set aside. A
//! step with no content word and no clinical token has nothing to judge; the
//! same words key the near-duplicate test. Pure.

use super::lexicon;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
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
    "overcomplicating",
    "overthinking",
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
    "stuck",
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

/// What one lookup says about a normalised word without a digit: its
/// clinical kind, and whether it is a stopword or a task word.
#[derive(Clone, Copy, Default)]
struct WordClass {
    clinical: bool,
    skip: bool,
}

type ClassMap = HashMap<&'static str, WordClass, BuildHasherDefault<lexicon::Fnv>>;

static CLASS: LazyLock<ClassMap> = LazyLock::new(|| {
    let mut map = ClassMap::default();
    for w in lexicon::class_map().keys() {
        map.entry(w).or_default().clinical = true;
    }
    for w in STOPWORDS.iter().chain(META) {
        map.entry(w).or_default().skip = true;
    }
    map
});

/// (is clinical, is content) of a normalised word, as `lexicon::classify`
/// and [`is_content`] say, in one lookup.
fn class_of(w: &str) -> (bool, bool) {
    if w.bytes().any(|c| c.is_ascii_digit()) {
        return (true, w.chars().nth(1).is_some() && !SKIP.contains(w));
    }
    let c = CLASS.get(w).copied().unwrap_or_default();
    (c.clinical, !c.skip && w.chars().nth(1).is_some())
}

/// Call `f` with the canonical form of every word of `text` (see
/// [`lexicon::normalise_word`]), without allocating for ASCII words.
fn for_each_norm(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    lexicon::for_each_word(text, |s, e| {
        let mut buf = [0u8; 48];
        match lexicon::normalise_ascii(&text[s..e], &mut buf) {
            Some(w) => f(s, e, w),
            None => f(s, e, &lexicon::normalise_word(&text[s..e])),
        }
    });
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

/// Does `text` say anything a clinician could judge? (A clinical token, as
/// `lexicon::has_clinical` finds them, or a content word.)
pub fn has_content(text: &str) -> bool {
    if text.contains('%') {
        return true;
    }
    let mut found = false;
    for_each_norm(text, |s, e, w| {
        if found {
            return;
        }
        let (clinical, content) = class_of(w);
        found = content || (clinical && !lexicon::is_eg(text, s, e));
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
    "follow",
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
    "tackle",
    "think",
    "try",
    "understand",
    "verify",
    "walk",
    "work",
];

/// Words that make a sentence about the speaker or the listener.
const PERSONS: &[&str] = &[
    "i", "i'm", "me", "my", "myself", "we", "us", "our", "you", "your", "yourself",
];

/// A first- or second-person aside with no clinical token ("I am a bit torn
/// between A and D.", "I am stuck in a loop."): it makes no claim to judge.
pub fn is_personal_aside(text: &str) -> bool {
    let personal = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .any(|w| PERSONS.iter().any(|p| p.eq_ignore_ascii_case(w)));
    personal && !lexicon::has_clinical(text)
}

/// A self-talk plan with no clinical token: "Recall what the score measures."
pub fn is_task_plan(text: &str) -> bool {
    let first = text
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    TASK_VERBS.contains(&first.as_str()) && !lexicon::has_clinical(text)
}

use crate::domain::model_family::FAMILY_NAMES as IDENTITY_NAMES;

/// Phrases of a model talking about itself.
const IDENTITY_PHRASES: &[&str] = &[
    "as an ai",
    "i am an ai",
    "i'm an ai",
    "language model",
    "ai assistant",
];

/// Phrases that identify a model only together with a maker's or family's name.
const MAKER_PHRASES: &[&str] = &[
    "created by",
    "developed by",
    "trained by",
    "built by",
    "made by",
];

/// A model identifying itself ("As an AI language model…", "I am Qwen,
/// created by Alibaba Cloud"), with no clinical token: such a sentence would
/// unblind the reviewer and carries nothing to judge (SPEC §5).
pub fn is_self_identification(raw: &str) -> bool {
    let lower = raw.to_lowercase();
    let phrase = IDENTITY_PHRASES.iter().any(|p| lower.contains(p));
    let named = lower
        .split(|c: char| !(c.is_alphanumeric() || c == ' '))
        .flat_map(|part| part.split(' '))
        .any(|w| IDENTITY_NAMES.contains(&w))
        || lower.contains("hugging face");
    let self_ref = ["i am ", "i'm ", "as ", "my name", "this model", "i was "]
        .iter()
        .any(|p| lower.contains(p))
        || MAKER_PHRASES.iter().any(|p| lower.contains(p));
    if !(phrase || (named && self_ref)) {
        return false;
    }
    // "DeepSeek-R1", "GPT-4o", "Qwen2.5": the version digits are not clinical numbers.
    let without_names: String = raw
        .split_whitespace()
        .filter(|w| {
            let lw = w.to_lowercase();
            !IDENTITY_NAMES.iter().any(|n| lw.contains(n))
        })
        .collect::<Vec<_>>()
        .join(" ");
    !lexicon::has_clinical(&without_names)
}

/// The near-duplicate key (distinct content words and clinical tokens,
/// sorted) and the clinical set (distinct clinical tokens, sorted), from one
/// pass over the words.
pub fn key_and_clinical(text: &str) -> (Vec<String>, Vec<String>) {
    content_and_key(text).1
}

/// [`has_content`] and [`key_and_clinical`] from one pass over the words.
pub fn content_and_key(text: &str) -> (bool, (Vec<String>, Vec<String>)) {
    // (word, is clinical): one entry per kept word, sorted and deduplicated
    // once (a word's kind depends on the word alone).
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut content = false;
    for_each_norm(text, |s, e, w| {
        let (is_clinical, is_content) = class_of(w);
        if is_clinical || is_content {
            content = content || is_content || !lexicon::is_eg(text, s, e);
            words.push((w.to_string(), is_clinical));
        }
    });
    if text.contains('%') {
        content = true;
        words.push(("%".to_string(), true));
    }
    words.sort_unstable();
    words.dedup_by(|a, b| a.0 == b.0);
    let clinical = words
        .iter()
        .filter(|(_, c)| *c)
        .map(|(w, _)| w.clone())
        .collect();
    (
        content,
        (words.into_iter().map(|(w, _)| w).collect(), clinical),
    )
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
    fn one_pass_agrees_with_its_parts() {
        for t in [
            "Go through the options again.",
            "The answer is C.",
            "Options (e.g. rest).",
            "Give 5 g. Not 50%!",
            "It isn't the patient's CT; tendons and abscesses.",
            "",
        ] {
            let (content, key) = content_and_key(t);
            assert_eq!(content, has_content(t), "{t:?}");
            assert_eq!(key, key_and_clinical(t), "{t:?}");
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

    #[test]
    fn self_identification_is_dropped_but_clinical_claims_are_not() {
        assert!(is_self_identification(
            "Okay, as DeepSeek-R1 I should reason carefully."
        ));
        assert!(is_self_identification(
            "I am Qwen, created by Alibaba Cloud."
        ));
        assert!(is_self_identification(
            "As an AI language model, I will reason step by step."
        ));
        assert!(!is_self_identification(
            "The CT shows a subarachnoid haemorrhage."
        ));
        assert!(!is_self_identification(
            "As an AI, I note the troponin is raised."
        ));
        assert!(!is_self_identification(
            "The study was developed by the authors as a cohort."
        ));
    }
}
