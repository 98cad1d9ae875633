//! Domain enums ↔ SQL text, in one place. The text is `as_str()`; the schema's
//! CHECK constraints list the same strings.

use crate::domain::{
    ErrorMode, Incidence, PlanRating, Preference, Role, Severity, Side, Specialty, StepLabel,
    TaskKind,
};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! sql_text_enum {
    ($($t:ty),+) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = value.as_str()?;
                s.parse::<$t>().map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}

sql_text_enum!(
    Specialty, Incidence, TaskKind, StepLabel, Severity, ErrorMode, Role, Side, Preference,
    PlanRating
);
