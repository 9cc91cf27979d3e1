//! "What changed since the last period" on the dashboard: the measures
//! whose status differs between the last two evaluated months, worst news
//! first, with both values.

use clause9_core::evaluation::{Evaluation, Status};
use serde_json::{Value, json};

use crate::web::svg::short;

/// How bad a status is, for ordering (red first).
fn rank(s: Status) -> u8 {
    match s {
        Status::Red => 0,
        Status::Amber => 1,
        Status::NoData => 2,
        Status::Green => 3,
    }
}

/// Whether going from `from` to `to` is better, worse or neither.
fn direction(from: Status, to: Status) -> &'static str {
    match (from, to) {
        (_, Status::NoData) | (Status::NoData, _) => "changed",
        _ if rank(to) > rank(from) => "better",
        _ => "worse",
    }
}

/// The changes from `previous` to `latest`.
pub fn since(previous: &Evaluation, latest: &Evaluation) -> Vec<Value> {
    let mut changed: Vec<(u8, Value)> = latest
        .measures
        .iter()
        .filter_map(|now| {
            let before = previous.measures.iter().find(|m| m.id == now.id)?;
            (before.status != now.status).then(|| {
                (
                    rank(now.status),
                    json!({
                        "id": now.id, "name": now.name,
                        "from": before.status.as_str().replace('_', " "),
                        "to": now.status.as_str().replace('_', " "),
                        "from_value": before.value.map(short), "to_value": now.value.map(short),
                        "unit": now.unit,
                        "direction": direction(before.status, now.status),
                    }),
                )
            })
        })
        .collect();
    changed.sort_by_key(|(r, _)| *r);
    changed.into_iter().map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions() {
        assert_eq!(direction(Status::Red, Status::Green), "better");
        assert_eq!(direction(Status::Green, Status::Amber), "worse");
        assert_eq!(direction(Status::Green, Status::NoData), "changed");
    }
}
