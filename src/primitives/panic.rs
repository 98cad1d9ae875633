//! Catching a panic on purpose. Some third-party loaders (candle's) panic on malformed
//! files; blindstep turns such a panic into an error message. The terminal's panic hook
//! restores the terminal for a panic that will end the program, but must stay out of one
//! that is being caught, or a malformed model file would leave the lab drawing on a
//! terminal in cooked mode. [`catch_quietly`] marks the current thread while it runs;
//! panic hooks ask [`caught_here`].

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Whether a panic raised now, on this thread, will be caught by [`catch_quietly`].
pub fn caught_here() -> bool {
    DEPTH.with(|d| d.get() > 0)
}

/// Run `f`, catching a panic inside it as `Err(message)`. While it runs, panic hooks see
/// [`caught_here`] as true.
pub fn catch_quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    struct Depth;
    impl Drop for Depth {
        fn drop(&mut self) {
            DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
        }
    }
    DEPTH.with(|d| d.set(d.get() + 1));
    let _depth = Depth;
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panicked".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::panic)]
    fn the_flag_is_set_only_inside() {
        assert!(!caught_here());
        let inside = catch_quietly(caught_here);
        assert_eq!(inside, Ok(true));
        assert!(!caught_here());
        let err = catch_quietly(|| -> u8 { panic!("bad weights") });
        assert_eq!(err, Err("bad weights".to_string()));
        assert!(!caught_here(), "the flag is reset after a caught panic");
    }
}
