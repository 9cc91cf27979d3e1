//! The result of evaluating measures for a period, and its JSON form (the
//! contract of `clause9 evaluate --format json`).

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use crate::measure::Kind;
use crate::period::Period;

/// The outcome of judging an indicator against its decision criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Green,
    Amber,
    Red,
    NoData,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Amber => "amber",
            Status::Red => "red",
            Status::NoData => "no_data",
        }
    }
}

/// Every active measure evaluated for one period.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub programme: String,
    pub period: Period,
    pub measures: Vec<MeasureEvaluation>,
}

/// One measure's values and status for a period, with the reasons behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureEvaluation {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub unit: String,
    pub status: Status,
    pub value: Option<f64>,
    pub target: f64,
    /// Combined base values for the period, in definition order.
    pub base: Vec<(String, Option<f64>)>,
    /// Derived values, in evaluation order.
    pub derived: Vec<(String, Option<f64>)>,
    /// Human-readable explanations: every missing value, every failed formula.
    pub diagnostics: Vec<String>,
    /// The collection periods whose values were combined.
    pub collection_periods: Vec<Period>,
    /// Trend, control chart, forecast and data quality, when analysed.
    pub analysis: Option<crate::statistics::Analysis>,
}

/// Whole numbers print without a fraction (`34`, not `34.0`).
pub(crate) struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

struct Values<'a>(&'a [(String, Option<f64>)]);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, &v.map(Num))?;
        }
        map.end()
    }
}

impl Serialize for MeasureEvaluation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("MeasureEvaluation", 12)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("kind", self.kind.as_str())?;
        st.serialize_field("unit", &self.unit)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("value", &self.value.map(Num))?;
        st.serialize_field("target", &Num(self.target))?;
        st.serialize_field("base", &Values(&self.base))?;
        st.serialize_field("derived", &Values(&self.derived))?;
        st.serialize_field("diagnostics", &self.diagnostics)?;
        st.serialize_field("collection_periods", &self.collection_periods)?;
        if let Some(analysis) = &self.analysis {
            st.serialize_field("analysis", analysis)?;
        }
        st.end()
    }
}

impl Serialize for Evaluation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Evaluation", 4)?;
        st.serialize_field("format", &1)?;
        st.serialize_field("programme", &self.programme)?;
        st.serialize_field("period", &self.period)?;
        st.serialize_field("measures", &self.measures)?;
        st.end()
    }
}

impl MeasureEvaluation {
    /// A base or derived value by id.
    pub fn value_of(&self, id: &str) -> Option<f64> {
        self.base
            .iter()
            .chain(self.derived.iter())
            .find(|(k, _)| k == id)
            .and_then(|(_, v)| *v)
    }
}
