//! Loads a Hugging Face safetensors directory (config.json, tokenizer.json,
//! one weight file or several with `model.safetensors.index.json`) into a
//! `CandleGenerator`. Headers are checked first so a truncated shard or a
//! missing tensor is reported by name instead of failing deep in candle.
//! Reads local files only.

use super::DTypeChoice;
use super::chat_template::{ChatTemplate, FALLBACK_TEMPLATE};
use super::device::{check_threads, open_device};
use super::engine::CandleGenerator;
use super::fast_llama::{self, FastLlama};
use super::identity::sha256_files;
use super::mmap::map_safetensors;
use super::model::{LocalModel, guard_panics};
use super::repack::Repack;
use super::shards::{ShardHeader, read_json, read_shard_header, weight_files};
use super::vocab::{Vocab, config_chat_template, config_token, load_tokenizer_json};
use super::{DeviceChoice, InferenceError, LoadOptions, ModelFormat, ModelIdentity};
use candle_core::DType;
use candle_nn::VarBuilder;
use candle_transformers::models::{llama, mistral, phi3, qwen2, qwen3};
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub const SUPPORTED_SAFETENSORS: &str = "llama, mistral, qwen2, qwen3, phi3";

/// Key/value positions the lean llama prepares rotary tables for (its cache grows as needed
/// up to here; longer contexts are cut to it).
const MAX_LEAN_POSITIONS: usize = 32_768;

/// The dtype weights are kept and run in. `Auto` keeps the stored one (the first of a mixed
/// checkpoint's), except F32 on a GPU, which runs in BF16.
pub fn run_dtype(choice: DTypeChoice, device: DeviceChoice, stored: &str) -> DType {
    match choice {
        DTypeChoice::F32 => DType::F32,
        DTypeChoice::F16 => DType::F16,
        DTypeChoice::Bf16 => DType::BF16,
        DTypeChoice::Auto => {
            let first = stored.split('+').next().unwrap_or("");
            match (first, device) {
                ("BF16", _) => DType::BF16,
                ("F16", _) => DType::F16,
                (_, DeviceChoice::Cuda) => DType::BF16,
                _ => DType::F32,
            }
        }
    }
}

/// candle's configs read `rope_theta`; transformers 5 writes `rope_parameters.rope_theta`.
fn with_rope_theta(config: &Json) -> Json {
    let mut c = config.clone();
    if c.get("rope_theta").is_none()
        && let (Some(theta), Some(obj)) = (fast_llama::rope_theta(config), c.as_object_mut())
    {
        obj.insert("rope_theta".into(), Json::from(theta));
    }
    c
}

/// What `models check` reports for a directory without loading weights.
#[derive(Debug, Clone)]
pub struct SafetensorsSummary {
    pub architecture: String,
    pub parameters: u64,
    /// The stored dtype(s), e.g. `BF16`.
    pub dtype: String,
    pub context_length: Option<usize>,
    pub weight_files: Vec<PathBuf>,
    pub config: Json,
}

fn architecture_of(config: &Json) -> Option<String> {
    if let Some(t) = config.get("model_type").and_then(Json::as_str) {
        return Some(t.to_ascii_lowercase());
    }
    let first = config.get("architectures")?.as_array()?.first()?.as_str()?;
    Some(first.trim_end_matches("ForCausalLM").to_ascii_lowercase())
}

/// Checks the directory's files and headers without loading weights.
pub fn summarize_dir(dir: &Path) -> Result<(SafetensorsSummary, Vec<ShardHeader>), InferenceError> {
    if !dir.exists() {
        return Err(InferenceError::NotFound {
            path: dir.to_path_buf(),
        });
    }
    let config_path = dir.join("config.json");
    if !config_path.exists() {
        return Err(InferenceError::Missing {
            path: dir.to_path_buf(),
            what: "config.json".into(),
        });
    }
    let config = read_json(&config_path)?;
    let architecture = architecture_of(&config).ok_or_else(|| InferenceError::Missing {
        path: config_path.clone(),
        what: "model_type or architectures".into(),
    })?;
    let files = weight_files(dir)?;
    let headers = files
        .iter()
        .map(|f| read_shard_header(f))
        .collect::<Result<Vec<_>, _>>()?;
    let mut dtypes = BTreeSet::new();
    let mut parameters = 0;
    for h in &headers {
        for (dtype, n) in h.tensors.values() {
            dtypes.insert(dtype.clone());
            parameters += n;
        }
    }
    let context_length = config
        .get("max_position_embeddings")
        .and_then(Json::as_u64)
        .map(|c| c as usize);
    Ok((
        SafetensorsSummary {
            architecture,
            parameters,
            dtype: dtypes.into_iter().collect::<Vec<_>>().join("+"),
            context_length,
            weight_files: files,
            config,
        },
        headers,
    ))
}

