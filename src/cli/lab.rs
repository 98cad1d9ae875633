//! `blindstep lab`: the researcher screens (pick cases, run a model with streaming output,
//! inspect runs raw vs stripped). Parses the options, fixes candle's thread count (which
//! can only be set before the process starts), and hands over to [`crate::lab`].

use super::Global;
use crate::inference::device::{effective_threads, reexec_for_threads};
use crate::inference::load_prompt_template;
use crate::lab::engine::load_generator;
use crate::lab::{Action, LabApp, SettingsForm, Worker, run_lab};
use anyhow::{Context, bail};

#[derive(Debug, clap::Args)]
pub struct LabArgs {
    /// Start with this text in the case picker's query.
    #[arg(long)]
    pub query: Option<String>,
    /// Preselect this registered model in the settings.
    #[arg(long)]
    pub model: Option<String>,
    #[command(flatten)]
    pub sampling: super::sampling::SamplingArgs,
    /// Draw without colour (also when `NO_COLOR` is set).
    #[arg(long)]
    pub no_color: bool,
}

pub fn run(args: LabArgs, global: &Global) -> anyhow::Result<()> {
    if let Some(n) = args.sampling.threads {
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
    let template = load_prompt_template(args.sampling.prompt_template.as_deref())?;
    let cfg = args.sampling.config();
    cfg.validate()?;
    let mut settings = SettingsForm::new(&cfg, effective_threads(), args.sampling.device);
    settings.dtype = args.sampling.dtype;
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
    Ok(run_lab(app, &store, worker)?)
}
