//! Throughput of the stripper over the fixture traces (MB/s on one core).
fn main() {}
