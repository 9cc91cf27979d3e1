//! Charts as SVG through charts-rs, behind one thin layer so every chart looks
//! alike: a title with the unit, the indicator in black with markers, the
//! target as a solid line, control limits dashed, the centre dotted, and the
//! green/amber/red zones as bands of different lightness (readable in grey
//! scale). Each chart comes with a text alternative.

use charts_rs::{
    BarChart, Color, GaugeChart, LineChart, MarkArea, MarkLine, MarkLineCategory, Series, Symbol,
};

use crate::model::MeasureSection;
use crate::text::{number, value};

/// An SVG chart (or none, for `table`) and its text alternative.
pub struct Chart {
    pub svg: Option<String>,
    pub alt: String,
}

const INK: (u8, u8, u8) = (20, 20, 20);
const GREEN: (u8, u8, u8, u8) = (46, 160, 67, 40);
const AMBER: (u8, u8, u8, u8) = (230, 160, 0, 110);
const RED: (u8, u8, u8, u8) = (200, 40, 40, 100);

/// Draws a measure's chart per its definition's `chart` kind.
pub fn chart(s: &MeasureSection, font: &str) -> Chart {
    let alt = alt_text(s);
    let svg = match s.chart.as_str() {
        "table" => None,
        "gauge" => gauge(s, font),
        "bar" => bar(s, font),
        _ => line(s, font),
    };
    Chart { svg, alt }
}

fn title(s: &MeasureSection) -> String {
    if s.unit.is_empty() {
        format!("{} {}", s.id, s.name)
    } else {
        format!("{} {} ({})", s.id, s.name, s.unit)
    }
}

fn alt_text(s: &MeasureSection) -> String {
    let known: Vec<_> = s.series.iter().filter(|(_, v)| v.is_some()).collect();
    let span = match (s.series.first(), s.series.last()) {
        (Some((a, _)), Some((b, _))) => format!(" from {a} to {b}"),
        _ => String::new(),
    };
    let mut t = format!(
        "{} chart of {}{span}: {} values; latest {} ({}) against a target of {}",
        s.chart,
        s.name,
        known.len(),
        value(s.value, &s.unit),
        s.status.as_str(),
        value(Some(s.target), &s.unit)
    );
    if let (Some(l), Some(u)) = (s.lower, s.upper) {
        t.push_str(&format!("; control limits {} to {}", number(l), number(u)));
    }
    if !s.trend.is_empty() {
        t.push_str(&format!("; trend {}", s.trend));
    }
    t.push('.');
    t
}

/// The y range that shows the values, the target, the thresholds and limits.
fn y_range(s: &MeasureSection) -> (f32, f32) {
    let mut all: Vec<f64> = s.series.iter().filter_map(|(_, v)| *v).collect();
    all.extend([s.target, s.green]);
    all.extend(s.red);
    all.extend(s.lower);
    all.extend(s.upper);
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(1.0);
    let mut lo = lo - pad;
    let hi = hi + pad;
    if lo < 0.0 && all.iter().all(|v| *v >= 0.0) {
        lo = 0.0;
    }
    (lo as f32, hi as f32)
}

fn bands(s: &MeasureSection, lo: f32, hi: f32) -> Vec<MarkArea> {
    let area = |from: f32, to: f32, color: (u8, u8, u8, u8)| MarkArea {
        from: MarkLineCategory::Value(from),
        to: MarkLineCategory::Value(to),
        color: Some(Color::from(color)),
        opacity: None,
    };
    let green = s.green as f32;
    let red = s.red.map_or(green, |r| r as f32);
    if s.direction == "higher_is_better" {
        vec![
            area(green, hi, GREEN),
            area(red, green, AMBER),
            area(lo, red, RED),
        ]
    } else {
        vec![
            area(lo, green, GREEN),
            area(green, red, AMBER),
            area(red, hi, RED),
        ]
    }
}

fn mark(v: f64, dash: Option<&str>, width: f32) -> MarkLine {
    MarkLine {
        category: MarkLineCategory::Value(v as f32),
        color: Some(Color::from(INK)),
        stroke_width: Some(width),
        stroke_dash_array: dash.map(str::to_string),
    }
}

