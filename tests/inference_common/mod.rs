//! Builders shared by the inference integration tests: a byte-level BPE
//! tokenizer made in the test, and tiny llama models with deterministic
//! pseudo-random weights written in the real formats (GGUF through candle's
//! writer; a sharded safetensors directory with config.json).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use candle_core::quantized::gguf_file::{self, Value};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::BPE;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::{AddedToken, Tokenizer};

pub const SPECIALS: [&str; 3] = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
pub const CHATML: &str = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
pub const DIM: usize = 64;
pub const FF: usize = 128;
pub const LAYERS: usize = 2;
pub const HEADS: usize = 4;
pub const KV_HEADS: usize = 2;

/// Byte-level vocabulary: 3 specials, the 256 byte symbols, then merges.
pub struct TinyVocab {
    pub tokens: Vec<String>,
    pub merges: Vec<(String, String)>,
}

pub fn tiny_vocab() -> TinyVocab {
    let mut tokens: Vec<String> = SPECIALS.iter().map(|s| s.to_string()).collect();
    let mut alphabet: Vec<char> = ByteLevel::alphabet().into_iter().collect();
    alphabet.sort_unstable();
    tokens.extend(alphabet.iter().map(|c| c.to_string()));
    let pairs = [
        ("Ġ", "t"),
        ("h", "e"),
        ("Ġt", "he"),
        ("i", "n"),
        ("a", "t"),
        ("Ġ", "a"),
        ("o", "n"),
        ("e", "r"),
        ("Ġ", "p"),
        ("a", "in"),
        ("Ġp", "ain"),
        ("s", "t"),
        ("Ġ", "c"),
        ("h", "est"),
        ("e", "st"),
        ("Ġc", "hest"),
        ("i", "s"),
        ("Ġ", "is"),
    ];
    let mut merges = Vec::new();
    for (a, b) in pairs {
        let merged = format!("{a}{b}");
        if !tokens.contains(&merged) {
            tokens.push(merged);
        }
        merges.push((a.to_string(), b.to_string()));
    }
    TinyVocab { tokens, merges }
}

/// The same vocabulary as a `tokenizers::Tokenizer` (what a tokenizer.json holds).
pub fn tiny_tokenizer(v: &TinyVocab) -> Tokenizer {
    let vocab: tokenizers::models::bpe::Vocab = v
        .tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();
    let bpe = BPE::builder()
        .vocab_and_merges(vocab, v.merges.clone())
        .build()
        .unwrap();
    let mut tok = Tokenizer::new(bpe);
    tok.with_pre_tokenizer(Some(ByteLevel::new(false, false, true)));
    tok.with_decoder(Some(ByteLevelDecoder::new(false, false, false)));
    tok.add_special_tokens(SPECIALS.iter().map(|s| AddedToken::from(*s, true)))
        .unwrap();
    tok
}

/// Deterministic pseudo-random weights (an LCG), scaled small.
pub struct Weights(u64);

impl Weights {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn tensor(&mut self, shape: &[usize], scale: f32) -> Tensor {
        let n: usize = shape.iter().product();
        let data: Vec<f32> = (0..n)
            .map(|_| {
                self.0 = self
                    .0
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 2.0 * scale
            })
            .collect();
        Tensor::from_vec(data, shape, &Device::Cpu).unwrap()
    }
    pub fn ones(&mut self, n: usize) -> Tensor {
        Tensor::ones(n, candle_core::DType::F32, &Device::Cpu).unwrap()
    }
}

/// Options for the tiny GGUF writer.
pub struct GgufSpec {
    pub architecture: &'static str,
    pub with_tokenizer: bool,
    pub with_template: bool,
    pub seed: u64,
    /// The format of the weight matrices.
    pub matrices: GgmlDType,
    /// Store the matrices as F32 holding exactly the values `matrices` gives them (a
    /// reference for kernels of that format).
    pub as_f32: bool,
}

impl Default for GgufSpec {
    fn default() -> Self {
        Self {
            architecture: "llama",
            with_tokenizer: true,
            with_template: true,
            seed: 7,
            matrices: GgmlDType::Q8_0,
            as_f32: false,
        }
    }
}

