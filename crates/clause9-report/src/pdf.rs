//! The PDF report, typeset in-process by typst used as a library with the
//! fonts it ships (Libertinus Serif, DejaVu Sans Mono) embedded in the file.
//! The report is written as typst code where every piece of text is a string
//! literal, so nothing in a programme can be read as markup.

use std::fmt::Write as _;

use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

use crate::chart::chart;
use crate::model::{MeasureSection, Report};
use crate::text::{number, value};

/// A typst string literal.
pub(crate) fn s(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(crate) fn table(o: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = write!(
        o,
        "#table(columns: {}, stroke: 0.5pt + gray, inset: 4pt, table.header({}),",
        header.len(),
        header
            .iter()
            .map(|h| format!("text(weight: \"bold\", {})", s(h)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for row in rows {
        for c in row {
            let _ = write!(o, " {},", s(c));
        }
    }
    o.push_str(")\n");
}

pub(crate) fn para(o: &mut String, text: &str) {
    let _ = writeln!(o, "#par({})", s(text));
}

pub(crate) fn heading(o: &mut String, level: u8, text: &str) {
    let _ = writeln!(o, "#heading(level: {level}, {})", s(text));
}

/// The typst source of the report.
pub fn source(r: &Report) -> String {
    let mut o = String::new();
    let title = format!("{} — performance report {}", r.programme, r.period);
    let _ = writeln!(
        o,
        "#set document(title: {})\n#set page(paper: \"a4\", margin: 18mm, numbering: \"1 / 1\")\n#set text(font: \"Libertinus Serif\", size: 10pt, lang: \"en\")\n#show heading.where(level: 2): it => {{ pagebreak(weak: true); it }}",
        s(&title)
    );
    heading(&mut o, 1, &title);
    let mut who = r.organisation.clone();
    if let Some(a) = &r.audience {
        who.push_str(&format!(" · audience: {a}"));
    }
    who.push_str(&format!(" · issued {}", r.generated_at));
    para(&mut o, &who);

    heading(&mut o, 2, "Executive summary");
    let c = &r.summary.counts;
    table(
        &mut o,
        &["green", "amber", "red", "no data", "deteriorating"],
        &[vec![
            c.green.to_string(),
            c.amber.to_string(),
            c.red.to_string(),
            c.no_data.to_string(),
            c.deteriorating.to_string(),
        ]],
    );
    heading(&mut o, 3, "Objectives");
    let rows: Vec<Vec<String>> = r
        .summary
        .objectives
        .iter()
        .map(|ob| {
            vec![
                ob.id.clone(),
                ob.title.clone(),
                match ob.on_track {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "unknown",
                }
                .to_string(),
                ob.reason.clone(),
            ]
        })
        .collect();
    table(&mut o, &["objective", "title", "on track", "why"], &rows);
    heading(&mut o, 3, "By kind, Annex A theme, control, area and owner");
    for (label, rows) in crate::text::rollup_rows(r) {
        if rows.is_empty() {
            continue;
        }
        let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.to_vec()).collect();
        table(
            &mut o,
            &[label, "green", "amber", "red", "no data", "deteriorating"],
            &rows,
        );
    }
    heading(
        &mut o,
        3,
        &format!(
            "Changes since {}",
            r.previous_period
                .map_or("the previous period".to_string(), |p| p.to_string())
        ),
    );
    if r.summary.changes.is_empty() {
        para(&mut o, "No measure changed status.");
    }
    for ch in &r.summary.changes {
        let _ = writeln!(
            o,
            "#list({})",
            s(&format!(
                "{} {}: {} → {} ({} → {})",
                ch.measure,
                ch.name,
                ch.from.as_str(),
                ch.to.as_str(),
                ch.value_from.map_or("—".into(), number),
                ch.value_to.map_or("—".into(), number)
            ))
        );
    }
    heading(&mut o, 3, "Decisions needed");
    if r.summary.decisions.is_empty() {
        para(&mut o, "None.");
    }
    for d in &r.summary.decisions {
        let _ = writeln!(o, "#list({})", s(d));
    }

    heading(&mut o, 2, "Measures");
    for m in &r.measures {
        measure(&mut o, m);
    }

    heading(&mut o, 2, "Areas needing attention");
    if r.attention.is_empty() && r.overdue.is_empty() {
        para(&mut o, "Nothing is red, deteriorating or overdue.");
    }
    for a in &r.attention {
        let _ = writeln!(
            o,
            "#list({})",
            s(&format!("{} {}: {}", a.measure, a.name, a.reason))
        );
    }
    for d in &r.overdue {
        let _ = writeln!(
            o,
            "#list({})",
            s(&format!(
                "overdue: {} {} for {} from {} (due {})",
                d.measure, d.base, d.period, d.collector, d.due
            ))
        );
    }
    heading(&mut o, 3, "Open nonconformities and corrective actions");
    if r.corrective.is_empty() {
        para(&mut o, "No nonconformity is open.");
    }
    for n in &r.corrective {
        let mut items = vec![s(&format!("next: {}", n.next_step))];
        items.extend(n.check.iter().map(|c| s(c)));
        items.extend(n.actions.iter().map(|a| s(&format!("action {}", a.line()))));
        let _ = writeln!(
            o,
            "#list({{ strong({}); list({}) }})",
            s(&n.headline()),
            items.join(", ")
        );
    }

    heading(&mut o, 2, "Appendix: constructs and provenance");
    for m in &r.measures {
        let k = &m.construct;
        heading(
            &mut o,
            3,
            &format!("{} {} (version {}, {})", m.id, m.name, k.version, k.file),
        );
        let rows = vec![
            vec!["information need".into(), k.information_need.clone()],
            vec!["objectives".into(), k.objectives.join(", ")],
            vec!["controls".into(), k.controls.join(", ")],
            vec!["area".into(), k.area.clone().unwrap_or_else(|| "—".into())],
            vec!["base measures".into(), k.base.join("; ")],
            vec!["derived measures".into(), k.derived.join("; ")],
            vec!["indicator".into(), k.indicator.clone()],
            vec!["decision criteria".into(), k.decision_criteria.clone()],
            vec!["frequencies".into(), k.frequencies.clone()],
            vec!["roles".into(), k.roles.clone()],
            vec!["information customers".into(), k.customers.join(", ")],
        ];
        table(&mut o, &["field", "value"], &rows);
        let rows: Vec<Vec<String>> = m
            .provenance
            .iter()
            .map(|p| {
                vec![
                    p.observation.to_string(),
                    p.base.clone(),
                    p.period.to_string(),
                    p.value.map_or("—".into(), number),
                    p.recorded_by.clone(),
                    p.recorded_at.clone(),
                    p.method.clone(),
                    p.evidence.clone(),
                ]
            })
            .collect();
        if rows.is_empty() {
            para(&mut o, &format!("No stored values for {}.", r.period));
        } else {
            table(
                &mut o,
                &[
                    "#",
                    "base",
                    "period",
                    "value",
                    "recorded by",
                    "recorded at",
                    "method",
                    "evidence",
                ],
                &rows,
            );
        }
    }
    o
}

fn measure(o: &mut String, m: &MeasureSection) {
    heading(o, 3, &format!("{} {}", m.id, m.name));
    let _ = writeln!(
        o,
        "#par[#box(stroke: 1pt, inset: 2pt, strong({})) #{}]",
        s(m.status.as_str()),
        s(&format!(
            " value {}, target {}; owner {}; {} measure",
            value(m.value, &m.unit),
            value(Some(m.target), &m.unit),
            m.owner,
            m.kind
        ))
    );
    let c = chart(m, "Libertinus Serif");
    match &c.svg {
        Some(svg) => {
            let _ = writeln!(
                o,
                "#figure(image(bytes({}), format: \"svg\", width: {}, alt: {}), caption: {})",
                s(svg),
                if m.chart == "gauge" { "45%" } else { "100%" },
                s(&c.alt),
                s(&c.alt)
            );
        }
        None => para(o, &c.alt),
    }
    let mut items = vec![
        format!("Trend: {}", m.trend),
        format!("Control: {}", m.control),
        format!("Forecast: {}", m.forecast),
    ];
    if !m.signals.is_empty() {
        items.push(format!("Signals: {}", m.signals.join("; ")));
    }
    items.extend(m.quality.iter().map(|q| format!("Data quality: {q}")));
    items.extend(m.diagnostics.iter().map(|d| format!("Note: {d}")));
    for i in items {
        let _ = writeln!(o, "#list({})", s(&i));
    }
    if let Some(i) = &m.interpretation {
        let _ = writeln!(o, "#quote(block: true, {})", s(i));
    }
    if m.chart == "table" {
        let rows: Vec<Vec<String>> = m
            .series
            .iter()
            .rev()
            .take(12)
            .rev()
            .map(|(p, v)| vec![p.to_string(), value(*v, &m.unit)])
            .collect();
        table(o, &["period", "value"], &rows);
    }
}

/// Typesets the report as PDF bytes.
pub fn render(r: &Report) -> Result<Vec<u8>, crate::ReportError> {
    typeset(source(r), format!("clause9 {} {}", r.programme, r.period))
}

/// Typesets typst `source` with the embedded fonts; `ident` makes the PDF's
/// identifier stable, so the same input gives the same bytes.
pub(crate) fn typeset(source: String, ident: String) -> Result<Vec<u8>, crate::ReportError> {
    let engine = TypstEngine::builder()
        .main_file(source)
        .fonts(typst_assets::fonts())
        .build();
    let doc: PagedDocument = engine
        .compile()
        .output
        .map_err(|e| crate::ReportError::Pdf(format!("{e:?}")))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(ident),
        ..Default::default()
    };
    typst_pdf::pdf(&doc, &options).map_err(|e| crate::ReportError::Pdf(format!("{e:?}")))
}
