//! `blindstep generate`: run a registered model (local GGUF / safetensors
//! with candle, or an OpenAI-compatible endpoint) on cases and store each
//! finished case at once as a run with full provenance and its chain.
//! Re-running skips cases already done with the same settings (`--force`
//! redoes them); Ctrl-C stops after saving what is finished.

use super::Global;
use crate::domain::{Case, Model, ModelSource, RunId};
use crate::inference::device::reexec_for_threads;
use crate::inference::{DeviceChoice, Generation, GenerationConfig, load_prompt_template};
use crate::storage::Store;
use crate::workflow::generation::{
    BatchSpec, CaseError, Engine, GenerationSink, OpenOptions, open_generator, run_batch,
    settings_key,
};
use anyhow::bail;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::ops::ControlFlow;

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The registered model to run.
    #[arg(long)]
    pub model: String,
    /// Cases: comma-separated exact ids (an alias of a renamed case counts as its id).
    #[arg(long, conflicts_with = "all")]
    pub cases: Option<String>,
    /// Cases whose text has every word of TEXT (id, title, question, options, vignette).
    #[arg(long = "match", value_name = "TEXT", conflicts_with = "all")]
    pub matching: Option<String>,
    /// Every case in the database.
    #[arg(long, required_unless_present_any = ["cases", "matching"])]
    pub all: bool,
    /// Print the plan (model, settings, chosen cases) and exit without generating.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub sampling: super::sampling::SamplingArgs,
    #[arg(long, default_value_t = 64)]
    pub repeat_last_n: usize,
    /// Extra stop strings (repeatable).
    #[arg(long)]
    pub stop: Vec<String>,
    /// Redo cases that already have a run with these settings.
    #[arg(long)]
    pub force: bool,
    /// At most this many steps per chain (adjacent steps are merged, nothing dropped).
    #[arg(long, default_value_t = crate::strip::DEFAULT_MAX_STEPS)]
    pub max_steps: usize,
    /// Endpoints: requests in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Endpoints: seconds before a request is abandoned (then retried).
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
    /// Endpoints: retries on 429, 5xx, timeouts and connection errors.
    #[arg(long, default_value_t = 3)]
    pub retries: u32,
    /// Endpoints: the environment variable holding the API key.
    #[arg(long, default_value = "OPENAI_API_KEY")]
    pub api_key_env: String,
    /// Endpoints: the served model id (default: from `URL#id`, else the registered name).
    #[arg(long)]
    pub served_model: Option<String>,
}

fn interrupted() -> &'static Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        // A second Ctrl-C while waiting on the finishing case exits at once.
        let _ = ctrlc::set_handler(move || {
            if f.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
        flag
    })
}

/// The chosen cases, in the store's order: `--cases` exact ids, `--match` search, or all.
pub fn select_cases(
    all_cases: Vec<Case>,
    ids: Option<&str>,
    matching: Option<&str>,
) -> anyhow::Result<Vec<Case>> {
    let chosen = crate::select::select(&all_cases, ids, matching)?;
    let chosen: std::collections::HashSet<_> = chosen.into_iter().collect();
    Ok(all_cases
        .into_iter()
        .filter(|c| chosen.contains(&c.id))
        .collect())
}

fn config(args: &GenerateArgs) -> GenerationConfig {
    GenerationConfig {
        repeat_last_n: args.repeat_last_n,
        stop: args.stop.clone(),
        ..args.sampling.config()
    }
}

fn progress(len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:30} {pos}/{len} cases · {msg} · {elapsed_precise} elapsed · ETA {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// The terminal front end of a batch: a progress bar, Ctrl-C as the stop, a failed save
/// or prompt aborts (the error is returned), a failed generation is counted and reported.
struct CliSink<'a> {
    bar: ProgressBar,
    flag: &'a AtomicBool,
    /// Pieces of the current case and when it started, for the live rate.
    pieces: usize,
    started: Instant,
    abort: Option<anyhow::Error>,
}

impl CliSink<'_> {
    /// One more piece of `case`'s text: every 16th (and the first) redraws the message.
    fn piece(&mut self, case: &str) {
        self.pieces += 1;
        if self.pieces == 1 || self.pieces.is_multiple_of(16) {
            self.bar.set_message(live_message(
                case,
                self.pieces,
                self.started.elapsed().as_secs_f64(),
            ));
        }
    }
}

