//! `blindstep cases check|import|list|show`.

use super::{Global, OutputFormat, table};
use crate::domain::{Case, Incidence, Specialty};
use crate::ingest::mapping::Mapping;
use crate::ingest::{self, CaseFormat, LoadOptions};
use crate::storage::ImportMode;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CasesArgs {
    #[command(subcommand)]
    pub command: CasesCommand,
}

#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// Validate case files and report every problem as file:line: field: message.
    Check {
        /// Case files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "auto")]
        format: CaseFormat,
        /// Also report answer cues over all the MCQs checked (gold option the
        /// longest; gold the only option with a parenthetical); fails above 30 %.
        #[arg(long)]
        lint: bool,
        /// Also print the counts per specialty × incidence cell and per stage.
        #[arg(long)]
        counts: bool,
        /// Read JSON files through a mapping (TOML with a [case] table) instead of --format.
        #[arg(long, value_name = "MAP.toml")]
        mapping: Option<PathBuf>,
    },
    /// Import case files, folders or question banks (one transaction: all or nothing).
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "auto")]
        format: CaseFormat,
        /// Replace cases whose id exists with different content (never one with runs).
        #[arg(long)]
        replace: bool,
        /// Id prefix for records without one (default: the dataset name, e.g. medqa).
        #[arg(long)]
        prefix: Option<String>,
        /// Read JSON files through a mapping (TOML with a [case] table) instead of --format.
        #[arg(long, value_name = "MAP.toml")]
        mapping: Option<PathBuf>,
        /// The specialty of imported questions that carry none (question banks).
        #[arg(long)]
        specialty: Option<Specialty>,
        /// The incidence of imported questions that carry none.
        #[arg(long)]
        incidence: Option<Incidence>,
    },
    /// List cases; --query keeps those matching every word (any order), best first.
    List {
        #[arg(long, short)]
        query: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Show one case in full.
    Show {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
}

pub fn run(args: CasesArgs, global: &Global) -> anyhow::Result<()> {
    match args.command {
        CasesCommand::Check {
            paths,
            format,
            mapping,
            lint,
            counts,
        } => {
            let mapping = mapping.map(|m| Mapping::load(&m)).transpose()?;
            check(
                &paths,
                &LoadOptions {
                    format,
                    mapping: mapping.as_ref(),
                    ..LoadOptions::default()
                },
                lint,
                counts,
            )
        }
        CasesCommand::Import {
            paths,
            format,
            replace,
            prefix,
            mapping,
            specialty,
            incidence,
        } => {
            let mapping = mapping.map(|m| Mapping::load(&m)).transpose()?;
            let cases = load(
                &paths,
                &LoadOptions {
                    format,
                    prefix: prefix.as_deref(),
                    mapping: mapping.as_ref(),
                    specialty,
                    incidence,
                },
            )?;
            let mut store = global.create_store()?;
            variants_known(&store, &cases)?;
            let mode = if replace {
                ImportMode::Replace
            } else {
                ImportMode::Refuse
            };
            let report = store.import_cases(&cases, mode)?;
            println!(
                "imported {} case(s) from {} file(s) into {}: {} new, {} unchanged, {} replaced{}",
                cases.len(),
                ingest::expand_paths(&paths).map(|f| f.len()).unwrap_or(0),
                store.path().display(),
                report.added,
                report.unchanged,
                report.replaced,
                renames(&report)
            );
            Ok(())
        }
        CasesCommand::List { query, format } => {
            let store = global.open_store()?;
            let cases = rank(store.all_cases()?, query.as_deref());
            print_cases(&cases, format)
        }
        CasesCommand::Show { id, format } => {
            let store = global.open_store()?;
            let case = store.case(&crate::domain::CaseId(id))?;
            // `case` resolves aliases: an old id shows the renamed case.
            match format {
                OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&case)?),
                _ => print!("{}", ingest::case_toml::to_toml(&case)?),
            }
            Ok(())
        }
    }
}

fn load(paths: &[PathBuf], opts: &LoadOptions<'_>) -> anyhow::Result<Vec<ingest::LoadedCase>> {
    ingest::load_cases_with(paths, opts).map_err(|problems| {
        anyhow::anyhow!(
            "{}\n{} problem(s); nothing was imported",
            ingest::Problems(problems.clone()),
            problems.len()
        )
    })
}

