//! `blindstep tally`: the study's tally as a table, JSON, tidy CSV rows, or the tally screen.
//! Before unblinding it shows progress and agreement only.

use super::{Global, OutputFormat};
use crate::export::tally_study;
use crate::stats::{BootstrapConfig, SignificanceLevel};
use crate::tally::{GroupBy, TallyConfig, render_table, tally_rows};
use clap::Args;

#[derive(Debug, Args)]
pub struct TallyArgs {
    /// The study to tally.
    #[arg(long)]
    pub study: String,
    /// Subgroup breakdowns besides the overall one (repeat or comma-separate).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub by: Vec<GroupBy>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,
    /// Override the significance level the study plan fixed at `study create` (the tally
    /// and the methods paragraph then say it was overridden).
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Bootstrap replicates for the cluster and Krippendorff intervals.
    #[arg(long, default_value_t = 1000)]
    pub replicates: usize,
    /// Bootstrap seed (the same seed always prints the same intervals).
    #[arg(long, default_value_t = BootstrapConfig::DEFAULT_SEED)]
    pub seed: u64,
    /// Open the tally screen (every subgroup, ←/→ to walk them).
    #[arg(long)]
    pub tui: bool,
    /// Print the methods paragraph (definitions, tie rule, intervals, tests, α, versions).
    #[arg(long, conflicts_with = "tui")]
    pub methods: bool,
}

pub fn run(args: TallyArgs, global: &Global) -> anyhow::Result<()> {
    let store = global.open_store()?;
    let by = if args.tui {
        GroupBy::ALL.to_vec()
    } else {
        args.by.clone()
    };
    let config = TallyConfig {
        alpha: args.alpha.map(SignificanceLevel::new).transpose()?,
        bootstrap: BootstrapConfig {
            replicates: args.replicates,
            seed: args.seed,
            ..BootstrapConfig::default()
        },
        by,
    };
    let t = tally_study(&store, &args.study, &config)?;
    if args.methods {
        print!("{}", crate::tally::render_methods(&t));
        return Ok(());
    }
    if args.tui {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        return Ok(crate::tui::tally::run(t, no_color)?);
    }
    match args.format {
        OutputFormat::Table => print!("{}", render_table(&t)),
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&t)?),
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout().lock());
            for row in tally_rows(&t) {
                w.serialize(row)?;
            }
            w.flush()?;
        }
    }
    Ok(())
}
