//! `blindstep study create|list|show|unblind`; `pack|collect|reopen|assign` are in
//! [`super::study_packs`].

pub use super::study_args::{StudyArgs, StudyCommand};
use super::{Global, OutputFormat, table};
use crate::domain::AnalysisPlan;
use crate::workflow::study::{StudyOptions, StudySpec, actor, create_study_with};
use anyhow::bail;

pub fn run(args: StudyArgs, global: &Global) -> anyhow::Result<()> {
    let mut store = global.open_store()?;
    let command = match super::study_packs::run(args.command, &mut store)? {
        Some(other) => other,
        None => return Ok(()),
    };
    match command {
        StudyCommand::Create {
            name,
            models,
            cases,
            matching,
            all: _,
            reviewers,
            overlap,
            seed,
            allow_named_models,
            ties,
            alpha,
            primary,
            equal_steps,
        } => {
            let plan = AnalysisPlan {
                ties,
                alpha,
                primary: primary.iter().map(|p| p.trim().to_string()).collect(),
            };
            plan.validate().map_err(anyhow::Error::msg)?;
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
                    matching: matching.as_deref(),
                    reviewers: reviewers.clone(),
                    overlap,
                    seed,
                    actor: &who,
                    allow_named_models,
                },
                &StudyOptions { equal_steps },
            )?;
            store.record_plan(created.id, &plan, &who, None)?;
            println!(
                "created study {name:?}: {} item(s), {} reviewer(s), overlap {overlap}, seed {}",
                created.items,
                reviewers.len(),
                created.seed
            );
            println!(
                "analysis plan: ties {}, α {}, primary {}",
                plan.ties,
                plan.alpha,
                plan.primary.join(", ")
            );
            let ids: Vec<crate::domain::CaseId> =
                created.chains.iter().map(|(c, _, _)| c.clone()).collect();
            println!("{}", crate::select::describe(&ids));
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
        StudyCommand::Plan {
            name,
            ties,
            alpha,
            primary,
            reason,
        } => {
            let s = store.study(&name)?;
            if reason.trim().is_empty() {
                bail!("--reason must say why the plan changes");
            }
            let mut plan = store
                .plan_history(s.id)?
                .last()
                .map(|r| r.plan.clone())
                .unwrap_or_default();
            if let Some(t) = ties {
                plan.ties = t;
            }
            if let Some(a) = alpha {
                plan.alpha = a;
            }
            if let Some(p) = primary {
                plan.primary = p.iter().map(|x| x.trim().to_string()).collect();
            }
            let r = store.record_plan(s.id, &plan, &actor(), Some(reason.trim()))?;
            println!(
                "plan of {name:?} now: ties {}, α {}, primary {}{}",
                plan.ties,
                plan.alpha,
                plan.primary.join(", "),
                if r.after_unblinding {
                    " — recorded AFTER UNBLINDING; the tally and methods paragraph say so"
                } else {
                    ""
                }
            );
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
                    super::study_packs::print_packs(&store, &name)?;
                }
            }
        }
        StudyCommand::Pack { .. }
        | StudyCommand::Collect { .. }
        | StudyCommand::Reopen { .. }
        | StudyCommand::Assign { .. } => {}
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
