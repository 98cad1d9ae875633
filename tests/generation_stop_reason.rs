//! Truncation is recorded: a run that stops at `max_tokens` carries
//! `extra.stop_reason = "max_tokens"` in its stored provenance on every path — a local GGUF,
//! an endpoint answering whole (`finish_reason: "length"`, or `"stop"` / no reason with
//! every allowed token used) and an endpoint streaming server-sent events — and a run that
//! ended by itself does not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod inference_common;

use blindstep::cli::Global;
use blindstep::cli::generate::{GenerateArgs, run};
use blindstep::cli::sampling::SamplingArgs;
use blindstep::domain::{Case, CaseId, ModelSource, Role, Specialty, Task};
use blindstep::inference::DeviceChoice;
use blindstep::ingest::LoadedCase;
use blindstep::storage::{ImportMode, NewModel, Store};
use inference_common::{GgufSpec, write_tiny_gguf};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;

fn case(id: &str) -> LoadedCase {
    LoadedCase {
        case: Case {
            id: CaseId::new(id),
            title: format!("Headache {id}"),
            specialty: Specialty::Neurology,
            incidence: None,
            vignette: "A 47-year-old woman has a sudden severe headache.".into(),
            question: "What is the most likely diagnosis?".into(),
            task: Task::Differential {
                diagnosis: "Subarachnoid haemorrhage".into(),
                synonyms: vec![],
            },
            red_flags: vec![],
            must_not_miss: vec![],
            priority: vec![],
            source: "test".into(),
            licence: "CC0-1.0".into(),
            must_not_miss_synonyms: Default::default(),
            aliases: Vec::new(),
            stage: Default::default(),
            variant_of: None,
        },
        file: PathBuf::from(format!("{id}.toml")),
        line: 1,
    }
}

fn args(max_tokens: usize) -> GenerateArgs {
    GenerateArgs {
        model: "m".into(),
        cases: None,
        matching: None,
        dry_run: false,
        all: true,
        sampling: SamplingArgs {
            max_tokens,
            temperature: 0.0,
            top_p: None,
            top_k: None,
            repeat_penalty: 1.0,
            seed: 1,
            threads: None,
            device: DeviceChoice::Cpu,
            dtype: Default::default(),
            prompt_template: None,
        },
        repeat_last_n: 64,
        stop: vec![],
        force: true,
        max_steps: 30,
        concurrency: 2,
        timeout: 5,
        retries: 0,
        api_key_env: "BLINDSTEP_TEST_NO_KEY".into(),
        served_model: None,
    }
}

/// Runs `generate` on three cases and returns (stop_reason, completion_tokens) per run.
fn generate(source: ModelSource, max_tokens: usize) -> Vec<(String, u64)> {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut store = Store::open(&db).unwrap();
    store
        .import_cases(&[case("c-1"), case("c-2"), case("c-3")], ImportMode::Refuse)
        .unwrap();
    store
        .add_model(&NewModel {
            name: "m".into(),
            role: Role::Student,
            source,
            tokenizer: None,
            chat_template: None,
            label: None,
        })
        .unwrap();
    drop(store);
    let global = Global {
        db: Some(db.clone()),
        env_db: None,
    };
    run(args(max_tokens), &global).unwrap();
    let store = Store::open(&db).unwrap();
    let runs = store.list_runs(Some("m"), None).unwrap();
    assert_eq!(runs.len(), 3);
    runs.iter()
        .map(|r| {
            let p = store.run(r.id).unwrap().provenance;
            (
                p.extra["stop_reason"].as_str().unwrap().to_string(),
                p.completion_tokens.unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_local_run_cut_at_max_tokens_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let gguf = dir.path().join("tiny.gguf");
    write_tiny_gguf(&gguf, &GgufSpec::default());
    let runs = generate(ModelSource::Local(gguf), 2);
    assert!(runs.iter().any(|(_, n)| *n == 2), "{runs:?}");
    for (reason, n) in &runs {
        if *n == 2 {
            assert_eq!(reason, "max_tokens", "{runs:?}");
        } else {
            assert_ne!(reason, "max_tokens", "{runs:?}");
        }
    }
}

/// A loopback server answering every request with `body` as `content_type`.
fn serve(content_type: &'static str, body: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(stream) = stream else { break };
            let body = body.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut buf = vec![0; len];
                reader.read_exact(&mut buf).ok();
                let mut out = stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    url
}

fn whole(finish: Option<&str>, tokens: u64) -> String {
    let finish = finish.map_or("null".to_string(), |f| format!("\"{f}\""));
    format!(
        r#"{{"model":"m","choices":[{{"message":{{"content":"Subarachnoid haemorrhage is the most likely"}},"finish_reason":{finish}}}],"usage":{{"prompt_tokens":30,"completion_tokens":{tokens}}}}}"#
    )
}

fn endpoint(url: &str) -> ModelSource {
    ModelSource::endpoint(url, "m")
}

fn reasons(runs: &[(String, u64)]) -> Vec<&str> {
    runs.iter().map(|(r, _)| r.as_str()).collect()
}

#[test]
fn an_endpoint_answer_cut_at_the_limit_says_so() {
    let url = serve("application/json", whole(Some("length"), 8));
    let runs = generate(endpoint(&url), 8);
    assert_eq!(reasons(&runs), ["max_tokens"; 3]);
}

#[test]
fn a_server_that_says_stop_or_nothing_at_the_limit_was_cut() {
    for finish in [Some("stop"), None] {
        let url = serve("application/json", whole(finish, 8));
        let runs = generate(endpoint(&url), 8);
        assert_eq!(reasons(&runs), ["max_tokens"; 3], "{finish:?}");
    }
}

#[test]
fn an_endpoint_answer_that_ended_by_itself_is_not_truncated() {
    let url = serve("application/json", whole(Some("stop"), 5));
    let runs = generate(endpoint(&url), 8);
    assert_eq!(reasons(&runs), ["end_of_sequence"; 3]);
}

#[test]
fn a_streamed_answer_cut_at_the_limit_says_so() {
    let events = [
        r#"{"choices":[{"delta":{"content":"Subarachnoid "}}]}"#.to_string(),
        r#"{"choices":[{"delta":{"content":"haemorrhage"},"finish_reason":"length"}]}"#.to_string(),
        r#"{"choices":[],"usage":{"prompt_tokens":30,"completion_tokens":2}}"#.to_string(),
        "[DONE]".to_string(),
    ];
    let body: String = events.iter().map(|e| format!("data: {e}\n\n")).collect();
    let url = serve("text/event-stream", body);
    let runs = generate(endpoint(&url), 2);
    assert_eq!(reasons(&runs), ["max_tokens"; 3]);
    assert!(runs.iter().all(|(_, n)| *n == 2));
}
