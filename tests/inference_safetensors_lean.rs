//! The lean llama against candle's own `llama` on the same safetensors checkpoint: the same
//! greedy text (`BLINDSTEP_REPACK=off` is the switch users have; the test passes it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod inference_common;

use blindstep::inference::repack::Repack;
use blindstep::inference::safetensors::load_safetensors_with;
use blindstep::inference::{ChatMessage, GenerationConfig, Generator, LoadOptions};
use candle_core::DType;
use inference_common::*;
use std::ops::ControlFlow;

fn greedy_text(dir: &std::path::Path, repack: Repack) -> (String, String) {
    let mut model = load_safetensors_with(dir, &LoadOptions::default(), repack).unwrap();
    let q = model.identity().quantization.clone().unwrap_or_default();
    let cfg = GenerationConfig {
        max_tokens: 16,
        temperature: 0.0,
        ..GenerationConfig::default()
    };
    let g = model
        .generate(
            &[ChatMessage::user("the chest pain is at rest")],
            &cfg,
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
    (q, g.text)
}

#[test]
fn lean_llama_and_candle_llama_give_the_same_greedy_text() {
    for (seed, tied) in [(11, false), (12, true)] {
        let dir = tempfile::tempdir().unwrap();
        write_tiny_safetensors_with(dir.path(), seed, "llama", DType::F32, tied);
        let (lean_q, lean) = greedy_text(dir.path(), Repack::Exact);
        let (candle_q, candle) = greedy_text(dir.path(), Repack::Off);
        assert_eq!(lean_q, "F32 (run as F32, lean llama)");
        assert_eq!(candle_q, "F32 (run as F32)");
        assert!(!lean.is_empty());
        assert_eq!(lean, candle, "seed {seed}, tied {tied}");
    }
}
