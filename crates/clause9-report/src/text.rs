//! Plain-language sentences and number formats shared by every format.

use clause9_core::analysis::{Control, Trend};

/// Up to 2 decimals, no trailing zeros.
pub fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A value with its unit (`96.4%`, `3 days`), or a dash.
pub fn value(v: Option<f64>, unit: &str) -> String {
    match v {
        None => "—".to_string(),
        Some(v) => match unit {
            "" => number(v),
            "%" => format!("{}%", number(v)),
            u => format!("{} {u}", number(v)),
        },
    }
}

fn slope(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

pub fn trend(t: &Trend) -> String {
    match (t.slope, t.slope_ci95, t.verdict, t.mann_kendall_p) {
        (Some(s), Some(ci), Some(v), Some(p)) => format!(
            "{} over {} points: {} per period (95% CI {} to {}; Theil–Sen {}; Mann–Kendall p {})",
            v.as_str(),
            t.points,
            slope(s),
            slope(ci[0]),
            slope(ci[1]),
            slope(t.theil_sen_slope.unwrap_or(f64::NAN)),
            if p < 0.001 {
                "< 0.001".to_string()
            } else {
                format!("{p:.3}")
            }
        ),
        _ => t.note.clone().unwrap_or_default(),
    }
}

pub fn control(c: &Control) -> String {
    match (c.centre, c.lower, c.upper) {
        (Some(m), Some(l), Some(u)) => format!(
            "XmR over {} points: centre {}, natural process limits {} to {}; {} signal{}",
            c.points,
            number(m),
            number(l),
            number(u),
            c.signals.len(),
            if c.signals.len() == 1 { "" } else { "s" }
        ),
        _ => c.note.clone().unwrap_or_default(),
    }
}

/// A signal rule in words.
pub fn rule(rule: &str) -> &'static str {
    match rule {
        "beyond_limits" => "beyond a control limit",
        "run_of_8" => "8 or more in a row on one side of the centre",
        "trend_of_6" => "6 or more in a row steadily rising or falling",
        "two_of_three" => "2 of 3 beyond two-thirds of the way to a limit",
        _ => "signal",
    }
}

/// The roll-up tables of the summary: (heading, rows of label and counts).
pub fn rollup_rows(r: &crate::model::Report) -> Vec<(&'static str, Vec<[String; 6]>)> {
    use clause9_core::analysis::Group;
    let rows = |groups: &[Group], label: &dyn Fn(&Group) -> String| -> Vec<[String; 6]> {
        groups
            .iter()
            .map(|g| {
                let c = &g.counts;
                [
                    label(g),
                    c.green.to_string(),
                    c.amber.to_string(),
                    c.red.to_string(),
                    c.no_data.to_string(),
                    c.deteriorating.to_string(),
                ]
            })
            .collect()
    };
    let titled = |g: &Group| {
        if g.title.is_empty() || g.title == g.key {
            g.key.clone()
        } else {
            format!("{} {}", g.key, g.title)
        }
    };
    let plain = |g: &Group| g.title.clone();
    vec![
        ("kind", rows(&r.rollups.kinds, &plain)),
        ("Annex A theme", rows(&r.rollups.themes, &plain)),
        ("control", rows(&r.rollups.controls, &titled)),
        ("area", rows(&r.rollups.areas, &plain)),
        ("owner", rows(&r.rollups.owners, &plain)),
    ]
}
