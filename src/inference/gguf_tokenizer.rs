//! Rebuilds a `tokenizers::Tokenizer` from a GGUF file's own tokenizer metadata
//! (most GGUF files ship without a tokenizer.json).
//!
//! Supported `tokenizer.ggml.model` values:
//! - `gpt2`: byte-level BPE from `tokens` + `merges`, with the pre-tokenizer
//!   chosen from `tokenizer.ggml.pre` (`gpt2`/default, `smollm`, `qwen2`,
//!   `deepseek-r1-qwen`, `llama3`/`llama-bpe`/`smaug-bpe`; other values fall
//!   back to the GPT-2 split, which is close but not exact).
//! - `llama`: SentencePiece BPE (Llama 2, Mistral, Phi-3, Gemma): merges are
//!   derived from `tokenizer.ggml.scores` as Hugging Face's converter does,
//!   with byte fallback for `<0xNN>` tokens and the `▁` space marker.
//!
//! Anything else is a clear error. Control tokens (type 3) become special
//! added tokens; user-defined tokens (type 4, e.g. `<think>`) become plain
//! added tokens, so they survive decoding. This module reads metadata only.

use candle_core::quantized::gguf_file::{Content, Value};
use tokenizers::decoders::byte_fallback::ByteFallback;
use tokenizers::decoders::byte_level::ByteLevel;
use tokenizers::decoders::fuse::Fuse;
use tokenizers::decoders::sequence::Sequence as DecoderSequence;
use tokenizers::decoders::strip::Strip;
use tokenizers::models::bpe::{BPE, Vocab};
use tokenizers::normalizers::{Prepend, Replace, Sequence as NormalizerSequence};
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence as PreSequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{AddedToken, DecoderWrapper, NormalizerWrapper, PreTokenizerWrapper};
use tokenizers::{SplitDelimiterBehavior, Tokenizer};

/// A rebuilt tokenizer and the special-token facts the engine needs.
pub struct GgufTokenizer {
    pub tokenizer: Tokenizer,
    pub bos_id: Option<u32>,
    pub eos_ids: Vec<u32>,
    pub add_bos: bool,
}

const GPT2_REGEX: &str =
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
const QWEN2_REGEX: &str = r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const LLAMA3_REGEX: &str = r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

fn get<'a>(ct: &'a Content, key: &str) -> Option<&'a Value> {
    ct.metadata.get(key)
}

fn as_u32(v: &Value) -> Option<u32> {
    match v {
        Value::U8(x) => Some(u32::from(*x)),
        Value::U16(x) => Some(u32::from(*x)),
        Value::U32(x) => Some(*x),
        Value::U64(x) => u32::try_from(*x).ok(),
        Value::I8(x) => u32::try_from(*x).ok(),
        Value::I16(x) => u32::try_from(*x).ok(),
        Value::I32(x) => u32::try_from(*x).ok(),
        Value::I64(x) => u32::try_from(*x).ok(),
        _ => None,
    }
}

fn get_u32(ct: &Content, keys: &[&str]) -> Option<u32> {
    keys.iter().find_map(|k| get(ct, k).and_then(as_u32))
}

fn get_bool(ct: &Content, key: &str) -> Option<bool> {
    match get(ct, key) {
        Some(Value::Bool(b)) => Some(*b),
        Some(v) => as_u32(v).map(|x| x != 0),
        None => None,
    }
}

fn string_array(ct: &Content, key: &str) -> Result<Vec<String>, String> {
    let v = get(ct, key).ok_or_else(|| format!("missing metadata key {key}"))?;
    let arr = v.to_vec().map_err(|_| format!("{key} is not an array"))?;
    arr.iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(format!("{key}[{i}] is not a string")),
        })
        .collect()
}

fn number_array(ct: &Content, key: &str) -> Option<Vec<f64>> {
    let arr = get(ct, key)?.to_vec().ok()?;
    arr.iter()
        .map(|v| match v {
            Value::F32(x) => Some(f64::from(*x)),
            Value::F64(x) => Some(*x),
            other => as_u32(other).map(f64::from),
        })
        .collect()
}

