//! The starter programme's report in every format: HTML parsed, PDF turned
//! into page images with pdftoppm and checked not blank (and its fonts
//! embedded), XLSX read back with calamine, JSON parsed, Markdown snapshotted.

mod common;

use std::io::Cursor;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use clause9_report::{Format, render, sha256};
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

#[test]
fn markdown_snapshot() {
    let f = common::fixture();
    let md = String::from_utf8(render(&f.report(None), Format::Markdown).unwrap()).unwrap();
    insta::with_settings!({filters => vec![
        (r"\b[0-9a-f]{64}\b", "[sha256]"),
        (r"\b20\d\d-\d\d-\d\d \d\d:\d\d UTC\b", "[time]"),
    ]}, {
        insta::assert_snapshot!("starter_markdown", md);
    });
}

#[test]
fn html_is_self_contained_and_complete() {
    let f = common::fixture();
    let report = f.report(None);
    let bytes = render(&report, Format::Html).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let doc = Html::parse_document(&text);
    let title = doc
        .select(&sel("title"))
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    assert!(title.contains("2026-10"), "{title}");
    let sections: Vec<String> = doc
        .select(&sel("h2"))
        .map(|h| h.value().attr("id").unwrap_or("").to_string())
        .collect();
    assert_eq!(sections, ["summary", "measures", "attention", "appendix"]);
    let measures: Vec<_> = doc.select(&sel("section.measure")).collect();
    assert_eq!(measures.len(), 5);
    for m in &measures {
        let id = m.value().attr("id").unwrap();
        let fig = m
            .select(&sel("figure"))
            .next()
            .unwrap_or_else(|| panic!("{id}: no chart"));
        let alt = fig.value().attr("aria-label").unwrap();
        assert!(alt.contains("target"), "{id}: {alt}");
        assert!(
            fig.select(&sel("svg")).next().is_some(),
            "{id}: chart is not inline SVG"
        );
        let value = m
            .select(&sel("b.value"))
            .next()
            .unwrap()
            .text()
            .collect::<String>();
        let expected = report.measures.iter().find(|s| s.id == id).unwrap();
        assert_eq!(
            value,
            clause9_report::text::value(expected.value, &expected.unit)
        );
    }
    // the counts table adds up to the number of measures
    let counts: Vec<usize> = doc
        .select(&sel("#counts td"))
        .map(|td| td.text().collect::<String>().parse().unwrap())
        .collect();
    assert_eq!(counts[..4].iter().sum::<usize>(), 5);
    // roll-ups by kind, theme, control, area and owner each cover every measure
    let rollups: Vec<_> = doc.select(&sel("table.rollup")).collect();
    assert_eq!(rollups.len(), 5);
    let kinds: usize = rollups[0]
        .select(&sel("tr"))
        .skip(1)
        .map(|tr| {
            tr.select(&sel("td"))
                .skip(1)
                .take(4)
                .map(|td| td.text().collect::<String>().parse::<usize>().unwrap())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(kinds, 5);
    // nothing is fetched from elsewhere
    for bad in [
        "<script",
        "<link",
        "<img",
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
    ] {
        assert!(!text.contains(bad), "found {bad}");
    }
    // provenance: every stored value of the period is listed
    let rows = doc.select(&sel("table.provenance tr")).count();
    let stored = f
        .current
        .iter()
        .filter(|o| o.new.period.to_string() == common::PERIOD)
        .count();
    assert_eq!(
        rows,
        stored + 5,
        "one header row per measure plus one row per value"
    );
}

fn tool(name: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{name} is needed (poppler-utils or libreoffice-calc-nogui from Debian; ./scripts/test installs them)"
    );
    Command::new(name)
}

#[test]
fn pdf_pages_are_not_blank_and_fonts_are_embedded() {
    let f = common::fixture();
    let pdf = render(&f.report(None), Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = tool("pdftoppm")
        .args(["-gray", "-r", "40"])
        .arg(&path)
        .arg(dir.path().join("page"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 4, "{} pages", pages.len());
    for page in &pages {
        let bytes = std::fs::read(page).unwrap();
        // binary PGM: "P5\n<w> <h>\n255\n" then one byte per pixel
        let mut fields = 0;
        let mut start = 0;
        for (i, b) in bytes.iter().enumerate() {
            if b.is_ascii_whitespace() {
                fields += 1;
                if fields == 4 {
                    start = i + 1;
                    break;
                }
            }
        }
        let pixels = &bytes[start..];
        let dark = pixels.iter().filter(|p| **p < 160).count();
        assert!(
            dark * 1000 > pixels.len(),
            "{} looks blank ({dark} dark pixels of {})",
            page.display(),
            pixels.len()
        );
    }
    let fonts = tool("pdffonts").arg(&path).output().unwrap();
    let listing = String::from_utf8_lossy(&fonts.stdout);
    let lines: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!lines.is_empty(), "{listing}");
    for line in lines {
        // columns: name type encoding emb sub uni object ID
        let cols: Vec<&str> = line.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {line}");
    }
}

#[test]
fn xlsx_reads_back_with_the_right_values() {
    let f = common::fixture();
    let report = f.report(None);
    let bytes = render(&report, Format::Xlsx).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names[0], "Summary");
    assert_eq!(names[1], "Corrective actions");
    assert_eq!(names.len(), 2 + report.measures.len());
    let actions = wb.worksheet_range("Corrective actions").unwrap();
    let cell = |r: u32, c: u32| actions.get_value((r, c)).cloned();
    assert_eq!(cell(1, 0), Some(Data::String("NC-0001".into())));
    assert_eq!(cell(1, 6), Some(Data::String("A1".into())));
    assert_eq!(
        cell(1, 10),
        Some(Data::String("overdue since 2026-10-31".into()))
    );
    assert_eq!(cell(2, 0), Some(Data::String("NC-0002".into())));
    let summary = wb.worksheet_range("Summary").unwrap();
    for (i, m) in report.measures.iter().enumerate() {
        let row = 7 + i as u32;
        assert_eq!(
            summary.get_value((row, 0)),
            Some(&Data::String(m.id.clone()))
        );
        assert_eq!(
            summary.get_value((row, 3)),
            Some(&Data::String(m.status.as_str().into()))
        );
        match m.value {
            Some(v) => assert_eq!(summary.get_value((row, 4)), Some(&Data::Float(v))),
            None => assert!(matches!(
                summary.get_value((row, 4)),
                None | Some(Data::Empty)
            )),
        }
        let sheet = wb.worksheet_range(&m.id).unwrap();
        for (j, (p, v)) in m.series.iter().enumerate() {
            let r = 4 + j as u32;
            assert_eq!(sheet.get_value((r, 0)), Some(&Data::String(p.to_string())));
            if let Some(v) = v {
                assert_eq!(
                    sheet.get_value((r, 1)),
                    Some(&Data::Float(*v)),
                    "{} {p}",
                    m.id
                );
            }
            assert_eq!(sheet.get_value((r, 2)), Some(&Data::Float(m.target)));
        }
    }
}

#[test]
fn json_carries_the_report() {
    let f = common::fixture();
    let bytes = render(&f.report(None), Format::Json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["period"], "2026-10");
    assert_eq!(v["measures"].as_array().unwrap().len(), 5);
    let vul = v["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "M-VUL-01")
        .unwrap();
    assert_eq!(vul["verdict"], "deteriorating");
    assert!(!vul["provenance"].as_array().unwrap().is_empty());
    assert!(
        v["attention"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["measure"] == "M-VUL-01")
    );
}

#[test]
fn audience_keeps_the_measures_of_its_customers() {
    let f = common::fixture();
    let ids = |a: Option<&str>| -> Vec<String> {
        f.report(a).measures.iter().map(|m| m.id.clone()).collect()
    };
    assert_eq!(ids(None).len(), 5);
    assert_eq!(ids(Some("it_lead")), ["M-VUL-01"]);
    // ceo is a member of the board group, the other measures' customers
    assert_eq!(ids(Some("ceo")).len(), 4);
    assert_eq!(ids(Some("board")).len(), 4);
    let md =
        String::from_utf8(render(&f.report(Some("it_lead")), Format::Markdown).unwrap()).unwrap();
    assert!(md.contains("Audience: it_lead") && !md.contains("M-AW-01"));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let f = common::fixture();
    for format in [Format::Html, Format::Markdown, Format::Json, Format::Pdf] {
        let a = render(&f.report(None), format).unwrap();
        let b = render(&f.report(None), format).unwrap();
        assert_eq!(sha256(&a), sha256(&b), "{format:?}");
    }
}

#[test]
fn open_corrective_actions_need_attention() {
    let f = common::fixture();
    let r = f.report(None);
    let ids: Vec<&str> = r.corrective.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids,
        ["NC-0001", "NC-0002"],
        "open ones, overdue first; not the closed NC-0003"
    );
    let late = &r.corrective[0];
    assert!(late.overdue);
    assert_eq!(late.actions[0].status, "overdue since 2026-10-31");
    assert!(
        r.summary
            .decisions
            .iter()
            .any(|d| d.starts_with("nonconformity NC-0001 is overdue")),
        "{:?}",
        r.summary.decisions
    );
    assert!(!r.corrective[1].overdue);
    assert_eq!(r.corrective[1].actions.len(), 0);
    // An audience sees the records of its measures and their areas only.
    let it: Vec<String> = f
        .report(Some("it_lead"))
        .corrective
        .iter()
        .map(|n| n.id.clone())
        .collect();
    assert_eq!(it, ["NC-0001"]);
    for format in [Format::Html, Format::Markdown] {
        let text = String::from_utf8(render(&r, format).unwrap()).unwrap();
        assert!(
            text.contains("Assign a patch owner per server group")
                && text.contains("overdue since 2026-10-31")
                && text.contains("NC-0002")
                && !text.contains("NC-0003"),
            "{format:?}"
        );
    }
    let pdf_source = clause9_report::pdf::source(&r);
    assert!(pdf_source.contains("Assign a patch owner per server group"));
}

/// LibreOffice (Debian's libreoffice-calc-nogui, installed by scripts/test)
/// opens the workbook and exports every sheet as CSV: the file is a
/// spreadsheet another program reads, not only our own reader.
#[test]
fn xlsx_opens_in_libreoffice() {
    let f = common::fixture();
    let report = f.report(None);
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("report.xlsx");
    std::fs::write(&xlsx, render(&report, Format::Xlsx).unwrap()).unwrap();
    let profile = format!("file://{}/profile", dir.path().display());
    let out = tool("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--norestore", "--convert-to"])
        // CSV filter options: comma, double quote, UTF-8, …, -1 = every sheet
        .arg("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1")
        .arg("--outdir")
        .arg(dir.path())
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |sheet: &str| {
        let p = dir.path().join(format!("report-{sheet}.csv"));
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let summary = read("Summary");
    for m in &report.measures {
        assert!(
            summary.contains(&format!("{},", m.id)) && summary.contains(m.status.as_str()),
            "{} missing from the Summary sheet as LibreOffice reads it",
            m.id
        );
    }
    assert!(read("Corrective actions").contains("overdue since 2026-10-31"));
    let vul = read("M-VUL-01");
    let m = report.measures.iter().find(|m| m.id == "M-VUL-01").unwrap();
    let (p, v) = m.series.iter().rev().find(|(_, v)| v.is_some()).unwrap();
    // LibreOffice writes 15 significant digits
    let read_back: f64 = vul
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{p},")))
        .and_then(|rest| rest.split(',').next())
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("{p} not in\n{vul}"));
    let v = v.unwrap();
    assert!(
        (read_back - v).abs() <= 1e-12 * v.abs().max(1.0),
        "{read_back} ≠ {v}"
    );
}
