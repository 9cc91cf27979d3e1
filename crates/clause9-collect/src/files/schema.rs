//! Column types of evidence tables: text columns whose values are all
//! RFC 3339 instants (`Z` or an offset) become UTC timestamps, and the types a
//! source declares (`columns.closed_at = "timestamp"`) override inference.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use clause9_core::programme::ColumnType;
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};

/// How many rows are sampled to recognise timestamp columns.
pub(super) const SAMPLE_ROWS: usize = 1000;

/// The type every timestamp column gets: microseconds, UTC.
pub(super) fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("UTC")))
}

/// Columns whose text might be timestamps: strings, and timestamps without a zone.
pub(super) fn is_candidate(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Timestamp(_, None)
    )
}

/// An RFC 3339 instant: a date, a time and `Z` or an offset.
pub(super) fn is_instant(text: &str) -> bool {
    let t = text.trim();
    t.len() >= 20 && t.parse::<jiff::Timestamp>().is_ok()
}

/// The type a declared column gets.
pub(super) fn declared_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Timestamp => timestamp_type(),
        ColumnType::Date => DataType::Date32,
        ColumnType::String => DataType::Utf8,
        ColumnType::Integer => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::Boolean => DataType::Boolean,
    }
}

/// `schema` with recognised timestamp columns and declared types applied.
/// `samples` holds the non-null text values sampled from candidate columns.
pub(super) fn refine(
    schema: &Schema,
    samples: &HashMap<String, Vec<String>>,
    declared: &BTreeMap<String, ColumnType>,
) -> Schema {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| {
            if let Some(ty) = declared.get(f.name()) {
                return f
                    .as_ref()
                    .clone()
                    .with_data_type(declared_type(*ty))
                    .with_nullable(true);
            }
            let looks_like_instants = samples
                .get(f.name())
                .is_some_and(|v| !v.is_empty() && v.iter().all(|s| is_instant(s)));
            if is_candidate(f.data_type()) && looks_like_instants {
                f.as_ref()
                    .clone()
                    .with_data_type(timestamp_type())
                    .with_nullable(true)
            } else {
                f.as_ref().clone()
            }
        })
        .collect();
    Schema::new_with_metadata(fields, schema.metadata().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_need_an_offset() {
        assert!(is_instant("2026-10-03T10:00:00Z"));
        assert!(is_instant("2026-10-03T10:00:00.123+02:00"));
        assert!(!is_instant("2026-10-03T10:00:00"));
        assert!(!is_instant("2026-10-03"));
        assert!(!is_instant("critical"));
    }
}
