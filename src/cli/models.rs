//! `blindstep models add|list|check`.

use super::{Global, OutputFormat, table};
use crate::domain::{ModelSource, Role};
use crate::storage::NewModel;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub command: ModelsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Register a model (a model known only by its outputs needs no path).
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A local GGUF file or safetensors directory.
        #[arg(long, conflicts_with = "endpoint")]
        path: Option<PathBuf>,
        /// An OpenAI-compatible base URL (e.g. http://localhost:8000/v1).
        #[arg(long)]
        endpoint: Option<String>,
        /// A tokenizer.json overriding the model's own.
        #[arg(long)]
        tokenizer: Option<PathBuf>,
        /// A chat template file overriding the model's own.
        #[arg(long)]
        chat_template: Option<PathBuf>,
        /// Free text for the coordinator.
        #[arg(long)]
        label: Option<String>,
    },
    /// Load a model and report architecture, parameters, quantisation, context length, SHA-256.
    Check { name: String },
    /// Register every model of a `models.toml` (`[[model]]` tables with name, role,
    /// and path or endpoint, tokenizer, chat_template, label). One transaction of
    /// checks: nothing is registered when any entry is invalid or its name is taken.
    Import { file: PathBuf },
    /// List registered models.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: crate::domain::ParseEnumError| e.to_string())
}

pub fn run(args: ModelsArgs, global: &Global) -> anyhow::Result<()> {
    if let ModelsCommand::Check { name } = &args.command {
        return super::models_check::run(name, global);
    }
    // Listing reads: it must not create a database at a mistyped path.
    let mut store = match &args.command {
        ModelsCommand::List { .. } => global.open_store()?,
        _ => global.create_store()?,
    };
    match args.command {
        ModelsCommand::Add {
            name,
            role,
            path,
            endpoint,
            tokenizer,
            chat_template,
            label,
        } => {
            let source = match (path, endpoint) {
                (Some(p), _) => {
                    if !p.exists() {
                        anyhow::bail!("{}: no such file or directory", p.display());
                    }
                    let p = std::fs::canonicalize(&p).unwrap_or(p);
                    super::models_check::validate_local(&name, &p, &tokenizer, &chat_template)?;
                    ModelSource::Local(p)
                }
                (None, Some(u)) => ModelSource::endpoint(&u, &name),
                (None, None) => ModelSource::OutputsOnly,
            };
            store.add_model(&NewModel {
                name: name.clone(),
                role,
                source,
                tokenizer,
                chat_template,
                label,
            })?;
            println!("registered model {name:?} ({role})");
        }
        ModelsCommand::Check { .. } => {}
        ModelsCommand::Import { file } => {
            let models = parse_models_toml(&file)?;
            let mut names = std::collections::HashSet::new();
            for m in &models {
                if !names.insert(m.name.as_str()) {
                    anyhow::bail!(
                        "{}: model {:?} is named twice; nothing was imported",
                        file.display(),
                        m.name
                    );
                }
                if store.find_model(&m.name)?.is_some() {
                    anyhow::bail!(
                        "{}: model {:?} is already registered; nothing was imported",
                        file.display(),
                        m.name
                    );
                }
            }
            // Every local model loads, as `models add --path` checks, before any is
            // registered: one that cannot be loaded stops the whole file.
            for m in &models {
                if let ModelSource::Local(p) = &m.source {
                    super::models_check::validate_local(&m.name, p, &m.tokenizer, &m.chat_template)
                        .map_err(|e| anyhow::anyhow!("{}: {e:#}", file.display()))?;
                }
            }
            for m in &models {
                store.add_model(m)?;
                println!("registered model {:?} ({})", m.name, m.role);
            }
        }
        ModelsCommand::List { format } => {
            let models = store.models()?;
            match format {
                OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&models)?),
                _ => {
                    let rows: Vec<Vec<String>> = models
                        .iter()
                        .map(|m| {
                            let src = match &m.source {
                                ModelSource::OutputsOnly => "outputs only".to_string(),
                                ModelSource::Local(p) => p.display().to_string(),
                                ModelSource::Endpoint { base, served } => {
                                    ModelSource::endpoint_spec(base, served)
                                }
                            };
                            vec![
                                m.name.clone(),
                                m.role.to_string(),
                                src,
                                m.label.clone().unwrap_or_default(),
                            ]
                        })
                        .collect();
                    print!(
                        "{}",
                        table::render(&["name", "role", "source", "label"], &rows)
                    );
                }
            }
        }
    }
    Ok(())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelsFile {
    #[serde(default)]
    model: Vec<ModelEntry>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelEntry {
    name: String,
    role: String,
    path: Option<PathBuf>,
    endpoint: Option<String>,
    tokenizer: Option<PathBuf>,
    chat_template: Option<PathBuf>,
    label: Option<String>,
}

/// Read a `models.toml`; relative paths are taken from the file's folder.
fn parse_models_toml(file: &std::path::Path) -> anyhow::Result<Vec<NewModel>> {
    use anyhow::Context;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let parsed: ModelsFile = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| crate::ingest::problem::line_of(&text, s.start))
            .unwrap_or(1);
        anyhow::anyhow!("{}:{line}: {}", file.display(), e.message())
    })?;
    let base = file.parent().unwrap_or(std::path::Path::new("."));
    let resolve = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
    let mut out = Vec::new();
    for (i, m) in parsed.model.into_iter().enumerate() {
        let at = format!("{}: model[{i}] {:?}", file.display(), m.name);
        let role = parse_role(&m.role).map_err(|e| anyhow::anyhow!("{at}: role: {e}"))?;
        let source = match (m.path, m.endpoint) {
            (Some(_), Some(_)) => anyhow::bail!("{at}: give path or endpoint, not both"),
            (Some(p), None) => {
                let p = resolve(p);
                if !p.exists() {
                    anyhow::bail!("{at}: path: {} does not exist", p.display());
                }
                ModelSource::Local(std::fs::canonicalize(&p).unwrap_or(p))
            }
            (None, Some(u)) => ModelSource::endpoint(&u, &m.name),
            (None, None) => ModelSource::OutputsOnly,
        };
        out.push(NewModel {
            name: m.name,
            role,
            source,
            tokenizer: m.tokenizer.map(resolve),
            chat_template: m.chat_template.map(resolve),
            label: m.label,
        });
    }
    if out.is_empty() {
        anyhow::bail!("{}: no [[model]] entries", file.display());
    }
    Ok(out)
}
