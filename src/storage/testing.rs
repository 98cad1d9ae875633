//! Raw SQL access for integration tests and benchmarks only: planting a corrupt row, a
//! refusing trigger or a bulk load, and reading what no typed method exposes. It is not part
//! of the store's API (the product never calls it; every write of the product goes through
//! the typed methods), so it lives behind a trait that a test must import by name:
//!
//! ```ignore
//! use blindstep::storage::testing::RawConnection;
//! let n: i64 = store.connection().query_row("SELECT count(*) FROM runs", [], |r| r.get(0))?;
//! ```

use super::Store;
use rusqlite::Connection;

/// The store's own connection, for tests and benchmarks.
#[doc(hidden)]
pub trait RawConnection {
    /// The open connection (WAL, `synchronous=FULL`, foreign keys on).
    fn connection(&self) -> &Connection;
}

impl RawConnection for Store {
    fn connection(&self) -> &Connection {
        &self.conn
    }
}