/// Writes a 2-layer llama GGUF (`spec.matrices` matrices, Q8_0 by default; F32 norms) with
/// the tiny tokenizer in its metadata.
pub fn write_tiny_gguf(path: &Path, spec: &GgufSpec) {
    let v = tiny_vocab();
    let vocab = v.tokens.len();
    let mut w = Weights::new(spec.seed);
    let mut tensors: Vec<(String, QTensor)> = Vec::new();
    let q = |t: Tensor| {
        let q = QTensor::quantize(&t, spec.matrices).unwrap();
        if spec.as_f32 {
            QTensor::quantize(&q.dequantize(&Device::Cpu).unwrap(), GgmlDType::F32).unwrap()
        } else {
            q
        }
    };
    let f = |t: Tensor| QTensor::quantize(&t, GgmlDType::F32).unwrap();
    tensors.push(("token_embd.weight".into(), f(w.tensor(&[vocab, DIM], 1.0))));
    tensors.push(("output_norm.weight".into(), f(w.ones(DIM))));
    tensors.push(("output.weight".into(), q(w.tensor(&[vocab, DIM], 0.5))));
    let head_dim = DIM / HEADS;
    for l in 0..LAYERS {
        let p = format!("blk.{l}");
        tensors.push((format!("{p}.attn_norm.weight"), f(w.ones(DIM))));
        tensors.push((format!("{p}.ffn_norm.weight"), f(w.ones(DIM))));
        tensors.push((format!("{p}.attn_q.weight"), q(w.tensor(&[DIM, DIM], 0.3))));
        tensors.push((
            format!("{p}.attn_k.weight"),
            q(w.tensor(&[KV_HEADS * head_dim, DIM], 0.3)),
        ));
        tensors.push((
            format!("{p}.attn_v.weight"),
            q(w.tensor(&[KV_HEADS * head_dim, DIM], 0.3)),
        ));
        tensors.push((
            format!("{p}.attn_output.weight"),
            q(w.tensor(&[DIM, DIM], 0.3)),
        ));
        tensors.push((format!("{p}.ffn_gate.weight"), q(w.tensor(&[FF, DIM], 0.3))));
        tensors.push((format!("{p}.ffn_up.weight"), q(w.tensor(&[FF, DIM], 0.3))));
        tensors.push((format!("{p}.ffn_down.weight"), q(w.tensor(&[DIM, FF], 0.3))));
        if spec.architecture == "qwen2" {
            tensors.push((format!("{p}.attn_q.bias"), f(w.tensor(&[DIM], 0.1))));
            tensors.push((
                format!("{p}.attn_k.bias"),
                f(w.tensor(&[KV_HEADS * head_dim], 0.1)),
            ));
            tensors.push((
                format!("{p}.attn_v.bias"),
                f(w.tensor(&[KV_HEADS * head_dim], 0.1)),
            ));
        }
        if spec.architecture == "qwen3" {
            tensors.push((format!("{p}.attn_q_norm.weight"), f(w.ones(head_dim))));
            tensors.push((format!("{p}.attn_k_norm.weight"), f(w.ones(head_dim))));
        }
    }

    let a = spec.architecture;
    let mut meta: Vec<(String, Value)> = vec![
        ("general.architecture".into(), Value::String(a.into())),
        (
            "general.file_type".into(),
            Value::U32(match spec.matrices {
                GgmlDType::Q4_0 => 2,
                GgmlDType::Q4_1 => 3,
                GgmlDType::Q5_0 => 8,
                GgmlDType::Q5_1 => 9,
                _ => 7,
            }),
        ),
        (format!("{a}.context_length"), Value::U32(512)),
        (format!("{a}.embedding_length"), Value::U32(DIM as u32)),
        (format!("{a}.block_count"), Value::U32(LAYERS as u32)),
        (format!("{a}.feed_forward_length"), Value::U32(FF as u32)),
        (
            format!("{a}.attention.head_count"),
            Value::U32(HEADS as u32),
        ),
        (
            format!("{a}.attention.head_count_kv"),
            Value::U32(KV_HEADS as u32),
        ),
        (
            format!("{a}.rope.dimension_count"),
            Value::U32(head_dim as u32),
        ),
        (
            format!("{a}.attention.layer_norm_rms_epsilon"),
            Value::F32(1e-5),
        ),
        (
            format!("{a}.attention.key_length"),
            Value::U32(head_dim as u32),
        ),
        (format!("{a}.rope.freq_base"), Value::F32(10000.0)),
    ];
    if spec.with_tokenizer {
        meta.push(("tokenizer.ggml.model".into(), Value::String("gpt2".into())));
        meta.push(("tokenizer.ggml.pre".into(), Value::String("gpt2".into())));
        meta.push((
            "tokenizer.ggml.tokens".into(),
            Value::Array(v.tokens.iter().map(|t| Value::String(t.clone())).collect()),
        ));
        meta.push((
            "tokenizer.ggml.merges".into(),
            Value::Array(
                v.merges
                    .iter()
                    .map(|(a, b)| Value::String(format!("{a} {b}")))
                    .collect(),
            ),
        ));
        meta.push((
            "tokenizer.ggml.token_type".into(),
            Value::Array(
                (0..vocab)
                    .map(|i| Value::I32(if i < SPECIALS.len() { 3 } else { 1 }))
                    .collect(),
            ),
        ));
        meta.push(("tokenizer.ggml.bos_token_id".into(), Value::U32(1)));
        meta.push(("tokenizer.ggml.eos_token_id".into(), Value::U32(2)));
        meta.push(("tokenizer.ggml.add_bos_token".into(), Value::Bool(false)));
    }
    if spec.with_template {
        meta.push((
            "tokenizer.chat_template".into(),
            Value::String(CHATML.into()),
        ));
    }
    let meta_refs: Vec<(&str, &Value)> = meta.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let tensor_refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, t)| (k.as_str(), t)).collect();
    let mut file = std::fs::File::create(path).unwrap();
    gguf_file::write(&mut file, &meta_refs, &tensor_refs).unwrap();
}

