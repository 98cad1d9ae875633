//! Loads a GGUF file into a `CandleGenerator`: validates the header and size
//! (so a truncated download is named as such), picks the model family from
//! `general.architecture`, rebuilds the tokenizer from metadata unless a
//! tokenizer.json is given, and takes the chat template from metadata unless
//! overridden. Reads local files only.

use super::chat_template::{ChatTemplate, FALLBACK_TEMPLATE};
use super::device::{check_threads, open_device};
use super::engine::CandleGenerator;
use super::fast_llama::FastLlama;
use super::gguf_tokenizer::tokenizer_from_gguf;
use super::identity::{gguf_file_type_name, sha256_files};
use super::model::{LocalModel, guard_panics};
use super::repack::{Repack, is_slow, repack_gguf};
use super::vocab::{Vocab, load_tokenizer_json};
use super::{InferenceError, LoadOptions, ModelFormat, ModelIdentity};
use candle_core::quantized::gguf_file::{Content, Value};
use candle_transformers::models::{
    quantized_gemma3, quantized_llama, quantized_phi3, quantized_qwen2, quantized_qwen3,
};
use std::collections::BTreeMap;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

pub const SUPPORTED_GGUF: &str = "llama, mistral, qwen2, qwen3, phi3, gemma3";

/// What `models check` reports without running the model.
#[derive(Debug, Clone)]
pub struct GgufSummary {
    pub architecture: String,
    pub parameters: u64,
    pub quantization: String,
    pub context_length: Option<usize>,
    pub file_size: u64,
}

/// Reads and validates a GGUF header: magic, parseable metadata, and every
/// tensor's bytes inside the file.
pub fn read_header(path: &Path) -> Result<(Content, u64), InferenceError> {
    let file = std::fs::File::open(path).map_err(|e| InferenceError::io(path, e))?;
    let size = file
        .metadata()
        .map_err(|e| InferenceError::io(path, e))?
        .len();
    let mut reader = BufReader::new(file);
    let mut magic = [0u8; 4];
    if size < 4 || reader.read_exact(&mut magic).is_err() {
        return Err(InferenceError::Truncated {
            path: path.to_path_buf(),
            detail: format!("{size} bytes, too short for a GGUF header"),
        });
    }
    if &magic != b"GGUF" {
        return Err(InferenceError::InvalidFormat {
            path: path.to_path_buf(),
            format: "GGUF",
            detail: format!("starts with {magic:?}, not the GGUF magic"),
        });
    }
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| InferenceError::io(path, e))?;
    let content = Content::read(&mut reader).map_err(|e| {
        let detail = super::model::candle_message(&e);
        if detail.contains("fill whole buffer") || detail.contains("remaining") {
            InferenceError::Truncated {
                path: path.to_path_buf(),
                detail: format!("header cut short ({detail})"),
            }
        } else {
            InferenceError::InvalidFormat {
                path: path.to_path_buf(),
                format: "GGUF",
                detail,
            }
        }
    })?;
    let mut furthest: Option<(u64, &str)> = None;
    for (name, info) in &content.tensor_infos {
        let block = info.ggml_dtype.block_size();
        let bytes = (info.shape.elem_count() / block.max(1)) * info.ggml_dtype.type_size();
        let end = content.tensor_data_offset + info.offset + bytes as u64;
        if furthest.is_none_or(|(e, _)| end > e) {
            furthest = Some((end, name.as_str()));
        }
    }
    if let Some((end, name)) = furthest
        && end > size
    {
        return Err(InferenceError::Truncated {
            path: path.to_path_buf(),
            detail: format!(
                "tensor {name} ends at byte {end} but the file has {size} bytes ({} missing)",
                end - size
            ),
        });
    }
    Ok((content, size))
}

