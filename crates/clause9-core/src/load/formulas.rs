//! The computed half of a measurement construct: derived measures (formulas
//! parsed with positions inside the TOML string, references checked, ordered
//! so each comes after those it uses, cycles reported), the indicator with its
//! decision criteria, and the chart.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::measure::check_local_id;
use super::reader::{Located, Sink, TableReader};
use crate::formula::Formula;
use crate::measure::*;

/// The byte offset in the file of a byte offset inside a string literal's value.
fn offset_in_literal(text: &str, literal: &Range<usize>, value: &str, inner: usize) -> usize {
    let raw = text.get(literal.clone()).unwrap_or("");
    let (skip, body) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        let b = &raw[3..];
        let b2 = b
            .strip_prefix("\r\n")
            .or_else(|| b.strip_prefix('\n'))
            .unwrap_or(b);
        (3 + b.len() - b2.len(), b2)
    } else {
        (1, raw.get(1..).unwrap_or(""))
    };
    if body.starts_with(value) {
        literal.start + skip + inner
    } else {
        literal.start
    }
}

pub(super) fn read_derived(
    r: &mut TableReader,
    sink: &mut Sink,
    mut seen: BTreeMap<String, Range<usize>>,
) -> Option<Vec<DerivedMeasure>> {
    let mut parsed: Vec<ParsedDerived> = Vec::new();
    let mut ok = true;
    for (i, (t, span)) in r.tables(sink, "derived").into_iter().enumerate() {
        let mut d = TableReader::over(format!("[[derived]] #{}", i + 1), t, span.clone());
        let mut id = d.required_string(sink, "id", "a name for the computed value");
        if let Some(i) = &id {
            d.name = format!("derived `{}`", i.value);
            if !check_local_id(sink, &mut seen, i, "derived") {
                id = None;
            }
        }
        let formula = d.required_string(sink, "formula", "e.g. \"100 * done / total\"");
        let description = d.string(sink, "description").map(|s| s.value);
        let unit = d.string(sink, "unit").map(|s| s.value);
        d.finish(sink, &["id", "formula", "description", "unit"]);
        let text = sink.position.text;
        let parsed_formula = formula.and_then(|f| match Formula::parse(&f.value) {
            Ok(parsed) => Some((parsed, f)),
            Err(e) => {
                let at = offset_in_literal(text, &f.span, &f.value, e.span.start);
                sink.error(at..at, format!("formula error: {}", e.message));
                None
            }
        });
        match (id, parsed_formula) {
            (Some(id), Some((formula, lit))) => {
                let refs = formula
                    .identifiers()
                    .into_iter()
                    .map(|(name, s)| {
                        let at = offset_in_literal(text, &lit.span, &lit.value, s.start);
                        (name, at..at)
                    })
                    .collect();
                parsed.push((
                    DerivedMeasure {
                        id: id.value,
                        formula,
                        description,
                        unit,
                    },
                    refs,
                    span,
                ));
            }
            _ => ok = false,
        }
    }
    // every name a formula uses must be a base or derived id of this measure
    let known: Vec<&str> = seen.keys().map(String::as_str).collect();
    for (d, refs, _) in &parsed {
        for (name, at) in refs {
            if !seen.contains_key(name) {
                let hint = match crate::ids::suggest(name, known.iter().copied()) {
                    Some(s) => format!(" (did you mean `{s}`?)"),
                    None => format!("; this measure defines {}", known.join(", ")),
                };
                sink.error(
                    at.clone(),
                    format!("formula of `{}` uses unknown id `{name}`{hint}", d.id),
                );
                ok = false;
            }
        }
    }
    let ordered = order_derived(parsed, sink)?;
    ok.then_some(ordered)
}

/// A derived measure with the ids its formula uses (and where) and its table's span.
type ParsedDerived = (DerivedMeasure, Vec<(String, Range<usize>)>, Range<usize>);

/// Orders derived measures so each comes after those it uses; reports cycles.
fn order_derived(
    mut remaining: Vec<ParsedDerived>,
    sink: &mut Sink,
) -> Option<Vec<DerivedMeasure>> {
    let ids: BTreeSet<String> = remaining.iter().map(|(d, _, _)| d.id.clone()).collect();
    let deps: BTreeMap<String, BTreeSet<String>> = remaining
        .iter()
        .map(|(d, refs, _)| {
            let uses = refs
                .iter()
                .map(|(n, _)| n.clone())
                .filter(|n| ids.contains(n))
                .collect();
            (d.id.clone(), uses)
        })
        .collect();
    let mut ordered: Vec<DerivedMeasure> = Vec::new();
    while !remaining.is_empty() {
        let ready = |id: &String| deps[id].iter().all(|d| ordered.iter().any(|o| &o.id == d));
        let Some(pos) = remaining.iter().position(|(d, _, _)| ready(&d.id)) else {
            for (d, _, span) in &remaining {
                let path = cycle_path(&d.id, &deps);
                sink.error(
                    span.clone(),
                    format!("cycle among derived measures: {path}"),
                );
            }
            return None;
        };
        ordered.push(remaining.remove(pos).0);
    }
    Some(ordered)
}

