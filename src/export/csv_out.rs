//! CSV writing for the exports: the two profiles (RFC 4180 via the `csv` crate, UTF-8),
//! written through an [`AtomicFile`] (owner-only temp file in the destination's folder,
//! fsynced, then renamed over the destination, so a reader never sees half a file).
//!
//! - `data`: plain, LF line ends, no BOM, cells as they are (for R and pandas).
//! - `excel`: UTF-8 BOM, CRLF, and a guard against formula injection: a text cell starting
//!   with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` unless it is a plain number.
//!
//! Must not: know what a step or a verdict is; it writes cells.

use super::ExportError;
use super::atomic::AtomicFile;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// How a CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// BOM, CRLF, formula-injection guard: opens safely in spreadsheet programs.
    Excel,
    /// Plain UTF-8 with LF: for R, pandas and sqlite3 `.import`.
    Data,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Excel => "excel",
            Profile::Data => "data",
        }
    }
}

/// Whether a spreadsheet would take `cell` for a formula: it starts with `= + - @`, tab or
/// CR and is not simply a number such as `-0.12`.
pub fn needs_formula_guard(cell: &str) -> bool {
    let Some(first) = cell.chars().next() else {
        return false;
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return false;
    }
    let numeric = cell.len() > 1
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && cell.parse::<f64>().is_ok_and(f64::is_finite);
    !numeric
}

/// A CSV being written cell by cell, with the profile's rules applied.
pub struct CsvOut {
    w: csv::Writer<BufWriter<AtomicFile>>,
    profile: Profile,
    path: PathBuf,
    rows: u64,
    buf: String,
}

impl CsvOut {
    /// Start writing `path` (atomically) with `header`. With `replace`, an existing file at
    /// `path` is replaced on [`CsvOut::finish`]; without, finishing fails rather than replace it.
    pub fn create(
        path: &Path,
        replace: bool,
        profile: Profile,
        header: &[&str],
    ) -> Result<Self, ExportError> {
        if path.file_name().is_none() {
            return Err(ExportError::BadPath(path.to_path_buf()));
        }
        let atomic = AtomicFile::create(path, replace).map_err(|source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut inner = BufWriter::with_capacity(1 << 20, atomic);
        if profile == Profile::Excel {
            inner
                .write_all("\u{feff}".as_bytes())
                .map_err(|source| ExportError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
        }
        let terminator = match profile {
            Profile::Excel => csv::Terminator::CRLF,
            Profile::Data => csv::Terminator::Any(b'\n'),
        };
        let w = csv::WriterBuilder::new()
            .terminator(terminator)
            .flexible(false)
            .from_writer(inner);
        let mut out = Self {
            w,
            profile,
            path: path.to_path_buf(),
            rows: 0,
            buf: String::new(),
        };
        for h in header {
            out.raw(h)?;
        }
        out.end()?;
        out.rows = 0;
        Ok(out)
    }

    fn err(&self, source: csv::Error) -> ExportError {
        ExportError::Csv {
            path: self.path.clone(),
            source,
        }
    }

    fn raw(&mut self, cell: &str) -> Result<(), ExportError> {
        self.w.write_field(cell).map_err(|e| self.err(e))
    }

    /// A text cell (guarded in the excel profile).
    pub fn text(&mut self, cell: &str) -> Result<(), ExportError> {
        if self.profile == Profile::Excel && needs_formula_guard(cell) {
            self.buf.clear();
            self.buf.push('\'');
            self.buf.push_str(cell);
            let guarded = std::mem::take(&mut self.buf);
            let r = self.raw(&guarded);
            self.buf = guarded;
            r
        } else {
            self.raw(cell)
        }
    }

    pub fn opt_text(&mut self, cell: Option<&str>) -> Result<(), ExportError> {
        self.text(cell.unwrap_or(""))
    }

    /// A number cell: never guarded (a negative kappa stays a number).
    pub fn num(&mut self, v: impl std::fmt::Display) -> Result<(), ExportError> {
        use std::fmt::Write as _;
        self.buf.clear();
        let _ = write!(self.buf, "{v}");
        let cell = std::mem::take(&mut self.buf);
        let r = self.raw(&cell);
        self.buf = cell;
        r
    }

    pub fn opt_num<T: std::fmt::Display>(&mut self, v: Option<T>) -> Result<(), ExportError> {
        match v {
            Some(v) => self.num(v),
            None => self.raw(""),
        }
    }

    /// `true` / `false`.
    pub fn bool(&mut self, v: bool) -> Result<(), ExportError> {
        self.raw(if v { "true" } else { "false" })
    }

    pub fn opt_bool(&mut self, v: Option<bool>) -> Result<(), ExportError> {
        match v {
            Some(v) => self.bool(v),
            None => self.raw(""),
        }
    }

    /// End the current row.
    pub fn end(&mut self) -> Result<(), ExportError> {
        self.w
            .write_record(None::<&[u8]>)
            .map_err(|e| self.err(e))?;
        self.rows += 1;
        Ok(())
    }

    /// Flush, fsync and rename into place; returns the number of data rows.
    pub fn finish(self) -> Result<u64, ExportError> {
        let Self { w, path, rows, .. } = self;
        let inner = w.into_inner().map_err(|e| ExportError::Io {
            path: path.clone(),
            source: e.into_error(),
        })?;
        let atomic = inner.into_inner().map_err(|e| ExportError::Io {
            path: path.clone(),
            source: e.into_error(),
        })?;
        atomic
            .commit()
            .map_err(|source| ExportError::Io { path, source })?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_catches_formulas_but_not_numbers() {
        for bad in [
            "=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "-", "=", "-inf", "+nan", "-1e5x",
        ] {
            assert!(needs_formula_guard(bad), "{bad:?}");
        }
        for ok in ["", "-0.12", "+3", "-1e-5", "sound", "a=b", " =x", "12"] {
            assert!(!needs_formula_guard(ok), "{ok:?}");
        }
    }

    #[test]
    fn excel_profile_has_bom_crlf_and_guard_and_is_atomic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut out = CsvOut::create(&path, false, Profile::Excel, &["a", "b"]).unwrap();
        out.text("=HYPERLINK(\"x\")").unwrap();
        out.num(-0.5).unwrap();
        out.end().unwrap();
        assert!(!path.exists(), "nothing at the destination before finish");
        assert_eq!(out.finish().unwrap(), 1);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",-0.5\r\n"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temp file removed"
        );
    }

    #[test]
    fn a_dropped_writer_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "old").unwrap();
        let mut out = CsvOut::create(&path, true, Profile::Data, &["a"]).unwrap();
        out.text("new").unwrap();
        out.end().unwrap();
        drop(out);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
