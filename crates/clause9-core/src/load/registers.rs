//! Reads the register files under `registers/` (context, parties, feedback,
//! risks, soa, auditors, audit) with positions, checking every reference to
//! the programme (people, areas, measures, controls) and reporting every
//! problem at once.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::DeTable;

use super::parse_toml;
use super::reader::{Located, Sink, TableReader};
use super::settings::read_date;
use crate::controls::{ANNEX_A, name_of};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::ids::{is_name_id, suggest};
use crate::programme::Programme;
use crate::registers::{
    AuditSettings, Auditor, ContextIssue, Feedback, Grade, Party, Registers, Risk,
};

/// The register files clause9 reads, and the array-of-tables key each holds.
pub const FILES: &[(&str, &str)] = &[
    ("context.toml", "issue"),
    ("parties.toml", "party"),
    ("feedback.toml", "feedback"),
    ("risks.toml", "risk"),
    ("soa.toml", "control"),
    ("auditors.toml", "auditor"),
    ("audit.toml", "grade"),
    ("reviews.toml", "interval_months"),
];

pub const TREATMENTS: &[&str] = &["mitigate", "accept", "transfer", "avoid"];
pub const RISK_STATUSES: &[&str] = &["open", "treating", "treated", "accepted", "closed"];
pub const SENTIMENTS: &[&str] = &["positive", "neutral", "negative"];

/// Loads the register files (any subset; paths end with one of [`FILES`]).
/// Feedback parties are checked against the parties register.
pub fn load_registers(
    files: &[SourceFile],
    programme: &Programme,
) -> Result<Registers, Vec<Diagnostic>> {
    let mut regs = Registers::default();
    let mut diagnostics = Vec::new();
    let mut party_refs: Vec<(String, Diagnostic)> = Vec::new();
    for file in files {
        let mut sink = Sink::new(&file.path, &file.text);
        let doc = parse_toml(&mut sink);
        if !sink.diagnostics.is_empty() {
            diagnostics.append(&mut sink.diagnostics);
            continue;
        }
        let name = file.path.rsplit(['/', '\\']).next().unwrap_or(&file.path);
        let mut ctx = Ctx {
            programme,
            sink: &mut sink,
            seen: BTreeMap::new(),
            party_refs: Vec::new(),
        };
        match name {
            "context.toml" => regs.issues = ctx.each(&doc, "issue", read_issue),
            "parties.toml" => regs.parties = ctx.each(&doc, "party", read_party),
            "feedback.toml" => {
                regs.feedback = ctx.each(&doc, "feedback", read_feedback);
                for p in std::mem::take(&mut ctx.party_refs) {
                    let d = ctx.sink.position.diagnostic(p.span, "");
                    party_refs.push((p.value, d));
                }
            }
            "risks.toml" => regs.risks = ctx.each(&doc, "risk", read_risk),
            "soa.toml" => {
                for (id, applicable, note) in ctx.each(&doc, "control", read_soa) {
                    if applicable {
                        regs.soa_notes.insert(id, note);
                    } else {
                        regs.exclusions.insert(id, note);
                    }
                }
            }
            "auditors.toml" => regs.auditors = ctx.each(&doc, "auditor", read_auditor),
            "audit.toml" => regs.audit = read_audit(&doc, ctx.sink),
            "reviews.toml" => {
                let mut root = TableReader::new(ctx.sink.position.path.to_string(), &doc);
                root.raw("format");
                if let Some(m) = root.integer(ctx.sink, "interval_months") {
                    if (1..=36).contains(&m.value) {
                        regs.review_interval_months = m.value as u32;
                    } else {
                        ctx.sink.error(m.span, "`interval_months` must be 1 to 36");
                    }
                }
                root.finish(ctx.sink, &["format", "interval_months"]);
            }
            other => {
                let known: Vec<&str> = FILES.iter().map(|(f, _)| *f).collect();
                let hint = suggest(other, known.iter().copied())
                    .map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
                ctx.sink.error(
                    0..0,
                    format!(
                        "unknown register file `{other}`{hint}; registers/ holds {}",
                        known.join(", ")
                    ),
                );
            }
        }
        diagnostics.append(&mut sink.diagnostics);
    }
    for (party, d) in party_refs {
        if !regs.parties.iter().any(|p| p.id == party) {
            diagnostics.push(Diagnostic {
                message: format!(
                    "unknown interested party `{party}`: add it to registers/parties.toml"
                ),
                ..d
            });
        }
    }
    if diagnostics.is_empty() {
        Ok(regs)
    } else {
        diagnostics.sort();
        diagnostics.dedup();
        Err(diagnostics)
    }
}