fn tokens_word(n: u64) -> &'static str {
    if n == 1 { "token" } else { "tokens" }
}

/// The progress bar while a case generates: `bs-0038 · 57 tokens · ~24.0 tok/s`. The
/// count is of streamed pieces, one per token (a token that ends inside a character, or
/// inside what may be a stop string, arrives with the next one), hence the `~` on the rate.
pub fn live_message(case: &str, pieces: usize, elapsed_s: f64) -> String {
    let rate = pieces as f64 / elapsed_s.max(1e-9);
    format!(
        "{case} · {pieces} {} · ~{rate:.1} tok/s",
        tokens_word(pieces as u64)
    )
}

/// The progress bar after a case is saved: the engine's own token count and rate.
pub fn done_message(case: &str, tokens: u64, tokens_per_second: f64) -> String {
    format!(
        "{case} · {tokens} {} · {tokens_per_second:.1} tok/s",
        tokens_word(tokens)
    )
}

impl GenerationSink for CliSink<'_> {
    fn stop_requested(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    fn case_started(&mut self, case: &Case) {
        self.bar.set_message(format!("{} …", case.id));
        self.pieces = 0;
        self.started = Instant::now();
    }

    fn token(&mut self, case: &Case, _text: &str) -> ControlFlow<()> {
        self.piece(case.id.as_str());
        ControlFlow::Continue(())
    }

    fn saved(&mut self, case: &Case, _run: RunId, g: &Generation) {
        self.bar.set_message(done_message(
            case.id.as_str(),
            g.completion_tokens,
            g.tokens_per_second,
        ));
        self.bar.inc(1);
    }

    fn failed(&mut self, case: &Case, error: CaseError) -> ControlFlow<()> {
        match error {
            CaseError::Generate(e) => {
                self.bar.println(format!("case {}: {e}", case.id));
                self.bar.inc(1);
                ControlFlow::Continue(())
            }
            CaseError::Prompt(e) => {
                self.abort = Some(anyhow::Error::new(e).context(format!("case {}", case.id)));
                ControlFlow::Break(())
            }
            CaseError::Save(e) => {
                self.abort = Some(
                    anyhow::Error::new(e).context(format!("saving the run of case {}", case.id)),
                );
                ControlFlow::Break(())
            }
        }
    }
}

