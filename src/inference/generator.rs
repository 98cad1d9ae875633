//! The `Generator` trait: one interface for local candle models and served
//! OpenAI-compatible endpoints, so the CLI and the TUI never care which.

use super::{ChatMessage, Generation, GenerationConfig, InferenceError, ModelIdentity};
use std::ops::ControlFlow;

/// Something that turns chat messages into a generation.
///
/// `on_token` receives each newly completed piece of text as it is produced
/// (whole UTF-8 characters, stop strings withheld). Returning
/// `ControlFlow::Break(())` cancels the generation; the text so far comes
/// back with `StopReason::Cancelled`.
pub trait Generator: Send {
    fn identity(&self) -> &ModelIdentity;

    fn generate(
        &mut self,
        messages: &[ChatMessage],
        cfg: &GenerationConfig,
        on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation, InferenceError>;
}
