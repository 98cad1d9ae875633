//! Weights repacked at load (in memory): the opt-in requantisation keeps every format's
//! values (exactly for Q5_0; within the Q8_0 rounding bound for the `d·q + m` formats) and
//! leaves formats with fast kernels alone; tiny models of every 32-block format give the
//! same logits (to float summation order) and greedy text on the default lean llama with
//! its exact repack as on candle's own model, and requantised logits no further from an
//! exact F32 reference than candle's own kernel.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod inference_common;

use blindstep::inference::gguf::load_gguf_with;
use blindstep::inference::repack::{Repack, repack_tensor, requantisation_error};
use blindstep::inference::{GenerationConfig, Generator, LoadOptions};
use candle_core::Device;
use candle_core::quantized::{GgmlDType, QTensor};
use inference_common::{GgufSpec, Weights, write_tiny_gguf};
use std::ops::ControlFlow;

fn values(q: &QTensor) -> Vec<f32> {
    q.dequantize(&Device::Cpu)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap()
}

#[test]
fn repacked_blocks_dequantise_to_the_original_values() {
    let mut w = Weights::new(11);
    // 256 columns so the K-quants fit; offsets so Q4_1/Q5_1 minimums are not zero.
    let src = (w.tensor(&[8, 256], 1.0) + 0.3).unwrap();
    for dtype in [
        GgmlDType::Q4_0,
        GgmlDType::Q4_1,
        GgmlDType::Q5_0,
        GgmlDType::Q5_1,
        GgmlDType::Q8_0,
        GgmlDType::Q2K,
        GgmlDType::Q3K,
        GgmlDType::Q4K,
        GgmlDType::Q5K,
        GgmlDType::Q6K,
    ] {
        let q = QTensor::quantize(&src, dtype).unwrap();
        let repacked = repack_tensor(&q).unwrap();
        match dtype {
            GgmlDType::Q5_0 => {
                let r = repacked.expect("Q5_0 is repacked");
                assert_eq!(r.dtype(), GgmlDType::Q8_0);
                assert_eq!(r.shape(), q.shape());
                assert_eq!(values(&r), values(&q), "Q5_0 → Q8_0 is exact");
            }
            GgmlDType::Q4_1 | GgmlDType::Q5_1 => {
                let r = repacked.expect("d·q+m formats are repacked");
                assert_eq!(r.dtype(), GgmlDType::Q8_0);
                let (worst, excess) = requantisation_error(&q, &r).unwrap();
                assert!(
                    excess <= 0.0,
                    "{dtype:?}: a value moved {excess} past the Q8_0 rounding bound"
                );
                assert!(worst > 0.0 && worst < 0.01, "{dtype:?}: worst {worst}");
            }
            _ => assert!(repacked.is_none(), "{dtype:?} has a fast kernel: kept"),
        }
    }
}

#[test]
fn q5_0_edge_values_survive_the_repack() {
    // Every 5-bit value −16…15 in both halves of a block.
    let row: Vec<f32> = (0..64).map(|i| (i % 32) as f32 - 16.0).collect();
    let t = candle_core::Tensor::from_vec(row, (2, 32), &Device::Cpu).unwrap();
    let q = QTensor::quantize(&t, GgmlDType::Q5_0).unwrap();
    let r = repack_tensor(&q).unwrap().unwrap();
    assert_eq!(values(&r), values(&q));
}