struct Ctx<'p, 's, 'a> {
    programme: &'p Programme,
    sink: &'s mut Sink<'a>,
    /// id → where it was first defined (line, column), for duplicates.
    seen: BTreeMap<String, (usize, usize)>,
    /// Interested parties referred to, checked once all files are read.
    party_refs: Vec<Located<String>>,
}

type Reader<T> = fn(&mut Ctx, TableReader) -> Option<T>;

impl Ctx<'_, '_, '_> {
    /// Reads every `[[key]]` table of the file; reports other top-level keys.
    fn each<T>(&mut self, doc: &Spanned<DeTable<'_>>, key: &str, read: Reader<T>) -> Vec<T> {
        let mut root = TableReader::new(self.sink.position.path.to_string(), doc);
        root.raw("format");
        let tables = root.tables(self.sink, key);
        root.finish(self.sink, &["format", key]);
        let mut out = Vec::new();
        for (i, (t, span)) in tables.into_iter().enumerate() {
            let r = TableReader::over(format!("[[{key}]] #{}", i + 1), t, span);
            if let Some(v) = read(self, r) {
                out.push(v);
            }
        }
        out
    }

    /// A required id, unique within the file.
    fn id(&mut self, r: &mut TableReader, key: &str) -> Option<String> {
        let id = r.required_string(self.sink, key, "a unique identifier")?;
        let (line, column) = self.sink.position.line_column(id.span.start);
        if let Some((l, c)) = self.seen.get(&id.value) {
            self.sink.error(
                id.span.clone(),
                format!(
                    "duplicate id `{}`: already defined at line {l}, column {c}",
                    id.value
                ),
            );
            return None;
        }
        self.seen.insert(id.value.clone(), (line, column));
        Some(id.value)
    }

    fn person(&mut self, p: &Located<String>) {
        let people = &self.programme.settings.people;
        if !people.contains_key(&p.value) {
            let hint = suggest(&p.value, people.keys().map(String::as_str))
                .map_or(": add it under [people] in clause9.toml".to_string(), |s| {
                    format!(" (did you mean `{s}`?)")
                });
            self.sink.error(
                p.span.clone(),
                format!("unknown person `{}`{hint}", p.value),
            );
        }
    }

    fn one_of(
        &mut self,
        r: &TableReader,
        v: &Located<String>,
        key: &str,
        allowed: &[&str],
    ) -> bool {
        if allowed.contains(&v.value.as_str()) {
            return true;
        }
        self.sink.error(
            v.span.clone(),
            format!(
                "`{key}` in {} must be one of {}, not `{}`",
                r.name,
                allowed.join(", "),
                v.value
            ),
        );
        false
    }

    fn control(&mut self, c: &Located<String>, annex_only: bool) {
        let ok = if annex_only {
            ANNEX_A.iter().any(|(id, _)| *id == c.value)
        } else {
            name_of(&c.value).is_some()
        };
        if !ok {
            let what = if annex_only {
                "an Annex A control id such as A.5.1"
            } else {
                "an Annex A control id (A.5.1 … A.8.34) or a clause id (4 … 10.2)"
            };
            self.sink.error(
                c.span.clone(),
                format!("unknown control `{}`: use {what}", c.value),
            );
        }
    }

    fn score(&mut self, r: &mut TableReader, key: &str) -> Option<u8> {
        let v = r.integer(self.sink, key);
        match v {
            Some(v) if (1..=5).contains(&v.value) => Some(v.value as u8),
            Some(v) => {
                self.sink
                    .error(v.span, format!("`{key}` in {} must be 1 to 5", r.name));
                None
            }
            None => {
                if r.raw(key).is_none() {
                    r.missing(self.sink, key, "1 to 5");
                }
                None
            }
        }
    }
}

