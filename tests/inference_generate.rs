//! `generate` end to end on a temporary database: a tiny GGUF written by the
//! test and a loopback OpenAI-compatible server; every finished case is stored
//! with provenance and a chain, and re-running skips what is done.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod inference_common;

use blindstep::cli::Global;
use blindstep::cli::generate::{GenerateArgs, run};
use blindstep::cli::sampling::SamplingArgs;
use blindstep::domain::{Case, CaseId, ModelSource, Role, Specialty, Task};
use blindstep::inference::DeviceChoice;
use blindstep::ingest::LoadedCase;
use blindstep::storage::{ImportMode, NewModel, Store};
use inference_common::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

fn case(id: &str) -> LoadedCase {
    let mut options = BTreeMap::new();
    options.insert("A".to_string(), "Migraine".to_string());
    options.insert("B".to_string(), "Subarachnoid haemorrhage".to_string());
    LoadedCase {
        case: Case {
            id: CaseId::new(id),
            title: format!("Headache {id}"),
            specialty: Specialty::Neurology,
            incidence: None,
            vignette: "A 47-year-old woman has a sudden severe headache.".into(),
            question: "What is the most likely diagnosis?".into(),
            task: Task::Mcq {
                options,
                answer: "B".into(),
            },
            red_flags: vec![],
            must_not_miss: vec!["Subarachnoid haemorrhage".into()],
            priority: vec!["Subarachnoid haemorrhage".into(), "Migraine".into()],
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

fn args(model: &str, force: bool) -> GenerateArgs {
    GenerateArgs {
        model: model.into(),
        cases: None,
        matching: None,
        all: true,
        dry_run: false,
        sampling: SamplingArgs {
            max_tokens: 12,
            temperature: 0.0,
            top_p: None,
            top_k: None,
            repeat_penalty: 1.1,
            seed: 1,
            threads: None,
            device: DeviceChoice::Cpu,
            dtype: Default::default(),
            prompt_template: None,
        },
        repeat_last_n: 64,
        stop: vec![],
        force,
        max_steps: 30,
        concurrency: 2,
        timeout: 5,
        retries: 0,
        api_key_env: "BLINDSTEP_TEST_NO_KEY".into(),
        served_model: None,
    }
}

fn setup(db: &Path, source: ModelSource) {
    let mut store = Store::open(db).unwrap();
    store
        .import_cases(&[case("c-1"), case("c-2")], ImportMode::Refuse)
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
}

#[test]
fn local_generate_stores_runs_and_skips_done_cases() {
    let dir = tempfile::tempdir().unwrap();
    let gguf = dir.path().join("tiny.gguf");
    write_tiny_gguf(&gguf, &GgufSpec::default());
    let db = dir.path().join("t.db");
    setup(&db, ModelSource::Local(gguf.clone()));
    let global = Global {
        db: Some(db.clone()),
        env_db: None,
    };

    run(args("m", false), &global).unwrap();
    let store = Store::open(&db).unwrap();
    let runs = store.list_runs(Some("m"), None).unwrap();
    assert_eq!(runs.len(), 2);
    let run0 = store.run(runs[0].id).unwrap();
    let p = &run0.provenance;
    assert_eq!(p.origin, "candle");
    assert_eq!(p.architecture.as_deref(), Some("llama"));
    assert_eq!(p.model_sha256.as_ref().map(String::len), Some(64));
    assert!(
        p.rendered_prompt
            .as_deref()
            .unwrap()
            .contains("<|im_start|>user\nA 47-year-old")
    );
    assert!(p.prompt_template.as_deref().unwrap().contains("block user"));
    assert_eq!(p.sampling.temperature, Some(0.0));
    assert_eq!(p.device.as_deref(), Some("cpu"));
    assert!(p.threads.unwrap() >= 1);
    assert!(p.completion_tokens.unwrap() > 0);
    assert!(
        store.latest_chain_of_run(run0.id).unwrap().is_some(),
        "every run gets its chain"
    );
    drop(store);

    // Same settings: nothing new. Greedy output is the same, so --force
    // stores identical runs, which the store de-duplicates.
    run(args("m", false), &global).unwrap();
    assert_eq!(
        Store::open(&db)
            .unwrap()
            .list_runs(Some("m"), None)
            .unwrap()
            .len(),
        2
    );
    let mut other = args("m", false);
    other.sampling.max_tokens = 6;
    run(other, &global).unwrap();
    assert_eq!(
        Store::open(&db)
            .unwrap()
            .list_runs(Some("m"), None)
            .unwrap()
            .len(),
        4
    );
}

/// A one-shot loopback server answering every request with `body`.
fn serve(body: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
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
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    url
}

#[test]
fn endpoint_generate_keeps_reasoning() {
    let url = serve(
        r#"{"model":"m","choices":[{"message":{"content":"Final answer: B","reasoning_content":"Step 1: Thunderclap onset suggests subarachnoid haemorrhage."},"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":12}}"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    setup(&db, ModelSource::endpoint(&format!("{url}#served-id"), "m"));
    let global = Global {
        db: Some(db.clone()),
        env_db: None,
    };
    run(args("m", false), &global).unwrap();
    let store = Store::open(&db).unwrap();
    let runs = store.list_runs(Some("m"), None).unwrap();
    assert_eq!(runs.len(), 2);
    let r = store.run(runs[0].id).unwrap();
    assert_eq!(r.output, "Final answer: B");
    assert!(r.reasoning.as_deref().unwrap().contains("Thunderclap"));
    assert_eq!(r.provenance.origin, "openai");
    assert_eq!(r.provenance.architecture.as_deref(), Some("served-id"));
    assert_eq!(runs[0].answer.as_deref(), Some("B"));
}
