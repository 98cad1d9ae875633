//! The settings form of a lab run (pure): the model choice and the sampling fields as the
//! researcher typed them, and their parsing into a [`RunSettings`]. Must not load models or
//! read the environment; the runtime supplies the defaults.

use crate::inference::{DTypeChoice, DeviceChoice, GenerationConfig};

/// The editable fields, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Model,
    MaxTokens,
    Temperature,
    TopP,
    TopK,
    RepeatPenalty,
    Seed,
    Threads,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Model,
        Field::MaxTokens,
        Field::Temperature,
        Field::TopP,
        Field::TopK,
        Field::RepeatPenalty,
        Field::Seed,
        Field::Threads,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Model => "model",
            Field::MaxTokens => "max tokens",
            Field::Temperature => "temperature",
            Field::TopP => "top-p",
            Field::TopK => "top-k",
            Field::RepeatPenalty => "repeat penalty",
            Field::Seed => "seed",
            Field::Threads => "threads",
        }
    }

    /// What the field means, shown beside it.
    pub fn hint(self) -> &'static str {
        match self {
            Field::Model => "←/→ to choose",
            Field::MaxTokens => "tokens to generate at most",
            Field::Temperature => "0 = greedy, deterministic",
            Field::TopP => "blank = off; (0, 1]",
            Field::TopK => "blank = off; ≥ 1",
            Field::RepeatPenalty => "1.0 = off",
            Field::Seed => "sampling seed",
            Field::Threads => "CPU threads (fixed at start: blindstep lab --threads N)",
        }
    }

    /// Index of the field's text in [`SettingsForm::text`] (the model has none).
    fn slot(self) -> Option<usize> {
        match self {
            Field::Model => None,
            Field::MaxTokens => Some(0),
            Field::Temperature => Some(1),
            Field::TopP => Some(2),
            Field::TopK => Some(3),
            Field::RepeatPenalty => Some(4),
            Field::Seed => Some(5),
            Field::Threads => Some(6),
        }
    }

    /// Characters the field accepts as typed.
    pub fn accepts(self, c: char) -> bool {
        match self {
            Field::Model => false,
            Field::Temperature | Field::TopP | Field::RepeatPenalty => {
                c.is_ascii_digit() || c == '.'
            }
            _ => c.is_ascii_digit(),
        }
    }
}

/// Parsed settings of one lab run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    pub cfg: GenerationConfig,
    /// CPU threads the run asks for (local models).
    pub threads: usize,
    pub device: DeviceChoice,
    /// The dtype safetensors weights run in (`--dtype`; not a form field).
    pub dtype: DTypeChoice,
}

/// A field that does not parse, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", field.label())]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

/// The form as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsForm {
    /// Index into the app's models.
    pub model: usize,
    /// Texts of the fields after the model, in [`Field::ALL`] order.
    pub text: [String; 7],
    /// Index into [`Field::ALL`].
    pub focus: usize,
    /// The last parse error, shown beside its field.
    pub error: Option<FieldError>,
    pub device: DeviceChoice,
    pub dtype: DTypeChoice,
}

fn opt_text<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

impl SettingsForm {
    /// A form filled with `cfg`, asking for `threads` threads on `device`.
    pub fn new(cfg: &GenerationConfig, threads: usize, device: DeviceChoice) -> Self {
        Self {
            model: 0,
            text: [
                cfg.max_tokens.to_string(),
                cfg.temperature.to_string(),
                opt_text(cfg.top_p),
                opt_text(cfg.top_k),
                cfg.repeat_penalty.to_string(),
                cfg.seed.to_string(),
                threads.to_string(),
            ],
            focus: 0,
            error: None,
            device,
            dtype: DTypeChoice::Auto,
        }
    }

    pub fn focused(&self) -> Field {
        Field::ALL.get(self.focus).copied().unwrap_or(Field::Model)
    }

    /// The text of a field (empty for the model).
    pub fn value(&self, field: Field) -> &str {
        field
            .slot()
            .and_then(|i| self.text.get(i))
            .map_or("", String::as_str)
    }