/// Builds the tokenizer described by the GGUF metadata, or says what is missing.
pub fn tokenizer_from_gguf(ct: &Content) -> Result<GgufTokenizer, String> {
    let model = match get(ct, "tokenizer.ggml.model") {
        Some(Value::String(s)) => s.to_ascii_lowercase(),
        Some(_) => return Err("tokenizer.ggml.model is not a string".into()),
        None => {
            return Err(
                "no tokenizer metadata (tokenizer.ggml.model); pass a tokenizer.json".into(),
            );
        }
    };
    let tokens = string_array(ct, "tokenizer.ggml.tokens")?;
    if tokens.is_empty() {
        return Err("tokenizer.ggml.tokens is empty".into());
    }
    let token_types: Vec<u32> = match get(ct, "tokenizer.ggml.token_type").map(Value::to_vec) {
        Some(Ok(arr)) => arr.iter().map(|v| as_u32(v).unwrap_or(1)).collect(),
        _ => vec![1; tokens.len()],
    };
    let add_space_prefix = get_bool(ct, "tokenizer.ggml.add_space_prefix");

    let mut tokenizer = match model.as_str() {
        "gpt2" => byte_level_bpe(ct, &tokens)?,
        "llama" => sentencepiece_bpe(ct, &tokens, add_space_prefix.unwrap_or(true))?,
        other => {
            return Err(format!(
                "tokenizer model {other:?} is not supported (gpt2 or llama); pass a tokenizer.json"
            ));
        }
    };

    // Control tokens are special (skipped when decoding); user-defined ones
    // (e.g. <think>) are matched whole but kept in the text.
    let mut specials = Vec::new();
    let mut user = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        match token_types.get(i).copied().unwrap_or(1) {
            3 => specials.push(AddedToken::from(tok.clone(), true)),
            4 => user.push(AddedToken::from(tok.clone(), false)),
            _ => {}
        }
    }
    let bos_id = get_u32(ct, &["tokenizer.ggml.bos_token_id"]);
    let eos_id = get_u32(ct, &["tokenizer.ggml.eos_token_id"]);
    for id in [bos_id, eos_id].into_iter().flatten() {
        if let Some(tok) = tokens.get(id as usize)
            && !specials.iter().any(|s| s.content == *tok)
        {
            specials.push(AddedToken::from(tok.clone(), true));
        }
    }
    if !user.is_empty() {
        tokenizer
            .add_tokens(user)
            .map_err(|e| format!("adding user-defined tokens: {e}"))?;
    }
    if !specials.is_empty() {
        tokenizer
            .add_special_tokens(specials)
            .map_err(|e| format!("adding special tokens: {e}"))?;
    }

    let mut eos_ids: Vec<u32> = [
        eos_id,
        get_u32(ct, &["tokenizer.ggml.eot_token_id"]),
        get_u32(ct, &["tokenizer.ggml.eom_token_id"]),
    ]
    .into_iter()
    .flatten()
    .filter(|&id| (id as usize) < tokens.len())
    .collect();
    eos_ids.dedup();
    let default_add_bos = model == "llama";
    Ok(GgufTokenizer {
        tokenizer,
        bos_id: bos_id.filter(|&id| (id as usize) < tokens.len()),
        eos_ids,
        add_bos: get_bool(ct, "tokenizer.ggml.add_bos_token").unwrap_or(default_add_bos),
    })
}

fn split_regex(regex: &str) -> Result<PreTokenizerWrapper, String> {
    Split::new(
        SplitPattern::Regex(regex.to_string()),
        SplitDelimiterBehavior::Isolated,
        false,
    )
    .map(Into::into)
    .map_err(|e| format!("pre-tokenizer regex: {e}"))
}

