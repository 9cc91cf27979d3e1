//! Reads one measurement construct (`measures/**/*.toml`) and checks it
//! against the programme settings: ids, references, formulas, criteria.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::DeTable;

use super::formulas::{read_chart, read_derived, read_indicator};
use super::reader::{Located, Sink, TableReader};
use crate::controls;
use crate::ids::{FUNCTION_NAMES, is_formula_id, is_measure_id};
use crate::measure::*;
use crate::period::{Frequency, Period};
use crate::programme::Settings;

const TOP_KEYS: &[&str] = &[
    "id",
    "version",
    "name",
    "information_need",
    "kind",
    "objectives",
    "controls",
    "area",
    "unit",
    "status",
    "implementation_evidence",
    "first_period",
    "roles",
    "frequency",
    "base",
    "derived",
    "indicator",
    "reporting",
];

const MANUAL_KEYS: &[&str] = &[
    "id",
    "description",
    "method",
    "data_source",
    "unit",
    "aggregate",
    "min",
    "max",
    "evidence",
];
const QUERY_KEYS: &[&str] = &[
    "id",
    "description",
    "method",
    "data_source",
    "unit",
    "aggregate",
    "source",
    "query",
];
/// When the method is unknown, any base key is accepted (the method error says what is wrong).
const ANY_BASE_KEYS: &[&str] = &[
    "id",
    "description",
    "method",
    "data_source",
    "unit",
    "aggregate",
    "min",
    "max",
    "evidence",
    "source",
    "query",
];

/// Reads a measure file; `None` when it is too broken to use.
pub(super) fn read_measure(
    doc: &Spanned<DeTable<'_>>,
    sink: &mut Sink,
    settings: &Settings,
    file: &str,
) -> Option<(Measure, Range<usize>)> {
    let mut r = TableReader::new("the measure", doc);
    let id = r.required_string(sink, "id", "a unique id such as \"M-INC-01\"");
    if let Some(id) = &id
        && !is_measure_id(&id.value)
    {
        sink.error(id.span.clone(), format!("bad measure id `{}`: use capitals, digits, `.`, `_` and `-`, starting with a capital or digit (e.g. M-INC-01)", id.value));
    }
    let version = match r.integer(sink, "version") {
        Some(v) if v.value >= 1 && v.value <= u32::MAX as i64 => v.value as u32,
        Some(v) => {
            sink.error(v.span, "`version` must be a whole number from 1 upwards");
            1
        }
        None => {
            if r.raw("version").is_none() {
                r.missing(sink, "version", "start with `version = 1`");
            }
            1
        }
    };
    let name = r.required_string(sink, "name", "a short title");
    let need = r.required_string(
        sink,
        "information_need",
        "the question this measure answers",
    );
    let kind = r
        .required_string(sink, "kind", "\"performance\" or \"effectiveness\"")
        .and_then(|k| match k.value.as_str() {
            "performance" => Some(Kind::Performance),
            "effectiveness" => Some(Kind::Effectiveness),
            other => {
                sink.error(
                    k.span,
                    format!("unknown kind `{other}`: use \"performance\" or \"effectiveness\""),
                );
                None
            }
        });
    let objectives = r.strings(sink, "objectives").unwrap_or_default();
    for o in &objectives {
        if !settings.objectives.contains_key(&o.value) {
            sink.error(
                o.span.clone(),
                unknown("objective", &o.value, settings.objectives.keys()),
            );
        }
    }
    let controls = r.strings(sink, "controls").unwrap_or_default();
    for c in &controls {
        if controls::name_of(&c.value).is_none() {
            sink.error(c.span.clone(), format!("unknown control or clause `{}`: use an ISO/IEC 27001:2022 Annex A id such as \"A.5.26\" or a clause such as \"9.1\"", c.value));
        }
    }
    let area = r.string(sink, "area");
    if let Some(a) = &area
        && !settings.areas.contains_key(&a.value)
    {
        sink.error(
            a.span.clone(),
            unknown("area", &a.value, settings.areas.keys()),
        );
    }
    let unit = r.string(sink, "unit").map(|u| u.value).unwrap_or_default();
    let status = match r.string(sink, "status") {
        None => Lifecycle::Active,
        Some(s) => match s.value.as_str() {
            "active" => Lifecycle::Active,
            "draft" => Lifecycle::Draft,
            "retired" => Lifecycle::Retired,
            other => {
                sink.error(
                    s.span,
                    format!("unknown status `{other}`: use \"active\", \"draft\" or \"retired\""),
                );
                Lifecycle::Active
            }
        },
    };
    let implementation_evidence = r.string(sink, "implementation_evidence").map(|s| s.value);
    let first_period =
        r.string(sink, "first_period")
            .and_then(|p| match p.value.parse::<Period>() {
                Ok(period) => Some(period),
                Err(e) => {
                    sink.error(p.span, e.to_string());
                    None
                }
            });
    let roles = read_roles(&mut r, sink, settings);
    let frequency = read_frequencies(&mut r, sink);
    let base_count = r
        .raw("base")
        .map_or(0, |b| b.get_ref().as_array().map_or(0, |a| a.len()));
    let (base, base_ids) = read_bases(&mut r, sink, settings);
    let all_bases_read = base.len() == base_count;
    let derived = read_derived(&mut r, sink, base_ids).filter(|_| all_bases_read);
    let indicator = read_indicator(&mut r, sink, &base, &derived);
    let chart = read_chart(&mut r, sink);
    r.finish(sink, TOP_KEYS);

    let id = id?;
    let measure = Measure {
        id: id.value,
        version,
        name: name?.value,
        information_need: need?.value,
        kind: kind?,
        objectives: objectives.into_iter().map(|o| o.value).collect(),
        controls: controls.into_iter().map(|c| c.value).collect(),
        area: area.map(|a| a.value),
        unit,
        status,
        implementation_evidence,
        first_period,
        roles: roles?,
        frequency: frequency?,
        base: base.into_iter().map(|b| b.value).collect(),
        derived: derived?,
        indicator: indicator?,
        chart,
        file: file.to_string(),
    };
    Some((measure, id.span))
}

