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
}