fn byte_level_bpe(ct: &Content, tokens: &[String]) -> Result<Tokenizer, String> {
    let vocab: Vocab = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();
    let merges = string_array(ct, "tokenizer.ggml.merges")?
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            m.split_once(' ')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| format!("tokenizer.ggml.merges[{i}] {m:?} is not \"a b\""))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bpe = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .build()
        .map_err(|e| format!("building BPE: {e}"))?;
    let mut tokenizer = Tokenizer::new(bpe);

    let pre = match get(ct, "tokenizer.ggml.pre") {
        Some(Value::String(s)) => s.as_str(),
        _ => "gpt2",
    };
    let no_regex = ByteLevel::new(false, false, false);
    let pre_tokenizer: PreTokenizerWrapper = match pre {
        "smollm" => PreSequence::new(vec![
            Digits::new(true).into(),
            ByteLevel::new(false, true, true).into(),
        ])
        .into(),
        "qwen2" | "deepseek-r1-qwen" => {
            PreSequence::new(vec![split_regex(QWEN2_REGEX)?, no_regex.into()]).into()
        }
        "llama3" | "llama-bpe" | "smaug-bpe" => {
            PreSequence::new(vec![split_regex(LLAMA3_REGEX)?, no_regex.into()]).into()
        }
        _ => PreSequence::new(vec![split_regex(GPT2_REGEX)?, no_regex.into()]).into(),
    };
    tokenizer.with_pre_tokenizer(Some(pre_tokenizer));
    tokenizer.with_decoder(Some(DecoderWrapper::from(ByteLevel::new(
        false, false, false,
    ))));
    Ok(tokenizer)
}

fn sentencepiece_bpe(
    ct: &Content,
    tokens: &[String],
    add_space_prefix: bool,
) -> Result<Tokenizer, String> {
    let scores = number_array(ct, "tokenizer.ggml.scores")
        .ok_or("SentencePiece tokenizer without tokenizer.ggml.scores")?;
    if scores.len() != tokens.len() {
        return Err(format!(
            "tokenizer.ggml.scores has {} entries for {} tokens",
            scores.len(),
            tokens.len()
        ));
    }
    let vocab: Vocab = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();
    let merges = merges_from_scores(tokens, &scores, &vocab);
    let unk = get_u32(
        ct,
        &[
            "tokenizer.ggml.unknown_token_id",
            "tokenizer.ggml.unk_token_id",
        ],
    )
    .and_then(|id| tokens.get(id as usize).cloned());
    let mut builder = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .byte_fallback(true)
        .fuse_unk(true);
    if let Some(unk) = unk {
        builder = builder.unk_token(unk);
    }
    let bpe = builder.build().map_err(|e| format!("building BPE: {e}"))?;
    let mut tokenizer = Tokenizer::new(bpe);

    let replace =
        |from: &str, to: &str| Replace::new(from, to).map_err(|e| format!("normalizer: {e}"));
    let mut norm: Vec<NormalizerWrapper> = Vec::new();
    if add_space_prefix {
        norm.push(Prepend::new("▁".into()).into());
    }
    norm.push(replace(" ", "▁")?.into());
    tokenizer
        .with_normalizer(Some(NormalizerSequence::new(norm)))
        .map_err(|e| format!("normalizer: {e}"))?;

    let mut dec: Vec<DecoderWrapper> = vec![
        replace("▁", " ")?.into(),
        ByteFallback::new().into(),
        Fuse::new().into(),
    ];
    if add_space_prefix {
        dec.push(Strip::new(' ', 1, 0).into());
    }
    tokenizer.with_decoder(Some(DecoderSequence::new(dec)));
    Ok(tokenizer)
}