fn unknown<'a>(what: &str, id: &str, known: impl Iterator<Item = &'a String>) -> String {
    let known: Vec<&str> = known.map(String::as_str).collect();
    match crate::ids::suggest(id, known.iter().copied()) {
        Some(s) => format!("unknown {what} `{id}` (did you mean `{s}`?)"),
        None if known.is_empty() => {
            format!("unknown {what} `{id}`: none is defined in clause9.toml")
        }
        None => format!("unknown {what} `{id}`: defined are {}", known.join(", ")),
    }
}

fn check_party(sink: &mut Sink, settings: &Settings, p: &Located<String>) {
    if !settings.people.contains_key(&p.value) && !settings.groups.contains_key(&p.value) {
        let all: Vec<&String> = settings
            .people
            .keys()
            .chain(settings.groups.keys())
            .collect();
        sink.error(
            p.span.clone(),
            unknown("person or group", &p.value, all.into_iter()),
        );
    }
}

fn read_roles(r: &mut TableReader, sink: &mut Sink, settings: &Settings) -> Option<Roles> {
    let Some((t, span)) = r.table(sink, "roles") else {
        if r.raw("roles").is_none() {
            r.missing(sink, "[roles]", "at least owner and collector");
        }
        return None;
    };
    let mut t = TableReader::over("[roles]", t, span);
    let owner = t.required_string(sink, "owner", "the measurement owner's person id");
    let collector = t.required_string(sink, "collector", "who collects the base measures");
    let analyst = t.string(sink, "analyst");
    let communicator = t.string(sink, "communicator");
    let customers = t.strings(sink, "customers").unwrap_or_default();
    t.finish(
        sink,
        &["owner", "collector", "analyst", "communicator", "customers"],
    );
    for p in [&owner, &collector, &analyst, &communicator]
        .into_iter()
        .flatten()
        .chain(customers.iter())
    {
        check_party(sink, settings, p);
    }
    let owner = owner?.value;
    Some(Roles {
        collector: collector?.value,
        analyst: analyst.map_or_else(|| owner.clone(), |a| a.value),
        communicator: communicator.map_or_else(|| owner.clone(), |c| c.value),
        customers: customers.into_iter().map(|c| c.value).collect(),
        owner,
    })
}

