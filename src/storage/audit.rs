//! Who and where, for the audit trail: the operating-system user the process runs as (its
//! real uid, looked up in the password database; not `$USER`, which anyone can set) and the
//! host name (from `uname`). Read once per process. And the one way an audit event is
//! appended, with both.

use super::StoreError;
use crate::domain::StudyId;
use rusqlite::params;
use std::sync::OnceLock;

/// The process's user, e.g. `ana` (or `uid 1001` when the uid has no password entry).
pub fn os_user() -> &'static str {
    static USER: OnceLock<String> = OnceLock::new();
    USER.get_or_init(|| {
        #[cfg(unix)]
        {
            let uid = rustix::process::getuid().as_raw();
            let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
            user_of(&passwd, uid).unwrap_or_else(|| format!("uid {uid}"))
        }
        #[cfg(not(unix))]
        {
            std::env::var("USERNAME").unwrap_or_else(|_| "unknown".into())
        }
    })
}

/// The host name, e.g. `ward3-pc`.
pub fn host() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        #[cfg(unix)]
        {
            let name = rustix::system::uname()
                .nodename()
                .to_string_lossy()
                .into_owned();
            if name.is_empty() {
                "unknown".into()
            } else {
                name
            }
        }
        #[cfg(not(unix))]
        {
            std::env::var("COMPUTERNAME").unwrap_or_else(|_| "unknown".into())
        }
    })
}

/// The name of `uid` in a password file (`name:x:uid:gid:...` lines).
fn user_of(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        let _password = f.next()?;
        let id: u32 = f.next()?.trim().parse().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_string())
    })
}

/// Append an audit event with the process's OS user and host (inside the caller's
/// transaction when given one).
pub(crate) fn record_event(
    conn: &rusqlite::Connection,
    study: StudyId,
    kind: &str,
    actor: &str,
    detail: &str,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO study_events (study_id, kind, actor, detail, os_user, host) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            study.0,
            kind,
            actor,
            detail,
            os_user(),
            host()
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lookup_by_uid() {
        let p = "root:x:0:0:root:/root:/bin/bash\n# comment\nana:x:1001:1001::/home/ana:/bin/sh\n";
        assert_eq!(user_of(p, 1001).as_deref(), Some("ana"));
        assert_eq!(user_of(p, 0).as_deref(), Some("root"));
        assert_eq!(user_of(p, 7), None);
        assert!(!os_user().is_empty());
        assert!(!host().is_empty());
    }
}
