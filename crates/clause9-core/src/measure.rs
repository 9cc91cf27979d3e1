//! The measurement construct of ISO/IEC 27004 (information need, base measures,
//! derived measures, indicator, decision criteria, target, frequencies, roles).

use crate::formula::Formula;
use crate::period::{Frequency, Period};

/// One measurement construct, from one `measures/**/*.toml` file.
#[derive(Debug, Clone)]
pub struct Measure {
    pub id: String,
    /// Bumped when the definition changes meaning; trends restart at a new version.
    pub version: u32,
    pub name: String,
    pub information_need: String,
    pub kind: Kind,
    pub objectives: Vec<String>,
    pub controls: Vec<String>,
    pub area: Option<String>,
    pub unit: String,
    pub status: Lifecycle,
    pub implementation_evidence: Option<String>,
    /// Overrides the programme's first period for this measure.
    pub first_period: Option<Period>,
    pub roles: Roles,
    pub frequency: Frequencies,
    pub base: Vec<BaseMeasure>,
    /// In evaluation order: a derived measure comes after those it uses.
    pub derived: Vec<DerivedMeasure>,
    pub indicator: Indicator,
    pub chart: Chart,
    /// The file it was read from, relative to the programme directory.
    pub file: String,
}

/// ISO/IEC 27004 clause 7: how well activities are done, or what effect they have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Performance,
    Effectiveness,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Performance => "performance",
            Kind::Effectiveness => "effectiveness",
        }
    }
}

/// Whether a measure is in use; only active measures are due or evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Active,
    Draft,
    Retired,
}

/// ISO/IEC 27004 responsible parties: person or group ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Roles {
    pub owner: String,
    pub collector: String,
    pub analyst: String,
    pub communicator: String,
    /// Information customers: who receives the results.
    pub customers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Frequencies {
    pub collection: Frequency,
    pub reporting: Frequency,
    pub analysis: Frequency,
    /// Review of the definition itself.
    pub review: Frequency,
    /// Values are due this many days after a collection period ends.
    pub due_days: u32,
}

/// A base measure: one attribute, one measurement method.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseMeasure {
    pub id: String,
    pub description: String,
    pub method: BaseMethod,
    pub aggregate: Aggregate,
    pub data_source: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BaseMethod {
    /// Entered by the collector.
    Manual {
        min: Option<f64>,
        max: Option<f64>,
        evidence_required: bool,
    },
    /// Collected automatically from a source.
    Query { source: String, query: String },
}

/// How collection-period values combine into a longer period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Mean,
    Min,
    Max,
    Last,
}

impl Aggregate {
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::Mean => "mean",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
            Aggregate::Last => "last",
        }
    }
}

/// A derived measure: a measurement function over base and other derived measures.
#[derive(Debug, Clone)]
pub struct DerivedMeasure {
    pub id: String,
    pub formula: Formula,
    pub description: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher_is_better",
            Direction::LowerIsBetter => "lower_is_better",
        }
    }

    /// Is `a` at least as good as `b`?
    pub fn at_least_as_good(self, a: f64, b: f64) -> bool {
        match self {
            Direction::HigherIsBetter => a >= b,
            Direction::LowerIsBetter => a <= b,
        }
    }
}

/// What happens when the indicator turns red.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnRed {
    Nonconformity,
    Review,
}

/// The indicator and its decision criteria.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// The base or derived id whose value is judged.
    pub measure: String,
    pub direction: Direction,
    pub target: f64,
    pub green: f64,
    pub red: Option<f64>,
    pub on_red: Option<OnRed>,
    pub interpretation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    Line,
    Bar,
    Gauge,
    Table,
}

impl Chart {
    pub fn as_str(self) -> &'static str {
        match self {
            Chart::Line => "line",
            Chart::Bar => "bar",
            Chart::Gauge => "gauge",
            Chart::Table => "table",
        }
    }
}

impl Measure {
    pub fn is_active(&self) -> bool {
        self.status == Lifecycle::Active
    }

    pub fn base(&self, id: &str) -> Option<&BaseMeasure> {
        self.base.iter().find(|b| b.id == id)
    }
}
