//! Reliability (SPEC §11): no acknowledged verdict is lost under `kill -9` at
//! random moments, and concurrent reviewer processes share one database file.
//! "Acknowledged" = the replay printed its `saved …` line, which it does only
//! after the store committed the event.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::storage::Store;
use blindstep::storage::testing::RawConnection;
use blindstep::workflow::demo;
use blindstep::workflow::study::{StudySpec, create_study};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn keys(n: usize) -> String {
    let mut k = String::from("Enter\n");
    let pattern = ["1", "3", "d", "s", "2", "k", "0", "j", "r", "u"];
    for i in 0..n {
        k.push_str(pattern[i % pattern.len()]);
        k.push('\n');
        if i % 40 == 39 {
            k.push_str("q\nj\nEnter\n");
        }
    }
    k
}

fn events(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT (SELECT count(*) FROM step_verdict_events) + (SELECT count(*) FROM case_verdict_events)", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn no_acknowledged_verdict_is_lost_under_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    {
        let mut s = Store::open(&db).unwrap();
        demo::ensure_demo(&mut s).unwrap();
    }
    let key_file = dir.path().join("keys.txt");
    std::fs::write(&key_file, keys(20_000)).unwrap();
    // deterministic "random" kill moments
    let delays_ms = [15u64, 40, 75, 120, 190, 260];
    let mut total_acked = 0;
    for (trial, delay) in delays_ms.iter().enumerate() {
        let before = events(&db);
        let mut child = Command::new(env!("CARGO_BIN_EXE_blindstep"))
            .arg("--db")
            .arg(&db)
            .args([
                "review",
                "--study",
                demo::STUDY,
                "--reviewer",
                demo::REVIEWER,
                "--replay",
            ])
            .arg(&key_file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter(|l| l.starts_with("saved "))
                .count()
        });
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(*delay) {
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let acked = reader.join().unwrap() as i64;
        let after = events(&db);
        assert!(
            after - before >= acked,
            "trial {trial}: {acked} acknowledged saves but only {} events stored",
            after - before
        );
        total_acked += acked;
        // the file is intact and opens again
        let s = Store::open(&db).unwrap();
        let ok: String = s
            .connection()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
    assert!(
        total_acked > 0,
        "the replays saved nothing before being killed; the test proves nothing"
    );
}

#[test]
fn concurrent_reviewers_share_one_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    {
        let mut s = Store::open(&db).unwrap();
        demo::ensure_demo(&mut s).unwrap();
        create_study(
            &mut s,
            &StudySpec {
                name: "duo",
                model_a: demo::STUDENT,
                model_b: demo::TEACHER,
                cases: None,
                matching: None,
                reviewers: vec!["ana".into(), "ben".into(), "chi".into()],
                overlap: 3,
                seed: Some(5),
                actor: "test",
                allow_named_models: false,
            },
        )
        .unwrap();
    }
    let key_file = dir.path().join("keys.txt");
    std::fs::write(&key_file, keys(600)).unwrap();
    let children: Vec<_> = ["ana", "ben", "chi"]
        .iter()
        .map(|r| {
            Command::new(env!("CARGO_BIN_EXE_blindstep"))
                .arg("--db")
                .arg(&db)
                .args(["review", "--study", "duo", "--reviewer", r, "--replay"])
                .arg(&key_file)
                .output_async()
        })
        .collect();
    let mut acked = 0i64;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !text.contains("failed"),
            "a save failed under concurrency: {text}"
        );
        acked += text.lines().filter(|l| l.starts_with("saved ")).count() as i64;
    }
    assert!(acked > 300, "{acked}");
    assert_eq!(events(&db), acked);
}

trait SpawnPiped {
    fn output_async(&mut self) -> std::process::Child;
}

impl SpawnPiped for Command {
    fn output_async(&mut self) -> std::process::Child {
        self.stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }
}
