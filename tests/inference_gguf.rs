//! End to end on a tiny llama GGUF written by the test with candle's GGUF
//! writer: load through `load_local` (tokenizer rebuilt from the GGUF's own
//! metadata, chat template from metadata) → template → greedy generation,
//! and the errors for broken files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod inference_common;

use blindstep::inference::gguf_tokenizer::tokenizer_from_gguf;
use blindstep::inference::{
    ChatMessage, GenerationConfig, InferenceError, LoadOptions, ModelFormat, StopReason,
    load_candle, load_local,
};
use inference_common::*;
use std::ops::ControlFlow;

fn greedy(max_tokens: usize) -> GenerationConfig {
    GenerationConfig {
        max_tokens,
        temperature: 0.0,
        ..GenerationConfig::default()
    }
}

fn messages() -> Vec<ChatMessage> {
    vec![
        ChatMessage::system("You are a physician."),
        ChatMessage::user("the chest pain is at rest"),
    ]
}

#[test]
fn gguf_loads_renders_and_generates_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.gguf");
    write_tiny_gguf(&path, &GgufSpec::default());

    let mut model = load_local(&path, &LoadOptions::default()).unwrap();
    let id = model.identity().clone();
    assert_eq!(id.format, ModelFormat::Gguf);
    assert_eq!(id.architecture, "llama");
    // The format, and (on CPUs with AVX-512 VNNI) the tiles it runs in.
    assert!(
        matches!(
            id.quantization.as_deref(),
            Some("Q8_0" | "Q8_0, repacked into 16-row tiles")
        ),
        "{:?}",
        id.quantization
    );
    assert_eq!(id.context_length, Some(512));
    assert_eq!(id.vocab_size, Some(tiny_vocab().tokens.len()));
    assert_eq!(id.sha256.as_deref().map(str::len), Some(64));
    assert_eq!(id.chat_template_source, "gguf tokenizer.chat_template");
    let expected_params = (tiny_vocab().tokens.len() * DIM * 2
        + DIM
        + LAYERS * (2 * DIM + 2 * DIM * DIM + 2 * (KV_HEADS * DIM / HEADS) * DIM + 3 * FF * DIM))
        as u64;
    assert_eq!(id.parameters, Some(expected_params));

    let mut streamed = Vec::new();
    let first = model
        .generate(&messages(), &greedy(24), &mut |piece| {
            streamed.push(piece.to_string());
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(
        first.rendered_prompt,
        "<|im_start|>system\nYou are a physician.<|im_end|>\n<|im_start|>user\nthe chest pain is at rest<|im_end|>\n<|im_start|>assistant\n"
    );
    assert!(first.completion_tokens > 0);
    assert!(
        !first.text.is_empty(),
        "the tiny model should say something"
    );
    assert_eq!(
        streamed.concat(),
        first.text,
        "streamed pieces add up to the text"
    );
    assert!(first.prompt_tokens > 20);
    assert!(first.ttft_ms > 0.0 && first.elapsed_ms >= first.ttft_ms);

    let second = model
        .generate(&messages(), &greedy(24), &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(first.text, second.text, "greedy decoding is deterministic");
    assert_eq!(first.completion_tokens, second.completion_tokens);

    // A fresh load of the same file gives the same output too.
    let mut again = load_local(&path, &LoadOptions::default()).unwrap();
    let third = again
        .generate(&messages(), &greedy(24), &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(first.text, third.text);
}

#[test]
fn cancellation_and_max_tokens_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.gguf");
    write_tiny_gguf(&path, &GgufSpec::default());
    let mut model = load_local(&path, &LoadOptions::default()).unwrap();

    let full = model
        .generate(&messages(), &greedy(5), &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(full.stopped, StopReason::MaxTokens, "{:?}", full.text);
    assert_eq!(full.completion_tokens, 5);

    let mut calls = 0;
    let cancelled = model
        .generate(&messages(), &greedy(50), &mut |_| {
            calls += 1;
            ControlFlow::Break(())
        })
        .unwrap();
    assert_eq!(calls, 1);
    assert_eq!(cancelled.stopped, StopReason::Cancelled);
    assert!(cancelled.completion_tokens < 50);
}

#[test]
fn seeded_sampling_repeats_with_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.gguf");
    write_tiny_gguf(&path, &GgufSpec::default());
    let mut model = load_local(&path, &LoadOptions::default()).unwrap();
    let cfg = GenerationConfig {
        max_tokens: 16,
        temperature: 0.9,
        top_p: Some(0.95),
        top_k: Some(50),
        seed: 42,
        ..GenerationConfig::default()
    };
    let a = model
        .generate(&messages(), &cfg, &mut |_| ControlFlow::Continue(()))
        .unwrap();
    let b = model
        .generate(&messages(), &cfg, &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(a.text, b.text);
}

#[test]
fn rebuilt_tokenizer_matches_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.gguf");
    write_tiny_gguf(&path, &GgufSpec::default());
    let mut f = std::fs::File::open(&path).unwrap();
    let content = candle_core::quantized::gguf_file::Content::read(&mut f).unwrap();
    let rebuilt = tokenizer_from_gguf(&content).unwrap();
    let original = tiny_tokenizer(&tiny_vocab());
    for text in [
        "the chest pain is at rest",
        "<|im_start|>user\nChest pain, 3 h — café?<|im_end|>",
        "  spaces\tand\nnewlines ",
    ] {
        let a = rebuilt.tokenizer.encode(text, false).unwrap();
        let b = original.encode(text, false).unwrap();
        assert_eq!(a.get_ids(), b.get_ids(), "{text:?}");
        assert_eq!(rebuilt.tokenizer.decode(a.get_ids(), false).unwrap(), text);
    }
    assert_eq!(rebuilt.bos_id, Some(1));
    assert_eq!(rebuilt.eos_ids, vec![2]);
    // Merges are used: "Ġthe" is one token.
    let ids = rebuilt.tokenizer.encode(" the", false).unwrap();
    assert_eq!(ids.get_ids().len(), 1);
}

#[test]
fn stop_strings_cut_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.gguf");
    write_tiny_gguf(&path, &GgufSpec::default());
    let mut model = load_candle(&path, &LoadOptions::default()).unwrap();
    let base = blindstep::inference::Generator::generate(
        &mut model,
        &messages(),
        &greedy(24),
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    // Use a piece of the greedy output as a stop string.
    let chars: Vec<char> = base.text.chars().collect();
    assert!(
        chars.len() >= 4,
        "greedy output too short for this test: {:?}",
        base.text
    );
    let stop: String = chars[2..4].iter().collect();
    let cfg = GenerationConfig {
        stop: vec![stop.clone()],
        ..greedy(24)
    };
    let cut = blindstep::inference::Generator::generate(&mut model, &messages(), &cfg, &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(cut.stopped, StopReason::StopString);
    let at = base.text.find(&stop).unwrap();
    assert_eq!(cut.text, base.text[..at]);
}

fn load_err(path: &std::path::Path, opts: &LoadOptions) -> InferenceError {
    match load_local(path, opts) {
        Ok(_) => panic!("expected {} to fail", path.display()),
        Err(e) => e,
    }
}

#[test]
fn truncated_gguf_is_named_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.gguf");
    write_tiny_gguf(&path, &GgufSpec::default());
    truncate(&path, 0.7);
    let e = load_err(&path, &LoadOptions::default());
    let msg = e.to_string();
    assert!(matches!(e, InferenceError::Truncated { .. }), "{msg}");
    assert!(
        msg.contains("cut.gguf") && msg.contains("truncated"),
        "{msg}"
    );

    // Cut inside the header too.
    truncate(&path, 0.01);
    let msg = load_err(&path, &LoadOptions::default()).to_string();
    assert!(
        msg.contains("cut.gguf") && msg.contains("truncated"),
        "{msg}"
    );
}

#[test]
fn wrong_architecture_is_rejected_with_the_supported_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bert.gguf");
    write_tiny_gguf(
        &path,
        &GgufSpec {
            architecture: "bert",
            ..GgufSpec::default()
        },
    );
    let msg = load_err(&path, &LoadOptions::default()).to_string();
    assert!(msg.contains("bert.gguf"), "{msg}");
    assert!(msg.contains("unsupported architecture \"bert\""), "{msg}");
    assert!(msg.contains("qwen2"), "{msg}");
}

#[test]
fn missing_tokenizer_metadata_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notok.gguf");
    write_tiny_gguf(
        &path,
        &GgufSpec {
            with_tokenizer: false,
            ..GgufSpec::default()
        },
    );
    let msg = load_err(&path, &LoadOptions::default()).to_string();
    assert!(
        msg.contains("notok.gguf") && msg.contains("tokenizer.json"),
        "{msg}"
    );

    // …and a tokenizer.json override makes it load.
    let tok = dir.path().join("tokenizer.json");
    tiny_tokenizer(&tiny_vocab()).save(&tok, false).unwrap();
    let opts = LoadOptions {
        tokenizer: Some(tok),
        ..LoadOptions::default()
    };
    let mut model = load_local(&path, &opts).unwrap();
    let g = model
        .generate(&messages(), &greedy(4), &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert!(g.completion_tokens > 0);
}

#[test]
fn mismatched_tokenizer_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.gguf");
    write_tiny_gguf(&path, &GgufSpec::default());
    let mut big = tiny_vocab();
    for i in 0..40 {
        big.tokens.push(format!("extra{i}"));
    }
    let tok = dir.path().join("other-tokenizer.json");
    tiny_tokenizer(&big).save(&tok, false).unwrap();
    let msg = load_err(
        &path,
        &LoadOptions {
            tokenizer: Some(tok),
            ..LoadOptions::default()
        },
    )
    .to_string();
    assert!(msg.contains("other-tokenizer.json"), "{msg}");
    assert!(msg.contains("do not belong together"), "{msg}");

    let missing = dir.path().join("nope.json");
    let msg = load_err(
        &path,
        &LoadOptions {
            tokenizer: Some(missing),
            ..LoadOptions::default()
        },
    )
    .to_string();
    assert!(
        msg.contains("nope.json") && msg.contains("not found"),
        "{msg}"
    );
}