#[test]
fn tiny_models_of_every_format_run_the_same_with_and_without_the_repack() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = GenerationConfig {
        max_tokens: 12,
        temperature: 0.0,
        repeat_penalty: 1.0,
        ..GenerationConfig::default()
    };
    let dist = |u: &[f32], v: &[f32]| u.iter().zip(v).fold(0f32, |m, (x, y)| m.max((x - y).abs()));
    let run = |g: &mut blindstep::inference::CandleGenerator| {
        g.generate_ids(&PROMPT, &cfg, &mut |_| ControlFlow::Continue(()))
            .unwrap()
            .text
    };
    for dtype in [
        GgmlDType::Q4_0,
        GgmlDType::Q4_1,
        GgmlDType::Q5_0,
        GgmlDType::Q5_1,
        GgmlDType::Q8_0,
    ] {
        let path = dir.path().join(format!("tiny-{dtype:?}.gguf"));
        write_tiny_gguf(
            &path,
            &GgufSpec {
                matrices: dtype,
                ..GgufSpec::default()
            },
        );
        let reference = dir.path().join(format!("tiny-{dtype:?}-f32.gguf"));
        write_tiny_gguf(
            &reference,
            &GgufSpec {
                matrices: dtype,
                as_f32: true,
                ..GgufSpec::default()
            },
        );
        let opts = LoadOptions::default();
        let slow = matches!(dtype, GgmlDType::Q4_1 | GgmlDType::Q5_0 | GgmlDType::Q5_1);
        let mut exact = load_gguf_with(&reference, &opts, Repack::Off).unwrap();
        let mut plain = load_gguf_with(&path, &opts, Repack::Off).unwrap();
        let e = exact.prompt_logits(&PROMPT).unwrap();
        let a = plain.prompt_logits(&PROMPT).unwrap();
        let scale = a.iter().fold(0f32, |m, v| m.max(v.abs()));
        let own = dist(&a, &e);

        // The default: the lean llama with the exact repack. The same weights and the same
        // kernel arithmetic as candle's: on CPUs with AVX-512 VNNI (16-row tiles) bit for
        // bit, else up to float summation order (Q4_1/Q5_x on candle's Q8_0 kernel).
        let mut fast = load_gguf_with(&path, &opts, Repack::Exact).unwrap();
        let label = fast.identity().quantization.clone().unwrap();
        let tiles = blindstep::inference::fast_llama::takes_tiles(dtype, 16, 64);
        if tiles {
            assert!(
                label.ends_with(", repacked into 16-row tiles"),
                "{dtype:?}: {label}"
            );
        } else {
            eprintln!("{dtype:?}: no AVX-512 VNNI here, the tile kernels are not checked");
            assert_eq!(
                label.ends_with(", run on the Q8_0 kernel"),
                slow,
                "{dtype:?}: {label}"
            );
        }
        let b = fast.prompt_logits(&PROMPT).unwrap();
        // The same model code on the file's own kernels: the repack is the only difference.
        let mut lean = load_gguf_with(&path, &opts, Repack::Lean).unwrap();
        let l = lean.prompt_logits(&PROMPT).unwrap();
        if tiles {
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&b),
                bits(&l),
                "{dtype:?}: tiles are not candle's numbers"
            );
            assert_eq!(
                run(&mut lean),
                run(&mut fast),
                "{dtype:?}: greedy text, tiles vs file kernels"
            );
        }
        assert!(
            dist(&a, &b) <= 1e-4 * scale.max(1.0),
            "{dtype:?}: exact repack moved the logits {} (scale {scale})",
            dist(&a, &b)
        );
        assert_eq!(run(&mut plain), run(&mut fast), "{dtype:?}: greedy text");

        // Opt-in requantisation: no further from the exact values than candle's own kernel
        // (both quantise the activations to 8 bits, so neither is exact).
        let mut requant = load_gguf_with(&path, &opts, Repack::Requantise).unwrap();
        let label = requant.identity().quantization.clone().unwrap();
        assert_eq!(
            label.ends_with(", requantised to Q8_0"),
            slow,
            "{dtype:?}: {label}"
        );
        let r = requant.prompt_logits(&PROMPT).unwrap();
        assert!(
            dist(&r, &e) <= 1.5 * own + 1e-3,
            "{dtype:?}: requantised logits {} from the exact values, candle's own kernel {own}",
            dist(&r, &e)
        );
        if !slow {
            assert_eq!(a, r, "{dtype:?}: nothing requantised, nothing changed");
        }
    }
}

const PROMPT: [u32; 6] = [5, 9, 14, 7, 22, 3];
