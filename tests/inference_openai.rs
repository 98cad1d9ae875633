//! The OpenAI-compatible client against a loopback server started by each
//! test (std `TcpListener` on 127.0.0.1:0): success with reasoning_content,
//! retries on 500/429, no retry on 400, malformed bodies, timeouts, and the
//! bounded-concurrency runner.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::inference::{
    ChatMessage, GenerationConfig, Generator, InferenceError, OpenAiClient, OpenAiConfig,
    run_concurrent,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One scripted answer.
#[derive(Clone)]
struct Reply {
    status: u16,
    body: String,
    delay: Duration,
    headers: Vec<(String, String)>,
}

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        body: body.to_string(),
        delay: Duration::ZERO,
        headers: Vec::new(),
    }
}

const OK_BODY: &str = r#"{"id":"x","model":"served-model","choices":[{"index":0,"message":{"role":"assistant","content":"Final answer: B","reasoning_content":"Step 1: thunderclap headache."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":9}}"#;

struct Server {
    url: String,
    requests: Arc<Mutex<Vec<(String, String)>>>,
    max_in_flight: Arc<AtomicUsize>,
}

/// Serves `script` in order (the last reply repeats), one thread per connection.
fn serve(script: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let counter = Arc::new(AtomicUsize::new(0));
    let (reqs, inf, maxf) = (requests.clone(), in_flight.clone(), max_in_flight.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let r = script[n.min(script.len() - 1)].clone();
            let (reqs, inf, maxf) = (reqs.clone(), inf.clone(), maxf.clone());
            std::thread::spawn(move || handle(stream, r, reqs, inf, maxf));
        }
    });
    Server {
        url,
        requests,
        max_in_flight,
    }
}

fn handle(
    stream: TcpStream,
    r: Reply,
    reqs: Arc<Mutex<Vec<(String, String)>>>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
) {
    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    max_in_flight.fetch_max(now, Ordering::SeqCst);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok();
    reqs.lock()
        .unwrap()
        .push((head, String::from_utf8_lossy(&body).into_owned()));
    std::thread::sleep(r.delay);
    let mut out = stream;
    let mut resp = format!(
        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        r.status,
        r.body.len()
    );
    for (k, v) in &r.headers {
        resp.push_str(&format!("{k}: {v}\r\n"));
    }
    resp.push_str("\r\n");
    resp.push_str(&r.body);
    let _ = out.write_all(resp.as_bytes());
    let _ = out.flush();
    in_flight.fetch_sub(1, Ordering::SeqCst);
}

fn client(url: &str, retries: u32, timeout: Duration) -> OpenAiClient {
    let mut cfg = OpenAiConfig::new(url, "served-model");
    cfg.retries = retries;
    cfg.timeout = timeout;
    cfg.backoff = Duration::from_millis(10);
    cfg.max_backoff = Duration::from_millis(50);
    cfg.api_key = Some("sk-test".into());
    OpenAiClient::new(cfg)
}

fn msgs() -> Vec<ChatMessage> {
    vec![ChatMessage::user("Sudden worst headache. Diagnosis?")]
}

