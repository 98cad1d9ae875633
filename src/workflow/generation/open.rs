//! Opening a registered model for generation: the one place that turns a [`ModelSource`]
//! into something that generates (a local candle model, or a client for a served model).
//! `blindstep generate`, the lab and `models check` all come through here.

use crate::domain::{Model, ModelSource};
use crate::inference::{
    DTypeChoice, DeviceChoice, Generator, InferenceError, LoadOptions, ModelIdentity, OpenAiClient,
    OpenAiConfig, load_local,
};
use std::time::Duration;

/// How to open a model. Local models read `device` and `threads`; endpoints the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenOptions {
    pub device: DeviceChoice,
    /// The dtype safetensors weights are kept and run in.
    pub dtype: DTypeChoice,
    /// Requested CPU threads; `None` keeps candle's default.
    pub threads: Option<usize>,
    /// The environment variable holding the API key.
    pub api_key_env: String,
    /// Seconds before a request is abandoned (then retried).
    pub timeout: Duration,
    /// Retries on 429, 5xx, timeouts and connection errors.
    pub retries: u32,
    /// Overrides the registered served model id.
    pub served_model: Option<String>,
    /// Requests in flight at once; `None` runs one case at a time with its tokens streamed.
    pub concurrency: Option<usize>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            device: DeviceChoice::Cpu,
            dtype: DTypeChoice::Auto,
            threads: None,
            api_key_env: "OPENAI_API_KEY".into(),
            timeout: Duration::from_secs(600),
            retries: 3,
            served_model: None,
            concurrency: None,
        }
    }
}

/// An opened model, ready for [`super::run_batch`].
pub enum Engine {
    /// One case at a time, tokens streamed as they come (local models, fakes in tests, and
    /// endpoints when no concurrency is asked for).
    Sequential(Box<dyn Generator>),
    /// A served model with up to `concurrency` requests in flight; results arrive whole, in
    /// completion order.
    Pooled {
        client: Box<OpenAiClient>,
        concurrency: usize,
    },
}

impl Engine {
    pub fn identity(&self) -> &ModelIdentity {
        match self {
            Engine::Sequential(g) => g.identity(),
            Engine::Pooled { client, .. } => client.identity(),
        }
    }

    /// The engine as one generator (a pooled client runs its cases one at a time).
    pub fn into_generator(self) -> Box<dyn Generator> {
        match self {
            Engine::Sequential(g) => g,
            Engine::Pooled { client, .. } => client,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "model {0:?} has no local path or endpoint; import its runs with `blindstep runs import`"
    )]
    OutputsOnly(String),
    #[error("loading model {name:?}: {error}")]
    Load { name: String, error: InferenceError },
}

/// A client for a served model at `base`, with the API key from `opts.api_key_env`.
pub fn endpoint_client(base: &str, served: &str, opts: &OpenOptions) -> OpenAiClient {
    let mut cfg = OpenAiConfig::new(base, opts.served_model.as_deref().unwrap_or(served));
    cfg.api_key = std::env::var(&opts.api_key_env)
        .ok()
        .filter(|k| !k.is_empty());
    cfg.timeout = opts.timeout;
    cfg.retries = opts.retries;
    OpenAiClient::new(cfg)
}

/// Opens `model` as `opts` ask: loads a local model with candle (blocking, can take seconds)
/// or builds a client for an endpoint (no request is made).
pub fn open_generator(model: &Model, opts: &OpenOptions) -> Result<Engine, OpenError> {
    match &model.source {
        ModelSource::OutputsOnly => Err(OpenError::OutputsOnly(model.name.clone())),
        ModelSource::Local(path) => {
            let load = LoadOptions {
                tokenizer: model.tokenizer.clone(),
                chat_template: model.chat_template.clone(),
                device: opts.device,
                threads: opts.threads,
                dtype: opts.dtype,
            };
            let generator = load_local(path, &load).map_err(|error| OpenError::Load {
                name: model.name.clone(),
                error,
            })?;
            Ok(Engine::Sequential(generator))
        }
        ModelSource::Endpoint { base, served } => {
            let client = endpoint_client(base, served, opts);
            Ok(match opts.concurrency {
                Some(n) => Engine::Pooled {
                    client: Box::new(client),
                    concurrency: n.max(1),
                },
                None => Engine::Sequential(Box::new(client)),
            })
        }
    }
}
