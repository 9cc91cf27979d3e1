//! Finds base values that give an indicator a wanted value, whatever the
//! measure's formula: every base but one is held at a typical value and the
//! free one is found by bisection.

use clause9_core::engine::compute;
use clause9_core::measure::{BaseMethod, Measure};

/// A plausible everyday value for a base measure (a count of a few hundred),
/// kept within its bounds.
pub(super) fn typical(measure: &Measure, base: usize, rng: &mut fastrand::Rng) -> f64 {
    let (min, max) = match &measure.base[base].method {
        BaseMethod::Manual { min, max, .. } => (*min, *max),
        BaseMethod::Query { .. } => (None, None),
    };
    let mut v = f64::from(rng.u32(80..600));
    if let Some(hi) = max {
        v = v.min(hi * 0.8);
    }
    if let Some(lo) = min {
        v = v.max(lo);
    }
    v.round()
}

fn bounds(measure: &Measure, base: usize, typical: f64) -> (f64, f64) {
    match &measure.base[base].method {
        BaseMethod::Manual { min, max, .. } => (
            min.unwrap_or(0.0),
            max.unwrap_or(typical * 20.0)
                .min(typical * 20.0)
                .max(typical),
        ),
        BaseMethod::Query { .. } => (0.0, typical * 20.0),
    }
}

fn indicator(measure: &Measure, values: &[f64]) -> Option<f64> {
    let base: Vec<(String, Option<f64>)> = measure
        .base
        .iter()
        .zip(values)
        .map(|(b, v)| (b.id.clone(), Some(*v)))
        .collect();
    compute(measure, &base).value
}

/// Base values (one per base, in definition order) whose indicator is as close
/// to `target` as whole numbers allow; `None` when no single base can reach it.
pub(super) fn solve(measure: &Measure, typicals: &[f64], target: f64) -> Option<Vec<f64>> {
    for free in 0..measure.base.len() {
        let (lo, hi) = bounds(measure, free, typicals[free]);
        let at = |x: f64| {
            let mut v = typicals.to_vec();
            v[free] = x;
            indicator(measure, &v)
        };
        let (Some(f_lo), Some(f_hi)) = (at(lo), at(hi)) else {
            continue;
        };
        if (target - f_lo) * (target - f_hi) > 0.0 {
            continue; // not bracketed by this base
        }
        let rising = f_hi >= f_lo;
        let (mut a, mut b) = (lo, hi);
        for _ in 0..80 {
            let mid = (a + b) / 2.0;
            match at(mid) {
                Some(f) if (f < target) == rising => a = mid,
                Some(_) => b = mid,
                None => break,
            }
        }
        let x = ((a + b) / 2.0).round().clamp(lo, hi);
        let mut v = typicals.to_vec();
        v[free] = x;
        if indicator(measure, &v).is_some() {
            return Some(v);
        }
    }
    None
}
