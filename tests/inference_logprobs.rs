//! The endpoint scoring pass against a loopback server: the request asks for `logprobs` and
//! continues the assistant turn after the output and "Final answer:"; the option letters'
//! probabilities are read from the first token's top alternatives; HTTP errors say so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::inference::openai::logprobs::score_options_at_endpoint;
use blindstep::inference::{ChatMessage, OpenAiConfig};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

/// Answers one request with `status` and `body`; sends the request body back on the channel.
fn serve_once(status: u16, body: &'static str) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
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
        let mut req = vec![0u8; len];
        reader.read_exact(&mut req).ok();
        tx.send(String::from_utf8_lossy(&req).into_owned()).ok();
        let mut out = stream;
        let resp = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = out.write_all(resp.as_bytes());
    });
    (url, rx)
}

const BODY: &str = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":" B"},
"logprobs":{"content":[{"token":" B","logprob":-0.2231435513142097,
"top_logprobs":[{"token":" B","logprob":-0.2231435513142097},
{"token":" A","logprob":-2.302585092994046},{"token":" none","logprob":-2.995732273553991}]}]}}]}"#;

fn letters() -> Vec<String> {
    ["A", "B", "C", "D"].map(String::from).to_vec()
}

#[test]
fn option_probabilities_from_endpoint_logprobs() {
    let (url, rx) = serve_once(200, BODY);
    let mut cfg = OpenAiConfig::new(url, "served-model");
    cfg.timeout = Duration::from_secs(10);
    let msgs = vec![ChatMessage::user("Which option? A, B, C or D")];
    let s = score_options_at_endpoint(&cfg, &msgs, "Step 1: it is B.", &letters()).unwrap();
    // p(B) = 0.8, p(A) = 0.1 (logprobs above): mass 0.9, renormalised 8/9 and 1/9.
    assert!((s.mass - 0.9).abs() < 1e-12, "{s:?}");
    assert!((s.probabilities["B"] - 8.0 / 9.0).abs() < 1e-12);
    assert!((s.probabilities["A"] - 1.0 / 9.0).abs() < 1e-12);
    assert_eq!(s.probabilities["C"], 0.0);
    let req: serde_json::Value = serde_json::from_str(&rx.recv().unwrap()).unwrap();
    assert_eq!(req["logprobs"], true);
    assert_eq!(req["top_logprobs"], 20);
    assert_eq!(req["continue_final_message"], true);
    assert_eq!(
        req["messages"][1]["content"],
        "Step 1: it is B.\nFinal answer:"
    );
}

#[test]
fn endpoint_errors_are_reported() {
    let (url, _rx) = serve_once(400, r#"{"error":{"message":"logprobs unsupported"}}"#);
    let cfg = OpenAiConfig::new(url, "m");
    let e = score_options_at_endpoint(&cfg, &[ChatMessage::user("q")], "x", &letters())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("HTTP 400") && e.contains("logprobs unsupported"),
        "{e}"
    );
}