fn required_date(ctx: &mut Ctx, r: &mut TableReader, key: &str) -> Option<jiff::civil::Date> {
    if r.raw(key).is_none() {
        r.missing(ctx.sink, key, "a date such as 2026-03-31");
        return None;
    }
    read_date(r, ctx.sink, key)
}

fn text(ctx: &mut Ctx, r: &mut TableReader, key: &str, hint: &str) -> Option<String> {
    r.required_string(ctx.sink, key, hint).map(|s| s.value)
}

fn read_issue(ctx: &mut Ctx, mut r: TableReader) -> Option<ContextIssue> {
    let id = ctx.id(&mut r, "id");
    let title = text(ctx, &mut r, "title", "a short description");
    let kind = r.required_string(ctx.sink, "kind", "\"external\" or \"internal\"");
    let kind = kind.filter(|k| ctx.one_of(&r, k, "kind", &["external", "internal"]));
    let description = r.string(ctx.sink, "description").map(|d| d.value);
    let changed = required_date(ctx, &mut r, "changed");
    r.finish(ctx.sink, &["id", "title", "kind", "description", "changed"]);
    Some(ContextIssue {
        id: id?,
        title: title?,
        external: kind?.value == "external",
        description: description.unwrap_or_default(),
        changed: changed?,
    })
}

fn read_party(ctx: &mut Ctx, mut r: TableReader) -> Option<Party> {
    let id = ctx.id(&mut r, "id");
    let name = text(ctx, &mut r, "name", "who the party is");
    let requirements = r.strings(ctx.sink, "requirements");
    if requirements.is_none() && r.raw("requirements").is_none() {
        r.missing(
            ctx.sink,
            "requirements",
            "a list of what the party needs from the ISMS",
        );
    }
    let changed = required_date(ctx, &mut r, "changed");
    r.finish(ctx.sink, &["id", "name", "requirements", "changed"]);
    Some(Party {
        id: id?,
        name: name?,
        requirements: requirements?.into_iter().map(|s| s.value).collect(),
        changed: changed?,
    })
}

fn read_feedback(ctx: &mut Ctx, mut r: TableReader) -> Option<Feedback> {
    let id = ctx.id(&mut r, "id");
    let party = r.required_string(ctx.sink, "party", "an interested party id");
    let date = required_date(ctx, &mut r, "date");
    let summary = text(ctx, &mut r, "summary", "what was said, in a sentence");
    let sentiment = r
        .string(ctx.sink, "sentiment")
        .filter(|s| ctx.one_of(&r, s, "sentiment", SENTIMENTS))
        .map_or_else(|| "neutral".to_string(), |s| s.value);
    r.finish(ctx.sink, &["id", "party", "date", "summary", "sentiment"]);
    let party = party?;
    ctx.party_refs.push(party.clone());
    Some(Feedback {
        id: id?,
        party: party.value,
        date: date?,
        summary: summary?,
        sentiment,
    })
}

