//! Importers through the binary, on files written here in the real schemas (tests/data):
//! AgentClinic OSCE and NEJM cases, MedAgentsBench chain-of-thought outputs, mappings (the
//! shipped MedR-Bench ones), the errors of a file that fits no format, and metadata at import.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_blindstep"))
}

fn run(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(o.status.success(), "{args:?}: {}", text(&o));
    text(&o)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn data(name: &str) -> String {
    root().join("tests/data").join(name).display().to_string()
}

fn mapping(name: &str) -> String {
    root()
        .join("assets/mappings")
        .join(name)
        .display()
        .to_string()
}

fn case_json(db: &Path, id: &str) -> serde_json::Value {
    let o = run(db, &["cases", "show", id, "--format", "json"]);
    assert!(o.status.success(), "{id}: {}", text(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn agentclinic_osce_cases_become_differentials_with_a_readable_vignette() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let t = ok(
        &db,
        &["cases", "import", &data("agentclinic_medqa_sample.jsonl")],
    );
    assert!(t.contains("2 new"), "{t}");
    let c = case_json(&db, "agentclinic-medqa:1");
    assert_eq!(c["task"]["kind"], "differential");
    assert_eq!(c["task"]["diagnosis"], "Subarachnoid haemorrhage");
    let v = c["vignette"].as_str().unwrap();
    assert!(
        !v.contains('{') && !v.contains('"'),
        "no JSON in the vignette:\n{v}"
    );
    assert!(
        v.starts_with("Patient: 41-year-old woman\nHistory: The headache began"),
        "{v}"
    );
    assert!(v.contains("Symptoms:\n  Primary symptom: Sudden severe headache\n  Secondary symptoms:\n    - Neck stiffness"), "{v}");
    assert!(v.contains("Physical examination findings:\n  Vital signs:\n    Temperature: 36.9°C\n    Blood pressure: 168/94 mmHg"), "{v}");
    assert!(v.contains("Test results:\n"), "{v}");
    assert!(
        v.contains("CT head:\n      Findings: Hyperdense blood"),
        "{v}"
    );
    assert!(
        !v.contains("Subarachnoid"),
        "the diagnosis stays out of the vignette"
    );
    assert_eq!(c["title"], "41-year-old woman: sudden severe headache");
    // the explicit format reads the same file the same way
    let db2 = dir.path().join("b.db");
    ok(
        &db2,
        &[
            "cases",
            "import",
            "--format",
            "agentclinic",
            &data("agentclinic_medqa_sample.jsonl"),
        ],
    );
    assert_eq!(
        case_json(&db2, "agentclinic-medqa:2")["task"]["diagnosis"],
        "Acute appendicitis"
    );
}

#[test]
fn agentclinic_nejm_cases_are_mcqs_that_say_the_image_is_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("n.db");
    ok(
        &db,
        &["cases", "import", &data("agentclinic_nejm_sample.jsonl")],
    );
    let c = case_json(&db, "agentclinic-nejm:1");
    assert_eq!(c["task"]["kind"], "mcq");
    assert_eq!(c["task"]["answer"], "B");
    assert_eq!(c["task"]["options"]["B"], "Erythema annulare centrifugum");
    assert_eq!(c["question"], "What is the most likely diagnosis?");
    let v = c["vignette"].as_str().unwrap();
    assert!(v.starts_with("[Image not shown."), "{v}");
    assert!(v.contains("annular plaques with a trailing scale"), "{v}");
    assert_eq!(case_json(&db, "agentclinic-nejm:2")["task"]["answer"], "B");
}

#[test]
fn medagents_chain_of_thought_outputs_import_as_cases_runs_and_leakage_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let file = data("medagents_cot_sample.json");
    ok(&db, &["cases", "import", &file]);
    let c = case_json(&db, "imported:0");
    // options written as a Python dict in a string
    assert_eq!(c["task"]["options"]["C"], "Patient's own ECG monitor");
    assert_eq!(c["task"]["answer"], "B");
    ok(&db, &["models", "add", "cot", "--role", "teacher"]);
    let t = ok(&db, &["runs", "import", &file, "--model", "cot"]);
    assert!(t.contains("2 run(s) added"), "{t}");
    let o = run(&db, &["runs", "show", "1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // the chain is raw_response; the summary is kept in the provenance, never as reasoning
    assert!(
        v["run"]["output"]
            .as_str()
            .unwrap()
            .starts_with("Let's think step by step.")
    );
    assert!(v["run"]["reasoning"].is_null(), "{v}");
    assert_eq!(v["run"]["provenance"]["completion_tokens"], 95);
    assert!(v["chain"]["steps"].as_array().unwrap().len() >= 2, "{v}");
    assert_eq!(v["chain"]["answer"]["value"], "B", "{v}");
    // the leakage check reads the same files with --input-format auto
    let o = run(&db, &["leakage", "--a", &file, "--b", &file]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn medagents_gpt4o_fixture_reads_with_auto() {
    let fx = root()
        .join("../shared/fixtures/medagents_traces_gpt-4o-medbullets-test_hard-cot_first30.json");
    if !fx.is_file() {
        eprintln!("skipping: {} not found", fx.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let f = fx.display().to_string();
    ok(&db, &["cases", "import", &f]);
    ok(&db, &["models", "add", "g", "--role", "teacher"]);
    let t = ok(&db, &["runs", "import", &f, "--model", "g"]);
    assert!(t.contains("30 run(s) added"), "{t}");
    assert!(
        case_json(&db, "medbullets:0")["source"]
            .as_str()
            .unwrap()
            .starts_with("MedBullets")
    );
}

#[test]
fn the_shipped_treatment_mapping_imports_plan_cases_and_both_models_runs() {
    let fx = root().join("../shared/fixtures");
    let cases = fx.join("medrbench_treatment_dev20_cases.jsonl");
    let traces = fx.join("medrbench_treatment_dev20_traces.jsonl");
    if !cases.is_file() {
        eprintln!("skipping: {} not found", cases.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let map = mapping("medrbench-treatment.toml");
    let t = ok(
        &db,
        &[
            "cases",
            "import",
            &cases.display().to_string(),
            "--mapping",
            &map,
        ],
    );
    assert!(t.contains("20 new"), "{t}");
    let c = case_json(&db, "medrbench:PMC11342862");
    assert_eq!(c["task"]["kind"], "plan");
    assert!(
        c["task"]["plan"]
            .as_str()
            .unwrap()
            .starts_with("Apply double-opposing negative pressure")
    );
    assert!(c["vignette"].as_str().unwrap().contains("45-year-old male"));
    assert!(
        c["title"]
            .as_str()
            .unwrap()
            .starts_with("PMC11342862: Reconstruction"),
        "{c}"
    );
    ok(&db, &["models", "add", "r1", "--role", "teacher"]);
    ok(&db, &["models", "add", "o3", "--role", "student"]);
    let tr = traces.display().to_string();
    for (m, only) in [("r1", "deepseek-r1"), ("o3", "o3-mini")] {
        let t = ok(
            &db,
            &[
                "runs",
                "import",
                &tr,
                "--model",
                m,
                "--only-model",
                only,
                "--mapping",
                &map,
            ],
        );
        assert!(t.contains("20 run(s) added"), "{t}");
    }
    let t = ok(
        &db,
        &[
            "study",
            "create",
            "plans",
            "--models",
            "o3,r1",
            "--all",
            "--reviewers",
            "ana",
        ],
    );
    assert!(t.contains("20 item(s)"), "{t}");
    let t = ok(
        &db,
        &["tally", "--study", "plans", "--by", "task_kind,source"],
    );
    assert!(t.contains("items done"), "{t}");
    ok(&db, &["study", "unblind", "plans", "--yes"]);
    let t = ok(
        &db,
        &[
            "tally",
            "--study",
            "plans",
            "--by",
            "task_kind,source",
            "--format",
            "csv",
        ],
    );
    assert!(t.contains("plans,task_kind,plan,"), "{t}");
    assert!(t.contains("plans,source,MedR-Bench treatment,"), "{t}");
    let out = db.with_extension("cases.csv");
    ok(
        &db,
        &[
            "export",
            "--study",
            "plans",
            "--what",
            "cases",
            "--out",
            &out.display().to_string(),
        ],
    );
    let head = std::fs::read_to_string(&out).unwrap();
    assert!(
        head.lines()
            .next()
            .unwrap()
            .contains(",answer_correct,plan_rating,"),
        "{head}"
    );
}

#[test]
fn a_keyed_diagnosis_file_through_the_mapping_names_the_bad_record_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    // the upstream layout: one object keyed by PMC id
    let keyed = dir.path().join("keyed.toml");
    std::fs::write(
        &keyed,
        format!(
            "layout = \"keyed\"\n{}",
            std::fs::read_to_string(mapping("medrbench-diagnosis.toml")).unwrap()
        ),
    )
    .unwrap();
    let file = data("medrbench_diagnosis_sample.json");
    let o = run(
        &db,
        &[
            "cases",
            "import",
            &file,
            "--mapping",
            &keyed.display().to_string(),
        ],
    );
    assert!(!o.status.success());
    let e = text(&o);
    assert!(
        e.contains("medrbench_diagnosis_sample.json:12: case.diagnosis: record \"PMC0000002\""),
        "{e}"
    );
    assert!(e.contains("nothing was imported"), "{e}");
    // the same records as JSONL: the error names the line
    let jsonl = dir.path().join("dx.jsonl");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut lines = String::new();
    for (k, rec) in v.as_object().unwrap() {
        let mut rec = rec.clone();
        rec["id"] = serde_json::Value::String(k.clone());
        lines.push_str(&format!("{rec}\n"));
    }
    std::fs::write(&jsonl, &lines).unwrap();
    let map = mapping("medrbench-diagnosis.toml");
    let o = run(
        &db,
        &[
            "cases",
            "import",
            &jsonl.display().to_string(),
            "--mapping",
            &map,
        ],
    );
    assert!(
        text(&o).contains("dx.jsonl:2: case.diagnosis:"),
        "{}",
        text(&o)
    );
    // fixed, it imports with the incidence given at import
    let fixed = lines.replacen(
        "\"generate_case\":{\"case_summary\":\"- Patient Demographics: 58",
        "\"generate_case\":{\"diagnosis_results\":\"Idiopathic pulmonary fibrosis\",\"case_summary\":\"- Patient Demographics: 58",
        1,
    );
    assert_ne!(fixed, lines);
    std::fs::write(&jsonl, fixed).unwrap();
    ok(
        &db,
        &[
            "cases",
            "import",
            &jsonl.display().to_string(),
            "--mapping",
            &map,
            "--incidence",
            "rare",
        ],
    );
    let c = case_json(&db, "medrbench-dx:PMC0000001");
    assert_eq!(c["task"]["diagnosis"], "Graves disease");
    assert_eq!(c["incidence"], "rare");
    assert_eq!(c["title"], "PMC0000001: Fatigue and episodic palpitations");
    assert_eq!(
        c["source"],
        "MedR-Bench diagnosis (PMC0000001; Endocrine Diseases)"
    );
}

#[test]
fn a_json_array_mapping_error_names_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let map = dir.path().join("m.toml");
    std::fs::write(
        &map,
        "[case]\nid = \"q:{{ n }}\"\nquestion = \"/q\"\ntask = \"mcq\"\noptions = \"/opts\"\nanswer = \"/gold\"\n",
    )
    .unwrap();
    let file = dir.path().join("q.json");
    std::fs::write(
        &file,
        "[\n {\"n\": 1, \"q\": \"Q1?\", \"opts\": [\"yes\", \"no\"], \"gold\": \"no\"},\n {\"n\": 2, \"q\": \"Q2?\", \"opts\": [\"yes\", \"no\"], \"gold\": \"maybe\"}\n]\n",
    )
    .unwrap();
    let o = run(
        &db,
        &[
            "cases",
            "import",
            &file.display().to_string(),
            "--mapping",
            &map.display().to_string(),
        ],
    );
    let e = text(&o);
    assert!(
        e.contains("q.json:3: case.answer: record [1]: \"maybe\" is not one of the options"),
        "{e}"
    );
    // a mapping with an unknown field is refused, naming its line
    std::fs::write(
        &map,
        "[case]\nid = \"x\"\nquestion = \"q\"\ntask = \"mcq\"\nanswr = \"/a\"\n",
    )
    .unwrap();
    let o = run(
        &db,
        &[
            "cases",
            "import",
            &file.display().to_string(),
            "--mapping",
            &map.display().to_string(),
        ],
    );
    let e = text(&o);
    assert!(e.contains("m.toml:5:") && e.contains("answr"), "{e}");
}

#[test]
fn a_file_of_no_known_format_says_what_each_format_missed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let f = dir.path().join("odd.jsonl");
    std::fs::write(&f, "{\"prompt\": \"hello\", \"label\": 1}\n").unwrap();
    let o = run(&db, &["cases", "import", &f.display().to_string()]);
    assert!(!o.status.success());
    let e = text(&o);
    for miss in [
        "medqa: no `question`",
        "agentclinic (OSCE): no `OSCE_Examination`",
        "medagents: no `realidx`",
        "jsonl: no `task` or `vignette`",
    ] {
        assert!(e.contains(miss), "{miss}: {e}");
    }
    ok(&db, &["models", "add", "m", "--role", "student"]);
    let o = run(
        &db,
        &["runs", "import", &f.display().to_string(), "--model", "m"],
    );
    assert!(
        text(&o).contains("medrbench: no `output` object"),
        "{}",
        text(&o)
    );
}

#[test]
fn up_to_twenty_failing_lines_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let f = dir.path().join("medqa_bad.jsonl");
    let mut t = String::from(
        "{\"realidx\": 1, \"question\": \"Q?\", \"options\": {\"A\": \"a\", \"B\": \"b\"}, \"answer_idx\": \"A\"}\n",
    );
    for i in 2..=26 {
        t.push_str(&format!(
            "{{\"realidx\": {i}, \"question\": \"Q?\", \"options\": {{\"A\": \"a\", \"B\": \"b\"}}, \"answer_idx\": \"E\"}}\n"
        ));
    }
    std::fs::write(&f, t).unwrap();
    let o = run(&db, &["cases", "import", &f.display().to_string()]);
    let e = text(&o);
    assert!(e.contains("medqa_bad.jsonl:2: answer_idx:"), "{e}");
    assert!(e.contains("medqa_bad.jsonl:21: answer_idx:"), "{e}");
    assert!(!e.contains("medqa_bad.jsonl:22:"), "{e}");
    assert!(e.contains("… and 5 more problem(s) (25 in all)"), "{e}");
}

#[test]
fn specialty_and_incidence_are_given_to_question_banks_at_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    ok(
        &db,
        &[
            "cases",
            "import",
            &data("agentclinic_nejm_sample.jsonl"),
            "--specialty",
            "internal_medicine",
            "--incidence",
            "less_frequent",
        ],
    );
    let c = case_json(&db, "agentclinic-nejm:2");
    assert_eq!(c["specialty"], "internal_medicine");
    assert_eq!(c["incidence"], "less_frequent");
    let o = run(
        &db,
        &[
            "cases",
            "import",
            &data("agentclinic_nejm_sample.jsonl"),
            "--specialty",
            "cardiology",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("internal_medicine"), "{}", text(&o));
}

#[test]
fn the_treatment_mapping_gives_no_empty_rationale_for_a_record_without_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let file = dir.path().join("cases.jsonl");
    let summary = "- Chief Complaint: swelling of the left leg\\n- History: 60-year-old woman, pelvic surgery";
    let rows = [
        format!(
            r#"{{"id":"PMC1","generate_case":{{"case_summary":"{summary}","treatment_plan_results":"Low-molecular-weight heparin.","treatment_planning_analysis":"Provoked DVT."}}}}"#
        ),
        format!(
            r#"{{"id":"PMC2","generate_case":{{"case_summary":"{summary}","treatment_plan_results":"Low-molecular-weight heparin.","treatment_planning_analysis":"  "}}}}"#
        ),
        format!(
            r#"{{"id":"PMC3","generate_case":{{"case_summary":"{summary}","treatment_plan_results":"Low-molecular-weight heparin."}}}}"#
        ),
    ];
    std::fs::write(&file, rows.join("\n") + "\n").unwrap();
    let map = mapping("medrbench-treatment.toml");
    let t = ok(
        &db,
        &[
            "cases",
            "import",
            &file.display().to_string(),
            "--mapping",
            &map,
        ],
    );
    assert!(t.contains("3 new"), "{t}");
    let plan = |id: &str| {
        case_json(&db, id)["task"]["plan"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        plan("medrbench:PMC1"),
        "Low-molecular-weight heparin.\n\nRationale: Provoked DVT."
    );
    assert_eq!(plan("medrbench:PMC2"), "Low-molecular-weight heparin.");
    assert_eq!(plan("medrbench:PMC3"), "Low-molecular-weight heparin.");
}
