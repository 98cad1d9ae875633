//! `models import models.toml`: all entries or none.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn run(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_blindstep"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn models_toml_registers_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let good = dir.path().join("models.toml");
    std::fs::write(&good, "[[model]]\nname = \"r1\"\nrole = \"teacher\"\n\n[[model]]\nname = \"qwq\"\nrole = \"student\"\nendpoint = \"http://localhost:8000/v1\"\n").unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[model]]\nname = \"a\"\nrole = \"student\"\n\n[[model]]\nname = \"b\"\nrole = \"boss\"\n",
    )
    .unwrap();
    let o = run(&db, &["models", "import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown role \"boss\""));
    let o = run(&db, &["models", "import", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let list = run(&db, &["models", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["qwq", "r1"], "the bad file registered nothing");
}
