//! Throughput of `strip_run` over the 60 fixture traces (../shared/fixtures),
//! reported by criterion as bytes/s on one core. Skips with a note when the
//! fixtures are absent. Run: `cargo bench --bench strip`.

use blindstep::strip::{self, AnswerHint};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures");

/// (output, reasoning) of every fixture trace.
fn traces() -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for model in ["DeepSeek-R1", "QwQ-32B"] {
        let path =
            format!("{DIR}/medagents_traces_{model}-pubmedqa-test_hard-zero_shot_first10.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(serde_json::Value::Array(rows)) = serde_json::from_str(&text) else {
            continue;
        };
        for r in rows {
            if let Some(c) = r["completion"].as_str() {
                out.push((c.to_string(), None));
            }
        }
    }
    if let Ok(text) =
        std::fs::read_to_string(format!("{DIR}/medrbench_treatment_dev20_traces.jsonl"))
    {
        for line in text.lines() {
            let Ok(r) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if let Some(c) = r["output"]["content"].as_str() {
                let thinking = r["output"]["thinking_process"].as_str().map(str::to_string);
                out.push((c.to_string(), thinking));
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let traces = traces();
    if traces.is_empty() {
        eprintln!("note: fixtures not found under {DIR}; nothing to benchmark");
        return;
    }
    let bytes: usize = traces
        .iter()
        .map(|(o, r)| o.len() + r.as_ref().map_or(0, String::len))
        .sum();
    let mut group = c.benchmark_group("strip");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("strip_run/fixture_traces", |b| {
        b.iter(|| {
            for (o, r) in &traces {
                black_box(strip::strip_run(
                    black_box(o),
                    r.as_deref(),
                    AnswerHint::Any,
                ));
            }
        })
    });
    // Every byte segmented: each field as a plain chain (thinking included).
    group.bench_function("strip_run/every_field_as_chain", |b| {
        b.iter(|| {
            for (o, r) in &traces {
                black_box(strip::strip_run(black_box(o), None, AnswerHint::Any));
                if let Some(r) = r {
                    black_box(strip::strip_run("", Some(r), AnswerHint::Any));
                }
            }
        })
    });
    group.bench_function("strip_text/fixture_traces", |b| {
        b.iter(|| {
            for (o, r) in &traces {
                black_box(strip::strip_text(black_box(o)));
                if let Some(r) = r {
                    black_box(strip::strip_text(r));
                }
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
