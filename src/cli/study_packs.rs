//! `blindstep study pack|collect|reopen|assign`, and the packs table of `study show`.

use super::study_args::StudyCommand;
use super::table;
use crate::storage::Store;
use crate::workflow::study::actor;
use crate::workflow::{pack, reassign};
use anyhow::bail;

/// Run the lifecycle and pack subcommands; hand any other back.
pub fn run(command: StudyCommand, store: &mut Store) -> anyhow::Result<Option<StudyCommand>> {
    match command {
        StudyCommand::Pack {
            name,
            reviewer,
            out,
            force,
        } => {
            let p = pack::make_pack(store, &name, &reviewer, &out, force, &actor())?;
            println!(
                "wrote the pack of {reviewer:?} for study {name:?} to {} ({} item(s), {} earlier verdict event(s); pack {})",
                p.path.display(),
                p.items,
                p.events,
                p.pack_id
            );
            println!(
                "the reviewer opens it with `blindstep review --pack {}`; bring it back with `blindstep study collect {name} FILE`",
                p.path.display()
            );
        }
        StudyCommand::Collect { name, files } => {
            // One transaction per file; a refused pack stops the run (earlier ones stay).
            for f in &files {
                let r = pack::collect(store, &name, f, &actor())?;
                println!(
                    "{}: {} step verdict(s) and {} case verdict(s) added, {} already here, {} conflict(s)",
                    f.display(),
                    r.steps_added,
                    r.cases_added,
                    r.already_known,
                    r.conflicts.len()
                );
                for c in r.conflicts.iter().take(20) {
                    println!("  conflict, not applied: {c}");
                }
                if r.conflicts.len() > 20 {
                    println!("  … {} more", r.conflicts.len() - 20);
                }
            }
        }
        StudyCommand::Reopen { name, reason, yes } => {
            let s = store.study(&name)?;
            if !yes {
                use std::io::{BufRead, Write};
                eprint!(
                    "Reopening {name:?} lets reviewers add verdicts after unblinding; it is recorded. Type the study name to confirm: "
                );
                std::io::stderr().flush().ok();
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                if line.trim() != name {
                    bail!("not confirmed; the study stays closed");
                }
            }
            let at = store.reopen(s.id, &actor(), reason.as_deref())?;
            println!("reopened {name:?} at {at} by {}", actor());
        }
        StudyCommand::Assign {
            name,
            add,
            drop,
            to,
        } => {
            let add: Vec<String> = add
                .into_iter()
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect();
            let r = reassign::reassign(store, &name, &add, drop.as_deref(), &to, &actor())?;
            if !r.added.is_empty() {
                println!("added reviewer(s): {}", r.added.join(", "));
            }
            if let Some(from) = &drop {
                println!(
                    "moved {} unstarted item(s) of {from:?}; {} started item(s) stay theirs{}",
                    r.moved.len(),
                    r.kept_started,
                    if r.stuck > 0 {
                        format!(
                            "; {} item(s) stay because every other reviewer already has them",
                            r.stuck
                        )
                    } else {
                        String::new()
                    }
                );
                let mut per: std::collections::BTreeMap<&str, usize> = Default::default();
                for (_, to) in &r.moved {
                    *per.entry(to.as_str()).or_default() += 1;
                }
                for (to, n) in per {
                    println!("  {to}: +{n}");
                }
            }
        }
        other => return Ok(Some(other)),
    }
    Ok(None)
}

/// The packs of a study with their last collection (for `study show`).
pub fn print_packs(store: &Store, name: &str) -> anyhow::Result<()> {
    let s = store.study(name)?;
    if let Some(at) = store.reopened_at(s.id)? {
        println!("reopened at {at}: verdicts are taken again");
    } else if let Some(at) = &s.unblinded_at {
        println!("closed since unblinding at {at}: no new verdicts (`study reopen` to allow them)");
    }
    let packs = store.study_packs(s.id)?;
    if packs.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = packs
        .iter()
        .map(|p| {
            vec![
                p.pack.chars().take(12).collect(),
                p.reviewer.clone(),
                p.created_at.clone(),
                match &p.last_collected_at {
                    Some(at) => format!(
                        "{at} (+{} steps, +{} cases, {} conflicts)",
                        p.last_steps_added.unwrap_or(0),
                        p.last_cases_added.unwrap_or(0),
                        p.last_conflicts.unwrap_or(0)
                    ),
                    None => "never".into(),
                },
                p.collections.to_string(),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &[
                "pack",
                "reviewer",
                "packed",
                "last collected",
                "collections"
            ],
            &rows
        )
    );
    Ok(())
}
