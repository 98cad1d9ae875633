//! `blindstep study create|list|show|unblind`.

use super::{Global, OutputFormat, table};
use crate::workflow::study::{StudyOptions, StudySpec, actor, create_study_with};
use anyhow::bail;
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct StudyArgs {
    #[command(subcommand)]
    pub command: StudyCommand,
}

#[derive(Debug, Subcommand)]
pub enum StudyCommand {
    /// Create a blind study of two models on the cases both have runs for.
    Create {
        name: String,
        /// The two models, `A,B`.
        #[arg(long, value_delimiter = ',', num_args = 1)]
        models: Vec<String>,
        /// Fuzzy query selecting cases.
        #[arg(long, conflicts_with = "all", required_unless_present = "all")]
        cases: Option<String>,
        /// Every case both models have runs for.
        #[arg(long)]
        all: bool,
        /// Reviewer ids, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        reviewers: Vec<String>,
        /// How many reviewers see each item.
        #[arg(long, default_value_t = 1)]
        overlap: u32,
        /// Seed for sides and order (default: derived from the name).
        #[arg(long)]
        seed: Option<u64>,
        /// Create the study even though some chain text names a model.
        #[arg(long)]
        allow_named_models: bool,
        /// Re-segment both chains of each item to a common step count (±1),
        /// so that the number of steps does not tell the sides apart.
        #[arg(long)]
        equal_steps: bool,
    },
    /// List studies.
    List,
    /// Items, reviewers and progress (no model identity before unblinding).
    Show {
        name: String,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Reveal which model is which: recorded in the audit trail, irreversible.
    Unblind {
        name: String,
        /// Confirm without the prompt.
        #[arg(long)]
        yes: bool,
    },
}

pub fn run(args: StudyArgs, global: &Global) -> anyhow::Result<()> {
    let mut store = global.open_store()?;
    match args.command {
        StudyCommand::Create {
            name,
            models,
            cases,
            all: _,
            reviewers,
            overlap,
            seed,
            allow_named_models,
            equal_steps,
        } => {
            let [a, b] = models.as_slice() else {
                bail!(
                    "--models takes exactly two model names, A,B (got {})",
                    models.len()
                );
            };
            let reviewers: Vec<String> = reviewers
                .into_iter()
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect();
            let who = actor();
            let created = create_study_with(
                &mut store,
                &StudySpec {
                    name: &name,
                    model_a: a,
                    model_b: b,
                    cases: cases.as_deref(),
                    reviewers: reviewers.clone(),
                    overlap,
                    seed,
                    actor: &who,
                    allow_named_models,
                },
                &StudyOptions { equal_steps },
            )?;
            println!(
                "created study {name:?}: {} item(s), {} reviewer(s), overlap {overlap}, seed {}",
                created.items,
                reviewers.len(),
                created.seed
            );
            let ids: Vec<String> = created
                .chains
                .iter()
                .map(|(c, _, _)| c.to_string())
                .collect();
            let shown = ids.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
            let more = if ids.len() > 20 {
                format!(", … ({} more)", ids.len() - 20)
            } else {
                String::new()
            };
            println!("cases: {shown}{more}");
            if !created.empty_chains.is_empty() {
                let empty: Vec<String> =
                    created.empty_chains.iter().map(|c| c.to_string()).collect();
                println!(
                    "{} case(s) left out because a chain has no step: {}",
                    empty.len(),
                    empty.join(", ")
                );
            }
            if created.skipped_cases > 0 {
                println!(
                    "{} case(s) left out: only one of the two models has a run on them",
                    created.skipped_cases
                );
            }
            super::leakage::warn_for_study(&store, &created.chains);
        }
        StudyCommand::List => {
            let rows: Vec<Vec<String>> = store
                .studies()?
                .into_iter()
                .map(|s| {
                    let items = store.study_items(s.id).map(|i| i.len()).unwrap_or(0);
                    vec![
                        s.name,
                        items.to_string(),
                        s.overlap.to_string(),
                        s.created_at,
                        s.unblinded_at.unwrap_or_else(|| "blinded".into()),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(
                    &["study", "items", "overlap", "created", "unblinded"],
                    &rows
                )
            );
        }
        StudyCommand::Show { name, format } => {
            let o = store.study_overview(&name)?;
            match format {
                OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&o)?),
                _ => {
                    println!(
                        "study {:?}: {} item(s), overlap {}, seed {}, created {}",
                        o.name, o.items, o.overlap, o.seed, o.created_at
                    );
                    match &o.unblinded_at {
                        Some(at) => {
                            let s = store.study(&name)?;
                            let a = store.model_by_id(s.model_a)?;
                            let b = store.model_by_id(s.model_b)?;
                            println!(
                                "unblinded at {at}: model A = {} ({}), model B = {} ({})",
                                a.name, a.role, b.name, b.role
                            );
                        }
                        None => println!(
                            "blinded (model identity is shown only after `blindstep study unblind`)"
                        ),
                    }
                    let rows: Vec<Vec<String>> = o
                        .reviewers
                        .iter()
                        .map(|r| {
                            vec![
                                r.reviewer.clone(),
                                format!("{}/{}", r.items_done, r.items),
                                format!("{}/{}", r.steps_judged, r.steps_total),
                                if r.steps_total == 0 {
                                    "-".into()
                                } else {
                                    format!(
                                        "{:.0}%",
                                        100.0 * r.steps_judged as f64 / r.steps_total as f64
                                    )
                                },
                            ]
                        })
                        .collect();
                    print!(
                        "{}",
                        table::render(
                            &["reviewer", "items done", "steps judged", "progress"],
                            &rows
                        )
                    );
                }
            }
        }
        StudyCommand::Unblind { name, yes } => {
            let s = store.study(&name)?;
            if let Some(at) = &s.unblinded_at {
                bail!("study {name:?} was already unblinded at {at}");
            }
            if !yes {
                use std::io::{BufRead, Write};
                eprint!(
                    "Unblinding {name:?} is recorded and cannot be undone. Type the study name to confirm: "
                );
                std::io::stderr().flush().ok();
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                if line.trim() != name {
                    bail!("not confirmed; the study stays blinded");
                }
            }
            let at = store.unblind(s.id, &actor())?;
            let a = store.model_by_id(s.model_a)?;
            let b = store.model_by_id(s.model_b)?;
            println!(
                "unblinded {name:?} at {at} by {}: model A = {} ({}), model B = {} ({})",
                actor(),
                a.name,
                a.role,
                b.name,
                b.role
            );
        }
    }
    Ok(())
}
