//! `clause9 oscal assessment-results` and `clause9 oscal poam`: audits with
//! their observations and findings, and open nonconformities with their
//! actions, as OSCAL 1.1.2 JSON. ISO/IEC 27001 requirements are referred to
//! by id only (`A.8.8`; clauses as `clause-9.2`, since OSCAL ids cannot start
//! with a digit). UUIDs are name-based (from SHA-256 of the record's id), so
//! exporting twice gives the same document.

use clause9_core::audit::Audit;
use clause9_core::nonconformity::{Nonconformity, State};
use clause9_core::registers::Registers;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::open;
use crate::cli_workflow::OscalCommand;
use crate::error::CliResult;
use crate::output::say;

pub(crate) const OSCAL_VERSION: &str = "1.1.2";
const NS: &str = "https://github.com/clause9/ns/oscal";

/// A version-5-shaped UUID derived from `name`.
pub(crate) fn uuid(name: &str) -> String {
    let h = Sha256::digest(format!("clause9:{name}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// An OSCAL control id for a clause or Annex A control id.
pub(crate) fn control_id(requirement: &str) -> String {
    if requirement.starts_with("A.") {
        requirement.to_string()
    } else {
        format!("clause-{requirement}")
    }
}

fn datetime(d: jiff::civil::Date) -> String {
    format!("{d}T00:00:00Z")
}

fn metadata(title: &str, organisation: &str) -> Value {
    json!({
        "title": title,
        "last-modified": crate::context::clock_in(&jiff::tz::TimeZone::UTC).now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "version": "1",
        "oscal-version": OSCAL_VERSION,
        "parties": [{ "uuid": uuid(&format!("party/{organisation}")), "type": "organization", "name": organisation }],
    })
}

/// The assessment results: one result per audit.
pub(crate) fn assessment_results(
    organisation: &str,
    registers: &Registers,
    audits: &[Audit],
) -> Value {
    let results: Vec<Value> = audits
        .iter()
        .map(|a| {
            let mut controls: Vec<String> = a.plan.scope.iter().map(|i| control_id(&i.requirement)).collect();
            controls.sort();
            controls.dedup();
            let mut result = json!({
                "uuid": uuid(&format!("audit/{}", a.id)),
                "title": format!("{} {}", a.id, a.plan.title),
                "description": format!("Objectives: {}. Criteria: {}. Methods: {}.", a.plan.objectives, a.plan.criteria, a.plan.methods),
                "start": datetime(a.plan.start),
                "end": datetime(a.completed.as_ref().map_or(a.plan.end, |c| c.0)),
                "props": [{ "name": "audit-id", "ns": NS, "value": a.id }],
                "reviewed-controls": { "control-selections": [{
                    "include-controls": controls.iter().map(|c| json!({ "control-id": c })).collect::<Vec<_>>()
                }] },
            });
            if !a.findings.is_empty() {
                let observations: Vec<Value> = a.findings.iter().map(|f| {
                    json!({
                        "uuid": uuid(&format!("audit/{}/{}/observation", a.id, f.id)),
                        "title": format!("{}/{} {}", a.id, f.id, f.item.label()),
                        "description": f.statement,
                        "methods": ["EXAMINE", "INTERVIEW"],
                        "types": ["finding"],
                        "collected": datetime(f.on),
                        "relevant-evidence": [{ "description": f.evidence }],
                    })
                }).collect();
                let findings: Vec<Value> = a.findings.iter().map(|f| {
                    let grade = registers.grade(&f.grade);
                    let satisfied = grade.is_none_or(|g| g.nonconformity.is_none());
                    let mut props = vec![
                        json!({ "name": "finding-id", "ns": NS, "value": format!("{}/{}", a.id, f.id) }),
                        json!({ "name": "grade", "ns": NS, "value": f.grade }),
                    ];
                    if let Some(nc) = &f.nonconformity {
                        props.push(json!({ "name": "nonconformity", "ns": NS, "value": nc }));
                    }
                    json!({
                        "uuid": uuid(&format!("audit/{}/{}", a.id, f.id)),
                        "title": format!("{}/{}: {}", a.id, f.id, grade.map_or(f.grade.as_str(), |g| g.name.as_str())),
                        "description": f.statement,
                        "props": props,
                        "target": {
                            "type": "objective-id",
                            "target-id": control_id(&f.item.requirement),
                            "status": { "state": if satisfied { "satisfied" } else { "not-satisfied" } },
                        },
                        "related-observations": [{ "observation-uuid": uuid(&format!("audit/{}/{}/observation", a.id, f.id)) }],
                    })
                }).collect();
                result["observations"] = Value::Array(observations);
                result["findings"] = Value::Array(findings);
            }
            result
        })
        .collect();
    let mut doc = json!({
        "uuid": uuid(&format!("assessment-results/{organisation}")),
        "metadata": metadata(&format!("{organisation}: internal audit results"), organisation),
        "import-ap": { "href": "#internal-audit-programme" },
    });
    if !results.is_empty() {
        doc["results"] = Value::Array(results);
    } else {
        // OSCAL requires at least one result
        doc["results"] = json!([{
            "uuid": uuid("audit/none"),
            "title": "No audits recorded",
            "description": "No internal audit has been recorded yet.",
            "start": crate::context::clock_in(&jiff::tz::TimeZone::UTC).now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "reviewed-controls": { "control-selections": [{ "include-all": {} }] },
        }]);
    }
    json!({ "assessment-results": doc })
}

/// The plan of action and milestones: one item and one risk per open nonconformity,
/// each corrective action a remediation with its due date as a milestone.
pub(crate) fn poam(organisation: &str, ncs: &[Nonconformity]) -> Value {
    let open: Vec<&Nonconformity> = ncs.iter().filter(|n| n.state != State::Closed).collect();
    let risks: Vec<Value> = open
        .iter()
        .map(|n| {
            let mut risk = json!({
                "uuid": uuid(&format!("nc/{}/risk", n.id)),
                "title": format!("{}: {}", n.id, n.description),
                "description": n.description,
                "statement": n.root_cause.clone().unwrap_or_else(|| "Root cause not analysed yet.".into()),
                "status": match n.state {
                    State::Raised | State::Corrected | State::Reopened => "investigating",
                    _ => "remediating",
                },
                "props": [
                    { "name": "nonconformity-id", "ns": NS, "value": n.id },
                    { "name": "state", "ns": NS, "value": n.state.as_str() },
                ],
            });
            if !n.actions.is_empty() {
                risk["remediations"] = Value::Array(n.actions.iter().map(|a| {
                    json!({
                        "uuid": uuid(&format!("nc/{}/{}", n.id, a.id)),
                        "lifecycle": if a.implemented_on.is_some() { "completed" } else { "planned" },
                        "title": format!("{}/{}: {}", n.id, a.id, a.description),
                        "description": format!("{} Owner: {}. Success criterion: {}.", a.description, a.owner.as_deref().unwrap_or(""), a.success_criterion.as_deref().unwrap_or("")),
                        "props": [{ "name": "action-id", "ns": NS, "value": format!("{}/{}", n.id, a.id) }],
                        "tasks": [{
                            "uuid": uuid(&format!("nc/{}/{}/due", n.id, a.id)),
                            "type": "milestone",
                            "title": format!("{}/{} due", n.id, a.id),
                            "timing": { "on-date": { "date": datetime(a.due_date()) } },
                        }],
                    })
                }).collect());
            }
            risk
        })
        .collect();
    let items: Vec<Value> = open
        .iter()
        .map(|n| {
            let mut props = vec![
                json!({ "name": "nonconformity-id", "ns": NS, "value": n.id }),
                json!({ "name": "source", "ns": NS, "value": n.source.kind() }),
                json!({ "name": "severity", "ns": NS, "value": n.severity }),
            ];
            for c in &n.controls {
                props.push(json!({ "name": "control-id", "ns": NS, "value": control_id(c) }));
            }
            json!({
                "uuid": uuid(&format!("nc/{}", n.id)),
                "title": format!("{}: {}", n.id, n.description),
                "description": format!("{} Source: {} {}.", n.description, n.source.kind(), n.source.reference()),
                "props": props,
                "related-risks": [{ "risk-uuid": uuid(&format!("nc/{}/risk", n.id)) }],
            })
        })
        .collect();
    let mut doc = json!({
        "uuid": uuid(&format!("poam/{organisation}")),
        "metadata": metadata(&format!("{organisation}: nonconformities and corrective actions"), organisation),
        "system-id": { "identifier-type": "https://ietf.org/rfc/rfc4122", "id": uuid(&format!("isms/{organisation}")) },
        "poam-items": items,
    });
    if !risks.is_empty() {
        doc["risks"] = Value::Array(risks);
    }
    json!({ "plan-of-action-and-milestones": doc })
}

pub(crate) async fn run(command: OscalCommand) -> CliResult {
    let (dir, output, store, which) = match command {
        OscalCommand::AssessmentResults { dir, output, store } => (dir, output, store, true),
        OscalCommand::Poam { dir, output, store } => (dir, output, store, false),
    };
    let ctx = open(&dir, &store).await?;
    let org = ctx.programme.settings.organisation.clone();
    let doc = if which {
        let audits = super::audit::load_all(ctx.store.as_ref()).await?;
        assessment_results(&org, &ctx.registers, &audits)
    } else {
        let ncs = super::nc::load_all(ctx.store.as_ref()).await?;
        if ncs.iter().all(|n| n.state == State::Closed) {
            return Err(crate::error::CliError::invalid(
                "no open nonconformity: a plan of action and milestones needs at least one item (OSCAL requires it); nothing written",
            ));
        }
        poam(&org, &ncs)
    };
    std::fs::write(&output, format!("{doc:#}\n"))
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
    say(format!("wrote {}", output.display()));
    Ok(())
}
