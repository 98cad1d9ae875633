//! `blindstep lab`: the researcher screens (pick cases, run a model with streaming output,
//! inspect runs raw vs stripped). Parses the options, fixes candle's thread count (which
//! can only be set before the process starts), and hands over to [`crate::lab`].

use super::Global;
use crate::inference::device::{effective_threads, reexec_for_threads};
use crate::inference::{DeviceChoice, GenerationConfig, load_prompt_template};
use crate::lab::engine::load_generator;
use crate::lab::{Action, LabApp, SettingsForm, Worker, run_lab};
use anyhow::{Context, bail};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct LabArgs {
    /// Start with this text in the case picker's query.
    #[arg(long)]
    pub query: Option<String>,
    /// Preselect this registered model in the settings.
    #[arg(long)]
    pub model: Option<String>,
    #[arg(long, default_value_t = 1024)]
    pub max_tokens: usize,
    /// 0 = greedy (deterministic).
    #[arg(long, default_value_t = 0.0)]
    pub temperature: f64,
    #[arg(long)]
    pub top_p: Option<f64>,
    #[arg(long)]
    pub top_k: Option<usize>,
    /// 1.0 disables it.
    #[arg(long, default_value_t = 1.1)]
    pub repeat_penalty: f32,
    #[arg(long, default_value_t = 299_792_458)]
    pub seed: u64,
    /// CPU threads for local models, fixed for the session (default: candle's choice).
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long, default_value = "cpu")]
    pub device: DeviceChoice,
    /// A prompt template (Jinja with `system` and `user` blocks) instead of the shipped one.
    #[arg(long)]
    pub prompt_template: Option<PathBuf>,
    /// Draw without colour (also when `NO_COLOR` is set).
    #[arg(long)]
    pub no_color: bool,
}

pub fn run(args: LabArgs, global: &Global) -> anyhow::Result<()> {
    if let Some(n) = args.threads {
        if n == 0 {
            bail!("--threads must be >= 1");
        }
        if let Some(status) = reexec_for_threads(n)? {
            if status.success() {
                return Ok(());
            }
            bail!("the lab with {n} threads failed ({status})");
        }
    }
    let store = global.open_store()?;
    let cases = store.all_cases().context("reading the cases")?;
    let models = store.models().context("reading the models")?;
    let template = load_prompt_template(args.prompt_template.as_deref())?;
    let cfg = GenerationConfig {
        max_tokens: args.max_tokens,
        temperature: args.temperature,
        top_p: args.top_p,
        top_k: args.top_k,
        repeat_penalty: args.repeat_penalty,
        seed: args.seed,
        ..GenerationConfig::default()
    };
    cfg.validate()?;
    let mut settings = SettingsForm::new(&cfg, effective_threads(), args.device);
    if let Some(name) = &args.model {
        settings.model = models
            .iter()
            .position(|m| &m.name == name)
            .with_context(|| format!("no model named {name:?} is registered"))?;
    }
    let mut app = LabApp::new(cases, models, settings, (80, 24));
    app.no_color = args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    for c in args.query.as_deref().unwrap_or("").chars() {
        app.update(Action::TypeQuery(c));
    }
    let worker = Worker::spawn(
        store.path().to_path_buf(),
        template,
        Box::new(load_generator),
    )?;
    run_lab(app, &store, worker)
}