/// A readable cycle through `start`, such as `a → b → a`, or the blocked chain.
fn cycle_path(start: &str, deps: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut path = vec![start.to_string()];
    let mut current = start.to_string();
    while let Some(next) = deps.get(&current).and_then(|d| d.iter().next()) {
        let seen = path.contains(next);
        path.push(next.clone());
        if seen {
            break;
        }
        current = next.clone();
    }
    path.join(" → ")
}

pub(super) fn read_indicator(
    r: &mut TableReader,
    sink: &mut Sink,
    base: &[Located<BaseMeasure>],
    derived: &Option<Vec<DerivedMeasure>>,
) -> Option<Indicator> {
    let Some((t, span)) = r.table(sink, "indicator") else {
        if r.raw("indicator").is_none() {
            r.missing(sink, "[indicator]", "measure, direction and green at least");
        }
        return None;
    };
    let mut t = TableReader::over("[indicator]", t, span);
    let measure = t.required_string(
        sink,
        "measure",
        "the base or derived id whose value is judged",
    );
    if let Some(m) = &measure {
        let in_base = base.iter().any(|b| b.value.id == m.value);
        let in_derived = derived
            .as_ref()
            .is_some_and(|d| d.iter().any(|d| d.id == m.value));
        // when derived measures failed to load, their ids are not known: do not guess
        if !in_base && !in_derived && derived.is_some() {
            let mut known: Vec<&str> = base.iter().map(|b| b.value.id.as_str()).collect();
            known.extend(derived.iter().flatten().map(|d| d.id.as_str()));
            sink.error(m.span.clone(), format!("the indicator points at `{}`, which is not a base or derived id of this measure (known: {})", m.value, known.join(", ")));
        }
    }
    let direction = t.required_string(sink, "direction", "\"higher_is_better\" or \"lower_is_better\"").and_then(|d| {
        match d.value.as_str() {
            "higher_is_better" => Some(Direction::HigherIsBetter),
            "lower_is_better" => Some(Direction::LowerIsBetter),
            other => {
                sink.error(d.span, format!("unknown direction `{other}`: use \"higher_is_better\" or \"lower_is_better\""));
                None
            }
        }
    });
    let target = t.number(sink, "target");
    if t.raw("green").is_none() {
        t.missing(
            sink,
            "green",
            "the value at or better than which the indicator is green",
        );
    }
    let green = t.number(sink, "green");
    let red = t.number(sink, "red");
    if let (Some(dir), Some(g), Some(rd)) = (direction, &green, &red)
        && !dir.at_least_as_good(g.value, rd.value)
    {
        let word = match dir {
            Direction::HigherIsBetter => "above",
            Direction::LowerIsBetter => "below",
        };
        sink.error(rd.span.clone(), format!("decision criteria: `red` ({}) is better than `green` ({}); with {} `red` must not be {word} `green`: swap them or change the direction", rd.value, g.value, dir.as_str()));
    }
    let on_red = t
        .string(sink, "on_red")
        .and_then(|o| match o.value.as_str() {
            "nonconformity" => Some(OnRed::Nonconformity),
            "review" => Some(OnRed::Review),
            other => {
                sink.error(
                    o.span,
                    format!("unknown on_red action `{other}`: use \"nonconformity\" or \"review\""),
                );
                None
            }
        });
    let interpretation = t.string(sink, "interpretation").map(|i| i.value);
    t.finish(
        sink,
        &[
            "measure",
            "direction",
            "target",
            "green",
            "red",
            "on_red",
            "interpretation",
        ],
    );
    let green = green?.value;
    Some(Indicator {
        measure: measure?.value,
        direction: direction?,
        target: target.map_or(green, |t| t.value),
        green,
        red: red.map(|r| r.value),
        on_red,
        interpretation,
    })
}

pub(super) fn read_chart(r: &mut TableReader, sink: &mut Sink) -> Chart {
    let Some((t, span)) = r.table(sink, "reporting") else {
        return Chart::Line;
    };
    let mut t = TableReader::over("[reporting]", t, span);
    let chart = match t.string(sink, "chart") {
        None => Chart::Line,
        Some(c) => match c.value.as_str() {
            "line" => Chart::Line,
            "bar" => Chart::Bar,
            "gauge" => Chart::Gauge,
            "table" => Chart::Table,
            other => {
                sink.error(
                    c.span,
                    format!("unknown chart `{other}`: use line, bar, gauge or table"),
                );
                Chart::Line
            }
        },
    };
    t.finish(sink, &["chart"]);
    chart
}
