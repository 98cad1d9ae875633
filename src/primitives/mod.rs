//! Small primitives every layer shares, one copy each: the stable FNV-1a hash, the SplitMix64
//! mixer, the emoji class, an error with its causes on one line, and the "this panic is being
//! caught" flag that lets the terminal's panic hook stay out of a panic the program recovers
//! from. Pure (the flag is thread-local state only).

pub mod chars;
pub mod error_chain;
pub mod hash;
pub mod panic;
pub mod splitmix;
