//! A study whose models have distinctive names, labels, locations and run files, so a scan
//! of any file for those strings proves that no identity reached it; and the binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use blindstep::domain::{ModelSource, Role};
use blindstep::ingest::run_formats::RunFormat;
use blindstep::storage::{NewModel, Store};
use blindstep::workflow::demo;
use blindstep::workflow::import_runs::{ImportOptions, import_runs_text};
use blindstep::workflow::study::{StudySpec, create_study};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const STUDENT: &str = "zircon-xq7-student";
pub const TEACHER: &str = "obsidian-k9-teacher";

/// Everything that identifies a model in the site database, lower case.
pub const IDENTITY: &[&str] = &[
    "zircon",
    "obsidian",
    "label-quasar-77",
    "label-nebula-88",
    "/opt/secret-models",
    "obsidian-host-k9",
    "zircon-runs.jsonl",
    "obsidian-runs.jsonl",
    "/srv/runs",
    // the demo's models live in the same database
    "aster-8b-distill",
    "cobalt-70b",
    "fictional demo model",
    "runs-aster",
    "runs-cobalt",
    "pack-left-never", // sanity: a string that is nowhere
];

pub struct Site {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Site {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// The demo's cases and runs under two distinctively named models, as study "site" with
/// reviewers ana and ben, overlap 2 (both see every item).
pub fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let mut s = Store::open(&db).unwrap();
    demo::ensure_demo(&mut s).unwrap();
    let runs = [
        (
            STUDENT,
            Role::Student,
            ModelSource::Local("/opt/secret-models/zircon-xq7.gguf".into()),
            "label-quasar-77",
            "/srv/runs/zircon-runs.jsonl",
            include_str!("../../assets/demo/runs-aster.jsonl").replace(demo::STUDENT, STUDENT),
        ),
        (
            TEACHER,
            Role::Teacher,
            ModelSource::endpoint("http://obsidian-host-k9:8000/v1", "obsidian-served"),
            "label-nebula-88",
            "/srv/runs/obsidian-runs.jsonl",
            include_str!("../../assets/demo/runs-cobalt.jsonl").replace(demo::TEACHER, TEACHER),
        ),
    ];
    for (name, role, source, label, file, text) in runs {
        s.add_model(&NewModel {
            name: name.into(),
            role,
            source,
            tokenizer: None,
            chat_template: None,
            label: Some(label.into()),
        })
        .unwrap();
        let model = s.model(name).unwrap();
        import_runs_text(
            &mut s,
            Path::new(file),
            &text,
            &model,
            &ImportOptions {
                format: RunFormat::Jsonl,
                only_model: None,
                skip_unmatched: false,
                mapping: None,
                chains: Default::default(),
            },
        )
        .unwrap();
    }
    for (name, reviewers) in [("site", vec!["ana", "ben"]), ("other", vec!["ana"])] {
        create_study(
            &mut s,
            &StudySpec {
                name,
                model_a: STUDENT,
                model_b: TEACHER,
                cases: None,
                matching: None,
                reviewers: reviewers.into_iter().map(String::from).collect(),
                overlap: if name == "site" { 2 } else { 1 },
                seed: Some(11),
                actor: "coordinator",
                allow_named_models: false,
            },
        )
        .unwrap();
    }
    Site { dir, db }
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_blindstep"))
}

pub fn run(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).output().unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(o.status.success(), "{args:?}: {}", text(&o));
    text(&o)
}

pub fn fail(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(!o.status.success(), "{args:?} should fail: {}", text(&o));
    text(&o)
}

pub fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// The identity strings found in a file's raw bytes (case-insensitive).
pub fn leaks(path: &Path) -> Vec<&'static str> {
    let bytes = std::fs::read(path).unwrap().to_ascii_lowercase();
    IDENTITY
        .iter()
        .copied()
        .filter(|needle| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .collect()
}

pub fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

pub fn f(p: &Path) -> &str {
    p.to_str().unwrap()
}
