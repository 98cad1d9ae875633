//! `blindstep review` and `blindstep demo`: the blind review TUI, or its
//! headless replay from a file of key names.

use super::Global;
use crate::storage::Store;
use crate::tui::{TuiOptions, run_replay, run_tui};
use crate::workflow::review_backend::StoreBackend;
use crate::workflow::{demo, pack};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The study to review.
    #[arg(long, required_unless_present = "pack", conflicts_with = "pack")]
    pub study: Option<String>,
    /// Your reviewer id, as given at study creation.
    #[arg(long, required_unless_present = "pack")]
    pub reviewer: Option<String>,
    /// Review from a reviewer pack file (made by `study pack`) instead of the study database.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
    /// Drive the review headlessly from a file of key names (one per line; `-` for stdin).
    #[arg(long, value_name = "KEYS")]
    pub replay: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Drive the demo headlessly from a file of key names (one per line).
    #[arg(long, value_name = "KEYS")]
    pub replay: Option<PathBuf>,
    /// Only build the demo database and print where it is.
    #[arg(long)]
    pub setup_only: bool,
    /// Open a reviewer pack of the demo study (written to FILE from the demo first if FILE
    /// does not exist): the reviewer-pack workflow, tried out. No answer key in a pack.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
}

pub fn review(args: ReviewArgs, global: &Global) -> anyhow::Result<()> {
    let mut backend = match (&args.pack, &args.study, &args.reviewer) {
        (Some(pack), _, reviewer) => pack::open_pack(pack, reviewer.as_deref())?,
        (None, Some(study), Some(reviewer)) => {
            StoreBackend::open(global.open_store()?, study, reviewer)?
        }
        _ => anyhow::bail!("give --study and --reviewer, or --pack FILE"),
    };
    drive(&mut backend, args.replay.as_ref())
}

fn drive(backend: &mut StoreBackend, replay: Option<&PathBuf>) -> anyhow::Result<()> {
    match replay {
        Some(path) => {
            let keys = if path.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).context("reading keys from stdin")?
            } else {
                std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?
            };
            let mut out = std::io::stdout().lock();
            let summary = run_replay(backend, &keys, &mut out)?;
            for (line, name, status) in &summary.no_effect {
                if status.is_empty() {
                    eprintln!("line {line}: key {name:?} had no effect");
                } else {
                    eprintln!("line {line}: key {name:?} had no effect ({status})");
                }
            }
            eprintln!(
                "replayed {} key(s): {} save(s), {} failure(s), {} key(s) with no effect",
                summary.applied,
                summary.saves,
                summary.failures,
                summary.no_effect.len()
            );
            if summary.failures > 0 {
                anyhow::bail!(
                    "{} save(s) or load(s) failed during the replay (see the \"failed\" lines above)",
                    summary.failures
                );
            }
            Ok(())
        }
        None => Ok(run_tui(backend, TuiOptions::from_env())?),
    }
}

/// Where the demo database lives unless `--db` says otherwise. `BLINDSTEP_DB`
/// is deliberately ignored: it usually names a real study database.
pub fn demo_db_path(global: &Global) -> anyhow::Result<PathBuf> {
    if let Some(p) = &global.db {
        return Ok(p.clone());
    }
    let dirs = directories::ProjectDirs::from("org", "blindstep", "blindstep")
        .context("no home directory to keep the demo database in; pass --db PATH")?;
    let dir = dirs.data_dir();
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.join("demo.db"))
}

pub fn demo(args: DemoArgs, global: &Global) -> anyhow::Result<()> {
    let path = demo_db_path(global)?;
    let mut store = Store::open(&path)?;
    let built = demo::ensure_demo(&mut store)?;
    if built || args.setup_only {
        eprintln!(
            "demo study {:?} {} in {} (reviewer {:?})",
            demo::STUDY,
            if built { "built" } else { "found" },
            path.display(),
            demo::REVIEWER
        );
    }
    if args.setup_only {
        return Ok(());
    }
    if let Some(file) = &args.pack {
        if !file.exists() {
            let p = pack::make_pack(
                &mut store,
                demo::STUDY,
                demo::REVIEWER,
                file,
                false,
                "blindstep demo",
            )?;
            eprintln!(
                "wrote a reviewer pack of the demo study to {} ({} items)",
                p.path.display(),
                p.items
            );
        }
        drop(store);
        let mut backend = pack::open_pack(file, None)?;
        return drive(&mut backend, args.replay.as_ref());
    }
    let mut backend = StoreBackend::open(store, demo::STUDY, demo::REVIEWER)?;
    backend.feedback = Some(Box::new(demo::DemoKey::shipped()?));
    drive(&mut backend, args.replay.as_ref())
}
