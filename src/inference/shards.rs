//! Safetensors files on disk: which shards a model directory has (single
//! file, index.json, or a glob), and each shard's header checked against the
//! file size, so a truncated download is named before any weight is read.

use super::InferenceError;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One weight file's header facts.
#[derive(Debug, Clone)]
pub struct ShardHeader {
    pub path: PathBuf,
    /// Tensor name → (dtype, element count).
    pub tensors: BTreeMap<String, (String, u64)>,
}

pub fn read_json(path: &Path) -> Result<Json, InferenceError> {
    let text = std::fs::read_to_string(path).map_err(|e| InferenceError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| InferenceError::InvalidFormat {
        path: path.to_path_buf(),
        format: "JSON",
        detail: e.to_string(),
    })
}

/// Reads a safetensors header and checks the data region is complete.
pub fn read_shard_header(path: &Path) -> Result<ShardHeader, InferenceError> {
    let mut f = std::fs::File::open(path).map_err(|e| InferenceError::io(path, e))?;
    let size = f.metadata().map_err(|e| InferenceError::io(path, e))?.len();
    let truncated = |detail: String| InferenceError::Truncated {
        path: path.to_path_buf(),
        detail,
    };
    let mut len_bytes = [0u8; 8];
    f.read_exact(&mut len_bytes)
        .map_err(|_| truncated(format!("{size} bytes, too short for a safetensors header")))?;
    let header_len = u64::from_le_bytes(len_bytes);
    if header_len > 100_000_000 {
        return Err(InferenceError::InvalidFormat {
            path: path.to_path_buf(),
            format: "safetensors",
            detail: format!("header length {header_len} is implausible"),
        });
    }
    if 8 + header_len > size {
        return Err(truncated(format!(
            "header needs {header_len} bytes, the file has {size}"
        )));
    }
    let mut header = vec![0u8; header_len as usize];
    f.read_exact(&mut header)
        .map_err(|e| InferenceError::io(path, e))?;
    let json: Json =
        serde_json::from_slice(&header).map_err(|e| InferenceError::InvalidFormat {
            path: path.to_path_buf(),
            format: "safetensors",
            detail: format!("header is not JSON: {e}"),
        })?;
    let obj = json
        .as_object()
        .ok_or_else(|| InferenceError::InvalidFormat {
            path: path.to_path_buf(),
            format: "safetensors",
            detail: "header is not a JSON object".into(),
        })?;
    let data_len = size - 8 - header_len;
    let mut tensors = BTreeMap::new();
    for (name, info) in obj {
        if name == "__metadata__" {
            continue;
        }
        let dtype = info
            .get("dtype")
            .and_then(Json::as_str)
            .unwrap_or("?")
            .to_string();
        let elems: u64 = info
            .get("shape")
            .and_then(Json::as_array)
            .map(|s| s.iter().filter_map(Json::as_u64).product())
            .unwrap_or(0);
        let end = info
            .get("data_offsets")
            .and_then(Json::as_array)
            .and_then(|o| o.get(1))
            .and_then(Json::as_u64)
            .unwrap_or(0);
        if end > data_len {
            return Err(truncated(format!(
                "tensor {name} ends at data byte {end} but only {data_len} data bytes are present"
            )));
        }
        tensors.insert(name.clone(), (dtype, elems));
    }
    Ok(ShardHeader {
        path: path.to_path_buf(),
        tensors,
    })
}

/// The weight files of a model directory, in a stable order.
pub fn weight_files(dir: &Path) -> Result<Vec<PathBuf>, InferenceError> {
    let index = dir.join("model.safetensors.index.json");
    if index.exists() {
        let json = read_json(&index)?;
        let map = json
            .get("weight_map")
            .and_then(Json::as_object)
            .ok_or_else(|| InferenceError::Missing {
                path: index.clone(),
                what: "weight_map".into(),
            })?;
        let files: BTreeSet<&str> = map.values().filter_map(Json::as_str).collect();
        let files: Vec<PathBuf> = files.into_iter().map(|f| dir.join(f)).collect();
        if let Some(missing) = files.iter().find(|f| !f.exists()) {
            return Err(InferenceError::Missing {
                path: dir.to_path_buf(),
                what: format!(
                    "weight file {} listed in model.safetensors.index.json",
                    missing.display()
                ),
            });
        }
        return Ok(files);
    }
    let single = dir.join("model.safetensors");
    if single.exists() {
        return Ok(vec![single]);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| InferenceError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "safetensors"))
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(InferenceError::Missing {
            path: dir.to_path_buf(),
            what: "weights (model.safetensors or model.safetensors.index.json)".into(),
        });
    }
    Ok(found)
}