/// Writes a tiny HF llama directory: config.json, tokenizer.json,
/// tokenizer_config.json (with the chat template) and two weight shards
/// with model.safetensors.index.json. Returns the shard paths.
pub fn write_tiny_safetensors(dir: &Path, seed: u64) -> Vec<PathBuf> {
    write_tiny_safetensors_arch(dir, seed, "llama")
}

/// Like [`write_tiny_safetensors`] for `llama`, `mistral`, `qwen2` (q/k/v
/// biases) or `qwen3` (q/k norms, explicit head_dim).
pub fn write_tiny_safetensors_arch(dir: &Path, seed: u64, arch: &str) -> Vec<PathBuf> {
    write_tiny_safetensors_with(dir, seed, arch, candle_core::DType::F32, false)
}

/// Like [`write_tiny_safetensors_arch`] with the weights stored as `dtype` (as checkpoints
/// ship: BF16, F16) and, when `tied`, no `lm_head.weight` (the output is the embedding).
pub fn write_tiny_safetensors_with(
    dir: &Path,
    seed: u64,
    arch: &str,
    dtype: candle_core::DType,
    tied: bool,
) -> Vec<PathBuf> {
    let v = tiny_vocab();
    let vocab = v.tokens.len();
    let mut w = Weights::new(seed);
    let head_dim = DIM / HEADS;
    let mut shards: [HashMap<String, Tensor>; 2] = [HashMap::new(), HashMap::new()];
    shards[0].insert(
        "model.embed_tokens.weight".into(),
        w.tensor(&[vocab, DIM], 1.0),
    );
    shards[1].insert("model.norm.weight".into(), w.ones(DIM));
    let head = w.tensor(&[vocab, DIM], 0.5);
    if !tied {
        shards[1].insert("lm_head.weight".into(), head);
    }
    for l in 0..LAYERS {
        let p = format!("model.layers.{l}");
        let s = &mut shards[l % 2];
        s.insert(format!("{p}.input_layernorm.weight"), w.ones(DIM));
        s.insert(format!("{p}.post_attention_layernorm.weight"), w.ones(DIM));
        s.insert(
            format!("{p}.self_attn.q_proj.weight"),
            w.tensor(&[DIM, DIM], 0.3),
        );
        s.insert(
            format!("{p}.self_attn.k_proj.weight"),
            w.tensor(&[KV_HEADS * head_dim, DIM], 0.3),
        );
        s.insert(
            format!("{p}.self_attn.v_proj.weight"),
            w.tensor(&[KV_HEADS * head_dim, DIM], 0.3),
        );
        s.insert(
            format!("{p}.self_attn.o_proj.weight"),
            w.tensor(&[DIM, DIM], 0.3),
        );
        s.insert(
            format!("{p}.mlp.gate_proj.weight"),
            w.tensor(&[FF, DIM], 0.3),
        );
        s.insert(format!("{p}.mlp.up_proj.weight"), w.tensor(&[FF, DIM], 0.3));
        s.insert(
            format!("{p}.mlp.down_proj.weight"),
            w.tensor(&[DIM, FF], 0.3),
        );
        if arch == "qwen2" {
            s.insert(format!("{p}.self_attn.q_proj.bias"), w.tensor(&[DIM], 0.1));
            s.insert(
                format!("{p}.self_attn.k_proj.bias"),
                w.tensor(&[KV_HEADS * head_dim], 0.1),
            );
            s.insert(
                format!("{p}.self_attn.v_proj.bias"),
                w.tensor(&[KV_HEADS * head_dim], 0.1),
            );
        }
        if arch == "qwen3" {
            s.insert(format!("{p}.self_attn.q_norm.weight"), w.ones(head_dim));
            s.insert(format!("{p}.self_attn.k_norm.weight"), w.ones(head_dim));
        }
    }
    std::fs::create_dir_all(dir).unwrap();
    let mut weight_map = serde_json::Map::new();
    let mut paths = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        let name = format!("model-{:05}-of-00002.safetensors", i + 1);
        for k in shard.keys() {
            weight_map.insert(k.clone(), serde_json::Value::String(name.clone()));
        }
        let path = dir.join(&name);
        let stored: HashMap<String, Tensor> = shard
            .iter()
            .map(|(k, t)| (k.clone(), t.to_dtype(dtype).unwrap()))
            .collect();
        candle_core::safetensors::save(&stored, &path).unwrap();
        paths.push(path);
    }
    std::fs::write(
        dir.join("model.safetensors.index.json"),
        serde_json::json!({"metadata": {}, "weight_map": weight_map}).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.join("config.json"),
        serde_json::json!({
            "model_type": arch,
            "head_dim": head_dim,
            "hidden_act": "silu",
            "sliding_window": 4096,
            "max_window_layers": LAYERS,
            "use_sliding_window": false,
            "attention_bias": false,
            "hidden_size": DIM,
            "intermediate_size": FF,
            "vocab_size": vocab,
            "num_hidden_layers": LAYERS,
            "num_attention_heads": HEADS,
            "num_key_value_heads": KV_HEADS,
            "rms_norm_eps": 1e-5,
            "rope_theta": 10000.0,
            "max_position_embeddings": 512,
            "bos_token_id": 1,
            "eos_token_id": 2,
            "tie_word_embeddings": tied
        })
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.join("tokenizer_config.json"),
        serde_json::json!({
            "bos_token": "<|im_start|>",
            "eos_token": "<|im_end|>",
            "add_bos_token": false,
            "chat_template": CHATML
        })
        .to_string(),
    )
    .unwrap();
    tiny_tokenizer(&v)
        .save(dir.join("tokenizer.json"), false)
        .unwrap();
    paths
}

/// Cuts a file to `fraction` of its length.
pub fn truncate(path: &Path, fraction: f64) {
    let len = std::fs::metadata(path).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.set_len((len as f64 * fraction) as u64).unwrap();
}
