//! The statistics of a measure's series: trend (least squares, Theil–Sen,
//! Mann–Kendall), XmR control limits and signals, the forecast against the
//! target, and the [`Analysis`] they make up. Pure functions of numbers and
//! periods: the analysis module (`crate::analysis`) builds the series from
//! the engine and attaches the result to an evaluation.

mod control;
mod forecast;
pub mod stats;
mod trend;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

pub use control::{Control, MIN_CONTROL_POINTS, Signal, control, signals};
pub use forecast::{Forecast, HORIZON, Line, Outlook, forecast};
pub use trend::{
    MIN_TREND_POINTS, Trend, Verdict, least_squares, mann_kendall_p, theil_sen, trend,
};

use crate::period::Period;

/// One measure's analysis up to an evaluated period.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub measure: String,
    /// The definition version the series belongs to.
    pub version: u32,
    /// Every collection period of the current version up to the evaluated
    /// period, with the indicator value or `None` when it has none.
    pub series: Vec<(Period, Option<f64>)>,
    pub trend: Trend,
    pub control: Control,
    pub forecast: Forecast,
    /// Data-quality notes in plain words.
    pub quality: Vec<String>,
}

impl Serialize for Analysis {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Point {
            period: Period,
            value: Option<f64>,
        }
        let series: Vec<Point> = self
            .series
            .iter()
            .map(|(period, value)| Point {
                period: *period,
                value: *value,
            })
            .collect();
        let mut st = s.serialize_struct("Analysis", 6)?;
        st.serialize_field("trend", &self.trend)?;
        st.serialize_field("control", &self.control)?;
        st.serialize_field("forecast", &self.forecast)?;
        st.serialize_field("quality", &self.quality)?;
        st.serialize_field("version", &self.version)?;
        st.serialize_field("series", &series)?;
        st.end()
    }
}
