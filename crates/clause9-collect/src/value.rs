//! The value of a query result: exactly one row with one numeric column;
//! NULL means no value. Anything else is an error that says what came back.

use datafusion::arrow::array::{Array, Float64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;

use crate::error::Failure;

/// The single numeric value of `batches`.
pub(crate) fn single_value(batches: &[RecordBatch]) -> Result<Option<f64>, Failure> {
    let columns = batches.first().map(|b| b.num_columns()).unwrap_or(0);
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    one_by_one(columns, rows, "")?;
    let Some(batch) = batches.iter().find(|b| b.num_rows() == 1) else {
        return Err(Failure::Result("the query returned no row".into()));
    };
    let column = batch.column(0);
    let ty = column.data_type();
    if !(ty.is_numeric() || matches!(ty, DataType::Null)) {
        return Err(Failure::Result(format!(
            "the query must return a number, it returned a value of type {ty}"
        )));
    }
    let as_f64 = cast(column, &DataType::Float64).map_err(|e| Failure::Result(e.to_string()))?;
    let values = as_f64
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| Failure::Result("cannot read the result as a number".into()))?;
    if values.is_null(0) {
        return Ok(None);
    }
    finite(values.value(0)).map(Some)
}

/// Refuses a result that is not one row of one column; `hint` follows the
/// column count (how to make the query return one).
pub(crate) fn one_by_one(columns: usize, rows: usize, hint: &str) -> Result<(), Failure> {
    if columns != 1 {
        return Err(Failure::Result(format!(
            "the query must return one column, it returned {columns}{hint}"
        )));
    }
    if rows != 1 {
        return Err(Failure::Result(format!(
            "the query must return one row, it returned {rows}"
        )));
    }
    Ok(())
}

/// The single value of a table in JSON (rows as arrays), as the search
/// platforms answer: a number, null, or, where `text_numbers`, a number
/// written as text (decimal columns of some platforms).
pub(crate) fn single_json_value(
    columns: usize,
    rows: &[serde_json::Value],
    hint: &str,
    text_numbers: bool,
) -> Result<Option<f64>, Failure> {
    use serde_json::Value;
    one_by_one(columns, rows.len(), hint)?;
    match &rows[0][0] {
        Value::Null => Ok(None),
        Value::Number(n) => finite(n.as_f64().unwrap_or(f64::NAN)).map(Some),
        Value::String(s) if text_numbers && s.parse::<f64>().is_ok() => {
            finite(s.parse().unwrap_or(f64::NAN)).map(Some)
        }
        other => Err(Failure::Result(format!(
            "the query must return a number, it returned {other}"
        ))),
    }
}

/// Refuses NaN and infinities: never a silent wrong number.
pub(crate) fn finite(v: f64) -> Result<f64, Failure> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Failure::Result(format!(
            "the query returned {v}, which is not a finite number"
        )))
    }
}
