//! Reviewer packs through the binary: a pack holds no identity (raw-byte scan), is reviewed
//! headlessly with the same screens, is collected once (collecting again adds nothing),
//! conflicts with verdicts changed meanwhile are reported and not applied, and a tampered
//! pack, a pack of another study or reviewer, or a pack after unblinding is refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pack_support;

use pack_support::*;
use std::path::Path;

/// Replay lines typing `text` (one key per line).
fn typed(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == ' ' {
                "Space".to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn keys() -> String {
    format!(
        "g\nEnter\ng\n1\nj\n2\nj\n3\ns\n2\nj\nc\n{}\nEnter\nTab\ny\nj\nn\nEsc\nq\n",
        typed("a pack note")
    )
}

fn events(db: &Path) -> (i64, i64) {
    (
        count(db, "SELECT count(*) FROM step_verdict_events"),
        count(db, "SELECT count(*) FROM case_verdict_events"),
    )
}

#[test]
fn a_pack_holds_no_identity_and_is_reviewed_collected_once() {
    let s = site();
    let db = &s.db;
    // Earlier verdicts: ana's travel with her pack; ben's, with a note, must not.
    let ana_keys = write(&s.path("ana.keys"), "Enter\n1\nq\n");
    ok(
        db,
        &[
            "review",
            "--study",
            "site",
            "--reviewer",
            "ana",
            "--replay",
            f(&ana_keys),
        ],
    );
    let ben_keys = write(
        &s.path("ben.keys"),
        &format!("Enter\n3\nc\n{}\nEnter\nq\n", typed("BEN-PRIVATE-NOTE")),
    );
    ok(
        db,
        &[
            "review",
            "--study",
            "site",
            "--reviewer",
            "ben",
            "--replay",
            f(&ben_keys),
        ],
    );
    let pack = s.path("ana.pack");
    let t = ok(
        db,
        &[
            "study",
            "pack",
            "site",
            "--reviewer",
            "ana",
            "--out",
            f(&pack),
        ],
    );
    assert!(t.contains("10 item(s)"), "{t}");
    assert!(
        !Path::new(&format!("{}-wal", pack.display())).exists(),
        "a single file"
    );
    assert!(
        leaks(db).len() >= 8,
        "the scan finds identity where it is: {:?}",
        leaks(db)
    );
    assert_eq!(leaks(&pack), Vec::<&str>::new(), "identity in the pack");
    let raw = std::fs::read(&pack).unwrap();
    assert!(
        !raw.windows(16).any(|w| w == b"BEN-PRIVATE-NOTE"),
        "another reviewer's verdict in the pack"
    );
    // what the pack holds: ana's items and her one earlier verdict, no spans, no outputs
    assert_eq!(count(&pack, "SELECT count(*) FROM items"), 10);
    assert_eq!(count(&pack, "SELECT count(*) FROM step_verdict_events"), 1);
    assert_eq!(
        count(&pack, "SELECT count(*) FROM steps WHERE spans <> '[]'"),
        0
    );
    assert_eq!(
        count(&pack, "SELECT count(*) FROM runs WHERE output <> ''"),
        0
    );
    assert_eq!(
        count(
            &pack,
            "SELECT count(*) FROM study_reviewers WHERE reviewer <> 'ana'"
        ),
        0
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pack).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "pack mode {mode:o}");
    }

    // review from the pack, headless; the study database is not touched
    let before = events(db);
    let keys = write(&s.path("pack.keys"), &keys());
    let o = bin()
        .args(["review", "--pack", f(&pack), "--replay", f(&keys)])
        .output()
        .unwrap();
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    let saves = t.lines().filter(|l| l.starts_with("saved ")).count();
    assert!(saves >= 5, "{t}");
    assert_eq!(events(db), before);

    // collect: every new event, once
    let t = ok(db, &["study", "collect", "site", f(&pack)]);
    let after = events(db);
    let added = (after.0 - before.0) + (after.1 - before.1);
    assert_eq!(added as usize, saves, "{t}");
    assert!(t.contains("0 conflict(s)"), "{t}");
    let t = ok(db, &["study", "collect", "site", f(&pack)]);
    assert!(
        t.contains("0 step verdict(s) and 0 case verdict(s) added"),
        "{t}"
    );
    assert_eq!(events(db), after, "collecting twice adds nothing");
    // the collected verdicts are ana's, on the sides she saw
    let note: i64 = count(
        db,
        "SELECT count(*) FROM step_verdict_events WHERE reviewer = 'ana' AND note = 'a pack note'",
    );
    assert_eq!(note, 1);
    let show = ok(db, &["study", "show", "site"]);
    assert!(show.contains("last collected"), "{show}");
    assert!(show.contains("+0 steps"), "last collection shown: {show}");
    let json = ok(db, &["study", "show", "site", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["packs"][0]["reviewer"], "ana");
    assert_eq!(v["packs"][0]["collections"], 2);
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM study_events WHERE kind = 'collected' AND os_user IS NOT NULL AND host IS NOT NULL"
        ),
        2
    );

    // a verdict changed in the study meanwhile is a conflict, not overwritten
    let again = write(&s.path("again.keys"), "g\nEnter\ng\n0\nq\n");
    ok(db, &["review", "--pack", f(&pack), "--replay", f(&again)]);
    ok(
        db,
        &[
            "review",
            "--study",
            "site",
            "--reviewer",
            "ana",
            "--replay",
            f(&write(&s.path("db.keys"), "g\nEnter\ng\n2\nq\n")),
        ],
    );
    let current = || {
        count(
            db,
            "SELECT count(*) FROM current_step_verdicts WHERE reviewer = 'ana' AND label = 'neutral'",
        )
    };
    let neutral = current();
    let t = ok(db, &["study", "collect", "site", f(&pack)]);
    assert!(t.contains("1 conflict(s)"), "{t}");
    assert!(t.contains("conflict, not applied"), "{t}");
    assert_eq!(current(), neutral, "the study's newer verdict stands");
}