fn read_risk(ctx: &mut Ctx, mut r: TableReader) -> Option<Risk> {
    let id = ctx.id(&mut r, "id");
    let title = text(ctx, &mut r, "title", "the risk in a sentence");
    let owner = r.required_string(ctx.sink, "owner", "a person id");
    if let Some(o) = &owner {
        ctx.person(o);
    }
    let likelihood = ctx.score(&mut r, "likelihood");
    let impact = ctx.score(&mut r, "impact");
    let treatment = r
        .required_string(ctx.sink, "treatment", &TREATMENTS.join(", "))
        .filter(|t| ctx.one_of(&r, t, "treatment", TREATMENTS));
    let status = r
        .required_string(ctx.sink, "status", &RISK_STATUSES.join(", "))
        .filter(|t| ctx.one_of(&r, t, "status", RISK_STATUSES));
    let area = r.string(ctx.sink, "area");
    if let Some(a) = &area
        && !ctx.programme.settings.areas.contains_key(&a.value)
    {
        ctx.sink.error(
            a.span.clone(),
            format!(
                "unknown area `{}`: add it under [areas] in clause9.toml",
                a.value
            ),
        );
    }
    let controls = r.strings(ctx.sink, "controls").unwrap_or_default();
    for c in &controls {
        ctx.control(c, false);
    }
    let measures = r.strings(ctx.sink, "measures").unwrap_or_default();
    for m in &measures {
        if ctx.programme.measure(&m.value).is_none() {
            let hint = suggest(
                &m.value,
                ctx.programme.measures.iter().map(|m| m.id.as_str()),
            )
            .map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
            ctx.sink.error(
                m.span.clone(),
                format!("unknown measure `{}`{hint}", m.value),
            );
        }
    }
    let changed = read_date(&mut r, ctx.sink, "changed");
    r.finish(
        ctx.sink,
        &[
            "id",
            "title",
            "owner",
            "likelihood",
            "impact",
            "treatment",
            "status",
            "area",
            "controls",
            "measures",
            "changed",
        ],
    );
    Some(Risk {
        id: id?,
        title: title?,
        owner: owner?.value,
        likelihood: likelihood?,
        impact: impact?,
        treatment: treatment?.value,
        status: status?.value,
        area: area.map(|a| a.value),
        controls: controls.into_iter().map(|c| c.value).collect(),
        measures: measures.into_iter().map(|m| m.value).collect(),
        changed,
    })
}

fn read_soa(ctx: &mut Ctx, mut r: TableReader) -> Option<(String, bool, String)> {
    let id = r.required_string(ctx.sink, "id", "an Annex A control id such as A.5.1");
    if let Some(c) = &id {
        ctx.control(c, true);
    }
    let id = id.and_then(|_| ctx.id(&mut r, "id"));
    let applicable = r.raw("applicable").and_then(|v| match v.get_ref() {
        toml::de::DeValue::Boolean(b) => Some(*b),
        _ => {
            ctx.sink.error(
                v.span(),
                format!("`applicable` in {} must be true or false", r.name),
            );
            None
        }
    });
    if r.raw("applicable").is_none() {
        r.missing(ctx.sink, "applicable", "true or false");
    }
    let justification = r.string(ctx.sink, "justification").map(|j| j.value);
    if applicable == Some(false) && justification.as_deref().is_none_or(|j| j.trim().is_empty()) {
        ctx.sink.error(
            r.span.clone(),
            format!(
                "{} excludes a control without a `justification`: say why it does not apply",
                r.name
            ),
        );
        return None;
    }
    r.finish(ctx.sink, &["id", "applicable", "justification"]);
    Some((id?, applicable?, justification.unwrap_or_default()))
}

fn read_auditor(ctx: &mut Ctx, mut r: TableReader) -> Option<Auditor> {
    let person = r.required_string(ctx.sink, "person", "a person id");
    if let Some(p) = &person {
        ctx.person(p);
    }
    let person = person.and_then(|_| ctx.id(&mut r, "person"));
    let competence = r.strings(ctx.sink, "competence");
    if r.raw("competence").is_none() {
        r.missing(
            ctx.sink,
            "competence",
            "clause or control prefixes such as [\"9\", \"A.8\"], or [\"all\"]",
        );
    }
    for c in competence.iter().flatten() {
        if c.value != "all" && name_of(&c.value).is_none() && !is_theme(&c.value) {
            ctx.sink.error(
                c.span.clone(),
                format!(
                    "unknown competence `{}`: use `all`, a clause (4 … 10.2), a theme (A.5 … A.8) or a control id",
                    c.value
                ),
            );
        }
    }
    let qualifications = r.strings(ctx.sink, "qualifications").unwrap_or_default();
    r.finish(ctx.sink, &["person", "competence", "qualifications"]);
    Some(Auditor {
        person: person?,
        competence: competence?.into_iter().map(|c| c.value).collect(),
        qualifications: qualifications.into_iter().map(|q| q.value).collect(),
    })
}

