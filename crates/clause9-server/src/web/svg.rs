//! Inline SVG drawn on the server: the dashboard's sparklines and the
//! measure page's chart with its target and green/amber/red bands. Colours
//! come from classes in the stylesheet (no inline style).

use std::fmt::Write as _;

use clause9_core::measure::{Direction, Indicator};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// A small line of the last values (gaps where there is no value), with a
/// text alternative listing them.
pub fn sparkline(values: &[Option<f64>], label: &str) -> String {
    let (w, h, pad) = (96.0, 24.0, 2.0);
    let mut out = format!(
        r#"<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}">"#,
        escape(label)
    );
    let Some((lo, hi)) = range(values.iter().flatten().copied()) else {
        out.push_str("</svg>");
        return out;
    };
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = if values.len() > 1 {
        (w - 2.0 * pad) / (values.len() - 1) as f64
    } else {
        0.0
    };
    let y = |v: f64| h - pad - (v - lo) / span * (h - 2.0 * pad);
    let mut segment = String::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = write!(segment, "{:.1},{:.1} ", pad + i as f64 * step, y(*v));
            }
            None if !segment.is_empty() => {
                let _ = write!(out, r#"<polyline points="{}"/>"#, segment.trim_end());
                segment.clear();
            }
            None => {}
        }
    }
    if !segment.is_empty() {
        let _ = write!(out, r#"<polyline points="{}"/>"#, segment.trim_end());
    }
    if let Some((i, Some(v))) = values.iter().enumerate().rev().find(|(_, v)| v.is_some()) {
        let _ = write!(
            out,
            r#"<circle cx="{:.1}" cy="{:.1}" r="2"/>"#,
            pad + i as f64 * step,
            y(*v)
        );
    }
    out.push_str("</svg>");
    out
}

/// The indicator over periods: bands (green, amber, red), the target line,
/// the values as a line with points, and period labels.
pub fn chart(points: &[(String, Option<f64>)], indicator: &Indicator, unit: &str) -> String {
    let (w, h) = (720.0, 260.0);
    let (left, right, top, bottom) = (56.0, 12.0, 12.0, 36.0);
    let bounds = [Some(indicator.target), Some(indicator.green), indicator.red];
    let all = points
        .iter()
        .filter_map(|(_, v)| *v)
        .chain(bounds.iter().flatten().copied());
    let (mut lo, mut hi) = range(all).unwrap_or((0.0, 1.0));
    let margin = ((hi - lo) * 0.1).max(1e-9);
    lo -= margin;
    hi += margin;
    if lo > 0.0 && lo < hi * 0.5 {
        lo = 0.0;
    }
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let y = |v: f64| top + (hi - v) / (hi - lo) * plot_h;
    let step = if points.len() > 1 {
        plot_w / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| left + i as f64 * step;
    let mut out = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title"><title id="chart-title">Indicator by period, {unit}: target {}, green from {}{}</title>"#,
        indicator.target,
        indicator.green,
        indicator
            .red
            .map_or(String::new(), |r| format!(", red beyond {r}")),
        unit = escape(unit)
    );
    // Bands, from the decision criteria.
    let red = indicator.red;
    let green = indicator.green;
    let bands: Vec<(&str, f64, f64)> = match indicator.direction {
        Direction::HigherIsBetter => {
            let red_top = red.unwrap_or(lo).max(lo);
            vec![
                ("band-green", green.max(lo), hi),
                ("band-amber", red_top, green.max(lo)),
                ("band-red", lo, red_top),
            ]
        }
        Direction::LowerIsBetter => {
            let red_bottom = red.unwrap_or(hi).min(hi);
            vec![
                ("band-green", lo, green.min(hi)),
                ("band-amber", green.min(hi), red_bottom),
                ("band-red", red_bottom, hi),
            ]
        }
    };
    for (class, from, to) in bands {
        if to > from {
            let _ = write!(
                out,
                r#"<rect class="{class}" x="{left}" y="{:.1}" width="{plot_w}" height="{:.1}"/>"#,
                y(to),
                y(from) - y(to)
            );
        }
    }
    // Axis labels.
    for v in [lo, (lo + hi) / 2.0, hi] {
        let _ = write!(
            out,
            r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 6.0,
            y(v) + 4.0,
            short(v)
        );
    }
    let _ = write!(
        out,
        r#"<line class="target" x1="{left}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">target</text>"#,
        w - right,
        y(indicator.target),
        y(indicator.target),
        w - right - 2.0,
        y(indicator.target) - 4.0
    );
    let every = points.len().div_ceil(8).max(1);
    for (i, (label, _)) in points.iter().enumerate() {
        if i % every == 0 || i + 1 == points.len() {
            let _ = write!(
                out,
                r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x(i),
                h - 12.0,
                escape(label)
            );
        }
    }
    let mut segment = String::new();
    for (i, (_, v)) in points.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(segment, "{:.1},{:.1} ", x(i), y(*v));
        } else if !segment.is_empty() {
            let _ = write!(
                out,
                r#"<polyline class="line" points="{}"/>"#,
                segment.trim_end()
            );
            segment.clear();
        }
    }
    if !segment.is_empty() {
        let _ = write!(
            out,
            r#"<polyline class="line" points="{}"/>"#,
            segment.trim_end()
        );
    }
    for (i, (label, v)) in points.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(
                out,
                r#"<circle class="point" cx="{:.1}" cy="{:.1}" r="3"><title>{}: {}</title></circle>"#,
                x(i),
                y(*v),
                escape(label),
                short(*v)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// A value for labels: at most two decimals, no trailing zeros.
pub fn short(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_breaks_at_gaps_and_marks_the_last_value() {
        let svg = sparkline(&[Some(1.0), Some(2.0), None, Some(3.0)], "x");
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("<circle cx=\"94.0\" cy=\"2.0\""));
    }

    #[test]
    fn sparkline_without_values_is_empty() {
        assert!(!sparkline(&[None, None], "x").contains("polyline"));
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short(34.0), "34");
        assert_eq!(short(0.126), "0.13");
        assert_eq!(short(2.5), "2.5");
    }
}
