//! Reviewer packs end to end: `study pack` (one reviewer's blinded work in a file of its own,
//! owner-only, written atomically), `review --pack` (the same screens on that file) and
//! `study collect` (the new verdicts merged back, checked against what was packed).
//!
//! Must not: write into a study database anything from a pack that was not made from it, for
//! another study or reviewer, or with altered items or chains; or write into the returned
//! pack file (collection reads a private copy).

use super::error::{WorkflowError, WorkflowResult, refuse};
use super::review_backend::StoreBackend;
use crate::export::atomic::{AtomicFile, check_out, is_sqlite_file};
use crate::storage::Store;
use crate::storage::collect::{CollectReport, PackRecord};
use std::path::{Path, PathBuf};

/// What `study pack` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackOutcome {
    pub path: PathBuf,
    pub pack_id: String,
    pub items: usize,
    pub events: usize,
}

/// 128 random bits, hex: a pack's id.
fn random_id() -> String {
    use std::io::Read;
    let mut b = [0u8; 16];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .is_ok();
    if !filled {
        // No /dev/urandom: time and process id, hashed; unique enough for a pack name.
        use sha2::Digest;
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let h = sha2::Sha256::digest(format!("{t}:{}", std::process::id()).as_bytes());
        b.copy_from_slice(&h[..16]);
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Open an existing, non-empty database file (a missing or 0-byte file is never created or
/// written into by opening it).
pub fn open_existing(path: &Path) -> WorkflowResult<Store> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            refuse!("{}: no such file", path.display())
        }
        Err(e) => return Err(WorkflowError::io(path.display().to_string())(e)),
        Ok(m) if m.is_file() && m.len() == 0 => refuse!(
            "{}: empty file (0 bytes), not a blindstep database; it was left untouched",
            path.display()
        ),
        Ok(_) => {}
    }
    Ok(Store::open(path)?)
}

/// Write `reviewer`'s pack of study `study` to `out`.
pub fn make_pack(
    store: &mut Store,
    study: &str,
    reviewer: &str,
    out: &Path,
    force: bool,
    actor: &str,
) -> WorkflowResult<PackOutcome> {
    let s = store.study(study)?;
    if let Some(at) = store.verdicts_closed(s.id)? {
        refuse!(
            "study {study:?} was unblinded at {at} and takes no more verdicts, so it is not packed (`blindstep study reopen {study}` first, audited)"
        );
    }
    let reviewers = store.study_reviewers(s.id)?;
    if !reviewers.iter().any(|r| r == reviewer) {
        refuse!(
            "{reviewer:?} is not a reviewer of study {study:?} (reviewers: {})",
            reviewers.join(", ")
        );
    }
    check_out(out, Some(store.path()), force)?;
    let pack_id = random_id();
    let content = store.pack_content(study, reviewer, &pack_id)?;
    if content.items.is_empty() {
        refuse!("{reviewer:?} has no items in study {study:?}; nothing to pack");
    }
    let file =
        AtomicFile::create(out, force).map_err(WorkflowError::io(out.display().to_string()))?;
    let (ids, hash) = {
        let mut pack = Store::open(file.temp_path())?;
        let ids = pack.fill_pack(&content)?;
        (ids, pack.pack_content_hash()?)
    };
    file.commit()
        .map_err(WorkflowError::io(format!("writing {}", out.display())))?;
    let record = PackRecord {
        id: pack_id.clone(),
        study: s.id,
        reviewer: reviewer.to_string(),
        content_hash: hash,
    };
    if let Err(e) = store.record_pack(&record, &out.display().to_string(), &ids, actor) {
        // An unrecorded pack could never be collected: do not leave it behind.
        let _ = std::fs::remove_file(out);
        return Err(e.into());
    }
    Ok(PackOutcome {
        path: out.to_path_buf(),
        pack_id,
        items: ids.items.len(),
        events: ids.step_events.len() + ids.case_events.len(),
    })
}

