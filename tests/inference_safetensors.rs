//! End to end on a tiny llama safetensors directory written by the test
//! (config.json, tokenizer.json, tokenizer_config.json with the chat
//! template, two shards with an index): load → template → greedy generation,
//! and the errors for broken directories.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod inference_common;

use blindstep::inference::{
    ChatMessage, GenerationConfig, InferenceError, LoadOptions, ModelFormat, load_local,
};
use inference_common::*;
use std::ops::ControlFlow;

fn greedy() -> GenerationConfig {
    GenerationConfig {
        max_tokens: 16,
        temperature: 0.0,
        ..GenerationConfig::default()
    }
}

fn messages() -> Vec<ChatMessage> {
    vec![ChatMessage::user("the chest pain is at rest")]
}

fn load_err(path: &std::path::Path) -> InferenceError {
    match load_local(path, &LoadOptions::default()) {
        Ok(_) => panic!("expected {} to fail", path.display()),
        Err(e) => e,
    }
}

#[test]
fn sharded_safetensors_dir_generates_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let model_dir = dir.path().join("tiny-llama");
    write_tiny_safetensors(&model_dir, 11);

    let mut model = load_local(&model_dir, &LoadOptions::default()).unwrap();
    let id = model.identity().clone();
    assert_eq!(id.format, ModelFormat::Safetensors);
    assert_eq!(id.architecture, "llama");
    assert_eq!(id.context_length, Some(512));
    assert!(id.chat_template_source.ends_with("tokenizer_config.json"));
    assert_eq!(
        id.quantization.as_deref(),
        Some("F32 (run as F32, lean llama)")
    );

    let a = model
        .generate(&messages(), &greedy(), &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(
        a.rendered_prompt,
        "<|im_start|>user\nthe chest pain is at rest<|im_end|>\n<|im_start|>assistant\n"
    );
    assert!(a.completion_tokens > 0 && !a.text.is_empty(), "{a:?}");
    let b = model
        .generate(&messages(), &greedy(), &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(a.text, b.text);
    assert_eq!(a.completion_tokens, b.completion_tokens);
}

#[test]
fn missing_tokenizer_json_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_safetensors(dir.path(), 1);
    std::fs::remove_file(dir.path().join("tokenizer.json")).unwrap();
    let msg = load_err(dir.path()).to_string();
    assert!(
        msg.contains("tokenizer.json") && msg.contains("not found"),
        "{msg}"
    );
}

#[test]
fn truncated_shard_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let shards = write_tiny_safetensors(dir.path(), 1);
    truncate(&shards[1], 0.5);
    let e = load_err(dir.path());
    let msg = e.to_string();
    assert!(matches!(e, InferenceError::Truncated { .. }), "{msg}");
    assert!(msg.contains("model-00002-of-00002.safetensors"), "{msg}");
}

#[test]
fn missing_shard_and_missing_tensor_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let shards = write_tiny_safetensors(dir.path(), 1);
    std::fs::remove_file(&shards[0]).unwrap();
    let msg = load_err(dir.path()).to_string();
    assert!(msg.contains("model-00001-of-00002.safetensors"), "{msg}");

    // A config that promises more layers than the weights have.
    let dir = tempfile::tempdir().unwrap();
    write_tiny_safetensors(dir.path(), 1);
    let cfg_path = dir.path().join("config.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    cfg["num_hidden_layers"] = serde_json::json!(3);
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let msg = load_err(dir.path()).to_string();
    assert!(msg.contains("model.layers.2."), "{msg}");
}

#[test]
fn unsupported_architecture_and_missing_config() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_safetensors(dir.path(), 1);
    let cfg_path = dir.path().join("config.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    cfg["model_type"] = serde_json::json!("gpt_neox");
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let msg = load_err(dir.path()).to_string();
    assert!(
        msg.contains("gpt_neox") && msg.contains("config.json"),
        "{msg}"
    );

    std::fs::remove_file(&cfg_path).unwrap();
    let msg = load_err(dir.path()).to_string();
    assert!(msg.contains("missing config.json"), "{msg}");
}

#[test]
fn mistral_qwen2_and_qwen3_dirs_load_by_model_type_and_generate() {
    for arch in ["mistral", "qwen2", "qwen3"] {
        let dir = tempfile::tempdir().unwrap();
        write_tiny_safetensors_arch(dir.path(), 5, arch);
        let mut model = load_local(dir.path(), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{arch}: {e}"));
        assert_eq!(model.identity().architecture, arch);
        let a = model
            .generate(&messages(), &greedy(), &mut |_| ControlFlow::Continue(()))
            .unwrap();
        let b = model
            .generate(&messages(), &greedy(), &mut |_| ControlFlow::Continue(()))
            .unwrap();
        assert!(a.completion_tokens > 0, "{arch}");
        assert_eq!(a.text, b.text, "{arch}");
    }
}
