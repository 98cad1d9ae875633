//! The lab's only contact with the inference API: load a registered model as a
//! [`Generator`] (through the shared [`crate::workflow::generation::open_generator`]) and
//! describe it in one line. Kept small so a change in `crate::inference` touches one file.
//! Must not draw or hold state.

use crate::domain::Model;
use crate::inference::{Generator, ModelIdentity};
use crate::lab::settings::RunSettings;
use crate::workflow::generation::{OpenError, OpenOptions, open_generator};

/// Loads `model` as the settings ask (local with candle, or a client for an endpoint whose
/// tokens stream to the screen).
pub fn load_generator(model: &Model, s: &RunSettings) -> Result<Box<dyn Generator>, OpenError> {
    let opts = OpenOptions {
        device: s.device,
        dtype: s.dtype,
        threads: Some(s.threads),
        ..OpenOptions::default()
    };
    Ok(open_generator(model, &opts)?.into_generator())
}

/// One line about a loaded model: architecture, quantisation, device, threads, location.
pub fn describe(id: &ModelIdentity) -> String {
    let mut parts = vec![id.architecture.clone()];
    if let Some(q) = &id.quantization {
        parts.push(q.clone());
    }
    parts.push(id.device.clone());
    if let Some(t) = id.threads {
        parts.push(format!("{t} thread(s)"));
    }
    parts.push(id.location.clone());
    parts.join(" · ")
}
