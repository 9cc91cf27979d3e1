//! Mapping between core observation types and table columns, shared by both
//! backends: validation on the way in, strict decoding on the way out.

use clause9_core::observation::{Evidence, Method, NewObservation, Observation};
use clause9_core::period::Period;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::error::StoreError;

/// The columns of an observation as bound to an INSERT, already validated.
#[derive(Debug, Clone)]
pub(crate) struct Encoded {
    pub measure: String,
    pub base: String,
    pub period: String,
    pub value: Option<f64>,
    pub definition_version: i64,
    pub recorded_by: String,
    pub recorded_at: String,
    pub method: &'static str,
    pub evidence_name: Option<String>,
    pub evidence_sha256: Option<String>,
    pub evidence_size: Option<i64>,
    pub evidence_url: Option<String>,
    pub provenance: Option<String>,
    pub supersedes: Option<i64>,
    pub reason: Option<String>,
}

impl Encoded {
    /// `measure/base for period`, for messages.
    pub(crate) fn key(&self) -> String {
        format!("{}/{} for {}", self.measure, self.base, self.period)
    }

    pub(crate) fn conflict(&self, current: Option<i64>) -> StoreError {
        StoreError::Conflict {
            measure: self.measure.clone(),
            base: self.base.clone(),
            period: self.period.clone(),
            current,
        }
    }
}

/// Validates an observation and turns it into column values.
pub(crate) fn encode(item: &NewObservation) -> Result<Encoded, StoreError> {
    let invalid = |what: String| StoreError::Invalid(what);
    let key = format!("{}/{} for {}", item.measure, item.base, item.period);
    if item.measure.is_empty() || item.base.is_empty() {
        return Err(invalid(format!(
            "the observation {key} has an empty measure or base id; give both"
        )));
    }
    if let Some(value) = item.value
        && !value.is_finite()
    {
        return Err(invalid(format!(
            "the value of {key} is {value}; store a finite number, or no value"
        )));
    }
    let evidence_size = match item.evidence.size {
        None => None,
        Some(size) => Some(i64::try_from(size).map_err(|_| {
            invalid(format!(
                "the evidence size of {key} ({size} bytes) is too large to store"
            ))
        })?),
    };
    let provenance = match &item.provenance {
        None => None,
        Some(json) => Some(serde_json::to_string(json).map_err(|e| {
            invalid(format!(
                "the provenance of {key} cannot be written as JSON: {e}"
            ))
        })?),
    };
    Ok(Encoded {
        measure: item.measure.clone(),
        base: item.base.clone(),
        period: item.period.to_string(),
        value: item.value,
        definition_version: i64::from(item.definition_version),
        recorded_by: item.recorded_by.clone(),
        recorded_at: format_timestamp(item.recorded_at)
            .map_err(|reason| invalid(format!("the time {key} was recorded {reason}")))?,
        method: item.method.as_str(),
        evidence_name: item.evidence.name.clone(),
        evidence_sha256: item.evidence.sha256.clone(),
        evidence_size,
        evidence_url: item.evidence.url.clone(),
        provenance,
        supersedes: item.supersedes,
        reason: item.reason.clone(),
    })
}

/// Fixed-width UTC RFC 3339 with microseconds (`2026-11-22T10:00:00.123456Z`),
/// so that text order is time order. Sub-microsecond digits are dropped.
pub(crate) fn format_timestamp(ts: Timestamp) -> Result<String, String> {
    let dt = ts.to_zoned(TimeZone::UTC).datetime();
    if dt.year() < 0 {
        return Err(format!("({ts}) is before year 0; give a real time"));
    }
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.subsec_nanosecond() / 1000
    ))
}

/// Parses a stored timestamp, accepting only the exact stored format.
pub(crate) fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let ts: Timestamp = text.parse().ok()?;
    (format_timestamp(ts).ok()? == text).then_some(ts)
}

/// One row of `sql::SELECT_OBSERVATIONS` or of an INSERT's RETURNING clause.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RawRow {
    pub id: i64,
    pub measure: String,
    pub base: String,
    pub period: String,
    pub value: Option<f64>,
    pub definition_version: i64,
    pub recorded_by: String,
    pub recorded_at: String,
    pub method: String,
    pub evidence_name: Option<String>,
    pub evidence_sha256: Option<String>,
    pub evidence_size: Option<i64>,
    pub evidence_url: Option<String>,
    pub provenance: Option<String>,
    pub supersedes: Option<i64>,
    pub reason: Option<String>,
    pub superseded_by: Option<i64>,
}

impl RawRow {
    /// The observation this row holds, or `Corrupt` naming the row.
    pub(crate) fn decode(self) -> Result<Observation, StoreError> {
        let id = self.id;
        let corrupt = |what: String| StoreError::Corrupt(format!("observation #{id} {what}"));
        let period: Period = self
            .period
            .parse()
            .map_err(|e| corrupt(format!("has an unreadable period: {e}")))?;
        let definition_version = u32::try_from(self.definition_version).map_err(|_| {
            corrupt(format!(
                "has an impossible definition version {}",
                self.definition_version
            ))
        })?;
        let recorded_at = parse_timestamp(&self.recorded_at).ok_or_else(|| {
            corrupt(format!(
                "has an unreadable recording time `{}`",
                self.recorded_at
            ))
        })?;
        let method = Method::parse(&self.method)
            .ok_or_else(|| corrupt(format!("has an unknown method `{}`", self.method)))?;
        let size = match self.evidence_size {
            None => None,
            Some(size) => Some(
                u64::try_from(size)
                    .map_err(|_| corrupt(format!("has a negative evidence size {size}")))?,
            ),
        };
        let provenance = match &self.provenance {
            None => None,
            Some(text) => Some(
                serde_json::from_str(text)
                    .map_err(|e| corrupt(format!("has unreadable provenance JSON: {e}")))?,
            ),
        };
        if self.value.is_some_and(|v| !v.is_finite()) {
            return Err(corrupt("has a value that is not a finite number".into()));
        }
        Ok(Observation {
            id,
            new: NewObservation {
                measure: self.measure,
                base: self.base,
                period,
                value: self.value,
                definition_version,
                recorded_by: self.recorded_by,
                recorded_at,
                method,
                evidence: Evidence {
                    name: self.evidence_name,
                    sha256: self.evidence_sha256,
                    size,
                    url: self.evidence_url,
                },
                provenance,
                supersedes: self.supersedes,
                reason: self.reason,
            },
            superseded_by: self.superseded_by,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_fixed_width_utc_microseconds() {
        let ts: Timestamp = "2026-11-22T11:00:00.123456789+01:00".parse().unwrap();
        let text = format_timestamp(ts).unwrap();
        assert_eq!(text, "2026-11-22T10:00:00.123456Z");
        let back = parse_timestamp(&text).unwrap();
        assert_eq!(back, "2026-11-22T10:00:00.123456Z".parse().unwrap());
        assert_eq!(
            format_timestamp("0999-01-01T00:00:00Z".parse().unwrap()).unwrap(),
            "0999-01-01T00:00:00.000000Z"
        );
        assert!(parse_timestamp("2026-11-22T10:00:00Z").is_none());
        assert!(parse_timestamp("2026-11-22T10:00:00.123456+00:00").is_none());
    }
}
