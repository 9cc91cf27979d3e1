//! Recording base values, for every way a value arrives: `clause9 record`
//! and `import`, the REST API, the web form and the collection jobs. The one
//! rule for when a value given again is new, unchanged or a correction
//! ([`compare`]) and the one way values are stored ([`record`]): all or
//! nothing, a stored value replaced only by a correction that says why.

use std::collections::{BTreeSet, HashMap};

use clause9_core::Programme;
use clause9_core::access::Action;
use clause9_core::observation::{Evidence, Method, NewObservation, Observation};
use clause9_core::period::Period;
use clause9_core::record::{ManualEntry, check_manual};
use clause9_core::refusal::Problem;
use clause9_store::Store;

use crate::records::{Actor, RecordError, RecordResult};

/// How a given value relates to what is stored for its measure, base and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// Nothing is stored yet.
    New,
    /// The stored observation (its id) already says this: nothing is written.
    Unchanged(i64),
    /// The stored observation (its id) says something else: only a
    /// correction with a reason replaces it.
    Changed(i64),
}

/// The rule. A value given by a person (recorded or imported) is unchanged
/// when the stored value is the same and the evidence given is none or the
/// same file or link as stored: giving a value again without its evidence
/// neither loses the evidence nor counts as a correction. A collected value
/// is unchanged only when the value, the query and the evidence files'
/// hashes are all the same as the stored collection's.
pub fn compare(stored: Option<&Observation>, given: &NewObservation) -> Comparison {
    let Some(stored) = stored else {
        return Comparison::New;
    };
    let same = stored.new.value == given.value
        && if given.method == Method::Query {
            stored.new.method == Method::Query
                && query_sha256(&stored.new) == query_sha256(given)
                && same_evidence(&stored.new.evidence, &given.evidence)
        } else {
            given.evidence.is_empty() || same_evidence(&stored.new.evidence, &given.evidence)
        };
    if same {
        Comparison::Unchanged(stored.id)
    } else {
        Comparison::Changed(stored.id)
    }
}

/// The same content: the same file hash and size, or the same link (a
/// renamed file with the same bytes is the same evidence).
fn same_evidence(a: &Evidence, b: &Evidence) -> bool {
    a.sha256 == b.sha256 && a.size == b.size && a.url == b.url
}

fn query_sha256(o: &NewObservation) -> Option<&str> {
    o.provenance.as_ref()?.get("query_sha256")?.as_str()
}

/// One value to record, and where it was given (`values.csv:12`), which a
/// refusal names.
#[derive(Debug, Clone)]
pub struct Given {
    pub value: NewObservation,
    pub place: Option<String>,
}

impl From<NewObservation> for Given {
    fn from(value: NewObservation) -> Given {
        Given { value, place: None }
    }
}

/// What [`record`] did.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// The new observations, in the order given (corrections have `supersedes`).
    pub stored: Vec<Observation>,
    /// The values that were already stored as given: (measure, base, period).
    pub unchanged: Vec<(String, String, Period)>,
}

/// Values of one measure for one period that a person enters (`clause9
/// record`, the REST API, the web form).
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub measure: &'a str,
    pub period: Period,
    /// Base measure id and value, in the order given.
    pub values: &'a [(String, f64)],
    pub evidence: Evidence,
    /// Why a stored value is corrected (needed to correct one).
    pub reason: Option<String>,
    /// Where the values came from (`{"via": "api", "user": …}`), if said.
    pub provenance: Option<serde_json::Value>,
}

/// Records `entry` as `actor` (the person, today and the time stored): the
/// access policy (who may record this measure), the checks every way of
/// entering values shares (`clause9_core::record`), then [`record`].
pub async fn record_entry(
    store: &dyn Store,
    programme: &Programme,
    actor: &Actor,
    entry: Entry<'_>,
) -> RecordResult<Recorded> {
    actor.may(
        programme,
        &Action::RecordValues(programme.measure(entry.measure)),
    )?;
    let checked = ManualEntry {
        measure: entry.measure,
        period: entry.period,
        values: entry.values,
        has_evidence: !entry.evidence.is_empty(),
        today: actor.on,
    };
    let measure = check_manual(programme, &checked).map_err(|problems| {
        RecordError::problems(
            "the values were refused",
            problems.into_iter().map(Problem::new).collect(),
        )
    })?;
    let given = (entry.values.iter())
        .map(|(base, value)| {
            Given::from(NewObservation {
                measure: measure.id.clone(),
                base: base.clone(),
                period: entry.period,
                value: Some(*value),
                definition_version: measure.version,
                recorded_by: actor.by.clone(),
                recorded_at: actor.at,
                method: Method::Manual,
                evidence: entry.evidence.clone(),
                provenance: entry.provenance.clone(),
                supersedes: None,
                reason: entry.reason.clone(),
            })
        })
        .collect();
    record(store, given).await
}

/// Records `given`, all or nothing: new values are stored, unchanged ones
/// are not written again, and a value that differs from the stored one is
/// stored as its correction when it carries a reason; without one, nothing
/// is stored and each such value is a problem about the `reason` field,
/// naming the stored observation.
pub async fn record(store: &dyn Store, given: Vec<Given>) -> RecordResult<Recorded> {
    let periods: Vec<Period> = given
        .iter()
        .map(|g| g.value.period)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let measures: BTreeSet<&str> = given.iter().map(|g| g.value.measure.as_str()).collect();
    let only = match measures.iter().collect::<Vec<_>>().as_slice() {
        [one] => Some(**one),
        _ => None,
    };
    let current = store.current(only, &periods).await?;
    record_against(store, &current, given).await
}

