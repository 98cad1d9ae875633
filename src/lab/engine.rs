//! The lab's only contact with the inference API: load a registered model as a
//! [`Generator`], build a case's prompt, and turn a finished generation into the run and
//! chain to store (the same provenance `blindstep generate` records). Kept small so a change
//! in `crate::inference` touches one file. Must not draw or hold state.

use crate::domain::{Case, Chain, Model, ModelSource};
use crate::inference::{
    ChatMessage, Generation, GenerationConfig, Generator, LoadOptions, ModelIdentity, OpenAiClient,
    OpenAiConfig, build_prompt, load_local,
};
use crate::lab::settings::RunSettings;
use crate::storage::NewRun;
use anyhow::{Context, bail};

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

/// The run and chain to store for a finished generation (shared with `generate`).
pub fn finished_run(
    model: &Model,
    case: &Case,
    id: &ModelIdentity,
    cfg: &GenerationConfig,
    template: &str,
    g: &Generation,
) -> (NewRun, Chain) {
    crate::workflow::generation::finished_run(model, case, id, cfg, template, g, "lab")
}
