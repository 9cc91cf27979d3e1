//! Trend over a series: least-squares slope with its 95% confidence interval
//! (Student t), the Theil–Sen slope, the Mann–Kendall test and a verdict.
//!
//! Mann–Kendall is the original test with the normal approximation, the
//! variance corrected for ties and a continuity correction of 1 (as in
//! pymannkendall's `original_test`): S = Σ sign(yⱼ − yᵢ) over i < j,
//! Var S = (n(n−1)(2n+5) − Σ t(t−1)(2t+5)) / 18, Z = (S − sign S)/√Var S,
//! p = 2·P(Z > |z|). Theil–Sen is the median of the pairwise slopes over pairs
//! with different x (as scipy's `theilslopes`).

use serde::Serialize;

use super::stats::{median, normal_sf, t_quantile};
use crate::measure::Direction;

/// Fewer points than this: no trend.
pub const MIN_TREND_POINTS: usize = 3;

/// Whether the indicator is getting better, worse, or neither (at 5%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Improving,
    Stable,
    Deteriorating,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Improving => "improving",
            Verdict::Stable => "stable",
            Verdict::Deteriorating => "deteriorating",
        }
    }
}

/// The statistics of a trend; `None` with a `note` when there are too few points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub points: usize,
    /// Least-squares slope per collection period.
    pub slope: Option<f64>,
    pub slope_ci95: Option<[f64; 2]>,
    pub theil_sen_slope: Option<f64>,
    pub mann_kendall_p: Option<f64>,
    pub verdict: Option<Verdict>,
    /// Least-squares intercept at x = 0 (the first period of the series).
    #[serde(skip)]
    pub intercept: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Least-squares fit: (slope, intercept, standard error of the slope).
pub fn least_squares(xs: &[f64], ys: &[f64]) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let sse: f64 = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| {
            let r = y - (intercept + slope * x);
            r * r
        })
        .sum();
    let se = if xs.len() > 2 {
        (sse / (n - 2.0) / sxx).sqrt()
    } else {
        f64::NAN
    };
    (slope, intercept, se)
}

/// The median of the slopes between every pair of points with different x.
pub fn theil_sen(xs: &[f64], ys: &[f64]) -> f64 {
    let mut slopes = Vec::with_capacity(xs.len() * xs.len() / 2);
    for i in 0..xs.len() {
        for j in i + 1..xs.len() {
            if xs[j] != xs[i] {
                slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
            }
        }
    }
    median(&mut slopes)
}

/// Two-sided Mann–Kendall p-value of `ys` in time order.
pub fn mann_kendall_p(ys: &[f64]) -> f64 {
    let n = ys.len();
    let mut s = 0.0_f64;
    for i in 0..n {
        for j in i + 1..n {
            s += (ys[j] - ys[i]).signum() * f64::from(ys[j] != ys[i]);
        }
    }
    let mut sorted = ys.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut ties = 0.0_f64;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j < n && sorted[j] == sorted[i] {
            j += 1;
        }
        let t = (j - i) as f64;
        ties += t * (t - 1.0) * (2.0 * t + 5.0);
        i = j;
    }
    let nf = n as f64;
    let var = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    if var <= 0.0 || s == 0.0 {
        return 1.0;
    }
    let z = (s - s.signum()) / var.sqrt();
    (2.0 * normal_sf(z.abs())).min(1.0)
}

/// The trend of points (x = position of the collection period in the series).
pub fn trend(xs: &[f64], ys: &[f64], direction: Direction) -> Trend {
    let points = ys.len();
    if points < MIN_TREND_POINTS {
        return Trend {
            points,
            slope: None,
            slope_ci95: None,
            theil_sen_slope: None,
            mann_kendall_p: None,
            verdict: None,
            intercept: None,
            note: Some(format!(
                "no trend: it needs at least {MIN_TREND_POINTS} values of the current definition, there {}",
                if points == 1 {
                    "is 1".to_string()
                } else {
                    format!("are {points}")
                }
            )),
        };
    }
    let (slope, intercept, se) = least_squares(xs, ys);
    let half = t_quantile(0.975, points as f64 - 2.0) * se;
    let ci = [slope - half, slope + half];
    let significant = ci[0] > 0.0 || ci[1] < 0.0;
    let verdict = if !significant {
        Verdict::Stable
    } else if (slope > 0.0) == (direction == Direction::HigherIsBetter) {
        Verdict::Improving
    } else {
        Verdict::Deteriorating
    };
    Trend {
        points,
        slope: Some(slope),
        slope_ci95: Some(ci),
        theil_sen_slope: Some(theil_sen(xs, ys)),
        mann_kendall_p: Some(mann_kendall_p(ys)),
        verdict: Some(verdict),
        intercept: Some(intercept),
        note: None,
    }
}