/// [`record`] against `current`, the stored values read beforehand (a batch
/// that reads them once for many values). A value stored by someone else
/// since then is the store's conflict: nothing is stored.
pub async fn record_against(
    store: &dyn Store,
    current: &[Observation],
    given: Vec<Given>,
) -> RecordResult<Recorded> {
    let heads: HashMap<(&str, &str, Period), &Observation> = current
        .iter()
        .map(|o| {
            (
                (o.new.measure.as_str(), o.new.base.as_str(), o.new.period),
                o,
            )
        })
        .collect();
    let mut recorded = Recorded::default();
    let mut batch = Vec::new();
    let mut problems = Vec::new();
    for Given { mut value, place } in given {
        let key = (value.measure.as_str(), value.base.as_str(), value.period);
        let stored = heads.get(&key).copied();
        match compare(stored, &value) {
            Comparison::New => {
                value.supersedes = None;
                value.reason = None;
            }
            Comparison::Unchanged(_) => {
                recorded
                    .unchanged
                    .push((value.measure, value.base, value.period));
                continue;
            }
            Comparison::Changed(id) => {
                if value.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    let stored = stored.map(|s| &s.new);
                    let detail = format!(
                        "{} {} for {} already has {} (observation #{id}, recorded by {} at {}); a correction needs the reason why",
                        value.measure,
                        value.base,
                        value.period,
                        stored
                            .and_then(|s| s.value)
                            .map_or("no value".into(), |v| v.to_string()),
                        stored.map_or("", |s| s.recorded_by.as_str()),
                        stored.map_or(String::new(), |s| s.recorded_at.to_string()),
                    );
                    problems.push(Problem::field(
                        "reason",
                        match place {
                            Some(p) => format!("{p}: {detail}"),
                            None => detail,
                        },
                    ));
                    continue;
                }
                value.supersedes = Some(id);
            }
        }
        batch.push(value);
    }
    if !problems.is_empty() {
        return Err(RecordError::problems(
            "values already stored differ from the ones given; nothing was stored",
            problems,
        ));
    }
    // a value stored by someone else meanwhile is the store's conflict
    // (`StoreError::Conflict`): nothing is stored
    recorded.stored = store.append(&batch).await?;
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(value: f64, method: Method, evidence: Evidence, query: Option<&str>) -> NewObservation {
        NewObservation {
            measure: "M-1".into(),
            base: "b".into(),
            period: "2026-11".parse().unwrap(),
            value: Some(value),
            definition_version: 1,
            recorded_by: "alice".into(),
            recorded_at: "2026-12-01T09:00:00Z".parse().unwrap(),
            method,
            evidence,
            provenance: query.map(|q| serde_json::json!({ "query_sha256": q })),
            supersedes: None,
            reason: None,
        }
    }

    fn file(sha: &str) -> Evidence {
        Evidence {
            name: Some("export.csv".into()),
            sha256: Some(sha.into()),
            size: Some(10),
            url: None,
        }
    }

    fn stored(new: NewObservation) -> Observation {
        Observation {
            id: 7,
            new,
            superseded_by: None,
        }
    }

    #[test]
    fn a_person_giving_the_same_value_with_no_or_the_same_evidence_changes_nothing() {
        let s = stored(obs(3.0, Method::Manual, file("aa"), None));
        let same = |v, e| compare(Some(&s), &obs(v, Method::Import, e, None));
        assert_eq!(same(3.0, Evidence::default()), Comparison::Unchanged(7));
        assert_eq!(same(3.0, file("aa")), Comparison::Unchanged(7));
        let mut renamed = file("aa");
        renamed.name = Some("other-name.csv".into());
        assert_eq!(same(3.0, renamed), Comparison::Unchanged(7));
        assert_eq!(same(3.0, file("bb")), Comparison::Changed(7));
        assert_eq!(same(4.0, Evidence::default()), Comparison::Changed(7));
        assert_eq!(
            compare(None, &obs(3.0, Method::Manual, file("aa"), None)),
            Comparison::New
        );
    }

    #[test]
    fn a_collected_value_is_unchanged_only_with_the_same_query_and_files() {
        let s = stored(obs(3.0, Method::Query, file("aa"), Some("q1")));
        let again = |e, q| compare(Some(&s), &obs(3.0, Method::Query, e, Some(q)));
        assert_eq!(again(file("aa"), "q1"), Comparison::Unchanged(7));
        assert_eq!(again(file("aa"), "q2"), Comparison::Changed(7));
        assert_eq!(again(file("bb"), "q1"), Comparison::Changed(7));
        // no evidence files now, where there were some: the evidence changed
        assert_eq!(again(Evidence::default(), "q1"), Comparison::Changed(7));
        // a manually recorded value is replaced by a collected one, even if equal
        let manual = stored(obs(3.0, Method::Manual, Evidence::default(), None));
        assert_eq!(
            compare(
                Some(&manual),
                &obs(3.0, Method::Query, Evidence::default(), Some("q1"))
            ),
            Comparison::Changed(7)
        );
    }
}
