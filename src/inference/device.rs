//! Device selection and CPU thread accounting. candle sizes its CPU pools
//! once per process from `CANDLE_NUM_THREADS` / `RAYON_NUM_THREADS`, so a
//! thread count can only be chosen before the process starts; this module
//! reports what is in effect and refuses requests it cannot honour.

use super::{DeviceChoice, InferenceError};
use candle_core::Device;

/// The CPU thread count candle's quantized kernels use in this process.
pub fn effective_threads() -> usize {
    std::env::var("CANDLE_NUM_THREADS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(candle_core::utils::get_num_threads)
}

/// Environment variables that make a child process use `n` threads.
pub fn thread_env(n: usize) -> [(&'static str, String); 2] {
    [
        ("CANDLE_NUM_THREADS", n.to_string()),
        ("RAYON_NUM_THREADS", n.to_string()),
    ]
}

/// `Ok(threads in effect)` when `requested` is satisfied (or `None`).
pub fn check_threads(requested: Option<usize>) -> Result<usize, InferenceError> {
    let effective = effective_threads();
    match requested {
        Some(0) => Err(InferenceError::Config("threads must be >= 1".into())),
        Some(n) if n != effective => Err(InferenceError::Threads {
            requested: n,
            effective,
        }),
        _ => Ok(effective),
    }
}

/// Opens the device; `cuda`/`metal` need the matching cargo feature.
pub fn open_device(choice: DeviceChoice) -> Result<(Device, String), InferenceError> {
    let fail = |name: &str, e: candle_core::Error| InferenceError::Device {
        device: name.to_string(),
        detail: format!(
            "{} (was blindstep built with --features {name}?)",
            super::model::candle_message(&e)
        ),
    };
    match choice {
        DeviceChoice::Cpu => Ok((Device::Cpu, "cpu".to_string())),
        DeviceChoice::Cuda => Device::new_cuda(0)
            .map(|d| (d, "cuda:0".to_string()))
            .map_err(|e| fail("cuda", e)),
        DeviceChoice::Metal => Device::new_metal(0)
            .map(|d| (d, "metal:0".to_string()))
            .map_err(|e| fail("metal", e)),
    }
}

const REEXEC_GUARD: &str = "BLINDSTEP_THREADS_REEXEC";

/// Re-run the current command with candle's thread count fixed, when
/// `threads` differs from what this process has (candle reads it once at
/// start). `Some(status)` when the child ran; `None` when no re-run is needed.
pub fn reexec_for_threads(threads: usize) -> Result<Option<std::process::ExitStatus>, ReexecError> {
    if effective_threads() == threads {
        return Ok(None);
    }
    if std::env::var_os(REEXEC_GUARD).is_some() {
        return Err(ReexecError::Refused {
            threads,
            effective: effective_threads(),
        });
    }
    let exe = std::env::current_exe().map_err(ReexecError::Executable)?;
    let status = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .envs(thread_env(threads))
        .env(REEXEC_GUARD, "1")
        .status()
        .map_err(ReexecError::Rerun)?;
    Ok(Some(status))
}

/// Why the command could not be re-run with another thread count.
#[derive(Debug, thiserror::Error)]
pub enum ReexecError {
    /// The re-run process still has another count (the environment did not take).
    #[error("could not set {threads} threads (candle uses {effective})")]
    Refused { threads: usize, effective: usize },
    #[error("finding the blindstep executable")]
    Executable(#[source] std::io::Error),
    #[error("re-running with the requested thread count")]
    Rerun(#[source] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_or_absent_request_is_accepted() {
        let n = effective_threads();
        assert_eq!(check_threads(None).unwrap(), n);
        assert_eq!(check_threads(Some(n)).unwrap(), n);
        let e = check_threads(Some(n + 1)).unwrap_err().to_string();
        assert!(e.contains("CANDLE_NUM_THREADS"), "{e}");
    }

    #[cfg(not(feature = "cuda"))]
    #[test]
    fn cuda_without_feature_is_a_clear_error() {
        let e = open_device(DeviceChoice::Cuda).unwrap_err().to_string();
        assert!(e.contains("--features cuda"), "{e}");
    }
}
