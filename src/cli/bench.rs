//! `blindstep bench review|import|repack|profile`: print performance figures beside their targets.

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Keypress → verdict committed → frame drawn, and frame render, on a generated study.
    Review {
        #[arg(long, default_value_t = 10_000)]
        items: usize,
        #[arg(long, default_value_t = 2_000)]
        keys: usize,
    },
    /// Case import per format: a MedQA-sized question file (1,273 questions by default), an
    /// AgentClinic OSCE file (1,000 records) and a MedR-Bench file read through the shipped
    /// mapping (957 records). Parse and import seconds for each.
    Import {
        /// MedQA questions (0 skips this format).
        #[arg(long, default_value_t = 1273)]
        questions: usize,
        /// MedQA JSONL whose records are used as templates.
        #[arg(long)]
        template: Option<PathBuf>,
        /// AgentClinic OSCE records (0 skips this format).
        #[arg(long, default_value_t = 1000)]
        agentclinic: usize,
        /// AgentClinic OSCE JSONL (`OSCE_Examination` per line) whose records are used as
        /// templates.
        #[arg(long)]
        agentclinic_template: Option<PathBuf>,
        /// MedR-Bench records (0 skips this format).
        #[arg(long, default_value_t = 957)]
        medrbench: usize,
        /// MedR-Bench cases (JSONL, or the upstream object keyed by PMC id) used as templates,
        /// e.g. ../shared/fixtures/medrbench_treatment_dev20_cases.jsonl with
        /// `--medrbench-mapping treatment`.
        #[arg(long)]
        medrbench_template: Option<PathBuf>,
        /// The shipped mapping the MedR-Bench records go through.
        #[arg(long, value_enum, default_value = "diagnosis")]
        medrbench_mapping: MedrMappingArg,
    },
    /// A GGUF file loaded the default way (repacked) against candle's own model with the
    /// file's kernels: largest logit difference, greedy agreement, decode speed.
    Repack {
        model: PathBuf,
        /// Greedy tokens decoded per prompt.
        #[arg(long, default_value_t = 128)]
        decode: usize,
    },
    /// Where one decode step's time goes on the lean llama (GGUF or llama safetensors):
    /// milliseconds per token for each operation.
    Profile {
        model: PathBuf,
        /// Greedy decode steps profiled (after the first bench prompt).
        #[arg(long, default_value_t = 64)]
        decode: usize,
        /// Safetensors weights: the dtype to run them in.
        #[arg(long, default_value = "auto")]
        dtype: crate::inference::DTypeChoice,
        /// Profile the prompt pass (prefill) instead: milliseconds per prompt token.
        #[arg(long)]
        prefill: bool,
    },
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    if cfg!(debug_assertions) {
        eprintln!(
            "note: this is a debug build; run `cargo run --release -- bench ...` for real figures"
        );
    }
    match args.command {
        BenchCommand::Review { items, keys } => {
            let f = crate::bench::review::run(items, keys)?;
            println!(
                "review bench: {} items in a real database file, {} keypresses",
                f.items, f.keypresses
            );
            println!(
                "keypress -> verdict committed -> frame drawn: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (target p99 <= 8 ms: {})",
                f.key_p50,
                f.key_p99,
                f.key_max,
                verdict(f.key_p99 <= 8.0)
            );
            println!(
                "frame render, item with 2 x 300 steps, 160x48: p50 {:.3} ms, p99 {:.3} ms; 80x24 p99 {:.3} ms (target <= 2 ms: {})",
                f.render_p50,
                f.render_p99,
                f.render_small_p99,
                verdict(f.render_p99 <= 2.0 && f.render_small_p99 <= 2.0)
            );
        }
        BenchCommand::Import {
            questions,
            template,
            agentclinic,
            agentclinic_template,
            medrbench,
            medrbench_template,
            medrbench_mapping,
        } => {
            use crate::bench::import;
            let read = |p: Option<PathBuf>| {
                p.map(|p| {
                    std::fs::read_to_string(&p)
                        .with_context(|| format!("reading the template {}", p.display()))
                })
                .transpose()
            };
            if questions > 0 {
                let t = read(template)?;
                let f = import::medqa(questions, t.as_deref())?;
                println!(
                    "import bench: {} MedQA questions ({:.1} MB): parse {:.3} s + import {:.3} s = {:.3} s (target < 1 s: {})",
                    f.questions,
                    f.bytes as f64 / 1e6,
                    f.parse_s,
                    f.import_s,
                    f.parse_s + f.import_s,
                    verdict(f.parse_s + f.import_s < 1.0)
                );
            }
            if agentclinic > 0 {
                let t = read(agentclinic_template)?;
                let f = import::agentclinic(agentclinic, t.as_deref())?;
                println!(
                    "import bench: {} AgentClinic OSCE cases, --format auto ({:.1} MB): parse {:.3} s + import {:.3} s = {:.3} s",
                    f.questions,
                    f.bytes as f64 / 1e6,
                    f.parse_s,
                    f.import_s,
                    f.parse_s + f.import_s,
                );
            }
            if medrbench > 0 {
                let which = match medrbench_mapping {
                    MedrMappingArg::Diagnosis => import::MedrMapping::Diagnosis,
                    MedrMappingArg::Treatment => import::MedrMapping::Treatment,
                };
                let t = read(medrbench_template)?;
                let f = import::medrbench(medrbench, t.as_deref(), which)?;
                println!(
                    "import bench: {} MedR-Bench cases through {} ({:.1} MB): parse {:.3} s + import {:.3} s = {:.3} s",
                    f.questions,
                    which.path(),
                    f.bytes as f64 / 1e6,
                    f.parse_s,
                    f.import_s,
                    f.parse_s + f.import_s,
                );
            }
        }
        BenchCommand::Profile {
            model,
            decode,
            dtype,
            prefill,
        } => {
            let p = crate::bench::profile::run(&model, decode, dtype, prefill)?;
            println!(
                "{} profile: {} ({}), {} prompt tokens, {} thread(s)",
                if prefill { "prefill" } else { "decode" },
                model.display(),
                p.quantization,
                p.prompt_tokens,
                crate::inference::device::effective_threads()
            );
            print!("{}", crate::bench::profile::render(&p));
        }
        BenchCommand::Repack { model, decode } => {
            let f = crate::bench::repack::run(&model, decode)?;
            println!("repack bench: {} ({})", model.display(), f.quantization);
            for (i, p) in f.prompts.iter().enumerate() {
                println!(
                    "prompt {} ({} tokens): largest logit difference {:.6}; greedy {} tokens {}; decode {:.1} tok/s file kernels, {:.1} tok/s repacked",
                    i + 1,
                    p.prompt_tokens,
                    p.largest_logit_difference,
                    p.decoded,
                    if p.identical {
                        "identical".to_string()
                    } else {
                        format!("differ after {} characters", p.common_chars)
                    },
                    p.file_kernels_tok_s,
                    p.repacked_tok_s
                );
            }
        }
    }
    Ok(())
}

/// `--medrbench-mapping`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MedrMappingArg {
    /// assets/mappings/medrbench-diagnosis.toml
    Diagnosis,
    /// assets/mappings/medrbench-treatment.toml
    Treatment,
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}
