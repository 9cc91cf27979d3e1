//! Charts stay readable when printed in grey scale: the green, amber and red
//! bands differ in lightness (not only in hue), the indicator and the marks
//! are near-black and contrast with every band, and the bands lie behind the
//! indicator. Checked on the SVG of every line chart of the starter report,
//! by compositing each band's colour over the white background and taking
//! its relative luminance (the WCAG formula).

mod common;

use clause9_report::chart::chart;

/// Relative luminance of an sRGB colour (WCAG 2).
fn luminance([r, g, b]: [f64; 3]) -> f64 {
    let lin = |c: f64| {
        let c = c / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn contrast(a: f64, b: f64) -> f64 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

fn hex(h: &str) -> [f64; 3] {
    let v = |i: usize| f64::from(u8::from_str_radix(&h[1 + 2 * i..3 + 2 * i], 16).unwrap());
    [v(0), v(1), v(2)]
}

fn attr<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = element[start..].find('"')?;
    Some(&element[start..start + len])
}

#[test]
fn line_charts_read_in_grey_scale() {
    let f = common::fixture();
    let r = f.report(None);
    let mut checked = 0;
    for s in r.measures.iter().filter(|m| m.chart == "line") {
        let svg = chart(s, "Libertinus Serif").svg.expect("a line chart");
        let lines: Vec<&str> = svg.lines().collect();
        let band_at: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("<rect ") && lines[i].contains("fill-opacity="))
            .collect();
        assert_eq!(band_at.len(), 3, "{}: three bands\n{svg}", s.id);
        // lightness of each band composited over white
        let mut lum: Vec<f64> = band_at
            .iter()
            .map(|&i| {
                let fill = hex(attr(lines[i], "fill").unwrap());
                let alpha: f64 = attr(lines[i], "fill-opacity").unwrap().parse().unwrap();
                luminance(fill.map(|c| alpha * c + (1.0 - alpha) * 255.0))
            })
            .collect();
        let path = lines
            .iter()
            .position(|l| l.starts_with("<path ") && l.contains("fill=\"none\""))
            .expect("the indicator's line");
        assert!(
            band_at.iter().all(|&b| b < path),
            "{}: the bands must lie behind the indicator",
            s.id
        );
        let ink = luminance(hex(attr(lines[path], "stroke").unwrap()));
        assert!(
            ink < 0.02,
            "{}: the indicator is near-black, not {ink}",
            s.id
        );
        for l in &lum {
            assert!(
                contrast(ink, *l) >= 7.0,
                "{}: the indicator must stand out on every band ({})",
                s.id,
                contrast(ink, *l)
            );
        }
        lum.sort_by(f64::total_cmp);
        for pair in lum.windows(2) {
            assert!(
                pair[1] - pair[0] >= 0.05,
                "{}: bands too close in grey: {lum:?}",
                s.id
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 3,
        "only {checked} line charts in the starter report"
    );
}