#[test]
fn not_a_gguf_and_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.gguf");
    std::fs::write(&junk, b"PK\x03\x04 this is a zip, not a model").unwrap();
    let msg = load_err(&junk, &LoadOptions::default()).to_string();
    assert!(
        msg.contains("junk.gguf") && msg.contains("GGUF magic"),
        "{msg}"
    );

    let missing = dir.path().join("absent.gguf");
    let e = load_err(&missing, &LoadOptions::default());
    assert!(matches!(e, InferenceError::NotFound { .. }));
    assert!(e.to_string().contains("absent.gguf"));
}

#[test]
fn chat_template_override_is_used_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.gguf");
    write_tiny_gguf(&path, &GgufSpec::default());
    let tpl = dir.path().join("plain.j2");
    std::fs::write(
        &tpl,
        "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}[assistant] ",
    )
    .unwrap();
    let mut model = load_local(
        &path,
        &LoadOptions {
            chat_template: Some(tpl.clone()),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    assert!(model.identity().chat_template_source.ends_with("plain.j2"));
    let g = model
        .generate(&messages(), &greedy(2), &mut |_| ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(
        g.rendered_prompt,
        "[system] You are a physician.\n[user] the chest pain is at rest\n[assistant] "
    );
}

#[test]
fn qwen2_and_qwen3_ggufs_load_by_architecture_and_generate() {
    for arch in ["qwen2", "qwen3"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{arch}.gguf"));
        write_tiny_gguf(
            &path,
            &GgufSpec {
                architecture: arch,
                ..GgufSpec::default()
            },
        );
        let mut model = load_local(&path, &LoadOptions::default()).unwrap();
        assert_eq!(model.identity().architecture, arch);
        let a = model
            .generate(&messages(), &greedy(8), &mut |_| ControlFlow::Continue(()))
            .unwrap();
        let b = model
            .generate(&messages(), &greedy(8), &mut |_| ControlFlow::Continue(()))
            .unwrap();
        assert!(a.completion_tokens > 0, "{arch}");
        assert_eq!(a.text, b.text, "{arch}");
    }
}