/// Hugging Face's `SentencePieceExtractor`: every split of a vocabulary piece
/// into two vocabulary pieces is a merge, ranked by the whole piece's score.
fn merges_from_scores(tokens: &[String], scores: &[f64], vocab: &Vocab) -> Vec<(String, String)> {
    let mut merges: Vec<(f64, u32, u32, String, String)> = Vec::new();
    for (piece, &score) in tokens.iter().zip(scores) {
        for (split, _) in piece.char_indices().skip(1) {
            let (l, r) = piece.split_at(split);
            if let (Some(&li), Some(&ri)) = (vocab.get(l), vocab.get(r)) {
                merges.push((score, li, ri, l.to_string(), r.to_string()));
            }
        }
    }
    merges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    merges.into_iter().map(|(_, _, _, l, r)| (l, r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::quantized::gguf_file::VersionedMagic;

    fn content(metadata: Vec<(&str, Value)>) -> Content {
        Content {
            magic: VersionedMagic::GgufV3,
            metadata: metadata
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            tensor_infos: Default::default(),
            tensor_data_offset: 0,
        }
    }

    fn strings(v: &[String]) -> Value {
        Value::Array(v.iter().map(|s| Value::String(s.clone())).collect())
    }

    /// A SentencePiece vocabulary: specials, 256 byte tokens, pieces with scores.
    fn spm() -> Content {
        let mut tokens: Vec<String> = vec!["<unk>".into(), "<s>".into(), "</s>".into()];
        let mut types = vec![2, 3, 3];
        let mut scores = vec![0.0f32; 3];
        for b in 0..=255u8 {
            tokens.push(format!("<0x{b:02X}>"));
            types.push(6);
            scores.push(0.0);
        }
        for (piece, score) in [
            ("▁", -100.0),
            ("h", -100.0),
            ("e", -100.0),
            ("l", -100.0),
            ("o", -100.0),
            ("▁h", -1.0),
            ("ll", -2.0),
            ("▁he", -3.0),
            ("▁hell", -4.0),
            ("▁hello", -5.0),
        ] {
            tokens.push(piece.into());
            types.push(1);
            scores.push(score);
        }
        content(vec![
            ("tokenizer.ggml.model", Value::String("llama".into())),
            ("tokenizer.ggml.tokens", strings(&tokens)),
            (
                "tokenizer.ggml.scores",
                Value::Array(scores.into_iter().map(Value::F32).collect()),
            ),
            (
                "tokenizer.ggml.token_type",
                Value::Array(types.into_iter().map(Value::I32).collect()),
            ),
            ("tokenizer.ggml.bos_token_id", Value::U32(1)),
            ("tokenizer.ggml.eos_token_id", Value::U32(2)),
            ("tokenizer.ggml.unknown_token_id", Value::U32(0)),
        ])
    }

    #[test]
    fn sentencepiece_merges_follow_scores_and_bytes_fall_back() {
        let t = tokenizer_from_gguf(&spm()).unwrap();
        assert!(t.add_bos, "llama-style vocabularies add BOS by default");
        assert_eq!(t.bos_id, Some(1));
        let enc = t.tokenizer.encode("hello", false).unwrap();
        assert_eq!(enc.get_tokens(), ["▁hello"]);
        let enc = t.tokenizer.encode("hello é", false).unwrap();
        assert_eq!(
            enc.get_tokens(),
            ["▁hello", "▁", "<0xC3>", "<0xA9>"],
            "é is not a piece, so its UTF-8 bytes are used"
        );
        assert_eq!(t.tokenizer.decode(enc.get_ids(), true).unwrap(), "hello é");
    }

    #[test]
    fn unknown_tokenizer_model_is_a_clear_error() {
        let ct = content(vec![
            ("tokenizer.ggml.model", Value::String("bert".into())),
            ("tokenizer.ggml.tokens", strings(&["a".to_string()])),
        ]);
        let e = tokenizer_from_gguf(&ct).err().unwrap_or_default();
        assert!(e.contains("\"bert\" is not supported"), "{e}");
        let e = tokenizer_from_gguf(&content(vec![]))
            .err()
            .unwrap_or_default();
        assert!(e.contains("no tokenizer metadata"), "{e}");
    }

    #[test]
    fn smollm_pre_tokenizer_splits_digits() {
        let tokens: Vec<String> = ["<|endoftext|>", "Ġ", "1", "2", "a"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let ct = content(vec![
            ("tokenizer.ggml.model", Value::String("gpt2".into())),
            ("tokenizer.ggml.pre", Value::String("smollm".into())),
            ("tokenizer.ggml.tokens", strings(&tokens)),
            ("tokenizer.ggml.merges", strings(&[])),
        ]);
        let t = tokenizer_from_gguf(&ct).unwrap();
        let enc = t.tokenizer.encode("a 12", false).unwrap();
        assert_eq!(enc.get_tokens(), ["a", "Ġ", "1", "2"]);
        assert!(!t.add_bos);
    }
}
