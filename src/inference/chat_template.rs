//! A model's chat template (Hugging Face Jinja) rendered with minijinja the
//! way `transformers` does: `trim_blocks` + `lstrip_blocks`, Python string
//! methods (`.strip()`, `.startswith()` …), `raise_exception`, `tojson`.
//! `strftime_now` is deliberately not defined, so templates fall back to their
//! fixed default date and the rendered prompt stays reproducible.

use super::{ChatMessage, InferenceError};
use minijinja::{Environment, ErrorKind, Value};

/// Used when a model carries no chat template of its own.
pub const FALLBACK_TEMPLATE: &str = "{% for message in messages %}\
{% if message['role'] == 'system' %}{{ message['content'] }}\n\n\
{% elif message['role'] == 'user' %}User: {{ message['content'] }}\n\n\
{% else %}Assistant: {{ message['content'] }}\n\n{% endif %}{% endfor %}\
{% if add_generation_prompt %}Assistant:{% endif %}";

pub struct ChatTemplate {
    env: Environment<'static>,
    origin: String,
    bos_token: String,
    eos_token: String,
}

impl std::fmt::Debug for ChatTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatTemplate")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// An environment configured like `transformers`' Jinja sandbox.
pub(crate) fn hf_environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?,
    );
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    Ok(env)
}

fn raise_exception(msg: String) -> Result<Value, minijinja::Error> {
    Err(minijinja::Error::new(ErrorKind::InvalidOperation, msg))
}

impl ChatTemplate {
    /// Compiles `source`; `origin` says where it came from (for errors and provenance).
    pub fn new(
        source: &str,
        origin: impl Into<String>,
        bos_token: impl Into<String>,
        eos_token: impl Into<String>,
    ) -> Result<Self, InferenceError> {
        let origin = origin.into();
        let compile_err = |e: minijinja::Error| InferenceError::Template {
            origin: origin.clone(),
            detail: format!("{e:#}"),
        };
        let mut env = hf_environment().map_err(compile_err)?;
        env.add_function("raise_exception", raise_exception);
        env.add_template_owned("chat", source.to_string())
            .map_err(compile_err)?;
        Ok(Self {
            env,
            origin,
            bos_token: bos_token.into(),
            eos_token: eos_token.into(),
        })
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Renders the conversation, ending with the assistant's turn opening when
    /// `add_generation_prompt` is set.
    pub fn render(
        &self,
        messages: &[ChatMessage],
        add_generation_prompt: bool,
    ) -> Result<String, InferenceError> {
        let err = |e: minijinja::Error| InferenceError::Template {
            origin: self.origin.clone(),
            detail: format!("{e:#}"),
        };
        let tmpl = self.env.get_template("chat").map_err(err)?;
        let ctx = minijinja::context! {
            messages => Value::from(minijinja::value::Serde(messages)),
            add_generation_prompt => add_generation_prompt,
            bos_token => self.bos_token.as_str(),
            eos_token => self.eos_token.as_str(),
        };
        tmpl.render(ctx).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMOL: &str = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    #[test]
    fn renders_smollm2_template() {
        let t = ChatTemplate::new(SMOL, "test", "<|im_start|>", "<|im_end|>").unwrap();
        let out = t.render(&[ChatMessage::user("Hi")], true).unwrap();
        assert_eq!(
            out,
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        );
    }

    #[test]
    fn python_methods_and_trim_blocks_work() {
        let src = "{% for m in messages %}\n{{ m.content.strip() }}{% if m.role.startswith('sys') %}!{% endif %}\n{% endfor %}";
        let t = ChatTemplate::new(src, "test", "", "").unwrap();
        let out = t
            .render(
                &[ChatMessage::system("  a  "), ChatMessage::user("b")],
                false,
            )
            .unwrap();
        // trim_blocks eats the newline after each block tag, as in Jinja.
        assert_eq!(out, "a!b");
    }

    #[test]
    fn raise_exception_surfaces_as_error_naming_origin() {
        let src = "{{ raise_exception('only user and assistant roles are supported') }}";
        let t = ChatTemplate::new(src, "tokenizer_config.json", "", "").unwrap();
        let e = t.render(&[], true).unwrap_err().to_string();
        assert!(e.contains("tokenizer_config.json"), "{e}");
        assert!(e.contains("only user and assistant"), "{e}");
    }

    #[test]
    fn syntax_error_is_reported_at_compile_time() {
        let e = ChatTemplate::new("{% for %}", "override.j2", "", "").unwrap_err();
        assert!(e.to_string().contains("override.j2"));
    }

    #[test]
    fn fallback_template_renders() {
        let t = ChatTemplate::new(FALLBACK_TEMPLATE, "builtin", "", "").unwrap();
        let out = t.render(&[ChatMessage::user("Q?")], true).unwrap();
        assert_eq!(out, "User: Q?\n\nAssistant:");
    }
}
