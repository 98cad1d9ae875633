//! An error and its causes as one line, `what failed: why: underlying cause`, the way the
//! command line prints an error (anyhow's `{:#}`). For screens that show a library error in a
//! status line. Pure.

use std::error::Error;

/// `e`, then each of its sources, joined by `": "`.
pub fn error_chain(e: &(dyn Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("reading {path}")]
    struct Reading {
        path: String,
        #[source]
        source: std::io::Error,
    }

    #[test]
    fn joins_every_cause_like_the_command_line() {
        let e = Reading {
            path: "cases.toml".into(),
            source: std::io::Error::other("permission denied"),
        };
        assert_eq!(error_chain(&e), "reading cases.toml: permission denied");
        assert_eq!(
            error_chain(&e),
            format!(
                "{:#}",
                anyhow::Error::new(Reading {
                    path: "cases.toml".into(),
                    source: std::io::Error::other("permission denied"),
                })
            )
        );
    }
}
