//! Builds the chat messages for a case from a prompt template file (Jinja,
//! `assets/prompts/*.j2`, editable by researchers). The template has a
//! `system` and a `user` block. Pure apart from reading an override file.

use super::chat_template::hf_environment;
use super::{ChatMessage, InferenceError};
use crate::domain::{Case, Task};
use std::path::Path;

/// The shipped template, compiled into the binary.
pub const DEFAULT_PROMPT_TEMPLATE: &str = include_str!("../../assets/prompts/default.j2");

/// The template text at `path`, or the shipped default when `None`.
pub fn load_prompt_template(path: Option<&Path>) -> Result<String, InferenceError> {
    match path {
        None => Ok(DEFAULT_PROMPT_TEMPLATE.to_string()),
        Some(p) => std::fs::read_to_string(p).map_err(|e| InferenceError::Template {
            origin: p.display().to_string(),
            detail: e.to_string(),
        }),
    }
}

#[derive(serde::Serialize)]
struct OptionView<'a> {
    letter: &'a str,
    text: &'a str,
}

/// Renders `template` for `case` into a system message (if non-empty) and a user message.
pub fn build_prompt(case: &Case, template: &str) -> Result<Vec<ChatMessage>, InferenceError> {
    let err = |e: minijinja::Error| InferenceError::Template {
        origin: "prompt template".into(),
        detail: format!("{e:#}"),
    };
    let mut env = hf_environment().map_err(err)?;
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template("prompt", template).map_err(err)?;
    let tmpl = env.get_template("prompt").map_err(err)?;

    let (options, letters): (Vec<OptionView<'_>>, String) = match &case.task {
        Task::Mcq { options, .. } => (
            options
                .iter()
                .map(|(l, t)| OptionView {
                    letter: l.as_str(),
                    text: t.as_str(),
                })
                .collect(),
            options.keys().cloned().collect::<Vec<_>>().join(", "),
        ),
        Task::Differential { .. } | Task::Plan { .. } => (Vec::new(), String::new()),
    };
    let ctx = minijinja::context! {
        title => case.title.as_str(),
        vignette => case.vignette.trim(),
        question => case.question.trim(),
        specialty => case.specialty.to_string(),
        task_kind => case.task.kind().to_string(),
        options => minijinja::Value::from(minijinja::value::Serde(&options)),
        letters => letters,
    };
    let mut state = tmpl.render_captured(ctx).map_err(err)?;
    let has_block = |name: &str| template.contains(&format!("block {name}"));
    let system = if has_block("system") {
        state
            .with_state_mut(|s| s.render_block("system"))
            .map_err(err)?
    } else {
        String::new()
    };
    let user = if has_block("user") {
        state
            .with_state_mut(|s| s.render_block("user"))
            .map_err(err)?
    } else {
        String::new()
    };
    if user.trim().is_empty() {
        return Err(InferenceError::Template {
            origin: "prompt template".into(),
            detail:
                "the user block is missing or empty (the template must define {% block user %})"
                    .into(),
        });
    }
    let mut messages = Vec::with_capacity(2);
    if !system.trim().is_empty() {
        messages.push(ChatMessage::system(system.trim()));
    }
    messages.push(ChatMessage::user(user.trim()));
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseId, Specialty};
    use std::collections::BTreeMap;

    fn case(task: Task) -> Case {
        Case {
            id: CaseId::new("t-1"),
            title: "Headache".into(),
            specialty: Specialty::Neurology,
            incidence: None,
            vignette: "A 47-year-old woman has a sudden severe headache.\n".into(),
            question: "What is the most likely diagnosis?".into(),
            task,
            red_flags: vec![],
            must_not_miss: vec![],
            priority: vec![],
            source: "test".into(),
            licence: "CC0".into(),
            must_not_miss_synonyms: Default::default(),
            aliases: Vec::new(),
            stage: Default::default(),
            variant_of: None,
        }
    }

    #[test]
    fn mcq_prompt_lists_options_and_answer_format() {
        let mut options = BTreeMap::new();
        options.insert("A".to_string(), "Migraine".to_string());
        options.insert("B".to_string(), "Subarachnoid haemorrhage".to_string());
        let msgs = build_prompt(
            &case(Task::Mcq {
                options,
                answer: "B".into(),
            }),
            DEFAULT_PROMPT_TEMPLATE,
        )
        .unwrap();
        assert_eq!(msgs.len(), 2);
        let user = &msgs[1].content;
        assert!(user.starts_with("A 47-year-old woman"), "{user}");
        assert!(
            user.contains("\nA. Migraine\nB. Subarachnoid haemorrhage\n"),
            "{user}"
        );
        assert!(user.contains("Final answer: <letter>"), "{user}");
        assert!(user.contains("one of A, B."), "{user}");
        assert!(!user.contains("Final differential"));
    }

    #[test]
    fn differential_prompt_asks_for_top_five() {
        let msgs = build_prompt(
            &case(Task::Differential {
                diagnosis: "SAH".into(),
                synonyms: vec![],
            }),
            DEFAULT_PROMPT_TEMPLATE,
        )
        .unwrap();
        let user = &msgs[1].content;
        assert!(
            user.contains("Final differential:\n1. <diagnosis>"),
            "{user}"
        );
        assert!(user.contains("5. <diagnosis>"), "{user}");
        assert!(!user.contains("Options:"));
    }

    #[test]
    fn template_without_user_block_is_an_error() {
        let e = build_prompt(
            &case(Task::Differential {
                diagnosis: "x".into(),
                synonyms: vec![],
            }),
            "{% block system %}hi{% endblock %}",
        )
        .unwrap_err();
        assert!(e.to_string().contains("user block"), "{e}");
    }
}