#[test]
fn tampered_foreign_and_late_packs_are_refused() {
    let s = site();
    let db = &s.db;
    let pack = s.path("ana.pack");
    ok(
        db,
        &[
            "study",
            "pack",
            "site",
            "--reviewer",
            "ana",
            "--out",
            f(&pack),
        ],
    );
    let keys = write(&s.path("k"), &keys());
    ok(db, &["review", "--pack", f(&pack), "--replay", f(&keys)]);
    let before = events(db);
    let copy = |name: &str, sql: &str| {
        let p = s.path(name);
        std::fs::copy(&pack, &p).unwrap();
        rusqlite::Connection::open(&p)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        p
    };
    // an altered step text
    let altered = copy(
        "altered.pack",
        "DROP TRIGGER steps_are_immutable; UPDATE steps SET text = 'The answer is obviously B.' WHERE idx = 0 AND chain_id = (SELECT min(chain_id) FROM steps);",
    );
    let t = fail(db, &["study", "collect", "site", f(&altered)]);
    assert!(t.contains("altered after packing"), "{t}");
    // an added item order change counts too
    let moved = copy(
        "moved.pack",
        "DROP TRIGGER assignments_no_update; UPDATE assignments SET a_side = 'right' WHERE item_id = (SELECT min(item_id) FROM assignments);",
    );
    let t = fail(db, &["study", "collect", "site", f(&moved)]);
    assert!(t.contains("altered after packing"), "{t}");
    // another reviewer claimed
    let other_reviewer = copy("ben.pack", "UPDATE pack_meta SET reviewer = 'ben';");
    let t = fail(db, &["study", "collect", "site", f(&other_reviewer)]);
    assert!(t.contains("made for reviewer \"ana\""), "{t}");
    let foreign_verdicts = copy(
        "foreign.pack",
        "INSERT INTO study_reviewers (study_id, reviewer) SELECT id, 'ben' FROM studies;",
    );
    let t = fail(db, &["study", "collect", "site", f(&foreign_verdicts)]);
    assert!(t.contains("\"ben\""), "{t}");
    // a pack of this study collected into another
    let t = fail(db, &["study", "collect", "other", f(&pack)]);
    assert!(t.contains("a pack of study \"site\""), "{t}");
    // a pack of another database's study of the same name
    let elsewhere = site();
    let t = fail(&elsewhere.db, &["study", "collect", "site", f(&pack)]);
    assert!(t.contains("was not made from this database"), "{t}");
    // a study database is not a pack
    let t = fail(db, &["study", "collect", "site", f(db)]);
    assert!(t.contains("not a reviewer pack"), "{t}");
    assert_eq!(events(db), before, "nothing was collected");

    // after unblinding: no collection, no review, no pack, until reopened
    ok(db, &["study", "unblind", "site", "--yes"]);
    let t = fail(db, &["study", "collect", "site", f(&pack)]);
    assert!(t.contains("reopen"), "{t}");
    let t = fail(
        db,
        &[
            "review",
            "--study",
            "site",
            "--reviewer",
            "ana",
            "--replay",
            f(&keys),
        ],
    );
    assert!(t.contains("takes no more verdicts"), "{t}");
    fail(
        db,
        &[
            "study",
            "pack",
            "site",
            "--reviewer",
            "ben",
            "--out",
            f(&s.path("late.pack")),
        ],
    );
    assert_eq!(events(db), before);
    ok(
        db,
        &["study", "reopen", "site", "--yes", "--reason", "late pack"],
    );
    let t = ok(db, &["study", "collect", "site", f(&pack)]);
    assert!(t.contains("0 conflict(s)"), "{t}");
    assert!(events(db).0 > before.0);
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM study_events WHERE kind IN ('unblinded','reopened') AND os_user IS NOT NULL AND host IS NOT NULL"
        ),
        2
    );
}