#[test]
fn success_keeps_reasoning_and_sends_the_request() {
    let server = serve(vec![reply(200, OK_BODY)]);
    let mut c = client(&server.url, 0, Duration::from_secs(5));
    let mut streamed = String::new();
    let cfg = GenerationConfig {
        max_tokens: 64,
        top_k: Some(20),
        ..GenerationConfig::default()
    };
    let g = c
        .generate(&msgs(), &cfg, &mut |p| {
            streamed.push_str(p);
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(g.text, "Final answer: B");
    assert_eq!(
        g.reasoning.as_deref(),
        Some("Step 1: thunderclap headache.")
    );
    assert_eq!((g.prompt_tokens, g.completion_tokens), (12, 9));
    assert!(streamed.contains("thunderclap") && streamed.contains("Final answer"));
    assert!(g.rendered_prompt.contains("Sudden worst headache"));
    assert_eq!(c.identity().device, "remote");

    let reqs = server.requests.lock().unwrap();
    assert_eq!(reqs.len(), 1);
    let (head, body) = &reqs[0];
    assert!(head.starts_with("POST /v1/chat/completions "), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("authorization: bearer sk-test"),
        "{head}"
    );
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["model"], "served-model");
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(body["max_tokens"], 64);
    assert_eq!(body["top_k"], 20);
}

#[test]
fn server_errors_are_retried_then_succeed() {
    let mut limited = reply(429, r#"{"error":{"message":"slow down"}}"#);
    limited.headers.push(("retry-after".into(), "0".into()));
    let server = serve(vec![
        reply(500, "internal error"),
        limited,
        reply(503, "unavailable"),
        reply(200, OK_BODY),
    ]);
    let c = client(&server.url, 3, Duration::from_secs(5));
    let g = c.complete(&msgs(), &GenerationConfig::default()).unwrap();
    assert_eq!(g.text, "Final answer: B");
    assert_eq!(server.requests.lock().unwrap().len(), 4);
}

#[test]
fn persistent_500_gives_up_after_the_retries() {
    let server = serve(vec![reply(500, "boom")]);
    let c = client(&server.url, 2, Duration::from_secs(5));
    let e = c
        .complete(&msgs(), &GenerationConfig::default())
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("HTTP 500") && msg.contains("boom"), "{msg}");
    assert!(msg.contains(&server.url), "{msg}");
    assert_eq!(server.requests.lock().unwrap().len(), 3);
}

#[test]
fn client_errors_are_not_retried() {
    let server = serve(vec![reply(400, r#"{"error":{"message":"unknown model"}}"#)]);
    let c = client(&server.url, 3, Duration::from_secs(5));
    let msg = c
        .complete(&msgs(), &GenerationConfig::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("HTTP 400") && msg.contains("unknown model"),
        "{msg}"
    );
    assert_eq!(server.requests.lock().unwrap().len(), 1);
}

#[test]
fn malformed_bodies_are_reported() {
    for body in [
        "<html>gateway</html>",
        r#"{"choices":[]}"#,
        r#"{"choices":[{"message":{"content":null}}]}"#,
    ] {
        let server = serve(vec![reply(200, body)]);
        let c = client(&server.url, 0, Duration::from_secs(5));
        let e = c
            .complete(&msgs(), &GenerationConfig::default())
            .unwrap_err();
        assert!(
            matches!(e, InferenceError::MalformedResponse { .. }),
            "{body}: {e}"
        );
        assert!(e.to_string().contains("malformed response"));
    }
}

#[test]
fn slow_server_times_out() {
    let mut slow = reply(200, OK_BODY);
    slow.delay = Duration::from_secs(3);
    let server = serve(vec![slow]);
    let c = client(&server.url, 1, Duration::from_millis(300));
    let start = Instant::now();
    let e = c
        .complete(&msgs(), &GenerationConfig::default())
        .unwrap_err();
    assert!(matches!(e, InferenceError::Timeout { .. }), "{e}");
    assert!(e.to_string().contains("timed out"));
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.requests.lock().unwrap().len(), 2, "one retry");
}

#[test]
fn concurrency_is_bounded_and_every_job_reports() {
    let mut slow = reply(200, OK_BODY);
    slow.delay = Duration::from_millis(150);
    let server = serve(vec![slow]);
    let c = client(&server.url, 0, Duration::from_secs(5));
    let jobs: Vec<(usize, Vec<ChatMessage>)> = (0..6).map(|i| (i, msgs())).collect();
    let mut done = Vec::new();
    run_concurrent(&c, jobs, &GenerationConfig::default(), 2, &mut |i, r| {
        assert!(r.is_ok());
        done.push(i);
        ControlFlow::Continue(())
    });
    done.sort_unstable();
    assert_eq!(done, vec![0, 1, 2, 3, 4, 5]);
    // Two requests run at once. The test server counts a request until it has written the
    // reply, so a request the client has already finished may still be counted when the
    // next one arrives: at most one more than the bound, never two.
    let max = server.max_in_flight.load(Ordering::SeqCst);
    assert!((2..=3).contains(&max), "max in flight {max}");
}

#[test]
fn break_stops_new_requests() {
    let mut slow = reply(200, OK_BODY);
    slow.delay = Duration::from_millis(50);
    let server = serve(vec![slow]);
    let c = client(&server.url, 0, Duration::from_secs(5));
    let jobs: Vec<(usize, Vec<ChatMessage>)> = (0..8).map(|i| (i, msgs())).collect();
    let mut done = 0;
    run_concurrent(&c, jobs, &GenerationConfig::default(), 1, &mut |_, _| {
        done += 1;
        ControlFlow::Break(())
    });
    // The worker may already have taken the next job when Break arrives; that
    // one still reports (it is finished work), but nothing after it starts.
    assert!((1..=2).contains(&done), "{done}");
    assert_eq!(server.requests.lock().unwrap().len(), done);
}
