//! Inline SVG drawn on the server: the dashboard's sparklines and the
//! measure page's chart with its target, green/amber/red bands and the XmR
//! control limits. Colours and dash patterns come from classes in the
//! stylesheet (no inline style); every line also has a label in words.

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

/// The XmR control limits of the charted values (centre line, lower and
/// upper natural process limits), as `clause9_core::analysis` computes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub centre: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The indicator over periods: bands (green, amber, red), the target line,
/// the control limits when given (centre dotted, limits dash-dotted, each
/// labelled), the values as a line with points, and period labels.
pub fn chart(
    points: &[(String, Option<f64>)],
    indicator: &Indicator,
    unit: &str,
    limits: Option<Limits>,
) -> String {
    let (w, h) = (720.0, 260.0);
    let (left, right, top, bottom) = (56.0, 12.0, 12.0, 36.0);
    let bounds = [Some(indicator.target), Some(indicator.green), indicator.red];
    let drawn_limits = limits.map_or(Vec::new(), |l| vec![l.centre, l.lower, l.upper]);
    let all = points
        .iter()
        .filter_map(|(_, v)| *v)
        .chain(bounds.iter().flatten().copied())
        .chain(drawn_limits);
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
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title"><title id="chart-title">Indicator by period, {unit}: target {}, green from {}{}{}</title>"#,
        indicator.target,
        indicator.green,
        indicator
            .red
            .map_or(String::new(), |r| format!(", red beyond {r}")),
        limits.map_or(String::new(), |l| format!(
            "; control limits: centre line {}, lower limit {}, upper limit {}",
            short(l.centre),
            short(l.lower),
            short(l.upper)
        )),
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
    if let Some(l) = limits {
        for (class, label, v) in [
            ("limit limit-upper", "upper control limit", l.upper),
            ("limit limit-centre", "centre line", l.centre),
            ("limit limit-lower", "lower control limit", l.lower),
        ] {
            let _ = write!(
                out,
                r#"<line class="{class}" x1="{left}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text class="axis limit-label" x="{:.1}" y="{:.1}">{label} {}</text>"#,
                w - right,
                y(v),
                y(v),
                left + 4.0,
                y(v) - 4.0,
                short(v)
            );
        }
    }
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

    fn indicator() -> Indicator {
        Indicator {
            measure: "rate".into(),
            direction: Direction::HigherIsBetter,
            target: 90.0,
            green: 80.0,
            red: Some(60.0),
            on_red: None,
            interpretation: None,
        }
    }

    /// The y of the `<line>` with `class`, as drawn.
    fn line_y(svg: &str, class: &str) -> f64 {
        let start = svg
            .find(&format!(r#"<line class="{class}""#))
            .unwrap_or_else(|| panic!("no line {class} in {svg}"));
        let rest = &svg[start..];
        let y1 = &rest[rest.find("y1=\"").unwrap() + 4..];
        let y2 = &rest[rest.find("y2=\"").unwrap() + 4..];
        let (y1, y2) = (&y1[..y1.find('"').unwrap()], &y2[..y2.find('"').unwrap()]);
        assert_eq!(y1, y2, "{class} is horizontal");
        y1.parse().unwrap()
    }

    #[test]
    fn control_limits_are_drawn_at_their_values_with_labels() {
        // Five points whose XmR limits are known: mean 70, mean moving range 5,
        // so the limits are 70 ± 2.66 × 5 = 56.7 and 83.3.
        let values = [70.0, 75.0, 70.0, 65.0, 70.0];
        let series: Vec<(clause9_core::period::Period, f64)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("2026-{:02}", i + 1).parse().unwrap(), *v))
            .collect();
        let c = clause9_core::analysis::control(&series);
        let limits = Limits {
            centre: c.centre.unwrap(),
            lower: c.lower.unwrap(),
            upper: c.upper.unwrap(),
        };
        assert!((limits.centre - 70.0).abs() < 1e-9);
        assert!((limits.lower - 56.7).abs() < 1e-9);
        assert!((limits.upper - 83.3).abs() < 1e-9);
        let points: Vec<(String, Option<f64>)> = series
            .iter()
            .map(|(p, v)| (p.to_string(), Some(*v)))
            .collect();
        let svg = chart(&points, &indicator(), "%", Some(limits));
        // The plotted range: 56.7 … 90 widened by 10% on each side.
        let (lo, hi) = (56.7 - 3.33, 90.0 + 3.33);
        let y = |v: f64| 12.0 + (hi - v) / (hi - lo) * (260.0 - 12.0 - 36.0);
        for (class, v) in [
            ("limit limit-centre", 70.0),
            ("limit limit-lower", 56.7),
            ("limit limit-upper", 83.3),
            ("target", 90.0),
        ] {
            let drawn = line_y(&svg, class);
            assert!(
                (drawn - y(v)).abs() < 0.06,
                "{class}: y {drawn}, expected {}",
                y(v)
            );
        }
        assert!(line_y(&svg, "limit limit-upper") < line_y(&svg, "limit limit-centre"));
        assert!(line_y(&svg, "limit limit-centre") < line_y(&svg, "limit limit-lower"));
        for label in [
            "upper control limit 83.3",
            "centre line 70",
            "lower control limit 56.7",
        ] {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}");
        }
        assert!(svg.contains("control limits: centre line 70, lower limit 56.7, upper limit 83.3"));
    }

    #[test]
    fn without_limits_no_limit_is_drawn() {
        let points = vec![("2026-01".to_string(), Some(70.0))];
        let svg = chart(&points, &indicator(), "%", None);
        assert!(!svg.contains("limit"));
        assert!(svg.contains(r#"<line class="target""#));
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short(34.0), "34");
        assert_eq!(short(0.126), "0.13");
        assert_eq!(short(2.5), "2.5");
    }
}
