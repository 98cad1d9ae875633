//! Safetensors checkpoints as they ship: BF16 and F16 weights load memory-mapped and run in
//! their own dtype (the lean llama keeps them as stored; other families through candle),
//! `--dtype` picks another, and tied embeddings serve as the output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod inference_common;

use blindstep::inference::{
    ChatMessage, DTypeChoice, GenerationConfig, Generator, LoadOptions, load_local,
};
use candle_core::DType;
use inference_common::*;
use std::ops::ControlFlow;

fn greedy() -> GenerationConfig {
    GenerationConfig {
        max_tokens: 12,
        temperature: 0.0,
        ..GenerationConfig::default()
    }
}

fn text(model: &mut Box<dyn Generator>) -> String {
    let g = model
        .generate(
            &[ChatMessage::user("the chest pain is at rest")],
            &greedy(),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    assert!(g.completion_tokens > 0 && !g.text.is_empty(), "{g:?}");
    g.text
}

fn opts(dtype: DTypeChoice) -> LoadOptions {
    LoadOptions {
        dtype,
        ..LoadOptions::default()
    }
}

#[test]
fn bf16_and_f16_llama_checkpoints_run_as_stored_with_and_without_tied_embeddings() {
    for (dtype, name) in [(DType::BF16, "BF16"), (DType::F16, "F16")] {
        for tied in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            write_tiny_safetensors_with(dir.path(), 7, "llama", dtype, tied);
            let mut model = load_local(dir.path(), &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{name} tied={tied}: {e}"));
            assert_eq!(
                model.identity().quantization.as_deref(),
                Some(format!("{name} (run as {name}, lean llama)").as_str()),
                "tied={tied}"
            );
            let a = text(&mut model);
            assert_eq!(
                a,
                text(&mut model),
                "{name} tied={tied}: greedy runs differ"
            );
        }
    }
}

#[test]
fn dtype_choice_overrides_the_stored_dtype() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_safetensors_with(dir.path(), 9, "llama", DType::BF16, false);
    for (choice, runs_as) in [
        (DTypeChoice::F32, "F32"),
        (DTypeChoice::F16, "F16"),
        (DTypeChoice::Bf16, "BF16"),
        (DTypeChoice::Auto, "BF16"),
    ] {
        let mut model = load_local(dir.path(), &opts(choice)).unwrap();
        assert_eq!(
            model.identity().quantization.as_deref(),
            Some(format!("BF16 (run as {runs_as}, lean llama)").as_str())
        );
        text(&mut model);
    }
    // BF16 weights computed in f32 (the lean kernel) and the same weights widened once to
    // F32 give the same greedy text: the kernel reads the stored values exactly.
    let mut kept = load_local(dir.path(), &opts(DTypeChoice::Auto)).unwrap();
    let mut widened = load_local(dir.path(), &opts(DTypeChoice::F32)).unwrap();
    assert_eq!(text(&mut kept), text(&mut widened));
}

#[test]
fn other_families_load_bf16_checkpoints_through_candle() {
    for arch in ["mistral", "qwen2", "qwen3"] {
        let dir = tempfile::tempdir().unwrap();
        write_tiny_safetensors_with(dir.path(), 5, arch, DType::BF16, false);
        let mut model = load_local(dir.path(), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{arch}: {e}"));
        assert_eq!(
            model.identity().quantization.as_deref(),
            Some("BF16 (run as BF16)"),
            "{arch}"
        );
        let a = text(&mut model);
        assert_eq!(a, text(&mut model), "{arch}");
    }
}

#[test]
fn transformers_5_configs_give_their_rope_base_to_candle_models_too() {
    // transformers 5 writes rope_parameters.rope_theta instead of rope_theta; a model read
    // with the default base instead would still run, with wrong positions. Same weights:
    // the base given either way gives the same text, and another base a different one.
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for (i, d) in dirs.iter().enumerate() {
        write_tiny_safetensors_with(d.path(), 3, "qwen2", DType::F32, false);
        let cfg_path = d.path().join("config.json");
        let mut cfg: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
        let obj = cfg.as_object_mut().unwrap();
        match i {
            0 => {
                obj.insert("rope_theta".into(), serde_json::json!(3.0));
            }
            1 => {
                obj.remove("rope_theta");
                obj.insert(
                    "rope_parameters".into(),
                    serde_json::json!({"rope_theta": 3.0, "rope_type": "default"}),
                );
            }
            _ => {}
        }
        std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    }
    let texts: Vec<String> = dirs
        .iter()
        .map(|d| text(&mut load_local(d.path(), &LoadOptions::default()).unwrap()))
        .collect();
    assert_eq!(texts[0], texts[1]);
    assert_ne!(
        texts[0], texts[2],
        "the rope base should change this model's text"
    );
}
