//! The Markdown report: the same sections as every format, tables for the
//! numbers; charts are described by their text alternatives.

use std::fmt::Write as _;

use crate::chart::chart;
use crate::model::{MeasureSection, Report};
use crate::text::{number, value};

/// Escapes the characters that would break a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {} — performance report {}\n", r.programme, r.period);
    let _ = writeln!(o, "{}  ", r.organisation);
    if let Some(a) = &r.audience {
        let _ = writeln!(o, "Audience: {a}  ");
    }
    let _ = writeln!(o, "Issued {}\n", r.generated_at);
    summary(&mut o, r);
    let _ = writeln!(o, "## Measures\n");
    for s in &r.measures {
        measure(&mut o, s);
    }
    attention(&mut o, r);
    appendix(&mut o, r);
    o
}

fn summary(o: &mut String, r: &Report) {
    let c = &r.summary.counts;
    let _ = writeln!(o, "## Executive summary\n");
    let _ = writeln!(
        o,
        "| green | amber | red | no data | deteriorating |\n|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} |\n",
        c.green, c.amber, c.red, c.no_data, c.deteriorating
    );
    let _ = writeln!(o, "### Objectives\n");
    if r.summary.objectives.is_empty() {
        let _ = writeln!(o, "No objectives are defined.\n");
    } else {
        let _ = writeln!(
            o,
            "| objective | title | on track | why |\n|---|---|---|---|"
        );
        for ob in &r.summary.objectives {
            let on = match ob.on_track {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown",
            };
            let _ = writeln!(
                o,
                "| {} | {} | {on} | {} |",
                ob.id,
                cell(&ob.title),
                cell(&ob.reason)
            );
        }
        let _ = writeln!(o);
    }
    for (heading, rows) in crate::text::rollup_rows(r) {
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "| {heading} | green | amber | red | no data | deteriorating |\n|---|---:|---:|---:|---:|---:|"
        );
        for row in rows {
            let _ = writeln!(o, "| {} |", row.map(|c| cell(&c)).join(" | "));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(
        o,
        "### Changes since {}\n",
        r.previous_period
            .map_or("the previous period".to_string(), |p| p.to_string())
    );
    if r.summary.changes.is_empty() {
        let _ = writeln!(o, "No measure changed status.\n");
    } else {
        for ch in &r.summary.changes {
            let _ = writeln!(
                o,
                "- {} {}: {} → {} ({} → {})",
                ch.measure,
                ch.name,
                ch.from.as_str(),
                ch.to.as_str(),
                ch.value_from.map_or("—".into(), number),
                ch.value_to.map_or("—".into(), number)
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "### Decisions needed\n");
    if r.summary.decisions.is_empty() {
        let _ = writeln!(o, "None.\n");
    } else {
        for d in &r.summary.decisions {
            let _ = writeln!(o, "- {d}");
        }
        let _ = writeln!(o);
    }
}

fn measure(o: &mut String, s: &MeasureSection) {
    let _ = writeln!(o, "### {} {}\n", s.id, s.name);
    let _ = writeln!(
        o,
        "**{}** — value {}, target {}; owner {}; {} measure\n",
        s.status.as_str(),
        value(s.value, &s.unit),
        value(Some(s.target), &s.unit),
        s.owner,
        s.kind
    );
    let c = chart(s, "sans-serif");
    let _ = writeln!(o, "Chart ({}): {}\n", s.chart, c.alt);
    let _ = writeln!(o, "- Trend: {}", s.trend);
    let _ = writeln!(o, "- Control: {}", s.control);
    let _ = writeln!(o, "- Forecast: {}", s.forecast);
    if !s.signals.is_empty() {
        let _ = writeln!(o, "- Signals: {}", s.signals.join("; "));
    }
    for q in &s.quality {
        let _ = writeln!(o, "- Data quality: {q}");
    }
    for d in &s.diagnostics {
        let _ = writeln!(o, "- Note: {d}");
    }
    if let Some(i) = &s.interpretation {
        let _ = writeln!(o, "\n> {i}");
    }
    let _ = writeln!(o, "\n| period | value |\n|---|---:|");
    for (p, v) in s.series.iter().rev().take(12).rev() {
        let _ = writeln!(o, "| {p} | {} |", value(*v, &s.unit));
    }
    let _ = writeln!(o);
}

fn attention(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Areas needing attention\n");
    if r.attention.is_empty() && r.overdue.is_empty() {
        let _ = writeln!(o, "Nothing is red, deteriorating or overdue.\n");
    } else {
        for a in &r.attention {
            let _ = writeln!(o, "- {} {}: {}", a.measure, a.name, a.reason);
        }
        for d in &r.overdue {
            let _ = writeln!(
                o,
                "- overdue: {} `{}` for {} from {} (due {})",
                d.measure, d.base, d.period, d.collector, d.due
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "### Open nonconformities and corrective actions\n");
    if r.corrective.is_empty() {
        let _ = writeln!(o, "No nonconformity is open.\n");
        return;
    }
    for n in &r.corrective {
        let _ = writeln!(o, "- **{}**", n.headline());
        let _ = writeln!(o, "  - next: {}", n.next_step);
        if let Some(c) = &n.check {
            let _ = writeln!(o, "  - {c}");
        }
        for a in &n.actions {
            let _ = writeln!(o, "  - action {}", a.line());
        }
    }
    let _ = writeln!(o);
}

fn appendix(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Appendix: constructs and provenance\n");
    for s in &r.measures {
        let k = &s.construct;
        let _ = writeln!(
            o,
            "### {} {} (version {}, `{}`)\n",
            s.id, s.name, k.version, k.file
        );
        let _ = writeln!(o, "- Information need: {}", k.information_need);
        let _ = writeln!(o, "- Objectives: {}", k.objectives.join(", "));
        let _ = writeln!(o, "- Controls: {}", k.controls.join(", "));
        if let Some(a) = &k.area {
            let _ = writeln!(o, "- Area: {a}");
        }
        for b in &k.base {
            let _ = writeln!(o, "- Base measure {b}");
        }
        for d in &k.derived {
            let _ = writeln!(o, "- Derived measure `{d}`");
        }
        let _ = writeln!(o, "- Indicator: `{}`", k.indicator);
        let _ = writeln!(o, "- Decision criteria: {}", k.decision_criteria);
        let _ = writeln!(o, "- Frequencies: {}", k.frequencies);
        let _ = writeln!(
            o,
            "- Roles: {}; information customers {}",
            k.roles,
            k.customers.join(", ")
        );
        if s.provenance.is_empty() {
            let _ = writeln!(o, "\nNo stored values for {}.\n", r.period);
            continue;
        }
        let _ = writeln!(
            o,
            "\n| # | base | period | value | recorded by | recorded at | method | version | evidence |\n|---:|---|---|---:|---|---|---|---:|---|"
        );
        for p in &s.provenance {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                p.observation,
                p.base,
                p.period,
                p.value.map_or("—".into(), number),
                cell(&p.recorded_by),
                p.recorded_at,
                p.method,
                p.definition_version,
                cell(&p.evidence)
            );
        }
        let _ = writeln!(o);
    }
}
