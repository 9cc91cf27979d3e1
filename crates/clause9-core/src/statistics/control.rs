//! Statistical process control: an XmR (individuals and moving range) chart
//! and the signals that a process has changed.
//!
//! Centre = mean of the values; natural process limits = centre ± 2.66 × the
//! average moving range (the mean of |xᵢ − xᵢ₋₁|). Signals, each flagged on
//! the point that completes it (and on every further point while it lasts):
//! `beyond_limits` (a point above the upper or below the lower limit),
//! `run_of_8` (8 or more points in a row strictly on one side of the centre),
//! `trend_of_6` (6 or more points in a row each strictly higher, or each
//! strictly lower, than the one before), `two_of_three` (2 of 3 points in a
//! row beyond two-thirds of the way from the centre to a limit on the same
//! side; flagged on the third point when it is itself beyond).

use serde::Serialize;

use crate::period::Period;

/// Fewer points than this: no control limits.
pub const MIN_CONTROL_POINTS: usize = 5;

/// One signal: where, and which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    pub period: Period,
    pub rule: &'static str,
}

/// The XmR chart; `None` with a `note` when there are too few points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Control {
    pub points: usize,
    pub centre: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub signals: Vec<Signal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The XmR chart of values in time order (missing periods left out).
pub fn control(points: &[(Period, f64)]) -> Control {
    let n = points.len();
    if n < MIN_CONTROL_POINTS {
        return Control {
            points: n,
            centre: None,
            lower: None,
            upper: None,
            signals: Vec::new(),
            note: Some(format!(
                "no control limits: they need at least {MIN_CONTROL_POINTS} values of the current definition, there {}",
                if n == 1 {
                    "is 1".to_string()
                } else {
                    format!("are {n}")
                }
            )),
        };
    }
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let centre = ys.iter().sum::<f64>() / n as f64;
    let mr = ys.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (n - 1) as f64;
    let upper = centre + 2.66 * mr;
    let lower = centre - 2.66 * mr;
    let signals = signals(points, centre, lower, upper);
    Control {
        points: n,
        centre: Some(centre),
        lower: Some(lower),
        upper: Some(upper),
        signals,
        note: None,
    }
}

/// Every signal, in period order, then rule order.
pub fn signals(points: &[(Period, f64)], centre: f64, lower: f64, upper: f64) -> Vec<Signal> {
    let mut flagged: Vec<(usize, usize)> = Vec::new(); // (point, rule index)
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let side = |y: f64| {
        if y > centre {
            1
        } else if y < centre {
            -1
        } else {
            0
        }
    };
    let (mut run, mut run_side) = (0usize, 0i32);
    let (mut steady, mut steady_dir) = (1usize, 0i32);
    let two_thirds_up = centre + (upper - centre) * 2.0 / 3.0;
    let two_thirds_down = centre - (centre - lower) * 2.0 / 3.0;
    for (i, &y) in ys.iter().enumerate() {
        if y > upper || y < lower {
            flagged.push((i, 0));
        }
        let s = side(y);
        if s != 0 && s == run_side {
            run += 1;
        } else {
            run = usize::from(s != 0);
            run_side = s;
        }
        if run >= 8 {
            flagged.push((i, 1));
        }
        if i > 0 {
            let d = side_of(ys[i] - ys[i - 1]);
            if d != 0 && d == steady_dir {
                steady += 1;
            } else {
                steady = if d == 0 { 1 } else { 2 };
                steady_dir = d;
            }
            if steady >= 6 {
                flagged.push((i, 2));
            }
        }
        if i >= 2 {
            let window = &ys[i - 2..=i];
            let above = window.iter().filter(|v| **v > two_thirds_up).count();
            let below = window.iter().filter(|v| **v < two_thirds_down).count();
            if (above >= 2 && y > two_thirds_up) || (below >= 2 && y < two_thirds_down) {
                flagged.push((i, 3));
            }
        }
    }
    const RULES: [&str; 4] = ["beyond_limits", "run_of_8", "trend_of_6", "two_of_three"];
    flagged.sort();
    flagged
        .into_iter()
        .map(|(i, r)| Signal {
            period: points[i].0,
            rule: RULES[r],
        })
        .collect()
}

fn side_of(d: f64) -> i32 {
    if d > 0.0 {
        1
    } else if d < 0.0 {
        -1
    } else {
        0
    }
}
