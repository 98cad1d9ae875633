//! Option probabilities from an endpoint (issue 16): the same scoring pass as the local one,
//! asked of an OpenAI-compatible server. The conversation is sent with the model's output
//! plus "\nFinal answer:" as an unfinished assistant turn (`continue_final_message`, a vLLM
//! extension; `add_generation_prompt: false`), one token, `logprobs` with `top_logprobs`;
//! the option letters' probabilities are read from the first token's top alternatives and
//! renormalised. Letters outside the top list count as 0.
//!
//! Must not: retry forever or touch the store; separate from the generation client.

use crate::inference::scoring::{ANSWER_CUE, OptionScores};
use crate::inference::{ChatMessage, InferenceError};
use serde_json::{Value, json};
use std::collections::BTreeMap;

use super::OpenAiConfig;

/// How many alternatives to ask for (the OpenAI maximum).
pub const TOP_LOGPROBS: u8 = 20;

/// The request body of the scoring pass.
pub fn scoring_body(model: &str, messages: &[ChatMessage], output: &str) -> Value {
    let mut msgs = serde_json::to_value(messages).unwrap_or_else(|_| json!([]));
    if let Some(a) = msgs.as_array_mut() {
        a.push(json!({"role": "assistant", "content": format!("{output}{ANSWER_CUE}")}));
    }
    json!({
        "model": model,
        "messages": msgs,
        "max_tokens": 1,
        "temperature": 0.0,
        "stream": false,
        "logprobs": true,
        "top_logprobs": TOP_LOGPROBS,
        "continue_final_message": true,
        "add_generation_prompt": false,
    })
}

/// Reads `choices[0].logprobs.content[0].top_logprobs` into option probabilities.
pub fn parse_option_logprobs(body: &str, letters: &[String]) -> Result<OptionScores, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(err) = v.get("error") {
        return Err(format!("server error: {err}"));
    }
    let top = v
        .pointer("/choices/0/logprobs/content/0/top_logprobs")
        .and_then(Value::as_array)
        .ok_or(
            "no choices[0].logprobs.content[0].top_logprobs (does the server support logprobs?)",
        )?;
    let mut raw: BTreeMap<String, f64> = letters.iter().map(|l| (l.clone(), 0.0)).collect();
    for alt in top {
        let (Some(token), Some(lp)) = (
            alt.get("token").and_then(Value::as_str),
            alt.get("logprob").and_then(Value::as_f64),
        ) else {
            return Err(format!(
                "a top_logprobs entry lacks token or logprob: {alt}"
            ));
        };
        if let Some(p) = raw.get_mut(token.trim()) {
            *p += lp.exp();
        }
    }
    let mass: f64 = raw.values().sum();
    if mass.is_nan() || mass <= 0.0 {
        return Err("no option letter among the top alternatives".into());
    }
    Ok(OptionScores {
        probabilities: raw.into_iter().map(|(l, p)| (l, p / mass)).collect(),
        mass: mass.min(1.0),
    })
}

/// One scoring request to the endpoint in `cfg` (no retries).
pub fn score_options_at_endpoint(
    cfg: &OpenAiConfig,
    messages: &[ChatMessage],
    output: &str,
    letters: &[String],
) -> Result<OptionScores, InferenceError> {
    let url = super::wire::completions_url(&cfg.base_url);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(cfg.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = agent.post(&url).header("content-type", "application/json");
    if let Some(key) = &cfg.api_key {
        req = req.header("authorization", &format!("Bearer {key}"));
    }
    let http = |detail: String| InferenceError::Http {
        url: url.clone(),
        detail,
    };
    let mut resp = req
        .send(scoring_body(&cfg.model, messages, output).to_string())
        .map_err(|e| http(e.to_string()))?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| http(format!("reading the response: {e}")))?;
    if !(200..300).contains(&status) {
        let excerpt: String = text.chars().take(300).collect();
        return Err(http(format!("HTTP {status}: {excerpt}")));
    }
    parse_option_logprobs(&text, letters).map_err(|detail| InferenceError::MalformedResponse {
        url: url.clone(),
        detail,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn body_continues_the_assistant_turn_with_the_cue() {
        let b = scoring_body("m", &[ChatMessage::user("q")], "so it is B");
        assert_eq!(b["messages"][1]["role"], "assistant");
        assert_eq!(b["messages"][1]["content"], "so it is B\nFinal answer:");
        assert_eq!(b["logprobs"], true);
        assert_eq!(b["top_logprobs"], 20);
        assert_eq!(b["max_tokens"], 1);
    }

    #[test]
    fn letters_are_read_from_top_logprobs_and_renormalised() {
        let body = r#"{"choices":[{"logprobs":{"content":[{"token":" B","logprob":-0.5,
            "top_logprobs":[{"token":" B","logprob":-0.5},{"token":" A","logprob":-1.5},
            {"token":"B","logprob":-3.0},{"token":" the","logprob":-2.0}]}]}}]}"#;
        let letters: Vec<String> = ["A", "B", "C"].map(String::from).to_vec();
        let s = parse_option_logprobs(body, &letters).unwrap();
        let (a, b) = ((-1.5f64).exp(), (-0.5f64).exp() + (-3.0f64).exp());
        assert!((s.mass - (a + b)).abs() < 1e-12);
        assert!((s.probabilities["B"] - b / (a + b)).abs() < 1e-12);
        assert_eq!(s.probabilities["C"], 0.0);
        assert!(
            parse_option_logprobs(r#"{"choices":[{}]}"#, &letters)
                .unwrap_err()
                .contains("logprobs")
        );
    }
}