/// The review backend over a pack file, bound to the pack's study and reviewer.
pub fn open_pack(path: &Path, reviewer: Option<&str>) -> WorkflowResult<StoreBackend> {
    let store = open_existing(path)?;
    let Some(meta) = store.pack_meta()? else {
        refuse!(
            "{}: not a reviewer pack (to review a study database, give --db, --study and --reviewer)",
            path.display()
        );
    };
    if let Some(r) = reviewer
        && r != meta.reviewer
    {
        refuse!(
            "{}: this pack is {:?}'s, not {r:?}'s",
            path.display(),
            meta.reviewer
        );
    }
    Ok(StoreBackend::open(store, &meta.study, &meta.reviewer)?)
}

/// Copy a returned pack (and its `-wal`, if a session did not close cleanly) to a private
/// temp folder, so collecting never writes into the reviewer's file.
fn private_copy(file: &Path) -> WorkflowResult<(tempfile::TempDir, PathBuf)> {
    let meta = std::fs::metadata(file).map_err(WorkflowError::io(file.display().to_string()))?;
    if !meta.is_file() || meta.len() == 0 || !is_sqlite_file(file) {
        refuse!(
            "{}: not a reviewer pack (not an SQLite file); nothing was collected",
            file.display()
        );
    }
    let dir = tempfile::tempdir().map_err(WorkflowError::io("a temp folder for the pack"))?;
    let copy = dir.path().join("pack.sqlite");
    std::fs::copy(file, &copy).map_err(WorkflowError::io(format!("copying {}", file.display())))?;
    let mut wal = file.as_os_str().to_os_string();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    if wal.is_file() {
        std::fs::copy(&wal, dir.path().join("pack.sqlite-wal"))
            .map_err(WorkflowError::io(format!("copying {}", wal.display())))?;
    }
    Ok((dir, copy))
}

/// Merge the new verdict events of a returned pack into study `study`.
pub fn collect(
    store: &mut Store,
    study: &str,
    file: &Path,
    actor: &str,
) -> WorkflowResult<CollectReport> {
    let s = store.study(study)?;
    let refuse = |why: String| -> WorkflowResult<CollectReport> {
        refuse!("{}: {why}; nothing was collected", file.display())
    };
    if let Some(at) = store.verdicts_closed(s.id)? {
        return refuse(format!(
            "study {study:?} was unblinded at {at} and takes no more verdicts (`blindstep study reopen {study}` first, audited)"
        ));
    }
    let (_dir, copy) = private_copy(file)?;
    let read = Store::open(&copy)
        .and_then(|p| p.read_pack())
        .map_err(|e| {
            WorkflowError::Refused(format!(
                "{}: not a readable reviewer pack ({e}); nothing was collected",
                file.display()
            ))
        })?;
    if read.meta.study != study {
        return refuse(format!(
            "a pack of study {:?}, not of {study:?}",
            read.meta.study
        ));
    }
    let Some(rec) = store.pack_record(&read.meta.pack_id)? else {
        return refuse(format!(
            "pack {} was not made from this database ({})",
            read.meta.pack_id,
            store.path().display()
        ));
    };
    if rec.study != s.id {
        return refuse("a pack of another study".into());
    }
    if read.meta.reviewer != rec.reviewer {
        return refuse(format!(
            "made for reviewer {:?} but now names {:?}",
            rec.reviewer, read.meta.reviewer
        ));
    }
    if read.reviewers != [rec.reviewer.clone()] {
        return refuse(format!(
            "made for reviewer {:?} but holds assignments or verdicts of {}",
            rec.reviewer,
            read.reviewers
                .iter()
                .filter(|r| **r != rec.reviewer)
                .map(|r| format!("{r:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if read.content_hash != rec.content_hash {
        return refuse(
            "its items, cases or chains were altered after packing (the content hash differs)"
                .into(),
        );
    }
    Ok(store.collect_pack(&rec, &read, actor)?)
}