fn frequency(t: &mut TableReader, sink: &mut Sink, key: &str) -> Option<Frequency> {
    let f = t.string(sink, key)?;
    match f.value.parse::<Frequency>() {
        Ok(freq) => Some(freq),
        Err(e) => {
            sink.error(f.span, format!("`{key}`: {e}"));
            None
        }
    }
}

fn read_frequencies(r: &mut TableReader, sink: &mut Sink) -> Option<Frequencies> {
    let Some((t, span)) = r.table(sink, "frequency") else {
        if r.raw("frequency").is_none() {
            r.missing(sink, "[frequency]", "at least `collection = \"monthly\"`");
        }
        return None;
    };
    let mut t = TableReader::over("[frequency]", t, span);
    if t.raw("collection").is_none() {
        t.missing(
            sink,
            "collection",
            "weekly, monthly, quarterly, half-yearly or yearly",
        );
    }
    let collection = frequency(&mut t, sink, "collection");
    let reporting = frequency(&mut t, sink, "reporting");
    let analysis = frequency(&mut t, sink, "analysis");
    let review = frequency(&mut t, sink, "review");
    let due_days = match t.integer(sink, "due_days") {
        None => 10,
        Some(d) if (0..=366).contains(&d.value) => d.value as u32,
        Some(d) => {
            sink.error(d.span, "`due_days` must be between 0 and 366");
            10
        }
    };
    t.finish(
        sink,
        &["collection", "reporting", "analysis", "review", "due_days"],
    );
    let collection = collection?;
    Some(Frequencies {
        collection,
        reporting: reporting.unwrap_or(collection),
        analysis: analysis.unwrap_or(collection),
        review: review.unwrap_or(Frequency::Yearly),
        due_days,
    })
}

/// Checks a base or derived id; false when it cannot be used (bad or duplicate).
pub(super) fn check_local_id(
    sink: &mut Sink,
    seen: &mut BTreeMap<String, Range<usize>>,
    id: &Located<String>,
    what: &str,
) -> bool {
    let mut ok = true;
    if !is_formula_id(&id.value) {
        ok = false;
        sink.error(id.span.clone(), format!("bad {what} id `{}`: use letters, digits and `_`, starting with a letter (it is a name in formulas)", id.value));
    } else if FUNCTION_NAMES.contains(&id.value.as_str()) {
        ok = false;
        sink.error(
            id.span.clone(),
            format!(
                "{what} id `{}` is the name of a formula function: choose another",
                id.value
            ),
        );
    }
    if seen.insert(id.value.clone(), id.span.clone()).is_some() {
        ok = false;
        sink.error(
            id.span.clone(),
            format!(
                "duplicate id `{}`: base and derived ids must be unique within a measure",
                id.value
            ),
        );
    }
    ok
}

