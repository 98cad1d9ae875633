//! `blindstep runs import|list|show`.

use super::{Global, OutputFormat, table};
use crate::domain::RunId;
use crate::ingest::run_formats::RunFormat;
use crate::workflow::import_runs::{ChainSettings, ImportOptions, import_runs};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RunsArgs {
    #[command(subcommand)]
    pub command: RunsCommand,
}

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// Import a file of model outputs (one transaction; every run gets its chain).
    Import {
        file: PathBuf,
        /// The registered model these outputs belong to.
        #[arg(long)]
        model: String,
        #[arg(long, value_enum, default_value = "auto")]
        format: RunFormat,
        /// Keep only records whose own `model` field is this (files with several models).
        #[arg(long)]
        only_model: Option<String>,
        /// Import the records that match a case and list the rest, instead of failing.
        #[arg(long)]
        skip_unmatched: bool,
        /// Read the file through a mapping (TOML with a [run] table) instead of --format.
        #[arg(long, value_name = "MAP.toml", conflicts_with = "format")]
        mapping: Option<PathBuf>,
        /// The token limit the outputs were generated under: a record whose
        /// completion-token count equals it was cut off (truncated).
        #[arg(long)]
        max_tokens: Option<u64>,
        /// At most this many steps per chain (adjacent steps are merged, nothing dropped).
        #[arg(long, default_value_t = crate::strip::DEFAULT_MAX_STEPS)]
        max_steps: usize,
    },
    /// List runs with their case, model and chain.
    List {
        #[arg(long)]
        model: Option<String>,
        /// Comma-separated exact case ids (an alias of a renamed case counts as its id).
        #[arg(long, alias = "cases")]
        case: Option<String>,
        /// Runs of the cases whose text has every word of TEXT.
        #[arg(long = "match", value_name = "TEXT")]
        matching: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Make new chains with the current stripper for runs whose newest chain is
    /// older. Existing chains (and any verdicts on them) are never touched.
    Restrip {
        #[arg(long)]
        model: Option<String>,
        /// At most this many steps per chain.
        #[arg(long, default_value_t = crate::strip::DEFAULT_MAX_STEPS)]
        max_steps: usize,
    },
    /// Calibration scoring pass: store each MCQ run's option-letter probabilities
    /// (the prompt, the output, "Final answer:", then the next-token distribution).
    Score {
        #[arg(long)]
        model: String,
        /// The prompt template the runs were generated with (default: the shipped one).
        #[arg(long)]
        prompt_template: Option<PathBuf>,
    },
    /// Show a run's raw output, chain and provenance.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
}

