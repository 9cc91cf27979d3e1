//! `.json` evidence: one document (an object, or an array of objects) or
//! several objects one after another, read into memory as one table. Nested
//! objects become structs and arrays lists, so `unnest(...)` and field access
//! (`r['Vulnerabilities']`) work on tool reports such as Trivy's or Grype's.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clause9_core::programme::ColumnType;
use datafusion::arrow::datatypes::Schema;
use datafusion::arrow::json::ReaderBuilder;
use datafusion::arrow::json::reader::infer_json_schema_from_iterator;
use datafusion::catalog::MemTable;
use serde_json::Value;

use super::formats;
use super::schema;
use crate::error::Failure;

/// Parsed JSON takes several times its text's size in memory: the files of
/// a `.json` table may hold at most the source's memory limit divided by this.
pub(super) const MEMORY_PER_TEXT_BYTE: u64 = 8;

/// Every row of the `.json` files, as one in-memory table. The files'
/// (decompressed) text may be at most `memory_mb` / [`MEMORY_PER_TEXT_BYTE`].
pub(super) fn table(
    paths: &[PathBuf],
    gz: bool,
    declared: &BTreeMap<String, ColumnType>,
    memory_mb: u64,
) -> Result<Arc<MemTable>, Failure> {
    let mut rows = Vec::new();
    let allowed = (memory_mb << 20) / MEMORY_PER_TEXT_BYTE;
    let mut budget = allowed;
    for p in paths {
        read_rows(p, gz, &mut rows, &mut budget).map_err(|f| match f {
            Failure::Memory { detail, .. } => Failure::Memory {
                mb: memory_mb,
                detail: format!(
                    "{detail}: JSON documents are held in memory and may total {} MiB of text; \
                     write the evidence as NDJSON (one object per line), which is streamed",
                    allowed >> 20
                ),
            },
            other => other,
        })?;
    }
    if rows.is_empty() {
        return Err(Failure::Files("the JSON files hold no objects".into()));
    }
    harmonise(&mut rows);
    let inferred = infer_json_schema_from_iterator(rows.iter().map(|r| Ok(r.clone())))
        .map_err(|e| Failure::Files(format!("cannot work out the JSON files' columns: {e}")))?;
    let mut samples: HashMap<String, Vec<String>> = HashMap::new();
    for f in inferred.fields() {
        if schema::is_candidate(f.data_type()) {
            let texts = rows
                .iter()
                .filter_map(|r| r.get(f.name()).and_then(Value::as_str).map(str::to_string))
                .collect();
            samples.insert(f.name().clone(), texts);
        }
    }
    let refined: Schema = schema::refine(&inferred, &samples, declared);
    let refined = Arc::new(refined);
    let mut decoder = ReaderBuilder::new(refined.clone())
        .with_batch_size(rows.len())
        .build_decoder()
        .map_err(|e| Failure::Files(e.to_string()))?;
    decoder
        .serialize(&rows)
        .map_err(|e| Failure::Files(format!("cannot read the JSON files: {e}")))?;
    let batch = decoder
        .flush()
        .map_err(|e| Failure::Files(format!("cannot read the JSON files: {e}")))?;
    let batches: Vec<_> = batch.into_iter().collect();
    MemTable::try_new(refined, vec![batches])
        .map(Arc::new)
        .map_err(|e| Failure::Files(e.to_string()))
}

/// JSON kinds that a column can hold only one of.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Bool,
    Number,
    String,
    Array,
    Object,
}

fn kind(v: &Value) -> Option<Kind> {
    match v {
        Value::Null => None,
        Value::Bool(_) => Some(Kind::Bool),
        Value::Number(_) => Some(Kind::Number),
        Value::String(_) => Some(Kind::String),
        Value::Array(_) => Some(Kind::Array),
        Value::Object(_) => Some(Kind::Object),
    }
}

/// Real reports are not always consistent (a field that is a string in one
/// file and a list in another). Such a field becomes text everywhere: its
/// values as JSON text, strings unchanged. Paths: object keys, `[]` for items.
fn harmonise(rows: &mut [Value]) {
    let mut kinds: HashMap<String, BTreeSet<Kind>> = HashMap::new();
    for r in rows.iter() {
        survey(r, String::new(), &mut kinds);
    }
    let mixed: BTreeSet<String> = kinds
        .into_iter()
        .filter(|(_, k)| k.len() > 1)
        .map(|(p, _)| p)
        .collect();
    if mixed.is_empty() {
        return;
    }
    for r in rows.iter_mut() {
        to_text(r, String::new(), &mixed);
    }
}

fn survey(v: &Value, path: String, kinds: &mut HashMap<String, BTreeSet<Kind>>) {
    if let Some(k) = kind(v) {
        kinds.entry(path.clone()).or_default().insert(k);
    }
    match v {
        Value::Object(o) => {
            for (key, child) in o {
                survey(child, format!("{path}.{key}"), kinds);
            }
        }
        Value::Array(items) => {
            for child in items {
                survey(child, format!("{path}[]"), kinds);
            }
        }
        _ => {}
    }
}

fn to_text(v: &mut Value, path: String, mixed: &BTreeSet<String>) {
    if mixed.contains(&path) {
        if !matches!(v, Value::Null | Value::String(_)) {
            *v = Value::String(v.to_string());
        }
        return;
    }
    match v {
        Value::Object(o) => {
            for (key, child) in o.iter_mut() {
                to_text(child, format!("{path}.{key}"), mixed);
            }
        }
        Value::Array(items) => {
            for child in items.iter_mut() {
                to_text(child, format!("{path}[]"), mixed);
            }
        }
        _ => {}
    }
}

/// Appends the objects of one file: a document's object, an array's
/// elements, or each of several concatenated objects.
/// `budget` is the text still allowed, reduced by what this file holds.
fn read_rows(
    path: &Path,
    gz: bool,
    rows: &mut Vec<Value>,
    budget: &mut u64,
) -> Result<(), Failure> {
    let mut text = String::new();
    formats::open(path, gz)?
        .take(budget.saturating_add(1))
        .read_to_string(&mut text)
        .map_err(|e| Failure::Files(format!("cannot read {}: {e}", path.display())))?;
    let size = text.len() as u64;
    if size > *budget {
        return Err(Failure::Memory {
            mb: 0,
            detail: format!("{} is too large", path.display()),
        });
    }
    *budget -= size;
    let stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
    for (i, value) in stream.enumerate() {
        let value = value
            .map_err(|e| Failure::Files(format!("{} is not valid JSON: {e}", path.display())))?;
        match value {
            Value::Object(_) => rows.push(value),
            Value::Array(items) if i == 0 => {
                for item in items {
                    if !item.is_object() {
                        return Err(Failure::Files(format!(
                            "{}: an array document must hold objects only",
                            path.display()
                        )));
                    }
                    rows.push(item);
                }
            }
            _ => {
                return Err(Failure::Files(format!(
                    "{}: expected an object or an array of objects",
                    path.display()
                )));
            }
        }
    }
    Ok(())
}