/// The base measures that loaded, and the ids of every `[[base]]` (loaded or not).
fn read_bases(
    r: &mut TableReader,
    sink: &mut Sink,
    settings: &Settings,
) -> (Vec<Located<BaseMeasure>>, BTreeMap<String, Range<usize>>) {
    let tables = r.tables(sink, "base");
    if tables.is_empty() && r.raw("base").is_none() {
        r.missing(sink, "[[base]]", "at least one base measure");
    }
    let mut seen: BTreeMap<String, Range<usize>> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, (t, span)) in tables.into_iter().enumerate() {
        let mut b = TableReader::over(format!("[[base]] #{}", i + 1), t, span.clone());
        let id = b.required_string(sink, "id", "a name used in formulas, such as \"closed\"");
        if let Some(id) = &id {
            check_local_id(sink, &mut seen, id, "base");
            b.name = format!("base `{}`", id.value);
        }
        let description = b
            .string(sink, "description")
            .map(|d| d.value)
            .unwrap_or_default();
        let data_source = b.string(sink, "data_source").map(|d| d.value);
        let unit = b.string(sink, "unit").map(|d| d.value);
        let aggregate = match b.string(sink, "aggregate") {
            None => Aggregate::Sum,
            Some(a) => match a.value.as_str() {
                "sum" => Aggregate::Sum,
                "mean" => Aggregate::Mean,
                "min" => Aggregate::Min,
                "max" => Aggregate::Max,
                "last" => Aggregate::Last,
                other => {
                    sink.error(
                        a.span,
                        format!("unknown aggregate `{other}`: use sum, mean, min, max or last"),
                    );
                    Aggregate::Sum
                }
            },
        };
        let method = b.required_string(sink, "method", "\"manual\" or \"query\"");
        let (method, known): (Option<BaseMethod>, &[&str]) =
            match method.as_ref().map(|m| m.value.as_str()) {
                Some("manual") => (read_manual(&mut b, sink), MANUAL_KEYS),
                Some("query") => (read_query(&mut b, sink, settings), QUERY_KEYS),
                Some(other) => {
                    if let Some(m) = &method {
                        sink.error(
                            m.span.clone(),
                            format!("unknown method `{other}`: use \"manual\" or \"query\""),
                        );
                    }
                    (None, ANY_BASE_KEYS)
                }
                None => (None, ANY_BASE_KEYS),
            };
        b.finish(sink, known);
        if let (Some(id), Some(method)) = (id, method) {
            out.push(Located {
                value: BaseMeasure {
                    id: id.value,
                    description,
                    method,
                    aggregate,
                    data_source,
                    unit,
                },
                span,
            });
        }
    }
    (out, seen)
}

fn read_manual(b: &mut TableReader, sink: &mut Sink) -> Option<BaseMethod> {
    let min = b.number(sink, "min");
    let max = b.number(sink, "max");
    if let (Some(lo), Some(hi)) = (&min, &max)
        && lo.value > hi.value
    {
        sink.error(
            hi.span.clone(),
            format!("`max` ({}) is below `min` ({})", hi.value, lo.value),
        );
    }
    let evidence_required = match b.string(sink, "evidence") {
        None => false,
        Some(e) => match e.value.as_str() {
            "required" => true,
            "optional" => false,
            other => {
                sink.error(
                    e.span,
                    format!("unknown evidence rule `{other}`: use \"required\" or \"optional\""),
                );
                false
            }
        },
    };
    for key in ["source", "query"] {
        if let Some(v) = b.raw(key) {
            sink.error(
                v.span(),
                format!(
                    "`{key}` only applies to method = \"query\"; {} is manual",
                    b.name
                ),
            );
        }
    }
    Some(BaseMethod::Manual {
        min: min.map(|m| m.value),
        max: max.map(|m| m.value),
        evidence_required,
    })
}

fn read_query(b: &mut TableReader, sink: &mut Sink, settings: &Settings) -> Option<BaseMethod> {
    let source = b.required_string(sink, "source", "a source id from clause9.toml");
    let query = b.required_string(sink, "query", "the SQL or PromQL that returns the value");
    if let Some(s) = &source
        && !settings.sources.contains_key(&s.value)
    {
        sink.error(
            s.span.clone(),
            unknown("source", &s.value, settings.sources.keys()),
        );
    }
    if let Some(q) = &query
        && q.value.trim().is_empty()
    {
        sink.error(q.span.clone(), "`query` is empty");
    }
    for key in ["min", "max", "evidence"] {
        if let Some(v) = b.raw(key) {
            sink.error(
                v.span(),
                format!(
                    "`{key}` only applies to method = \"manual\"; {} is collected by a query",
                    b.name
                ),
            );
        }
    }
    Some(BaseMethod::Query {
        source: source?.value,
        query: query?.value,
    })
}
