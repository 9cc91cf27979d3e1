//! How workflow records (audits, management reviews) are stored: each event
//! as its JSON with the date it happened under `on`. Shared by the CLI and
//! the server so both read and write the same payloads; record ids.

use jiff::civil::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// An event's stored payload: the event with the date it happened.
pub fn encode<E: Serialize>(event: &E, on: Date) -> serde_json::Value {
    let mut v = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
    if let Some(map) = v.as_object_mut() {
        map.insert("on".into(), serde_json::Value::String(on.to_string()));
    }
    v
}

/// The event and its date from a stored payload; the error says what is wrong.
pub fn decode<E: DeserializeOwned>(payload: &serde_json::Value) -> Result<(E, Date), String> {
    let on = payload
        .get("on")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<Date>().ok())
        .ok_or_else(|| "no date".to_string())?;
    let event = serde_json::from_value(payload.clone()).map_err(|e| e.to_string())?;
    Ok((event, on))
}

/// The next free id `PREFIX-0001` given the ids in use.
pub fn next_id<'a>(prefix: &str, used: impl Iterator<Item = &'a String>) -> String {
    let n = used
        .filter_map(|id| {
            id.strip_prefix(prefix)?
                .strip_prefix('-')?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    format!("{prefix}-{:04}", n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::ReviewEvent;

    #[test]
    fn an_event_round_trips_with_its_date() {
        let e = ReviewEvent::Attended {
            person: "jo".into(),
        };
        let on: Date = "2026-02-03".parse().unwrap();
        let (back, day) = decode::<ReviewEvent>(&encode(&e, on)).unwrap();
        assert_eq!((back, day), (e, on));
        assert!(decode::<ReviewEvent>(&serde_json::json!({"type": "attended"})).is_err());
    }
}
