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

mod inference_common;

/// `models import` loads every local model first, as `models add --path` does: one file
/// that cannot be loaded registers nothing and the error names the model and its file.
#[test]
fn models_toml_loads_every_local_model_before_registering_any() {
    use inference_common::{GgufSpec, write_tiny_gguf};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    write_tiny_gguf(&dir.path().join("tiny.gguf"), &GgufSpec::default());
    std::fs::write(dir.path().join("broken.gguf"), "not a model at all").unwrap();
    let mixed = dir.path().join("mixed.toml");
    std::fs::write(
        &mixed,
        "[[model]]\nname = \"tiny\"\nrole = \"student\"\npath = \"tiny.gguf\"\n\n\
         [[model]]\nname = \"served\"\nrole = \"teacher\"\nendpoint = \"http://localhost:8000/v1\"\n\n\
         [[model]]\nname = \"broken\"\nrole = \"teacher\"\npath = \"broken.gguf\"\n",
    )
    .unwrap();
    let o = run(&db, &["models", "import", mixed.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("mixed.toml"), "{err}");
    assert!(err.contains("model \"broken\""), "{err}");
    assert!(err.contains("broken.gguf"), "{err}");
    assert!(err.contains("cannot be loaded"), "{err}");
    assert!(err.contains("nothing was registered"), "{err}");
    let list = run(&db, &["models", "list", "--format", "json"]);
    if list.status.success() {
        let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 0, "nothing registered: {v}");
    }

    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[[model]]\nname = \"tiny\"\nrole = \"student\"\npath = \"tiny.gguf\"\n\n\
         [[model]]\nname = \"served\"\nrole = \"teacher\"\nendpoint = \"http://localhost:8000/v1\"\n",
    )
    .unwrap();
    let o = run(&db, &["models", "import", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("checked "));
    let list = run(&db, &["models", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["served", "tiny"]);

    let twice = dir.path().join("twice.toml");
    std::fs::write(
        &twice,
        "[[model]]\nname = \"a\"\nrole = \"student\"\n\n[[model]]\nname = \"a\"\nrole = \"teacher\"\n",
    )
    .unwrap();
    let o = run(&db, &["models", "import", twice.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("named twice"));
}