fn renames(report: &crate::storage::CaseImportReport) -> String {
    let mut s = String::new();
    if report.renamed > 0 {
        s.push_str(&format!(
            ", {} renamed (old ids kept as aliases)",
            report.renamed
        ));
    }
    if report.versioned > 0 {
        s.push_str(&format!(
            ", {} new version(s) stored beside an old version that has runs (the old id keeps naming the old version)",
            report.versioned
        ));
    }
    s
}

/// A presentation variant must name a case of the batch or of the store.
fn variants_known(
    store: &crate::storage::Store,
    cases: &[ingest::LoadedCase],
) -> anyhow::Result<()> {
    let mut missing = Vec::new();
    for lc in cases {
        if let Some(v) = &lc.case.variant_of
            && !cases.iter().any(|c| c.case.is_named(v.as_str()))
            && store.resolve_case(v.as_str())?.is_none()
        {
            missing.push(format!(
                "{}:{}: variant_of: no case {:?} in the files or the database",
                lc.file.display(),
                lc.line,
                v.as_str()
            ));
        }
    }
    if !missing.is_empty() {
        bail!(
            "{}\n{} problem(s); nothing was imported",
            missing.join("\n"),
            missing.len()
        );
    }
    Ok(())
}

fn check(
    paths: &[PathBuf],
    opts: &LoadOptions<'_>,
    lint: bool,
    counts: bool,
) -> anyhow::Result<()> {
    let problems = match ingest::load_cases_with(paths, opts) {
        Ok(cases) => {
            let problems = ingest::library::variant_problems(&cases);
            if problems.is_empty() {
                println!("{} case(s) OK", cases.len());
                let all = || cases.iter().map(|c| &c.case);
                let mut failed = false;
                if lint {
                    let cues = ingest::library::McqCues::of(all());
                    println!("{}", cues.report());
                    failed = !cues.passes();
                }
                if counts {
                    print!("{}", ingest::library::counts_report(all()));
                }
                if failed {
                    bail!(
                        "the MCQs lean on an answer cue above {:.0} %",
                        100.0 * ingest::library::CUE_LIMIT
                    );
                }
                return Ok(());
            }
            problems
        }
        Err(problems) => problems,
    };
    println!("{}", ingest::Problems(problems.clone()));
    bail!("{} problem(s) found", problems.len())
}

/// Rank cases by the one case search ([`crate::search`]): every word of the query must be
/// found (id, title, specialty, question, options, vignette, red flags, source; any order),
/// whole-word hits first. A query that is exactly a case's id or alias shows that case alone.
pub fn rank(cases: Vec<Case>, query: Option<&str>) -> Vec<Case> {
    let Some(q) = query.map(str::trim).filter(|q| !q.is_empty()) else {
        return cases;
    };
    let exact = cases
        .iter()
        .position(|c| c.id.as_str() == q)
        .or_else(|| cases.iter().position(|c| c.is_named(q)));
    if let Some(exact) = exact {
        // An exact id selects that case alone.
        return cases.into_iter().skip(exact).take(1).collect();
    }
    let order: Vec<usize> = crate::search::rank_cases(&cases, q)
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    let mut slots: Vec<Option<Case>> = cases.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn print_cases(cases: &[Case], format: OutputFormat) -> anyhow::Result<()> {
    match format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(cases)?),
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            w.write_record(["id", "title", "specialty", "incidence", "task", "question"])?;
            for c in cases {
                w.write_record([
                    c.id.as_str(),
                    &c.title,
                    c.specialty.as_str(),
                    c.incidence.map(|i| i.as_str()).unwrap_or("unset"),
                    c.task.kind().as_str(),
                    &c.question,
                ])?;
            }
            w.flush().context("writing CSV to stdout")?;
        }
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = cases
                .iter()
                .map(|c| {
                    vec![
                        c.id.to_string(),
                        table::clip(&c.title, 40),
                        c.specialty.to_string(),
                        c.incidence
                            .map(|i| i.to_string())
                            .unwrap_or_else(|| "unset".into()),
                        c.task.kind().to_string(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(&["id", "title", "specialty", "incidence", "task"], &rows)
            );
            println!("{} case(s)", cases.len());
        }
    }
    Ok(())
}
