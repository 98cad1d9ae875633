//! The one list of model-family and maker names, lower case. It serves both the stripper's
//! self-identification rule (a sentence such as "I am Qwen, created by Alibaba Cloud" is
//! dropped) and `study create`'s guard (a chain naming a model would unblind the reviewers).
//! Multi-word names ("hugging face") are matched word by word.

/// Makers and model families a model may name when it identifies itself.
pub const FAMILY_NAMES: &[&str] = &[
    "alibaba",
    "anthropic",
    "chatgpt",
    "claude",
    "deepseek",
    "gemini",
    "gemma",
    "google",
    "gpt",
    "hugging face",
    "huggingface",
    "llama",
    "meta",
    "mistral",
    "mixtral",
    "o1",
    "o3",
    "o3-mini",
    "o4-mini",
    "openai",
    "qwen",
    "qwq",
    "smollm",
];

/// Clinical phrases that begin with a family name and are not one: `(name, next word
/// prefix)`. "Claude Bernard-Horner syndrome" names a physiologist, not a model.
pub const NOT_A_MODEL: &[(&str, &str)] = &[("claude", "bernard")];

/// Whether the family name at `words[at]` is the start of one of [`NOT_A_MODEL`]'s phrases.
pub fn is_eponym(words: &[String], at: usize) -> bool {
    let (Some(w), Some(next)) = (words.get(at), words.get(at + 1)) else {
        return false;
    };
    NOT_A_MODEL
        .iter()
        .any(|(name, prefix)| w == name && next.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lower_case_sorted_and_unique() {
        for n in FAMILY_NAMES {
            assert_eq!(*n, n.to_lowercase(), "{n}");
        }
        let mut sorted = FAMILY_NAMES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, FAMILY_NAMES, "sorted, no duplicates");
    }

    #[test]
    fn an_eponym_is_not_a_model_name() {
        let w = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert!(is_eponym(&w("claude bernard-horner syndrome"), 0));
        assert!(!is_eponym(&w("claude wrote this"), 0));
        assert!(!is_eponym(&w("claude"), 0));
    }
}