    /// Type `c` into the focused field; ignored where it does not fit.
    pub fn type_char(&mut self, c: char) {
        let f = self.focused();
        if !f.accepts(c) {
            return;
        }
        if let Some(t) = f.slot().and_then(|i| self.text.get_mut(i))
            && t.len() < 24
        {
            t.push(c);
            self.error = None;
        }
    }

    pub fn erase(&mut self) {
        if let Some(t) = self.focused().slot().and_then(|i| self.text.get_mut(i)) {
            t.pop();
            self.error = None;
        }
    }

    /// Parse every field; the first that fails names itself.
    pub fn parse(&self) -> Result<RunSettings, FieldError> {
        let err = |field: Field, message: String| FieldError { field, message };
        fn num<T: std::str::FromStr>(form: &SettingsForm, f: Field) -> Result<T, FieldError> {
            let s = form.value(f).trim();
            s.parse::<T>().map_err(|_| FieldError {
                field: f,
                message: if s.is_empty() {
                    "needs a value".into()
                } else {
                    format!("{s:?} is not a number here")
                },
            })
        }
        fn opt<T: std::str::FromStr>(
            form: &SettingsForm,
            f: Field,
        ) -> Result<Option<T>, FieldError> {
            if form.value(f).trim().is_empty() {
                Ok(None)
            } else {
                num(form, f).map(Some)
            }
        }
        let cfg = GenerationConfig {
            max_tokens: num(self, Field::MaxTokens)?,
            temperature: num(self, Field::Temperature)?,
            top_p: opt(self, Field::TopP)?,
            top_k: opt(self, Field::TopK)?,
            repeat_penalty: num(self, Field::RepeatPenalty)?,
            seed: num(self, Field::Seed)?,
            ..GenerationConfig::default()
        };
        let threads: usize = num(self, Field::Threads)?;
        if threads == 0 {
            return Err(err(Field::Threads, "must be ≥ 1".into()));
        }
        if let Err(e) = cfg.validate() {
            let msg = e.to_string();
            let field = if msg.contains("top-p") {
                Field::TopP
            } else if msg.contains("top-k") {
                Field::TopK
            } else if msg.contains("temperature") {
                Field::Temperature
            } else if msg.contains("repeat") {
                Field::RepeatPenalty
            } else {
                Field::MaxTokens
            };
            return Err(err(field, msg));
        }
        Ok(RunSettings {
            cfg,
            threads,
            device: self.device,
            dtype: self.dtype,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SettingsForm {
        SettingsForm::new(&GenerationConfig::default(), 4, DeviceChoice::Cpu)
    }

    #[test]
    fn defaults_round_trip() {
        let s = form().parse().unwrap();
        assert_eq!(s.cfg, GenerationConfig::default());
        assert_eq!(s.threads, 4);
    }

    #[test]
    fn typing_edits_the_focused_field_only_with_allowed_characters() {
        let mut f = form();
        f.focus = 3; // top-p
        for c in "0.9x".chars() {
            f.type_char(c);
        }
        assert_eq!(f.value(Field::TopP), "0.9");
        f.focus = 4; // top-k
        f.type_char('.');
        f.type_char('4');
        f.type_char('0');
        assert_eq!(f.value(Field::TopK), "40");
        let s = f.parse().unwrap();
        assert_eq!(s.cfg.top_p, Some(0.9));
        assert_eq!(s.cfg.top_k, Some(40));
    }

    #[test]
    fn bad_values_name_their_field() {
        let mut f = form();
        f.text[2] = "1.5".into();
        assert_eq!(f.parse().unwrap_err().field, Field::TopP);
        let mut f = form();
        f.text[0] = String::new();
        let e = f.parse().unwrap_err();
        assert_eq!(e.field, Field::MaxTokens);
        assert_eq!(e.to_string(), "max tokens: needs a value");
        let mut f = form();
        f.text[6] = "0".into();
        assert_eq!(f.parse().unwrap_err().field, Field::Threads);
        let mut f = form();
        f.text[1] = "1..2".into();
        assert_eq!(f.parse().unwrap_err().field, Field::Temperature);
    }
}