/// Tensors every layer of the supported families must have.
fn required_tensors(arch: &str, layers: u64) -> Vec<String> {
    let mut names = vec![
        "model.embed_tokens.weight".to_string(),
        "model.norm.weight".to_string(),
    ];
    let per_layer: &[&str] = if arch == "phi3" {
        &[
            "self_attn.qkv_proj.weight",
            "self_attn.o_proj.weight",
            "mlp.gate_up_proj.weight",
            "mlp.down_proj.weight",
            "input_layernorm.weight",
            "post_attention_layernorm.weight",
        ]
    } else {
        &[
            "self_attn.q_proj.weight",
            "self_attn.k_proj.weight",
            "self_attn.v_proj.weight",
            "self_attn.o_proj.weight",
            "mlp.gate_proj.weight",
            "mlp.up_proj.weight",
            "mlp.down_proj.weight",
            "input_layernorm.weight",
            "post_attention_layernorm.weight",
        ]
    };
    for i in 0..layers {
        for n in per_layer {
            names.push(format!("model.layers.{i}.{n}"));
        }
    }
    names
}

fn parse_config<T: serde::de::DeserializeOwned>(
    config: &Json,
    path: &Path,
    arch: &str,
) -> Result<T, InferenceError> {
    serde_json::from_value(config.clone()).map_err(|e| InferenceError::InvalidFormat {
        path: path.join("config.json"),
        format: "config.json",
        detail: format!("not a {arch} config: {e}"),
    })
}

fn eos_ids(v: Option<&Json>) -> Vec<u32> {
    match v {
        Some(Json::Number(n)) => n.as_u64().map(|x| vec![x as u32]).unwrap_or_default(),
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(Json::as_u64)
            .map(|x| x as u32)
            .collect(),
        _ => Vec::new(),
    }
}

pub fn load_safetensors(dir: &Path, opts: &LoadOptions) -> Result<CandleGenerator, InferenceError> {
    load_safetensors_with(dir, opts, Repack::from_env())
}

