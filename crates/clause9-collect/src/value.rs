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
    if columns != 1 {
        return Err(Failure::Result(format!(
            "the query must return one column, it returned {columns}"
        )));
    }
    if rows != 1 {
        return Err(Failure::Result(format!(
            "the query must return one row, it returned {rows}"
        )));
    }
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
