//! Distribution functions the analysis needs: the Student t quantile (found by
//! bisection on the t distribution function, itself the regularised incomplete
//! beta function) and the standard normal survival function.

use statrs::function::beta::beta_reg;
use statrs::function::erf::erfc;

/// P(T ≤ t) for Student's t with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    let tail = 0.5 * beta_reg(df / 2.0, 0.5, x);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The `p` quantile (0.5 < p < 1) of Student's t with `df` degrees of freedom,
/// to within a few units in the last place.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    // t_cdf is increasing; bracket the root, then bisect until the interval
    // cannot shrink any more in floating point.
    let mut lo = 0.0_f64;
    let mut hi = 1.0_f64;
    while t_cdf(hi, df) < p {
        lo = hi;
        hi *= 2.0;
        if hi > 1e12 {
            return f64::INFINITY;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        // compare upper tails, which keeps precision for p close to 1
        let upper = if mid >= 0.0 {
            0.5 * beta_reg(df / 2.0, 0.5, df / (df + mid * mid))
        } else {
            1.0 - t_cdf(mid, df)
        };
        if upper > 1.0 - p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// P(Z > z) for the standard normal distribution.
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The median of a non-empty slice (sorted in place).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // two-sided 95% critical values, printed in every statistics table
        for (df, want) in [
            (1.0, 12.706_204_736),
            (2.0, 4.302_652_730),
            (10.0, 2.228_138_852),
            (30.0, 2.042_272_456),
        ] {
            let got = t_quantile(0.975, df);
            assert!((got - want).abs() < 1e-8, "df {df}: {got} vs {want}");
        }
    }

    #[test]
    fn normal_tail() {
        let got = normal_sf(1.959_963_984_540_054);
        assert!((got - 0.025).abs() < 1e-11, "{got}");
        assert!((normal_sf(0.0) - 0.5).abs() < 1e-15);
    }
}