/// [`load_safetensors`] with the model choice given rather than read from
/// `BLINDSTEP_REPACK`: [`Repack::Off`] loads candle's own `llama` for llama checkpoints,
/// anything else the lean llama (CPU). For comparisons and tests.
pub fn load_safetensors_with(
    dir: &Path,
    opts: &LoadOptions,
    repack: Repack,
) -> Result<CandleGenerator, InferenceError> {
    let (summary, headers) = summarize_dir(dir)?;
    let arch = summary.architecture.clone();
    if !matches!(
        arch.as_str(),
        "llama" | "mistral" | "qwen2" | "qwen3" | "phi3"
    ) {
        return Err(InferenceError::UnsupportedArchitecture {
            path: dir.join("config.json"),
            architecture: arch,
            supported: SUPPORTED_SAFETENSORS,
        });
    }
    let config = &summary.config;
    let layers = config
        .get("num_hidden_layers")
        .and_then(Json::as_u64)
        .ok_or_else(|| InferenceError::Missing {
            path: dir.join("config.json"),
            what: "num_hidden_layers".into(),
        })?;
    let present: BTreeSet<&str> = headers
        .iter()
        .flat_map(|h| h.tensors.keys().map(String::as_str))
        .collect();
    if let Some(missing) = required_tensors(&arch, layers)
        .into_iter()
        .find(|n| !present.contains(n.as_str()))
    {
        return Err(InferenceError::Missing {
            path: dir.to_path_buf(),
            what: format!("tensor {missing} (config.json says {layers} {arch} layers)"),
        });
    }

    // Tokenizer and its special tokens.
    let tok_path = opts
        .tokenizer
        .clone()
        .unwrap_or_else(|| dir.join("tokenizer.json"));
    if !tok_path.exists() {
        return Err(InferenceError::Tokenizer {
            path: tok_path,
            detail: "not found; a safetensors model needs a tokenizer.json".into(),
        });
    }
    let tokenizer = load_tokenizer_json(&tok_path)?;
    let tok_cfg_path = dir.join("tokenizer_config.json");
    let tok_cfg = if tok_cfg_path.exists() {
        read_json(&tok_cfg_path)?
    } else {
        Json::Null
    };
    let gen_cfg_path = dir.join("generation_config.json");
    let gen_cfg = if gen_cfg_path.exists() {
        read_json(&gen_cfg_path)?
    } else {
        Json::Null
    };
    let bos_text = config_token(tok_cfg.get("bos_token"));
    let eos_text = config_token(tok_cfg.get("eos_token"));
    let bos_id = bos_text
        .as_deref()
        .and_then(|t| tokenizer.token_to_id(t))
        .or_else(|| {
            config
                .get("bos_token_id")
                .and_then(Json::as_u64)
                .map(|x| x as u32)
        });
    let mut eos = eos_ids(gen_cfg.get("eos_token_id"));
    eos.extend(eos_ids(config.get("eos_token_id")));
    if let Some(id) = eos_text.as_deref().and_then(|t| tokenizer.token_to_id(t)) {
        eos.push(id);
    }
    eos.sort_unstable();
    eos.dedup();
    let add_bos = tok_cfg
        .get("add_bos_token")
        .and_then(Json::as_bool)
        .unwrap_or(matches!(arch.as_str(), "llama" | "mistral"));
    let mut vocab = Vocab {
        tokenizer,
        bos_id,
        eos_ids: eos,
        add_bos,
    };
    vocab.add_known_end_tokens();
    let model_vocab = config.get("vocab_size").and_then(Json::as_u64).unwrap_or(0) as usize;
    let tok_vocab = vocab.tokenizer.get_vocab_size(true);
    if model_vocab > 0 && tok_vocab > model_vocab {
        return Err(InferenceError::Tokenizer {
            path: tok_path,
            detail: format!(
                "tokenizer has {tok_vocab} tokens but config.json says vocab_size {model_vocab}: they do not belong together"
            ),
        });
    }

    // Chat template: override, chat_template.jinja, tokenizer_config.json, fallback.
    let jinja = dir.join("chat_template.jinja");
    let (src, origin) = if let Some(p) = &opts.chat_template {
        (
            std::fs::read_to_string(p).map_err(|e| InferenceError::Template {
                origin: p.display().to_string(),
                detail: e.to_string(),
            })?,
            p.display().to_string(),
        )
    } else if jinja.exists() {
        (
            std::fs::read_to_string(&jinja).map_err(|e| InferenceError::io(&jinja, e))?,
            jinja.display().to_string(),
        )
    } else if let Some(t) = config_chat_template(&tok_cfg) {
        (t, tok_cfg_path.display().to_string())
    } else {
        (
            FALLBACK_TEMPLATE.to_string(),
            "builtin plain template (model has none)".to_string(),
        )
    };
    let template = ChatTemplate::new(
        &src,
        origin.clone(),
        bos_text.unwrap_or_else(|| vocab.bos_text()),
        eos_text.unwrap_or_else(|| vocab.eos_text()),
    )?;

    let threads = check_threads(opts.threads)?;
    let (device, device_name) = open_device(opts.device)?;
    let dtype = run_dtype(opts.dtype, opts.device, &summary.dtype);
    let sha256 = sha256_files(&summary.weight_files)?;
    let config = &with_rope_theta(config);
    let context_length = summary.context_length.unwrap_or(4096);

    let mapped = map_safetensors(&summary.weight_files)?;
    let lean = arch == "llama"
        && device.is_cpu()
        && repack != Repack::Off
        && fast_llama::unsupported(config).is_none();
    let model = if lean {
        let max_positions = context_length.min(MAX_LEAN_POSITIONS);
        guard_panics(|| {
            FastLlama::from_safetensors(&mapped, config, dtype, max_positions)
                .map(|m| LocalModel::FastLlama(Box::new(m)))
        })
    } else {
        let vb = VarBuilder::from_backend(Box::new(mapped), dtype, device.clone());
        let dev = device.clone();
        guard_panics(|| {
            Ok(match arch.as_str() {
                "llama" => {
                    let cfg: llama::LlamaConfig = parse_config(config, dir, &arch)
                        .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
                    let cfg = cfg.into_config(false);
                    let model = llama::Llama::load(vb, &cfg)?;
                    let cache = llama::Cache::new(true, dtype, &cfg, &dev)?;
                    LocalModel::Llama {
                        model,
                        cache,
                        config: cfg,
                        dtype,
                        device: dev.clone(),
                    }
                }
                "qwen2" => {
                    let cfg: qwen2::Config = parse_config(config, dir, &arch)
                        .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
                    LocalModel::Qwen2(qwen2::ModelForCausalLM::new(&cfg, vb)?)
                }
                "qwen3" => {
                    let cfg: qwen3::Config = parse_config(config, dir, &arch)
                        .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
                    LocalModel::Qwen3(qwen3::ModelForCausalLM::new(&cfg, vb)?)
                }
                "mistral" => {
                    let cfg: mistral::Config = parse_config(config, dir, &arch)
                        .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
                    LocalModel::Mistral(mistral::Model::new(&cfg, vb)?)
                }
                _ => {
                    let cfg: phi3::Config = parse_config(config, dir, &arch)
                        .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
                    LocalModel::Phi3(phi3::Model::new(&cfg, vb)?)
                }
            })
        })
    }
    .map_err(|detail| InferenceError::Model {
        path: dir.to_path_buf(),
        detail: format!("loading {arch} weights: {detail}"),
    })?;
    let context_length = if lean {
        context_length.min(MAX_LEAN_POSITIONS)
    } else {
        context_length
    };

    let identity = ModelIdentity {
        format: ModelFormat::Safetensors,
        architecture: arch,
        parameters: Some(summary.parameters),
        quantization: Some(format!(
            "{} (run as {dtype:?}{})",
            summary.dtype,
            if lean { ", lean llama" } else { "" }
        )),
        context_length: Some(context_length),
        sha256: Some(sha256),
        location: dir.display().to_string(),
        device: device_name,
        threads: Some(threads),
        chat_template_source: origin,
        vocab_size: Some(tok_vocab),
    };
    Ok(CandleGenerator {
        model,
        vocab,
        template,
        identity,
        device,
        context_length,
    })
}
