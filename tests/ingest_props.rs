//! The importers never panic on arbitrary input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::ingest::records::read_records;
use blindstep::ingest::run_formats::{RunFormat, parse_runs};
use blindstep::ingest::{CaseFormat, load_text};
use proptest::prelude::*;
use std::path::Path;

const SEEDS: &[&str] = &[
    "{\"realidx\": 1, \"question\": \"Q?\", \"options\": {\"A\": \"a\", \"B\": \"b\"}, \"answer_idx\": \"A\"}",
    "[{\"realidx\": \"7\", \"question\": \"x\", \"completion\": \"<think>a</think>B\", \"options\": {\"A\":\"y\"}}]",
    "id = \"a\"\ntitle = \"t\"\n[task]\nkind = \"mcq\"\n[[red_flags]]\nfinding = 1\n",
    "{\"id\": \"x\", \"model\": \"m\", \"output\": {\"thinking_process\": 3, \"content\": \"c\"}}",
];

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        (0..SEEDS.len(), any::<usize>(), any::<String>()).prop_map(|(i, cut, junk)| {
            let s = SEEDS[i];
            let mut at = cut % (s.len() + 1);
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            format!("{}{}{}", &s[..at], junk, &s[at..])
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn case_importers_never_panic(text in any_text()) {
        for (name, f) in [("a.toml", CaseFormat::Auto), ("a.jsonl", CaseFormat::Auto), ("medqa.jsonl", CaseFormat::Medqa),
                          ("m.json", CaseFormat::Medmcqa), ("t.json", CaseFormat::Medagents), ("b.jsonl", CaseFormat::Jsonl)] {
            let _ = load_text(Path::new(name), &text, f, None);
        }
    }

    #[test]
    fn run_importers_never_panic(text in any_text()) {
        if let Ok(records) = read_records(Path::new("r.jsonl"), &text) {
            for f in [RunFormat::Auto, RunFormat::Jsonl, RunFormat::Medagents, RunFormat::Medrbench, RunFormat::Openai] {
                let _ = parse_runs(Path::new("r.jsonl"), &records, f);
            }
        }
    }
}