pub fn run(args: RunsArgs, global: &Global) -> anyhow::Result<()> {
    let mut store = global.open_store()?;
    match args.command {
        RunsCommand::Import {
            file,
            model,
            format,
            only_model,
            skip_unmatched,
            mapping,
            max_tokens,
            max_steps,
        } => {
            let model = store.model(&model)?;
            let mapping = mapping
                .map(|m| crate::ingest::mapping::Mapping::load(&m))
                .transpose()?;
            let out = import_runs(
                &mut store,
                &file,
                &model,
                &ImportOptions {
                    format,
                    only_model: only_model.as_deref(),
                    skip_unmatched,
                    mapping: mapping.as_ref(),
                    chains: ChainSettings {
                        max_steps,
                        max_tokens,
                    },
                },
            )?;
            if !out.superseded.is_empty() {
                let ids: Vec<String> = out.superseded.iter().map(|c| c.to_string()).collect();
                eprintln!(
                    "note: {} case(s) already had another run of {:?}; new studies use the newest: {}",
                    ids.len(),
                    model.name,
                    ids.join(", ")
                );
            }
            for u in &out.skipped_unmatched {
                eprintln!("skipped: {u}");
            }
            println!(
                "{}: {} record(s) for model {:?}: {} run(s) added, {} already present, {} skipped (no matching case)",
                file.display(),
                out.records,
                model.name,
                out.report.added,
                out.report.unchanged,
                out.skipped_unmatched.len()
            );
        }
        RunsCommand::List {
            model,
            case,
            matching,
            format,
        } => {
            let mut runs = store.list_runs(model.as_deref(), None)?;
            if case.is_some() || matching.is_some() {
                let cases = store.all_cases()?;
                let ids: std::collections::HashSet<_> =
                    crate::select::select(&cases, case.as_deref(), matching.as_deref())?
                        .into_iter()
                        .collect();
                runs.retain(|r| ids.contains(&r.case_id));
            }
            match format {
                OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&runs)?),
                _ => {
                    let rows: Vec<Vec<String>> = runs
                        .iter()
                        .map(|r| {
                            vec![
                                r.id.to_string(),
                                r.case_id.to_string(),
                                r.model.clone(),
                                r.steps.to_string(),
                                if r.truncated {
                                    "yes".into()
                                } else {
                                    "no".into()
                                },
                                table::clip(
                                    &match (&r.answer, r.conflict) {
                                        (Some(a), true) => format!("{a} (conflict)"),
                                        (Some(a), false) => a.clone(),
                                        (None, _) => format!("({})", r.outcome.as_str()),
                                    },
                                    30,
                                ),
                                r.origin.clone(),
                            ]
                        })
                        .collect();
                    print!(
                        "{}",
                        table::render(
                            &[
                                "run",
                                "case",
                                "model",
                                "steps",
                                "truncated",
                                "answer",
                                "origin"
                            ],
                            &rows
                        )
                    );
                    println!("{} run(s)", runs.len());
                }
            }
        }
        RunsCommand::Restrip { model, max_steps } => {
            let (made, current) = crate::workflow::import_runs::restrip_with(
                &mut store,
                model.as_deref(),
                &ChainSettings {
                    max_steps,
                    max_tokens: None,
                },
            )?;
            println!(
                "{made} new chain(s) made with stripper {}; {current} run(s) already had one",
                crate::strip::VERSION
            );
        }
        RunsCommand::Score {
            model,
            prompt_template,
        } => {
            let (scored, skipped) =
                super::runs_score::score_runs(&mut store, &model, prompt_template.as_deref())?;
            println!("scored {scored} MCQ run(s) of {model:?}; {skipped} non-MCQ run(s) skipped");
        }
        RunsCommand::Show { id, format } => {
            let run = store.run(RunId(id))?;
            let chain_id = store.latest_chain_of_run(run.id)?;
            let chain = chain_id.map(|c| store.chain(c)).transpose()?;
            match format {
                OutputFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "run": run, "chain_id": chain_id, "chain": chain })
                    )?
                ),
                _ => {
                    println!(
                        "run {} · case {} · model {} · {}",
                        run.id, run.case_id, run.model_name, run.created_at
                    );
                    let p = &run.provenance;
                    println!("origin: {}", p.origin);
                    if let Some(f) = &p.source_file {
                        println!("source: {f}");
                    }
                    let fmt = |x: Option<f64>, unit: &str| {
                        x.map(|v| format!("{v:.1}{unit}"))
                            .unwrap_or_else(|| "-".into())
                    };
                    println!(
                        "tokens: prompt {} completion {} · ttft {} · {} · elapsed {}",
                        p.prompt_tokens
                            .map(|t| t.to_string())
                            .unwrap_or_else(|| "-".into()),
                        p.completion_tokens
                            .map(|t| t.to_string())
                            .unwrap_or_else(|| "-".into()),
                        fmt(p.time_to_first_token_ms, " ms"),
                        fmt(p.tokens_per_second, " tok/s"),
                        fmt(p.elapsed_ms, " ms"),
                    );
                    if let Some(d) = &p.device {
                        println!(
                            "device: {d} · threads {}",
                            p.threads
                                .map(|t| t.to_string())
                                .unwrap_or_else(|| "-".into())
                        );
                    }
                    if let Some(sha) = &p.model_sha256 {
                        println!("model sha256: {sha}");
                    }
                    println!("sampling: {}", serde_json::to_string(&p.sampling)?);
                    if let Some(r) = &run.reasoning {
                        println!("\n--- raw reasoning ---\n{r}");
                    }
                    println!("\n--- raw output ---\n{}", run.output);
                    if let Some(chain) = chain {
                        println!(
                            "\n--- chain ({} steps from {} sentences, stripper {}, {}) ---",
                            chain.steps.len(),
                            chain.sentences,
                            chain.stripper_version,
                            if chain.truncated {
                                "truncated"
                            } else {
                                "complete"
                            }
                        );
                        for s in &chain.steps {
                            println!("{:>3}. {}", s.index + 1, s.text);
                        }
                        if chain.truncated {
                            println!("     [cut off]");
                        }
                        println!(
                            "answer: {} ({}{})",
                            chain
                                .answer
                                .as_ref()
                                .map(|a| a.display())
                                .unwrap_or_else(|| "-".into()),
                            chain.outcome.as_str(),
                            if chain.conflict {
                                "; conflicts with the reasoning's conclusion"
                            } else {
                                ""
                            }
                        );
                    }
                }
            }
        }
    }
    Ok(())
}
