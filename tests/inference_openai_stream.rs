//! Server-sent-event streaming of the OpenAI-compatible client against a loopback server
//! (std `TcpListener` on 127.0.0.1:0, chunked transfer encoding as vLLM sends it): tokens
//! reach the caller while the answer is still being written, the finish reason and usage
//! of the last chunks are kept, a malformed event fails at once, a stream cut mid-way is
//! retried without repeating what was shown, a server that refuses streaming is asked
//! again whole, and a cancel closes the stream.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::inference::{
    ChatMessage, GenerationConfig, Generator, InferenceError, OpenAiClient, OpenAiConfig,
    StopReason,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What one connection gets.
#[derive(Clone)]
enum Script {
    /// SSE events (each written as one chunk); `cut` closes the connection after that many
    /// events without finishing the body.
    Events {
        events: Vec<String>,
        cut: Option<usize>,
    },
    /// A plain response.
    Plain { status: u16, body: String },
}

struct Server {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
}

/// `gate`: (opened by the client, the server gave up waiting).
type Gate = Option<(Arc<AtomicBool>, Arc<AtomicBool>)>;

fn serve(scripts: Vec<Script>, gate: Gate) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let b = bodies.clone();
    let n = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(stream) = stream else { break };
            let i = n.fetch_add(1, Ordering::SeqCst);
            let script = scripts[i.min(scripts.len() - 1)].clone();
            let (b, gate) = (b.clone(), gate.clone());
            std::thread::spawn(move || handle(stream, script, b, gate));
        }
    });
    Server { url, bodies }
}

fn read_request(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok();
    String::from_utf8_lossy(&body).into_owned()
}

fn handle(mut stream: TcpStream, script: Script, bodies: Arc<Mutex<Vec<String>>>, gate: Gate) {
    bodies.lock().unwrap().push(read_request(&stream));
    match script {
        Script::Plain { status, body } => {
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Script::Events { events, cut } => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            );
            for (i, e) in events.iter().enumerate() {
                if cut == Some(i) {
                    let _ = stream.flush();
                    return; // dropped: the chunked body never ends
                }
                let _ = write!(stream, "{:x}\r\n{e}\r\n", e.len());
                let _ = stream.flush();
                if i == 1
                    && let Some((open, gave_up)) = &gate
                {
                    // Hold the rest back until the client has shown the first text (or
                    // give up after a while, so a buffering client fails instead of hanging).
                    let until = Instant::now() + Duration::from_secs(10);
                    while !open.load(Ordering::SeqCst) {
                        if Instant::now() >= until {
                            gave_up.store(true, Ordering::SeqCst);
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(5));
                    }
                }
            }
            let _ = write!(stream, "0\r\n\r\n");
        }
    }
    let _ = stream.flush();
}

fn event(json: &str) -> String {
    format!("data: {json}\n\n")
}