fn meta_str<'a>(ct: &'a Content, key: &str) -> Option<&'a str> {
    match ct.metadata.get(key) {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

fn meta_u64(ct: &Content, key: &str) -> Option<u64> {
    ct.metadata
        .get(key)
        .and_then(|v| v.to_u64().ok().or_else(|| v.to_u32().ok().map(u64::from)))
}

/// Architecture, size and quantisation of a validated header.
pub fn summarize(path: &Path, ct: &Content, file_size: u64) -> Result<GgufSummary, InferenceError> {
    let architecture = meta_str(ct, "general.architecture")
        .ok_or_else(|| InferenceError::Missing {
            path: path.to_path_buf(),
            what: "metadata key general.architecture".into(),
        })?
        .to_string();
    let parameters = ct
        .tensor_infos
        .values()
        .map(|t| t.shape.elem_count() as u64)
        .sum();
    let quantization = match meta_u64(ct, "general.file_type")
        .and_then(|t| u32::try_from(t).ok())
        .and_then(gguf_file_type_name)
    {
        Some(name) => name.to_string(),
        None => dominant_dtype(ct),
    };
    let context_length = meta_u64(ct, &format!("{architecture}.context_length"))
        .map(|c| c as usize)
        .map(|c| match architecture.as_str() {
            // candle's quantized llama precomputes RoPE for this many positions.
            "llama" | "mistral" => c.min(quantized_llama::MAX_SEQ_LEN),
            "gemma3" => c.min(quantized_gemma3::MAX_SEQ_LEN),
            _ => c,
        });
    Ok(GgufSummary {
        architecture,
        parameters,
        quantization,
        context_length,
        file_size,
    })
}

fn dominant_dtype(ct: &Content) -> String {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for t in ct.tensor_infos.values() {
        if t.shape.rank() >= 2 {
            *counts.entry(format!("{:?}", t.ggml_dtype)).or_default() +=
                t.shape.elem_count() as u64;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(d, _)| d.to_uppercase())
        .unwrap_or_else(|| "unknown".into())
}

/// The candle model of family `arch` from a GGUF header and its data.
fn build<R: Read + Seek>(
    arch: &str,
    content: Content,
    reader: &mut R,
    dev: &candle_core::Device,
) -> candle_core::Result<LocalModel> {
    Ok(match arch {
        "llama" | "mistral" => LocalModel::QuantizedLlama(
            quantized_llama::ModelWeights::from_gguf(content, reader, dev)?,
        ),
        "qwen2" => LocalModel::QuantizedQwen2(quantized_qwen2::ModelWeights::from_gguf(
            content, reader, dev,
        )?),
        "qwen3" => LocalModel::QuantizedQwen3(quantized_qwen3::ModelWeights::from_gguf(
            content, reader, dev,
        )?),
        "phi3" => LocalModel::QuantizedPhi3(quantized_phi3::ModelWeights::from_gguf(
            false, content, reader, dev,
        )?),
        _ => LocalModel::QuantizedGemma3(quantized_gemma3::ModelWeights::from_gguf(
            content, reader, dev,
        )?),
    })
}

/// Loads a GGUF file, repacking slow formats as `BLINDSTEP_REPACK` says (on by default).
pub fn load_gguf(path: &Path, opts: &LoadOptions) -> Result<CandleGenerator, InferenceError> {
    load_gguf_with(path, opts, Repack::from_env())
}

/// Loads a GGUF file the way `repack` says (CPU only; other devices take the file as it is).
pub fn load_gguf_with(
    path: &Path,
    opts: &LoadOptions,
    repack: Repack,
) -> Result<CandleGenerator, InferenceError> {
    let (content, file_size) = read_header(path)?;
    let summary = summarize(path, &content, file_size)?;
    let arch = summary.architecture.clone();
    if !matches!(
        arch.as_str(),
        "llama" | "mistral" | "qwen2" | "qwen3" | "phi3" | "gemma3"
    ) {
        return Err(InferenceError::UnsupportedArchitecture {
            path: path.to_path_buf(),
            architecture: arch,
            supported: SUPPORTED_GGUF,
        });
    }

    let mut vocab = match &opts.tokenizer {
        Some(tok_path) => {
            let tokenizer = load_tokenizer_json(tok_path)?;
            let from_meta = tokenizer_from_gguf(&content).ok();
            Vocab {
                tokenizer,
                bos_id: from_meta.as_ref().and_then(|t| t.bos_id),
                eos_ids: from_meta
                    .as_ref()
                    .map(|t| t.eos_ids.clone())
                    .unwrap_or_default(),
                add_bos: from_meta.as_ref().is_some_and(|t| t.add_bos),
            }
        }
        None => {
            let t = tokenizer_from_gguf(&content).map_err(|detail| InferenceError::Tokenizer {
                path: path.to_path_buf(),
                detail,
            })?;
            Vocab {
                tokenizer: t.tokenizer,
                bos_id: t.bos_id,
                eos_ids: t.eos_ids,
                add_bos: t.add_bos,
            }
        }
    };
    vocab.add_known_end_tokens();

    let model_vocab = content
        .tensor_infos
        .get("token_embd.weight")
        .map(|t| t.shape.dims()[0])
        .ok_or_else(|| InferenceError::Missing {
            path: path.to_path_buf(),
            what: "tensor token_embd.weight".into(),
        })?;
    let tok_vocab = vocab.tokenizer.get_vocab_size(true);
    if tok_vocab > model_vocab {
        return Err(InferenceError::Tokenizer {
            path: opts.tokenizer.clone().unwrap_or_else(|| path.to_path_buf()),
            detail: format!(
                "tokenizer has {tok_vocab} tokens but the model's embedding has {model_vocab} rows: they do not belong together"
            ),
        });
    }

    let (template_src, template_origin) = match &opts.chat_template {
        Some(p) => (
            std::fs::read_to_string(p).map_err(|e| InferenceError::Template {
                origin: p.display().to_string(),
                detail: e.to_string(),
            })?,
            p.display().to_string(),
        ),
        None => match meta_str(&content, "tokenizer.chat_template") {
            Some(t) => (t.to_string(), "gguf tokenizer.chat_template".to_string()),
            None => (
                FALLBACK_TEMPLATE.to_string(),
                "builtin plain template (model has none)".to_string(),
            ),
        },
    };
    let template = ChatTemplate::new(
        &template_src,
        template_origin.clone(),
        vocab.bos_text(),
        vocab.eos_text(),
    )?;

    let threads = check_threads(opts.threads)?;
    let (device, device_name) = open_device(opts.device)?;
    let sha256 = sha256_files(&[path.to_path_buf()])?;

    let file = std::fs::File::open(path).map_err(|e| InferenceError::io(path, e))?;
    let mut reader = BufReader::new(file);
    let dev = &device;
    let load_err = |detail: String| InferenceError::Model {
        path: path.to_path_buf(),
        detail: format!("loading {arch} weights: {detail}"),
    };
    // Repacking reads every tensor on the CPU; GPU back-ends take the file as it is.
    let repack = if dev.is_cpu() { repack } else { Repack::Off };
    let mut quantization = summary.quantization;
    let slow = content
        .tensor_infos
        .values()
        .any(|t| t.shape.rank() >= 2 && is_slow(t.ggml_dtype));
    let max_positions = summary
        .context_length
        .unwrap_or(quantized_llama::MAX_SEQ_LEN)
        .min(quantized_llama::MAX_SEQ_LEN);
    let model = match repack {
        Repack::Exact if FastLlama::supports(&content) => {
            let tiled = content.tensor_infos.values().any(|t| {
                t.shape.dims2().is_ok_and(|(r, c)| {
                    crate::inference::fast_llama::takes_tiles(t.ggml_dtype, r, c)
                })
            });
            if tiled {
                quantization = format!("{quantization}, repacked into 16-row tiles");
            } else if slow {
                quantization = format!("{quantization}, run on the Q8_0 kernel");
            }
            guard_panics(|| {
                FastLlama::from_gguf(&content, &mut reader, max_positions, true)
                    .map(|m| LocalModel::FastLlama(Box::new(m)))
            })
        }
        Repack::Lean if FastLlama::supports(&content) => guard_panics(|| {
            FastLlama::from_gguf(&content, &mut reader, max_positions, false)
                .map(|m| LocalModel::FastLlama(Box::new(m)))
        }),
        Repack::Requantise => match guard_panics(|| repack_gguf(&content, &mut reader))
            .map_err(|d| load_err(format!("repacking: {d}")))?
        {
            Some((packed, mut data, done)) => {
                quantization = done.describe(&quantization);
                guard_panics(|| build(&arch, packed, &mut data, dev))
            }
            None => guard_panics(|| build(&arch, content, &mut reader, dev)),
        },
        _ => guard_panics(|| build(&arch, content, &mut reader, dev)),
    }
    .map_err(load_err)?;

    let context_length = summary.context_length.unwrap_or(4096);
    let identity = ModelIdentity {
        format: ModelFormat::Gguf,
        architecture: arch,
        parameters: Some(summary.parameters),
        quantization: Some(quantization),
        context_length: Some(context_length),
        sha256: Some(sha256),
        location: path.display().to_string(),
        device: device_name,
        threads: Some(threads),
        chat_template_source: template_origin,
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
