//! `blindstep models check NAME`: load a registered model the way `generate`
//! would and report its architecture, parameters, quantisation, context
//! length and SHA-256, or a clear error for a missing, truncated or
//! mismatched file or tokenizer. Endpoints get one tiny request.

use super::Global;
use crate::domain::ModelSource;
use crate::inference::{ChatMessage, GenerationConfig, Generator, LoadOptions, load_local};
use crate::workflow::generation::{OpenOptions, endpoint_client};
use anyhow::{Context, bail};

fn human(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.2} B", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.1} M", n as f64 / 1e6),
        n => n.to_string(),
    }
}

/// Load a local model the way `models check` and `generate` do, before it is registered:
/// a file that cannot be loaded is refused with the loader's reason.
pub fn validate_local(
    name: &str,
    path: &std::path::Path,
    tokenizer: &Option<std::path::PathBuf>,
    chat_template: &Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let opts = LoadOptions {
        tokenizer: tokenizer.clone(),
        chat_template: chat_template.clone(),
        ..LoadOptions::default()
    };
    let g = load_local(path, &opts).with_context(|| {
        format!(
            "model {name:?}: {} cannot be loaded (nothing was registered; `blindstep models check` after fixing it)",
            path.display()
        )
    })?;
    let id = g.identity();
    println!(
        "checked {}: {:?}, {}, {} parameters",
        path.display(),
        id.format,
        id.architecture,
        id.parameters.map(human).unwrap_or_else(|| "-".into())
    );
    Ok(())
}

pub fn run(name: &str, global: &Global) -> anyhow::Result<()> {
    let store = global.open_store()?;
    let model = store.model(name)?;
    match &model.source {
        ModelSource::OutputsOnly => {
            bail!("model {name:?} is known only by its outputs; there is nothing to load")
        }
        ModelSource::Local(path) => {
            let opts = LoadOptions {
                tokenizer: model.tokenizer.clone(),
                chat_template: model.chat_template.clone(),
                ..LoadOptions::default()
            };
            let g = load_local(path, &opts).with_context(|| format!("model {name:?}"))?;
            let id = g.identity();
            println!("model:          {name}");
            println!("location:       {}", id.location);
            println!("format:         {:?}", id.format);
            println!("architecture:   {}", id.architecture);
            println!(
                "parameters:     {}",
                id.parameters.map(human).unwrap_or_else(|| "-".into())
            );
            println!(
                "quantisation:   {}",
                id.quantization.as_deref().unwrap_or("-")
            );
            println!(
                "context length: {}",
                id.context_length
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "-".into())
            );
            println!(
                "vocabulary:     {}",
                id.vocab_size
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".into())
            );
            println!("chat template:  {}", id.chat_template_source);
            println!("sha256:         {}", id.sha256.as_deref().unwrap_or("-"));
            println!("ok");
        }
        ModelSource::Endpoint { base, served } => {
            let opts = OpenOptions {
                retries: 0,
                timeout: std::time::Duration::from_secs(60),
                ..OpenOptions::default()
            };
            let client = endpoint_client(base, served, &opts);
            let probe = GenerationConfig {
                max_tokens: 8,
                ..GenerationConfig::default()
            };
            let g = client
                .complete(&[ChatMessage::user("Reply with OK.")], &probe)
                .with_context(|| format!("model {name:?}"))?;
            println!("model:    {name}");
            println!("endpoint: {}", client.identity().location);
            println!("served:   {}", client.config().model);
            println!("reply:    {:?} ({} tokens)", g.text, g.completion_tokens);
            println!("ok");
        }
    }
    Ok(())
}
