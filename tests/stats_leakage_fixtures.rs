//! The leakage check on real public traces (MedAgentsBench, MedR-Bench) from the shared
//! fixtures: it must run on 10 vs 10 and 20 vs 20 chains and print its AUCs. No AUC value is
//! asserted: these are raw texts of different models and the numbers are for the report.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use blindstep::stats::{
    FeatureSet, LeakageConfig, LeakageDoc, LeakageResult, leakage_auc_by_case, leakage_auc_with,
};

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures"));
    if dir.is_dir() {
        Some(dir.to_path_buf())
    } else {
        println!("skipped: fixtures folder {} is missing", dir.display());
        None
    }
}

/// (case key, completion) pairs.
fn medagents_completions(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let items: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    items
        .iter()
        .map(|item| {
            let case = item["realidx"].to_string();
            (case, item["completion"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn texts(v: &[(String, String)]) -> Vec<&str> {
    v.iter().map(|(_, t)| t.as_str()).collect()
}

fn docs(v: &[(String, String)]) -> Vec<LeakageDoc<'_>> {
    v.iter()
        .map(|(case, text)| LeakageDoc { text, case })
        .collect()
}

fn report(label: &str, a: &[(String, String)], b: &[(String, String)]) {
    let config = LeakageConfig::default();
    let ungrouped = leakage_auc_with(&texts(a), &texts(b), &FeatureSet::EVERY, &config).unwrap();
    let by_case = leakage_auc_by_case(&docs(a), &docs(b), &FeatureSet::EVERY, &config).unwrap();
    print_and_check(
        &format!("{label}, chains as units"),
        &ungrouped,
        a.len(),
        b.len(),
    );
    print_and_check(
        &format!("{label}, grouped by case"),
        &by_case,
        a.len(),
        b.len(),
    );
}

fn print_and_check(label: &str, results: &[LeakageResult], n_a: usize, n_b: usize) {
    for r in results {
        println!(
            "{label}: {:<8} AUC {:.3} [{:.3}, {:.3}]  n = {} vs {}, {} folds",
            r.features.name(),
            r.auc,
            r.lo,
            r.hi,
            r.n_a,
            r.n_b,
            r.folds
        );
        assert!((0.0..=1.0).contains(&r.auc), "{r:?}");
        assert!(r.lo <= r.auc && r.auc <= r.hi, "{r:?}");
        assert_eq!((r.n_a, r.n_b), (n_a, n_b));
    }
    assert_eq!(results.len(), 4);
}

#[test]
fn medagents_pubmedqa_r1_vs_qwq_raw() {
    let Some(dir) = fixtures() else { return };
    let r1 = medagents_completions(
        &dir.join("medagents_traces_DeepSeek-R1-pubmedqa-test_hard-zero_shot_first10.json"),
    );
    let qwq = medagents_completions(
        &dir.join("medagents_traces_QwQ-32B-pubmedqa-test_hard-zero_shot_first10.json"),
    );
    assert_eq!((r1.len(), qwq.len()), (10, 10));
    report("medagents pubmedqa R1 vs QwQ (raw)", &r1, &qwq);
}

#[test]
fn medrbench_treatment_r1_vs_o3_mini_raw() {
    let Some(dir) = fixtures() else { return };
    let text = std::fs::read_to_string(dir.join("medrbench_treatment_dev20_traces.jsonl")).unwrap();
    let (mut r1, mut o3) = (Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let output = &v["output"];
        let content = output["content"].as_str().unwrap_or_default();
        let case = v["id"].as_str().unwrap().to_owned();
        match v["model"].as_str().unwrap() {
            "deepseek-r1" => {
                let thinking = output["thinking_process"].as_str().unwrap_or_default();
                r1.push((case, format!("{thinking}\n{content}")));
            }
            "o3-mini" => o3.push((case, content.to_owned())),
            other => panic!("unexpected model {other}"),
        }
    }
    assert_eq!((r1.len(), o3.len()), (20, 20));
    report("medrbench treatment R1 vs o3-mini (raw)", &r1, &o3);
}