fn values(s: &MeasureSection) -> (Vec<String>, Vec<Option<f32>>) {
    let tail: Vec<_> = s.series.iter().rev().take(36).rev().collect();
    (
        tail.iter().map(|(p, _)| p.to_string()).collect(),
        tail.iter().map(|(_, v)| v.map(|v| v as f32)).collect(),
    )
}

fn line(s: &MeasureSection, font: &str) -> Option<String> {
    let (periods, data) = values(s);
    if data.iter().all(Option::is_none) {
        return None;
    }
    let (lo, hi) = y_range(s);
    let mut series = Series::new_nullable("indicator".to_string(), data);
    series.symbol = Some(Symbol::Circle(3.0, Some(Color::from(INK))));
    series.colors = Some(vec![Some(Color::from(INK))]);
    series.mark_areas = bands(s, lo, hi);
    series.mark_lines.push(mark(s.target, Some("none"), 2.0));
    if let (Some(l), Some(c), Some(u)) = (s.lower, s.centre, s.upper) {
        series.mark_lines.push(mark(l, Some("6,3"), 1.0));
        series.mark_lines.push(mark(u, Some("6,3"), 1.0));
        series.mark_lines.push(mark(c, Some("1,3"), 1.0));
    }
    let mut c = LineChart::new(vec![series], periods);
    c.base.series.colors = vec![Color::from(INK)];
    c.base.title.text = title(s);
    c.base.font_family = font.to_string();
    c.base.width = 640.0;
    c.base.height = 300.0;
    c.base.legend.show = Some(false);
    if let Some(y) = c.y_axis_configs.first_mut() {
        y.min = Some(lo);
        y.max = Some(hi);
    }
    c.svg().ok().map(bands_behind)
}

/// charts-rs draws the green/amber/red bands after the series, tinting the
/// line; this moves them (the only translucent rectangles) to just after the
/// white background, so the indicator and the marks are drawn over them.
fn bands_behind(svg: String) -> String {
    let is_band = |l: &str| l.starts_with("<rect ") && l.contains("fill-opacity=");
    let bands: Vec<&str> = svg.lines().filter(|l| is_band(l)).collect();
    let mut out = String::with_capacity(svg.len());
    let mut placed = false;
    for line in svg.lines().filter(|l| !is_band(l)) {
        out.push_str(line);
        out.push('\n');
        if !placed && line.starts_with("<rect x=\"0\" y=\"0\"") {
            for b in &bands {
                out.push_str(b);
                out.push('\n');
            }
            placed = true;
        }
    }
    if placed { out } else { svg }
}

fn bar(s: &MeasureSection, font: &str) -> Option<String> {
    let (periods, data) = values(s);
    if data.iter().all(Option::is_none) {
        return None;
    }
    let mut series = Series::new_nullable("indicator".to_string(), data);
    series.colors = Some(vec![Some(Color::from((110, 110, 110)))]);
    series.mark_lines.push(mark(s.target, Some("none"), 2.0));
    let mut c = BarChart::new(vec![series], periods);
    c.base.title.text = title(s);
    c.base.font_family = font.to_string();
    c.base.width = 640.0;
    c.base.height = 300.0;
    c.base.legend.show = Some(false);
    c.svg().ok()
}

fn gauge(s: &MeasureSection, font: &str) -> Option<String> {
    let v = s.value? as f32;
    let (lo, hi) = y_range(s);
    let series = Series::new(String::new(), vec![v]);
    let mut c = GaugeChart::new(vec![series]);
    // a gauge is small: its title is the id and unit, the caption names it
    c.base.title.text = if s.unit.is_empty() {
        s.id.clone()
    } else {
        format!("{} ({})", s.id, s.unit)
    };
    c.base.font_family = font.to_string();
    c.base.width = 320.0;
    c.base.height = 260.0;
    c.base.legend.show = Some(false);
    c.min = lo;
    c.max = hi;
    let green = s.green as f32;
    let red = s.red.map_or(green, |r| r as f32);
    if s.direction == "higher_is_better" {
        c.thresholds = vec![red, green];
        c.colors = vec![RED.into(), AMBER.into(), GREEN.into()];
    } else {
        c.thresholds = vec![green, red];
        c.colors = vec![GREEN.into(), AMBER.into(), RED.into()];
    }
    c.pointer_color = Color::from(INK);
    c.svg().ok()
}
