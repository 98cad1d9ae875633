//! Real weights, with and without the repack: SmolLM2-135M-Instruct Q4_1 (set
//! `BLINDSTEP_SMOLLM2_GGUF`; skipped otherwise) loaded through the lean llama with the
//! default repack and with the file's own candle kernels (`Repack::Lean`): on CPUs with
//! AVX-512 VNNI the 16-row tiles give bit-identical logits and the same greedy tokens.
//! Without them (Q4_1 on candle's Q8_0 kernel), and against candle's own model whatever the
//! CPU, a last-bit difference in one layer's sum flips some of the next layer's 8-bit input
//! roundings, so the logits agree only to a fraction of a unit after 30 layers (measured:
//! 0.60–0.71 on the bench prompts); the test holds that to the scale (a wrong offset or
//! layout gives differences of several units) and prints it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::inference::gguf::load_gguf_with;
use blindstep::inference::repack::Repack;
use blindstep::inference::{ChatMessage, GenerationConfig, Generator, LoadOptions};
use std::ops::ControlFlow;
use std::path::PathBuf;

const PROMPTS: [&str; 3] = [
    "A 47-year-old woman develops a sudden, severe occipital headache while lifting weights, followed by vomiting and neck stiffness. What is the most likely diagnosis?",
    "A 60-year-old man has crushing chest pain radiating to the left arm with sweating. What is the most likely diagnosis?",
    "A 30-year-old woman, 6 weeks after a long-haul flight, has sudden breathlessness and pleuritic chest pain. Think step by step.",
];

#[test]
fn smollm2_logits_agree_with_and_without_the_repack() {
    let Some(path) = std::env::var_os("BLINDSTEP_SMOLLM2_GGUF")
        .map(PathBuf::from)
        .filter(|p| p.exists())
    else {
        eprintln!("skipped: SmolLM2 GGUF not found (set BLINDSTEP_SMOLLM2_GGUF)");
        return;
    };
    let opts = LoadOptions::default();
    let mut plain = load_gguf_with(&path, &opts, Repack::Off).unwrap();
    let mut fast = load_gguf_with(&path, &opts, Repack::Exact).unwrap();
    let mut lean = load_gguf_with(&path, &opts, Repack::Lean).unwrap();
    let tiles = fast
        .identity()
        .quantization
        .as_deref()
        .is_some_and(|q| q.ends_with(", repacked into 16-row tiles"));
    let cfg = GenerationConfig {
        max_tokens: 48,
        temperature: 0.0,
        ..GenerationConfig::default()
    };
    let mut worst = 0f32;
    for p in PROMPTS {
        let rendered = plain.render(&[ChatMessage::user(p)]).unwrap();
        let ids = plain.encode(&rendered).unwrap();
        let a = plain.prompt_logits(&ids).unwrap();
        let b = fast.prompt_logits(&ids).unwrap();
        let d = a
            .iter()
            .zip(&b)
            .fold(0f32, |m, (x, y)| m.max((x - y).abs()));
        worst = worst.max(d);
        let ga = plain
            .generate_ids(&ids, &cfg, &mut |_| ControlFlow::Continue(()))
            .unwrap();
        let gb = fast
            .generate_ids(&ids, &cfg, &mut |_| ControlFlow::Continue(()))
            .unwrap();
        eprintln!(
            "largest logit difference {d:.6}; texts equal: {}",
            ga.text == gb.text
        );
        assert!(d < 1.5, "logits differ by {d} for {p:?}");
        assert!(!gb.text.trim().is_empty());
        let l = lean.prompt_logits(&ids).unwrap();
        let gl = lean
            .generate_ids(&ids, &cfg, &mut |_| ControlFlow::Continue(()))
            .unwrap();
        if tiles {
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&b), bits(&l), "tiles moved the logits for {p:?}");
            assert_eq!(
                (&gb.text, gb.completion_tokens),
                (&gl.text, gl.completion_tokens),
                "greedy output differs for {p:?}"
            );
        } else {
            let d = b
                .iter()
                .zip(&l)
                .fold(0f32, |m, (x, y)| m.max((x - y).abs()));
            assert!(d < 1.5, "repack moved the logits by {d} for {p:?}");
        }
    }
    eprintln!("largest logit difference over the prompts: {worst:.6}");
}