#[test]
fn pack_out_follows_the_out_rules_and_demo_opens_a_pack() {
    let s = site();
    let db = &s.db;
    let before = std::fs::read(db).unwrap();
    for out in [f(db).to_string(), format!("{}-wal", f(db))] {
        let t = fail(
            db,
            &[
                "study",
                "pack",
                "site",
                "--reviewer",
                "ana",
                "--out",
                &out,
                "--force",
            ],
        );
        assert!(t.contains("never writes over a database"), "{t}");
    }
    assert_eq!(
        std::fs::read(db).unwrap(),
        before,
        "database byte-identical"
    );
    let pack = s.path("p.pack");
    ok(
        db,
        &[
            "study",
            "pack",
            "site",
            "--reviewer",
            "ana",
            "--out",
            f(&pack),
        ],
    );
    // a pack is an SQLite file: never replaced, even with --force
    let t = fail(
        db,
        &[
            "study",
            "pack",
            "site",
            "--reviewer",
            "ana",
            "--out",
            f(&pack),
            "--force",
        ],
    );
    assert!(t.contains("is an SQLite database"), "{t}");

    // demo --pack: writes the demo's pack, then reviews it
    let demo_db = s.path("demo.db");
    let demo_pack = s.path("demo.pack");
    let keys = write(&s.path("k"), "Enter\n1\nj\n3\nq\n");
    let o = bin()
        .arg("--db")
        .arg(&demo_db)
        .args(["demo", "--pack", f(&demo_pack), "--replay", f(&keys)])
        .output()
        .unwrap();
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("wrote a reviewer pack of the demo study"), "{t}");
    assert_eq!(
        t.lines().filter(|l| l.starts_with("saved ")).count(),
        2,
        "{t}"
    );
    assert_eq!(
        count(&demo_pack, "SELECT count(*) FROM step_verdict_events"),
        2
    );
    ok(&demo_db, &["study", "collect", "demo", f(&demo_pack)]);
    assert_eq!(
        count(&demo_db, "SELECT count(*) FROM step_verdict_events"),
        2
    );
}

/// Undo in the study database does not take back a verdict collected from a pack: the
/// reviewer undoes inside the pack before sending it; here `u` says where the verdict came
/// from and changes nothing, and a new verdict given here is undone as usual (back to the
/// pack's verdict, never past it).
#[test]
fn undo_in_the_study_database_never_takes_back_a_collected_verdict() {
    let s = site();
    let db = &s.db;
    let review = |keys: &str, name: &str| {
        run(
            db,
            &[
                "review",
                "--study",
                "site",
                "--reviewer",
                "ana",
                "--replay",
                f(&write(&s.path(name), keys)),
            ],
        )
    };
    let labels = || -> String {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT coalesce(group_concat(label, ' '), '') FROM
                 (SELECT label FROM current_step_verdicts WHERE reviewer = 'ana'
                  ORDER BY item_id, side, step_idx)",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    // A verdict given in the study database before packing, then packed.
    let o = review("g\nEnter\ng\n1\nq\n", "before.keys");
    assert!(o.status.success(), "{}", text(&o));
    let pack = s.path("ana.pack");
    ok(
        db,
        &[
            "study",
            "pack",
            "site",
            "--reviewer",
            "ana",
            "--out",
            f(&pack),
        ],
    );
    // In the pack: the next step judged neutral; an undo there works as usual.
    let pk = write(&s.path("pack.keys"), "g\nEnter\ng\nj\n2\n1\nu\nq\n");
    let o = bin()
        .args(["review", "--pack", f(&pack), "--replay", f(&pk)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("(undo): unmarked"), "{}", text(&o));
    ok(db, &["study", "collect", "site", f(&pack)]);
    let collected = labels();
    assert_eq!(collected, "sound neutral", "the pack's verdicts are in");
    let events = count(db, "SELECT count(*) FROM step_verdict_events");

    // `u` in the study database: refused, with where the verdict came from; nothing written.
    let o = review("g\nEnter\nu\nq\n", "undo.keys");
    let t = text(&o);
    assert!(!o.status.success(), "a refused undo is a failure: {t}");
    assert!(t.contains("came from reviewer pack"), "{t}");
    assert!(t.contains("give a new verdict instead"), "{t}");
    assert!(t.contains("undoes inside their pack"), "{t}");
    assert_eq!(labels(), collected);
    assert_eq!(
        count(db, "SELECT count(*) FROM step_verdict_events"),
        events
    );

    // A new verdict here changes the collected one, and its undo puts the pack's back.
    let o = review("g\nEnter\ng\nj\n1\nq\n", "change.keys");
    assert!(o.status.success(), "{}", text(&o));
    assert_ne!(labels(), collected, "{}", text(&o));
    let o = review("g\nEnter\nu\nq\n", "undo2.keys");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(labels(), collected, "back to the pack's verdict");
    // ... and no further: the next undo meets the pack's verdict again.
    let o = review("g\nEnter\nu\nq\n", "undo3.keys");
    assert!(!o.status.success());
    assert!(text(&o).contains("came from reviewer pack"));
    assert_eq!(
        labels(),
        collected,
        "the verdict from before the pack stands too"
    );
}
