//! The model registry.

use super::{Store, StoreError};
use crate::domain::{Model, ModelId, ModelSource, Role};
use rusqlite::{OptionalExtension, Row, params};
use std::path::PathBuf;

/// A model to register.
#[derive(Debug, Clone, PartialEq)]
pub struct NewModel {
    pub name: String,
    pub role: Role,
    pub source: ModelSource,
    pub tokenizer: Option<PathBuf>,
    pub chat_template: Option<PathBuf>,
    pub label: Option<String>,
}

const COLUMNS: &str = "id, name, role, source_kind, location, tokenizer, chat_template, label";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Model> {
    let name: String = r.get(1)?;
    let kind: String = r.get(3)?;
    let location: Option<String> = r.get(4)?;
    let source = match (kind.as_str(), location) {
        ("local", Some(l)) => ModelSource::Local(PathBuf::from(l)),
        // Stored as `URL#served`; rows written before the served id was stored have the
        // bare URL, whose served id is the registered name.
        ("endpoint", Some(l)) => ModelSource::endpoint(&l, &name),
        _ => ModelSource::OutputsOnly,
    };
    Ok(Model {
        id: ModelId(r.get(0)?),
        name,
        role: r.get(2)?,
        source,
        tokenizer: r.get::<_, Option<String>>(5)?.map(PathBuf::from),
        chat_template: r.get::<_, Option<String>>(6)?.map(PathBuf::from),
        label: r.get(7)?,
    })
}

impl Store {
    /// Register a model; the name must be new.
    pub fn add_model(&mut self, m: &NewModel) -> Result<ModelId, StoreError> {
        if m.name.trim().is_empty() || m.name.contains(',') {
            return Err(StoreError::Invalid(format!(
                "model name {:?} must be non-empty and contain no comma",
                m.name
            )));
        }
        if self.find_model(&m.name)?.is_some() {
            return Err(StoreError::Conflict(format!(
                "a model named {:?} is already registered",
                m.name
            )));
        }
        let (kind, location) = match &m.source {
            ModelSource::OutputsOnly => ("outputs_only", None),
            ModelSource::Local(p) => ("local", Some(p.display().to_string())),
            ModelSource::Endpoint { base, served } => {
                ("endpoint", Some(ModelSource::endpoint_spec(base, served)))
            }
        };
        self.conn.execute(
            "INSERT INTO models (name, role, source_kind, location, tokenizer, chat_template, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                m.name,
                m.role,
                kind,
                location,
                m.tokenizer.as_ref().map(|p| p.display().to_string()),
                m.chat_template.as_ref().map(|p| p.display().to_string()),
                m.label
            ],
        )?;
        Ok(ModelId(self.conn.last_insert_rowid()))
    }

    pub fn find_model(&self, name: &str) -> Result<Option<Model>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM models WHERE name = ?1"),
                [name],
                from_row,
            )
            .optional()?)
    }

    pub fn model(&self, name: &str) -> Result<Model, StoreError> {
        self.find_model(name)?.ok_or_else(|| {
            StoreError::NotFound(format!("no model named {name:?} (register it with `blindstep models add {name} --role ...`)"))
        })
    }

    pub fn model_by_id(&self, id: ModelId) -> Result<Model, StoreError> {
        Ok(self.conn.query_row(
            &format!("SELECT {COLUMNS} FROM models WHERE id = ?1"),
            [id.0],
            from_row,
        )?)
    }

    pub fn models(&self) -> Result<Vec<Model>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM models ORDER BY name"))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
