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
    let mut store = global.open_store()?;
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
                    ModelSource::Local(std::fs::canonicalize(&p).unwrap_or(p))
                }
                (None, Some(u)) => ModelSource::Endpoint(u),
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
                                ModelSource::Endpoint(u) => u.clone(),
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