pub fn run(args: GenerateArgs, global: &Global) -> anyhow::Result<()> {
    let mut store = global.open_store()?;
    let model = store.model(&args.model)?;
    // Installed before any re-exec, so Ctrl-C leaves this process waiting
    // for the child to save its finished case.
    let flag = interrupted();
    if let (ModelSource::Local(_), Some(n), DeviceChoice::Cpu) =
        (&model.source, args.sampling.threads, args.sampling.device)
        && let Some(status) = reexec_for_threads(n)?
    {
        if status.success() {
            return Ok(());
        }
        bail!("generation with {n} threads failed ({status})");
    }
    let cases = if args.all {
        store.all_cases()?
    } else {
        select_cases(
            store.all_cases()?,
            args.cases.as_deref(),
            args.matching.as_deref(),
        )?
    };
    let ids: Vec<_> = cases.iter().map(|c| c.id.clone()).collect();
    eprintln!("selected {}", crate::select::describe(&ids));
    let cfg = config(&args);
    cfg.validate()?;
    if args.dry_run {
        let source = match &model.source {
            ModelSource::OutputsOnly => "outputs only (nothing to run)".to_string(),
            ModelSource::Local(p) => format!("local {}", p.display()),
            ModelSource::Endpoint { base, served } => format!("endpoint {base} (model {served})"),
        };
        println!("dry run: model {:?} ({source})", model.name);
        println!(
            "settings: max_tokens {} · temperature {} · top_p {} · top_k {} · seed {}{}",
            cfg.max_tokens,
            cfg.temperature,
            cfg.top_p.map_or("-".into(), |p| p.to_string()),
            cfg.top_k.map_or("-".into(), |k| k.to_string()),
            cfg.seed,
            if args.force { " · --force" } else { "" }
        );
        println!("{}", crate::select::describe(&ids));
        for c in &cases {
            println!("  {}  {}", c.id, c.title);
        }
        println!(
            "nothing generated (cases already run with the same settings are skipped on a real run)"
        );
        return Ok(());
    }
    let template = load_prompt_template(args.sampling.prompt_template.as_deref())?;
    let opts = OpenOptions {
        device: args.sampling.device,
        dtype: args.sampling.dtype,
        threads: args.sampling.threads,
        api_key_env: args.api_key_env.clone(),
        timeout: Duration::from_secs(args.timeout),
        retries: args.retries,
        served_model: args.served_model.clone(),
        concurrency: Some(args.concurrency),
    };
    if let ModelSource::Local(path) = &model.source {
        eprintln!("loading {} …", path.display());
    }
    let mut engine = open_generator(&model, &opts)?;
    let identity = engine.identity().clone();
    let key = settings_key(&identity, &cfg, &template);
    let todo = pending(&store, &model, cases, &key, args.force)?;
    match &engine {
        Engine::Sequential(_) => eprintln!(
            "{} {} · {} · {} · {} thread(s) · {} case(s) to run",
            identity.architecture,
            identity.quantization.as_deref().unwrap_or("?"),
            identity.device,
            identity.location,
            identity.threads.unwrap_or(0),
            todo.len()
        ),
        Engine::Pooled { concurrency, .. } => eprintln!(
            "{} at {} · {} case(s) to run, {concurrency} at a time",
            identity.architecture,
            identity.location,
            todo.len(),
        ),
    }
    let spec = BatchSpec {
        model: &model,
        cfg: &cfg,
        template: &template,
        via: "generate",
        max_steps: args.max_steps,
    };
    let mut sink = CliSink {
        bar: progress(todo.len()),
        flag,
        pieces: 0,
        started: Instant::now(),
        abort: None,
    };
    let outcome = run_batch(&mut engine, &mut store, &spec, &todo, &mut sink);
    sink.bar.finish_and_clear();
    if let Some(e) = sink.abort {
        return Err(e);
    }
    report(
        outcome.saved,
        outcome.failed,
        todo.len(),
        flag.load(Ordering::SeqCst),
    )
}

fn pending(
    store: &Store,
    model: &Model,
    cases: Vec<Case>,
    key: &str,
    force: bool,
) -> anyhow::Result<Vec<Case>> {
    let total = cases.len();
    let mut todo = Vec::new();
    for c in cases {
        if force
            || store
                .find_run_with_settings(model.id, &c.id, key)?
                .is_none()
        {
            todo.push(c);
        }
    }
    if todo.len() < total {
        eprintln!(
            "{} case(s) already done with these settings (use --force to redo)",
            total - todo.len()
        );
    }
    Ok(todo)
}

fn report(done: usize, failed: usize, planned: usize, interrupted: bool) -> anyhow::Result<()> {
    let stopped = if interrupted {
        " (interrupted; finished cases are saved)"
    } else {
        ""
    };
    eprintln!(
        "{done} run(s) saved, {failed} failed, {} not run{stopped}",
        planned - done - failed
    );
    if failed > 0 {
        bail!("{failed} case(s) failed");
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_the_case_its_tokens_so_far_and_the_rate() {
        assert_eq!(
            live_message("bs-0038", 57, 2.375),
            "bs-0038 · 57 tokens · ~24.0 tok/s"
        );
        assert_eq!(
            live_message("bs-0001", 1, 0.5),
            "bs-0001 · 1 token · ~2.0 tok/s"
        );
        assert_eq!(
            done_message("bs-0038", 412, 23.96),
            "bs-0038 · 412 tokens · 24.0 tok/s"
        );
    }

    #[test]
    fn the_sink_counts_every_piece_and_redraws_every_sixteenth() {
        let flag = AtomicBool::new(false);
        let mut sink = CliSink {
            bar: ProgressBar::hidden(),
            flag: &flag,
            pieces: 0,
            started: Instant::now(),
            abort: None,
        };
        sink.piece("bs-0038");
        assert!(sink.bar.message().starts_with("bs-0038 · 1 token · ~"));
        for _ in 1..40 {
            sink.piece("bs-0038");
        }
        assert_eq!(sink.pieces, 40);
        assert!(
            sink.bar.message().starts_with("bs-0038 · 32 tokens · ~"),
            "{}",
            sink.bar.message()
        );
    }
}
