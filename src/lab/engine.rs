//! The lab's only contact with the inference API: load a registered model as a
//! [`Generator`], build a case's prompt, and turn a finished generation into the run and
//! chain to store (the same provenance `blindstep generate` records). Kept small so a change
//! in `crate::inference` touches one file. Must not draw or hold state.

use crate::domain::{Case, Chain, Model, ModelSource, Provenance};
use crate::inference::{
    ChatMessage, Generation, GenerationConfig, Generator, LoadOptions, ModelFormat, ModelIdentity,
    OpenAiClient, OpenAiConfig, build_prompt, load_local,
};
use crate::lab::settings::RunSettings;
use crate::storage::NewRun;
use crate::workflow::import_runs::chain_for;
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

/// Loads `model` as the settings ask (local with candle, or a client for an endpoint).
pub fn load_generator(model: &Model, s: &RunSettings) -> anyhow::Result<Box<dyn Generator>> {
    match &model.source {
        ModelSource::OutputsOnly => bail!(
            "model {:?} has no local path or endpoint; import its runs with `blindstep runs import`",
            model.name
        ),
        ModelSource::Local(path) => {
            let opts = LoadOptions {
                tokenizer: model.tokenizer.clone(),
                chat_template: model.chat_template.clone(),
                device: s.device,
                threads: Some(s.threads),
            };
            load_local(path, &opts)
                .with_context(|| format!("loading model {:?} from {}", model.name, path.display()))
        }
        ModelSource::Endpoint(url) => {
            let (base, served) = match url.split_once('#') {
                Some((b, f)) => (b.to_string(), f.to_string()),
                None => (url.clone(), model.name.clone()),
            };
            let mut cfg = OpenAiConfig::new(base, served);
            cfg.api_key = std::env::var("OPENAI_API_KEY")
                .ok()
                .filter(|k| !k.is_empty());
            Ok(Box::new(OpenAiClient::new(cfg)))
        }
    }
}

/// One line about a loaded model: architecture, quantisation, device, threads, location.
pub fn describe(id: &ModelIdentity) -> String {
    let mut parts = vec![id.architecture.clone()];
    if let Some(q) = &id.quantization {
        parts.push(q.clone());
    }
    parts.push(id.device.clone());
    if let Some(t) = id.threads {
        parts.push(format!("{t} thread(s)"));
    }
    parts.push(id.location.clone());
    parts.join(" · ")
}

/// The chat messages for `case` from the prompt template text.
pub fn messages(case: &Case, template: &str) -> anyhow::Result<Vec<ChatMessage>> {
    Ok(build_prompt(case, template)?)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What makes two runs "the same settings" (the recipe of `blindstep generate`, so that
/// `generate` skips cases the lab already ran with the same settings).
pub fn settings_key(id: &ModelIdentity, cfg: &GenerationConfig, template: &str) -> String {
    let key = serde_json::json!({
        "model": id.sha256.clone().unwrap_or_else(|| format!("{}#{}", id.location, id.architecture)),
        "chat_template": id.chat_template_source,
        "prompt_template_sha256": hex(&Sha256::digest(template.as_bytes())),
        "sampling": cfg,
        "device": id.device,
    });
    hex(&Sha256::digest(key.to_string().as_bytes()))
}

/// The run and chain to store for a finished generation.
pub fn finished_run(
    model: &Model,
    case: &Case,
    id: &ModelIdentity,
    cfg: &GenerationConfig,
    template: &str,
    g: &Generation,
) -> (NewRun, Chain) {
    let key = settings_key(id, cfg, template);
    let provenance = Provenance {
        origin: match id.format {
            ModelFormat::Endpoint => "openai".into(),
            _ => "candle".into(),
        },
        source_file: Some(id.location.clone()),
        model_sha256: id.sha256.clone(),
        quantization: id.quantization.clone(),
        architecture: Some(id.architecture.clone()),
        prompt_template: Some(template.to_string()),
        rendered_prompt: Some(g.rendered_prompt.clone()),
        sampling: cfg.sampling_params(),
        device: Some(id.device.clone()),
        threads: id.threads.and_then(|t| u32::try_from(t).ok()),
        prompt_tokens: Some(g.prompt_tokens),
        completion_tokens: Some(g.completion_tokens),
        time_to_first_token_ms: Some(g.ttft_ms),
        tokens_per_second: Some(g.tokens_per_second),
        elapsed_ms: Some(g.elapsed_ms),
        extra: serde_json::json!({
            "stop_reason": g.stopped.as_str(),
            "stop_strings": cfg.stop,
            "repeat_last_n": cfg.repeat_last_n,
            "prefill_tokens_per_second": g.prefill_tokens_per_second,
            "chat_template_source": id.chat_template_source,
            "parameters": id.parameters,
            "context_length": id.context_length,
            "settings_key": key,
            "via": "lab",
            "blindstep_version": env!("CARGO_PKG_VERSION"),
        }),
    };
    let chain = chain_for(case, &g.text, g.reasoning.as_deref());
    let run = NewRun {
        case_id: case.id.clone(),
        model_id: model.id,
        output: g.text.clone(),
        reasoning: g.reasoning.clone(),
        provenance,
        settings_key: Some(key),
    };
    (run, chain)
}
