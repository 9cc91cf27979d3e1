//! Forecast: the collection period in which the least-squares line reaches the
//! target, with an interval from the slope's 95% confidence interval (the
//! line pivoting about the mean point), or why it will not.

use serde::Serialize;

use crate::measure::Direction;
use crate::period::Period;

/// Forecasts further out than this many collection periods are not made.
pub const HORIZON: usize = 240;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outlook {
    /// The latest value already meets the target.
    Met,
    /// The trend reaches the target in `reaches_target`.
    WillReach,
    /// At the current trend the target is not reached (flat, moving away, or beyond the horizon).
    WillNotReach,
    /// No trend to extrapolate.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub outlook: Outlook,
    /// The first collection period whose trend value meets the target.
    pub reaches_target: Option<Period>,
    /// Earliest and latest period from the slope's 95% interval; `None` as the
    /// latest when the slow end of the interval never reaches the target.
    pub interval: Option<[Option<Period>; 2]>,
    pub note: String,
}

/// The inputs: the series' periods (x = 0, 1, …), the last x with a value and
/// its value, the mean point, the slope and its interval.
pub struct Line<'a> {
    pub periods: &'a [Period],
    pub last_x: usize,
    pub last_value: f64,
    pub mean_x: f64,
    pub mean_y: f64,
    pub slope: f64,
    pub slope_ci95: [f64; 2],
}

/// When the trend line crosses `target`.
pub fn forecast(line: Option<&Line>, target: f64, direction: Direction) -> Forecast {
    let Some(line) = line else {
        return Forecast {
            outlook: Outlook::Unknown,
            reaches_target: None,
            interval: None,
            note: "no forecast without a trend".to_string(),
        };
    };
    if direction.at_least_as_good(line.last_value, target) {
        return Forecast {
            outlook: Outlook::Met,
            reaches_target: None,
            interval: None,
            note: format!("the latest value already meets the target of {target}"),
        };
    }
    let crossing = |slope: f64| -> Option<Period> {
        let toward = match direction {
            Direction::HigherIsBetter => slope > 0.0,
            Direction::LowerIsBetter => slope < 0.0,
        };
        if !toward {
            return None;
        }
        let x = line.mean_x + (target - line.mean_y) / slope;
        let steps = (x.ceil().max(line.last_x as f64 + 1.0) - line.last_x as f64) as usize;
        if steps > HORIZON {
            return None;
        }
        let mut p = *line.periods.get(line.last_x)?;
        for _ in 0..steps {
            p = p.next();
        }
        Some(p)
    };
    let Some(at) = crossing(line.slope) else {
        return Forecast {
            outlook: Outlook::WillNotReach,
            reaches_target: None,
            interval: None,
            note: format!(
                "will not reach the target of {target} at the current trend (within {HORIZON} collection periods)"
            ),
        };
    };
    let (fast, slow) = match direction {
        Direction::HigherIsBetter => (line.slope_ci95[1], line.slope_ci95[0]),
        Direction::LowerIsBetter => (line.slope_ci95[0], line.slope_ci95[1]),
    };
    let early = crossing(fast);
    let late = crossing(slow);
    let note = match late {
        Some(late) => format!(
            "reaches the target of {target} in {at} at the current trend (95% interval {} to {late})",
            early.map_or("?".to_string(), |p| p.to_string())
        ),
        None => format!(
            "reaches the target of {target} in {at} at the current trend; at the slow end of the 95% interval it may not reach it"
        ),
    };
    Forecast {
        outlook: Outlook::WillReach,
        reaches_target: Some(at),
        interval: Some([early, late]),
        note,
    }
}