fn answer_events(finish: &str) -> Vec<String> {
    vec![
        ": keep-alive\n\n".into(),
        event(
            r#"{"model":"served-model","choices":[{"delta":{"role":"assistant","reasoning_content":"Step 1: thunderclap."}}]}"#,
        ),
        event(r#"{"choices":[{"delta":{"content":"Final "}}]}"#),
        event(&format!(
            r#"{{"choices":[{{"delta":{{"content":"answer: B"}},"finish_reason":"{finish}"}}]}}"#
        )),
        event(r#"{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}}"#),
        "data: [DONE]\n\n".into(),
    ]
}

fn client(url: &str, retries: u32) -> OpenAiClient {
    let mut cfg = OpenAiConfig::new(url, "served-model");
    cfg.retries = retries;
    cfg.timeout = Duration::from_secs(20);
    cfg.backoff = Duration::from_millis(10);
    cfg.max_backoff = Duration::from_millis(50);
    OpenAiClient::new(cfg)
}

fn msgs() -> Vec<ChatMessage> {
    vec![ChatMessage::user("Sudden worst headache. Diagnosis?")]
}

fn cfg() -> GenerationConfig {
    GenerationConfig {
        max_tokens: 3,
        ..GenerationConfig::default()
    }
}

#[test]
fn tokens_arrive_while_the_answer_streams() {
    let gate = Arc::new(AtomicBool::new(false));
    let gave_up = Arc::new(AtomicBool::new(false));
    let server = serve(
        vec![Script::Events {
            events: answer_events("length"),
            cut: None,
        }],
        Some((gate.clone(), gave_up.clone())),
    );
    let mut c = client(&server.url, 0);
    let mut pieces: Vec<String> = Vec::new();
    let g = c
        .generate(&msgs(), &cfg(), &mut |p| {
            pieces.push(p.to_string());
            gate.store(true, Ordering::SeqCst);
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(
        !gave_up.load(Ordering::SeqCst),
        "the first piece reached the caller before the rest of the answer was sent"
    );
    assert_eq!(
        pieces,
        vec!["Step 1: thunderclap.", "\nFinal ", "answer: B"],
        "one piece per event, reasoning first"
    );
    assert_eq!(g.text, "Final answer: B");
    assert_eq!(g.reasoning.as_deref(), Some("Step 1: thunderclap."));
    assert_eq!((g.prompt_tokens, g.completion_tokens), (12, 3));
    assert_eq!(g.stopped, StopReason::MaxTokens, "finish_reason length");
    assert!(g.ttft_ms <= g.elapsed_ms);
    let body: serde_json::Value = serde_json::from_str(&server.bodies.lock().unwrap()[0]).unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
}

#[test]
fn a_natural_end_is_not_marked_truncated() {
    let server = serve(
        vec![Script::Events {
            events: answer_events("stop"),
            cut: None,
        }],
        None,
    );
    let c = client(&server.url, 0);
    let g = c
        .complete(
            &msgs(),
            &GenerationConfig {
                max_tokens: 50,
                ..cfg()
            },
        )
        .unwrap();
    assert_eq!(g.stopped, StopReason::EndOfSequence);
}

#[test]
fn a_malformed_event_fails_at_once() {
    let mut events = answer_events("stop");
    events[2] = event(r#"{"choices":[{"delta":{"content":"#);
    let server = serve(vec![Script::Events { events, cut: None }], None);
    let c = client(&server.url, 3);
    let e = c.complete(&msgs(), &cfg()).unwrap_err();
    assert!(matches!(e, InferenceError::MalformedResponse { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("event 2: not JSON"), "{msg}");
    assert!(msg.contains(&server.url), "{msg}");
    assert_eq!(server.bodies.lock().unwrap().len(), 1, "not retried");
}

#[test]
fn a_stream_cut_mid_way_is_retried_without_repeating_text() {
    let server = serve(
        vec![
            Script::Events {
                events: answer_events("length"),
                cut: Some(3),
            },
            Script::Events {
                events: answer_events("length"),
                cut: None,
            },
        ],
        None,
    );
    let mut c = client(&server.url, 2);
    let mut shown = String::new();
    let g = c
        .generate(&msgs(), &cfg(), &mut |p| {
            shown.push_str(p);
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(g.text, "Final answer: B");
    assert_eq!(shown, "Step 1: thunderclap.\nFinal answer: B");
    assert_eq!(server.bodies.lock().unwrap().len(), 2);
}

#[test]
fn a_cut_stream_without_retries_names_the_endpoint() {
    let server = serve(
        vec![Script::Events {
            events: answer_events("length"),
            cut: Some(2),
        }],
        None,
    );
    let c = client(&server.url, 0);
    let e = c.complete(&msgs(), &cfg()).unwrap_err();
    assert!(matches!(e, InferenceError::Http { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains(&server.url) && msg.contains("stream"), "{msg}");
}

#[test]
fn a_server_that_refuses_streaming_is_asked_whole() {
    let whole = r#"{"model":"m","choices":[{"message":{"content":"Final answer: B"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":4}}"#;
    let server = serve(
        vec![
            Script::Plain {
                status: 400,
                body: r#"{"error":{"message":"stream_options is not supported"}}"#.into(),
            },
            Script::Plain {
                status: 200,
                body: whole.into(),
            },
        ],
        None,
    );
    let c = client(&server.url, 0);
    let g = c.complete(&msgs(), &cfg()).unwrap();
    assert_eq!(g.text, "Final answer: B");
    assert_eq!(g.stopped, StopReason::MaxTokens, "4 tokens of 3 allowed");
    let bodies = server.bodies.lock().unwrap();
    assert_eq!(bodies.len(), 2);
    let second: serde_json::Value = serde_json::from_str(&bodies[1]).unwrap();
    assert_eq!(second["stream"], false);
}

#[test]
fn break_closes_the_stream_as_cancelled() {
    let server = serve(
        vec![Script::Events {
            events: answer_events("stop"),
            cut: None,
        }],
        None,
    );
    let mut c = client(&server.url, 0);
    let g = c
        .generate(&msgs(), &cfg(), &mut |p| {
            if p.contains("Final") {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(g.stopped, StopReason::Cancelled);
    assert_eq!(g.text, "Final ");
}
