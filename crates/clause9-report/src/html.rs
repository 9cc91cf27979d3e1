//! The HTML report: one self-contained file (inline CSS and SVG, no external
//! requests) laid out to print on A4, each chart with a text alternative.

use std::fmt::Write as _;

use crate::chart::chart;
use crate::model::{MeasureSection, Report};
use crate::text::{number, value};

const STYLE: &str = "body{font-family:Helvetica,Arial,sans-serif;color:#141414;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem}h2{border-bottom:2px solid #141414;margin-top:2.5rem}h3{margin-top:1.8rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}.status{font-weight:bold;padding:0 .4rem;border:1px solid #141414}
.green{background:#d8f0dc}.amber{background:#ffe8b0}.red{background:#f4c4c4;border-width:3px}.no_data{background:#eee;border-style:dashed}
figure{margin:.5rem 0}figcaption{font-size:.85rem;color:#333}.measure{page-break-inside:avoid;break-inside:avoid}
blockquote{border-left:4px solid #999;margin:.5rem 0;padding-left:.8rem}
@media print{body{margin:0;max-width:none}h2{page-break-before:always}h2.first{page-break-before:avoid}@page{size:A4;margin:15mm}}";

/// Escapes text for HTML content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let title = format!("{} — performance report {}", r.programme, r.period);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(&title)
    );
    let _ = writeln!(o, "<h1>{}</h1>", esc(&title));
    let _ = write!(o, "<p>{}", esc(&r.organisation));
    if let Some(a) = &r.audience {
        let _ = write!(o, " · audience: {}", esc(a));
    }
    let _ = writeln!(o, " · issued {}</p>", esc(&r.generated_at));
    summary(&mut o, r);
    let _ = writeln!(o, "<h2 id=\"measures\">Measures</h2>");
    for s in &r.measures {
        measure(&mut o, s);
    }
    attention(&mut o, r);
    appendix(&mut o, r);
    o.push_str("</body></html>\n");
    o
}

fn status(s: clause9_core::evaluation::Status) -> String {
    format!("<span class=\"status {0}\">{0}</span>", s.as_str())
}

fn summary(o: &mut String, r: &Report) {
    let c = &r.summary.counts;
    let _ = writeln!(
        o,
        "<h2 class=\"first\" id=\"summary\">Executive summary</h2>"
    );
    let _ = writeln!(
        o,
        "<table id=\"counts\"><tr><th>green</th><th>amber</th><th>red</th><th>no data</th><th>deteriorating</th></tr><tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr></table>",
        c.green, c.amber, c.red, c.no_data, c.deteriorating
    );
    let _ = writeln!(
        o,
        "<h3>Objectives</h3><table id=\"objectives\"><tr><th>objective</th><th>title</th><th>on track</th><th>why</th></tr>"
    );
    for ob in &r.summary.objectives {
        let on = match ob.on_track {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{on}</td><td>{}</td></tr>",
            esc(&ob.id),
            esc(&ob.title),
            esc(&ob.reason)
        );
    }
    o.push_str("</table>\n");
    for (heading, rows) in crate::text::rollup_rows(r) {
        if rows.is_empty() {
            continue;
        }
        let _ = write!(
            o,
            "<table class=\"rollup\"><tr><th>{heading}</th><th class=\"n\">green</th><th class=\"n\">amber</th><th class=\"n\">red</th><th class=\"n\">no data</th><th class=\"n\">deteriorating</th></tr>"
        );
        for row in rows {
            let _ = write!(o, "<tr><td>{}</td>", esc(&row[0]));
            for c in &row[1..] {
                let _ = write!(o, "<td class=\"n\">{c}</td>");
            }
            o.push_str("</tr>");
        }
        o.push_str("</table>\n");
    }
    let since = r
        .previous_period
        .map_or("the previous period".to_string(), |p| p.to_string());
    let _ = writeln!(o, "<h3>Changes since {since}</h3>");
    if r.summary.changes.is_empty() {
        o.push_str("<p>No measure changed status.</p>\n");
    } else {
        o.push_str("<ul id=\"changes\">");
        for ch in &r.summary.changes {
            let _ = write!(
                o,
                "<li>{} {}: {} → {} ({} → {})</li>",
                esc(&ch.measure),
                esc(&ch.name),
                ch.from.as_str(),
                ch.to.as_str(),
                ch.value_from.map_or("—".into(), number),
                ch.value_to.map_or("—".into(), number)
            );
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<h3>Decisions needed</h3>");
    if r.summary.decisions.is_empty() {
        o.push_str("<p>None.</p>\n");
    } else {
        o.push_str("<ul id=\"decisions\">");
        for d in &r.summary.decisions {
            let _ = write!(o, "<li>{}</li>", esc(d));
        }
        o.push_str("</ul>\n");
    }
}

fn measure(o: &mut String, s: &MeasureSection) {
    let _ = writeln!(
        o,
        "<section class=\"measure\" id=\"{}\"><h3>{} {}</h3>",
        esc(&s.id),
        esc(&s.id),
        esc(&s.name)
    );
    let _ = writeln!(
        o,
        "<p>{} value <b class=\"value\">{}</b>, target {}; owner {}; {} measure</p>",
        status(s.status),
        esc(&value(s.value, &s.unit)),
        esc(&value(Some(s.target), &s.unit)),
        esc(&s.owner),
        esc(&s.kind)
    );
    let c = chart(s, "Helvetica, Arial, sans-serif");
    match &c.svg {
        Some(svg) => {
            let _ = writeln!(
                o,
                "<figure role=\"img\" aria-label=\"{}\">{svg}<figcaption>{}</figcaption></figure>",
                esc(&c.alt),
                esc(&c.alt)
            );
        }
        None => {
            let _ = writeln!(o, "<p class=\"alt\">{}</p>", esc(&c.alt));
        }
    }
    o.push_str("<ul>");
    let _ = write!(o, "<li>Trend: {}</li>", esc(&s.trend));
    let _ = write!(o, "<li>Control: {}</li>", esc(&s.control));
    let _ = write!(o, "<li>Forecast: {}</li>", esc(&s.forecast));
    if !s.signals.is_empty() {
        let _ = write!(o, "<li>Signals: {}</li>", esc(&s.signals.join("; ")));
    }
    for q in &s.quality {
        let _ = write!(o, "<li>Data quality: {}</li>", esc(q));
    }
    for d in &s.diagnostics {
        let _ = write!(o, "<li>Note: {}</li>", esc(d));
    }
    o.push_str("</ul>\n");
    if let Some(i) = &s.interpretation {
        let _ = writeln!(o, "<blockquote>{}</blockquote>", esc(i));
    }
    if s.chart == "table" {
        o.push_str("<table class=\"values\"><tr><th>period</th><th class=\"n\">value</th></tr>");
        for (p, v) in s.series.iter().rev().take(12).rev() {
            let _ = write!(
                o,
                "<tr><td>{p}</td><td class=\"n\">{}</td></tr>",
                esc(&value(*v, &s.unit))
            );
        }
        o.push_str("</table>\n");
    }
    o.push_str("</section>\n");
}

fn attention(o: &mut String, r: &Report) {
    o.push_str("<h2 id=\"attention\">Areas needing attention</h2>\n");
    if r.attention.is_empty() && r.overdue.is_empty() {
        o.push_str("<p>Nothing is red, deteriorating or overdue.</p>\n");
    } else {
        o.push_str("<ul>");
        for a in &r.attention {
            let _ = write!(
                o,
                "<li>{} {}: {}</li>",
                esc(&a.measure),
                esc(&a.name),
                esc(&a.reason)
            );
        }
        for d in &r.overdue {
            let _ = write!(
                o,
                "<li>overdue: {} <code>{}</code> for {} from {} (due {})</li>",
                esc(&d.measure),
                esc(&d.base),
                d.period,
                esc(&d.collector),
                esc(&d.due)
            );
        }
        o.push_str("</ul>\n");
    }
    corrective(o, r);
}

fn corrective(o: &mut String, r: &Report) {
    o.push_str("<h3 id=\"corrective\">Open nonconformities and corrective actions</h3>\n");
    if r.corrective.is_empty() {
        o.push_str("<p>No nonconformity is open.</p>\n");
        return;
    }
    o.push_str(
        "<table class=\"corrective\"><caption>Open nonconformities, overdue first</caption>\
         <thead><tr><th scope=\"col\">Nonconformity</th><th scope=\"col\">State and next step</th>\
         <th scope=\"col\">Corrective actions</th></tr></thead><tbody>",
    );
    for n in &r.corrective {
        let _ = write!(
            o,
            "<tr{}><td><strong>{}</strong> ({}, {}){}<br>{}<br><small>{} {}, raised {}</small></td><td>{}<br><small>{}</small>{}</td><td>",
            if n.overdue { " class=\"overdue\"" } else { "" },
            esc(&n.id),
            esc(&n.severity),
            esc(n.state),
            if n.overdue {
                " <strong>overdue</strong>"
            } else {
                ""
            },
            esc(&n.description),
            esc(n.source),
            esc(&n.reference),
            esc(&n.raised_on),
            esc(n.state),
            esc(n.next_step),
            n.check
                .as_ref()
                .map_or(String::new(), |c| format!("<br><small>{}</small>", esc(c))),
        );
        if n.actions.is_empty() {
            o.push_str("none planned yet");
        } else {
            o.push_str("<ul>");
            for a in &n.actions {
                let _ = write!(o, "<li>{}</li>", esc(&a.line()));
            }
            o.push_str("</ul>");
        }
        o.push_str("</td></tr>");
    }
    o.push_str("</tbody></table>\n");
}

fn appendix(o: &mut String, r: &Report) {
    o.push_str("<h2 id=\"appendix\">Appendix: constructs and provenance</h2>\n");
    for s in &r.measures {
        let k = &s.construct;
        let _ = writeln!(
            o,
            "<h3>{} {} (version {}, <code>{}</code>)</h3><table class=\"construct\">",
            esc(&s.id),
            esc(&s.name),
            k.version,
            esc(&k.file)
        );
        let mut row = |label: &str, text: &str| {
            let _ = write!(o, "<tr><th>{label}</th><td>{}</td></tr>", esc(text));
        };
        row("information need", &k.information_need);
        row("objectives", &k.objectives.join(", "));
        row("controls", &k.controls.join(", "));
        row("area", k.area.as_deref().unwrap_or("—"));
        row("base measures", &k.base.join("; "));
        row("derived measures", &k.derived.join("; "));
        row("indicator", &k.indicator);
        row("decision criteria", &k.decision_criteria);
        row("frequencies", &k.frequencies);
        row("roles", &k.roles);
        row("information customers", &k.customers.join(", "));
        o.push_str("</table>\n");
        if s.provenance.is_empty() {
            let _ = writeln!(o, "<p>No stored values for {}.</p>", r.period);
            continue;
        }
        o.push_str("<table class=\"provenance\"><tr><th class=\"n\">#</th><th>base</th><th>period</th><th class=\"n\">value</th><th>recorded by</th><th>recorded at</th><th>method</th><th class=\"n\">version</th><th>evidence</th></tr>");
        for p in &s.provenance {
            let _ = write!(
                o,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                p.observation,
                esc(&p.base),
                p.period,
                p.value.map_or("—".into(), number),
                esc(&p.recorded_by),
                esc(&p.recorded_at),
                esc(&p.method),
                p.definition_version,
                esc(&p.evidence)
            );
        }
        o.push_str("</table>\n");
    }
}
