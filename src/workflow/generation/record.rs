//! What a finished generation becomes in the store: the run with full provenance (SPEC §3)
//! and the settings key that makes two runs "the same settings", and its chain. Both front
//! ends record through here, so `generate` can skip what the lab already ran.

use crate::domain::{Case, Chain, Model, Provenance};
use crate::inference::{Generation, GenerationConfig, ModelFormat, ModelIdentity};
use crate::storage::NewRun;
use crate::workflow::import_runs::{ChainSettings, chain_for_run};
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What makes two runs "the same settings": the weights, sampling, device and both templates.
pub fn settings_key(id: &ModelIdentity, cfg: &GenerationConfig, prompt_template: &str) -> String {
    let mut key = serde_json::json!({
        "model": id.sha256.clone().unwrap_or_else(|| format!("{}#{}", id.location, id.architecture)),
        "chat_template": id.chat_template_source,
        "prompt_template_sha256": hex(&Sha256::digest(prompt_template.as_bytes())),
        "sampling": cfg,
        "device": id.device,
    });
    // Weights repacked at load run through other kernels than the file's own format.
    if let Some(q) = id
        .quantization
        .as_deref()
        .filter(|q| q.contains(", run on ") || q.contains(", requantised "))
    {
        key["run_as"] = serde_json::json!(q);
    }
    hex(&Sha256::digest(key.to_string().as_bytes()))
}

/// The provenance of a generation (SPEC §3: identity, templates, sampling,
/// device, threads, timings, token counts). `via` names the front end.
pub fn provenance(
    id: &ModelIdentity,
    cfg: &GenerationConfig,
    prompt_template: &str,
    g: &Generation,
    key: &str,
    via: &str,
) -> Provenance {
    Provenance {
        origin: match id.format {
            ModelFormat::Endpoint => "openai".into(),
            _ => "candle".into(),
        },
        source_file: Some(id.location.clone()),
        model_sha256: id.sha256.clone(),
        quantization: id.quantization.clone(),
        architecture: Some(id.architecture.clone()),
        prompt_template: Some(prompt_template.to_string()),
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
            "via": via,
            "blindstep_version": env!("CARGO_PKG_VERSION"),
        }),
    }
}

/// The run and chain to store for a finished generation.
#[allow(clippy::too_many_arguments)]
pub fn finished_run(
    model: &Model,
    case: &Case,
    id: &ModelIdentity,
    cfg: &GenerationConfig,
    prompt_template: &str,
    g: &Generation,
    via: &str,
    max_steps: usize,
) -> (NewRun, Chain) {
    let key = settings_key(id, cfg, prompt_template);
    let provenance = provenance(id, cfg, prompt_template, g, &key, via);
    // Provenance carries the stop reason: a stop at the token limit or a
    // full context makes the chain truncated.
    let chain = chain_for_run(
        case,
        &g.text,
        g.reasoning.as_deref(),
        &provenance,
        &ChainSettings {
            max_steps,
            ..ChainSettings::default()
        },
    );
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
