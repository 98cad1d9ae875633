//! `blindstep generate`: run a registered model (local GGUF / safetensors
//! with candle, or an OpenAI-compatible endpoint) on cases and store each
//! finished case at once as a run with full provenance and its chain.
//! Re-running skips cases already done with the same settings (`--force`
//! redoes them); Ctrl-C stops after saving what is finished.

use super::Global;
use crate::domain::{Case, Model, ModelSource};
use crate::inference::device::reexec_for_threads;
use crate::inference::{
    ChatMessage, DeviceChoice, Generation, GenerationConfig, Generator, LoadOptions, ModelIdentity,
    OpenAiClient, OpenAiConfig, StopReason, build_prompt, load_local, load_prompt_template,
    run_concurrent,
};
use crate::storage::Store;
use crate::workflow::generation::{finished_run, settings_key};
use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::ops::ControlFlow;

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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

/// Everything a saved run records besides the generation itself.
struct RunContext<'a> {
    model: &'a Model,
    identity: &'a ModelIdentity,
    cfg: &'a GenerationConfig,
    template: &'a str,
    key: &'a str,
}

fn save(
    store: &mut Store,
    ctx: &RunContext<'_>,
    case: &Case,
    g: &Generation,
) -> anyhow::Result<()> {
    let (run, chain) = finished_run(
        ctx.model,
        case,
        ctx.identity,
        ctx.cfg,
        ctx.template,
        g,
        "generate",
    );
    debug_assert_eq!(run.settings_key.as_deref(), Some(ctx.key));
    store
        .save_run(&run, &chain)
        .with_context(|| format!("saving the run of case {}", case.id))?;
    Ok(())
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
            ModelSource::Endpoint(u) => format!("endpoint {u}"),
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

    match &model.source {
        ModelSource::OutputsOnly => bail!(
            "model {:?} has no local path or endpoint; import its runs with `blindstep runs import`",
            model.name
        ),
        ModelSource::Local(path) => {
            let opts = LoadOptions {
                tokenizer: model.tokenizer.clone(),
                chat_template: model.chat_template.clone(),
                device: args.sampling.device,
                threads: args.sampling.threads,
            };
            eprintln!("loading {} …", path.display());
            let mut generator = load_local(path, &opts)
                .with_context(|| format!("loading model {:?}", model.name))?;
            let identity = generator.identity().clone();
            let key = settings_key(&identity, &cfg, &template);
            let todo = pending(&store, &model, cases, &key, args.force)?;
            let ctx = RunContext {
                model: &model,
                identity: &identity,
                cfg: &cfg,
                template: &template,
                key: &key,
            };
            eprintln!(
                "{} {} · {} · {} · {} thread(s) · {} case(s) to run",
                identity.architecture,
                identity.quantization.as_deref().unwrap_or("?"),
                identity.device,
                identity.location,
                identity.threads.unwrap_or(0),
                todo.len()
            );
            let bar = progress(todo.len());
            let (mut done, mut failed) = (0usize, 0usize);
            for case in &todo {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                bar.set_message(format!("{} …", case.id));
                let messages = build_prompt(case, &template)?;
                let started = std::time::Instant::now();
                let mut pieces = 0usize;
                let result = generator.generate(&messages, &cfg, &mut |_| {
                    pieces += 1;
                    if pieces.is_multiple_of(16) {
                        let rate = pieces as f64 / started.elapsed().as_secs_f64().max(1e-9);
                        bar.set_message(format!("{} · {pieces} tok · {rate:.1} tok/s", case.id));
                    }
                    if flag.load(Ordering::SeqCst) {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                });
                match result {
                    Ok(g) if g.stopped == StopReason::Cancelled => break,
                    Ok(g) => {
                        save(&mut store, &ctx, case, &g)?;
                        done += 1;
                        bar.set_message(format!(
                            "{} done · {} tok · {:.1} tok/s",
                            case.id, g.completion_tokens, g.tokens_per_second
                        ));
                        bar.inc(1);
                    }
                    Err(e) => {
                        failed += 1;
                        bar.println(format!("case {}: {e}", case.id));
                        bar.inc(1);
                    }
                }
            }
            bar.finish_and_clear();
            report(done, failed, todo.len(), flag.load(Ordering::SeqCst))
        }
        ModelSource::Endpoint(url) => {
            let (base, fragment) = match url.split_once('#') {
                Some((b, f)) => (b.to_string(), Some(f.to_string())),
                None => (url.clone(), None),
            };
            let served = args
                .served_model
                .clone()
                .or(fragment)
                .unwrap_or_else(|| model.name.clone());
            let mut oc = OpenAiConfig::new(base, served);
            oc.api_key = std::env::var(&args.api_key_env)
                .ok()
                .filter(|k| !k.is_empty());
            oc.timeout = Duration::from_secs(args.timeout);
            oc.retries = args.retries;
            let client = OpenAiClient::new(oc);
            let identity = client.identity().clone();
            let key = settings_key(&identity, &cfg, &template);
            let todo = pending(&store, &model, cases, &key, args.force)?;
            let ctx = RunContext {
                model: &model,
                identity: &identity,
                cfg: &cfg,
                template: &template,
                key: &key,
            };
            eprintln!(
                "{} at {} · {} case(s) to run, {} at a time",
                identity.architecture,
                identity.location,
                todo.len(),
                args.concurrency
            );
            let jobs = todo
                .iter()
                .map(|c| Ok((c, build_prompt(c, &template)?)))
                .collect::<anyhow::Result<Vec<(&Case, Vec<ChatMessage>)>>>()?;
            let bar = progress(todo.len());
            let (mut done, mut failed) = (0usize, 0usize);
            let mut save_error: Option<anyhow::Error> = None;
            run_concurrent(
                &client,
                jobs,
                &cfg,
                args.concurrency,
                &mut |case, result| {
                    match result {
                        Ok(g) => match save(&mut store, &ctx, case, &g) {
                            Ok(()) => {
                                done += 1;
                                bar.set_message(format!(
                                    "{} · {} tok · {:.1} tok/s",
                                    case.id, g.completion_tokens, g.tokens_per_second
                                ));
                            }
                            Err(e) => {
                                save_error = Some(e);
                                return ControlFlow::Break(());
                            }
                        },
                        Err(e) => {
                            failed += 1;
                            bar.println(format!("case {}: {e}", case.id));
                        }
                    }
                    bar.inc(1);
                    if flag.load(Ordering::SeqCst) {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                },
            );
            bar.finish_and_clear();
            if let Some(e) = save_error {
                return Err(e);
            }
            report(done, failed, todo.len(), flag.load(Ordering::SeqCst))
        }
    }
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
