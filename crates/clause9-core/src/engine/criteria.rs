//! Decision criteria: judges an indicator value green, amber or red.

use crate::evaluation::Status;
use crate::measure::{Direction, Indicator};

/// `higher_is_better`: value ≥ green is green, value < red is red, amber between.
/// `lower_is_better`: value ≤ green is green, value > red is red. Without `red`,
/// anything worse than green is red.
pub fn judge(indicator: &Indicator, value: Option<f64>) -> Status {
    let Some(v) = value else {
        return Status::NoData;
    };
    let green = match indicator.direction {
        Direction::HigherIsBetter => v >= indicator.green,
        Direction::LowerIsBetter => v <= indicator.green,
    };
    if green {
        return Status::Green;
    }
    let red = match (indicator.direction, indicator.red) {
        (_, None) => true,
        (Direction::HigherIsBetter, Some(r)) => v < r,
        (Direction::LowerIsBetter, Some(r)) => v > r,
    };
    if red { Status::Red } else { Status::Amber }
}