fn is_theme(s: &str) -> bool {
    matches!(s, "A.5" | "A.6" | "A.7" | "A.8")
}

/// "2026-03", or a date such as "2026-03-14" (its month).
fn cycle_month(text: &str) -> Option<crate::period::Period> {
    use crate::period::{Frequency, Period};
    if let Ok(day) = text.parse::<jiff::civil::Date>()
        && text.len() == 10
    {
        return Some(Period::containing(Frequency::Monthly, day));
    }
    text.parse::<Period>()
        .ok()
        .filter(|p| p.frequency() == Frequency::Monthly)
}

fn read_audit(doc: &Spanned<DeTable<'_>>, sink: &mut Sink) -> AuditSettings {
    let mut settings = AuditSettings::default();
    let mut root = TableReader::new(sink.position.path.to_string(), doc);
    root.raw("format");
    if let Some((t, span)) = root.table(sink, "programme") {
        let mut r = TableReader::over("[programme]", t, span);
        if let Some(c) = r.integer(sink, "cycle_months") {
            if (1..=120).contains(&c.value) {
                settings.cycle_months = c.value as u32;
            } else {
                sink.error(c.span, "`cycle_months` in [programme] must be 1 to 120");
            }
        }
        if let Some(h) = r.integer(sink, "high_risk") {
            if (1..=25).contains(&h.value) {
                settings.high_risk = h.value as u8;
            } else {
                sink.error(
                    h.span,
                    "`high_risk` in [programme] must be a score from 1 to 25",
                );
            }
        }
        if let Some(c) = r.string(sink, "cycle_start") {
            settings.cycle_start = cycle_month(&c.value);
            if settings.cycle_start.is_none() {
                sink.error(
                    c.span,
                    format!(
                        "`cycle_start` in [programme] must be a month such as \"2026-03\" (or a date in it), not `{}`",
                        c.value
                    ),
                );
            }
        }
        r.finish(sink, &["cycle_months", "cycle_start", "high_risk"]);
    }
    let tables = root.tables(sink, "grade");
    root.finish(sink, &["format", "programme", "grade"]);
    if tables.is_empty() {
        return settings;
    }
    let mut grades: Vec<Grade> = Vec::new();
    for (i, (t, span)) in tables.into_iter().enumerate() {
        let mut r = TableReader::over(format!("[[grade]] #{}", i + 1), t, span);
        let id = r.required_string(sink, "id", "a short id such as `major`");
        let name = r.required_string(sink, "name", "the grade's name in reports");
        let nc = r.string(sink, "nonconformity");
        if let Some(n) = &nc
            && !matches!(n.value.as_str(), "major" | "minor")
        {
            sink.error(
                n.span.clone(),
                "`nonconformity` must be \"major\" or \"minor\"",
            );
        }
        let improvement = r
            .raw("improvement")
            .is_some_and(|v| matches!(v.get_ref(), toml::de::DeValue::Boolean(true)));
        r.finish(sink, &["id", "name", "nonconformity", "improvement"]);
        if let (Some(id), Some(name)) = (id, name) {
            if !is_name_id(&id.value) || grades.iter().any(|g| g.id == id.value) {
                sink.error(
                    id.span,
                    format!("grade id `{}` is not a unique simple id", id.value),
                );
                continue;
            }
            grades.push(Grade {
                id: id.value,
                name: name.value,
                nonconformity: nc.map(|n| n.value),
                improvement,
            });
        }
    }
    settings.grades = grades;
    settings
}
