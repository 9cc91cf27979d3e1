//! `GET /calendar/{token}.ics`: an iCalendar feed (RFC 5545) of the dates by
//! which the caller's values are due — the measures whose collector is their
//! person or one of their groups — from three periods back to a year ahead.
//! The token is an API token of the user (create one named `calendar`):
//! calendar applications cannot send headers, so it is part of the URL.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use clause9_core::Programme;
use clause9_core::measure::Measure;
use clause9_core::period::Period;
use clause9_core::schedule::due_date;
use clause9_store::accounts::User;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::api::programme_or_503;
use crate::error::{ApiError, ApiResult};
use crate::secret::sha256_hex;
use crate::state::AppState;

/// Collection periods before and after today's that the feed lists.
const PAST: usize = 3;
const AHEAD: usize = 12;

/// The caller's due dates as iCalendar.
#[utoipa::path(get, path = "/calendar/{file}", tag = "integrations",
    params(("file" = String, Path, description = "an API token of the user followed by `.ics`")),
    responses((status = 200, description = "iCalendar (text/calendar)", body = String, content_type = "text/calendar"),
        (status = 401, body = crate::error::ErrorBody)))]
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let token = file
        .strip_suffix(".ics")
        .ok_or_else(ApiError::unauthenticated)?;
    let now = state.now();
    let user = state
        .store
        .accounts()
        .token_user(&sha256_hex(token), now)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    let programme = programme_or_503(&state)?;
    let today = now.to_zoned(programme.settings.timezone.clone()).date();
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        render(&programme, &user, today, now),
    ))
}

/// Whether `party` (a person or group id) includes `person`.
pub fn includes(programme: &Programme, party: &str, person: &str) -> bool {
    party == person
        || programme
            .settings
            .groups
            .get(party)
            .is_some_and(|members| members.iter().any(|p| p == person))
}

/// The feed text (CRLF line ends, as RFC 5545 requires).
pub fn render(programme: &Programme, user: &User, today: Date, now: Timestamp) -> String {
    let mut out = String::new();
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//clause9//due dates//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(
        &mut out,
        &format!(
            "X-WR-CALNAME:{}",
            text(&format!("clause9: {}", programme.settings.name))
        ),
    );
    let mine = programme
        .measures
        .iter()
        .filter(|m| m.is_active() && includes(programme, &m.roles.collector, &user.person));
    for m in mine {
        for period in periods(m, today) {
            event(&mut out, m, period, &stamp);
        }
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn periods(m: &Measure, today: Date) -> Vec<Period> {
    let current = Period::containing(m.frequency.collection, today);
    let mut list = Vec::with_capacity(PAST + AHEAD + 1);
    let mut p = current;
    for _ in 0..PAST {
        p = p.prev();
        list.push(p);
    }
    list.reverse();
    p = current;
    list.push(p);
    for _ in 0..AHEAD {
        p = p.next();
        list.push(p);
    }
    list
}

fn event(out: &mut String, m: &Measure, period: Period, stamp: &str) {
    let due = due_date(m, period);
    let next = due.tomorrow().unwrap_or(due);
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}-{period}@clause9", m.id));
    line(out, &format!("DTSTAMP:{stamp}"));
    line(
        out,
        &format!("DTSTART;VALUE=DATE:{}", due.strftime("%Y%m%d")),
    );
    line(
        out,
        &format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")),
    );
    line(
        out,
        &format!(
            "SUMMARY:{}",
            text(&format!("{} values due for {period}", m.id))
        ),
    );
    let bases: Vec<&str> = m.base.iter().map(|b| b.id.as_str()).collect();
    line(
        out,
        &format!(
            "DESCRIPTION:{}",
            text(&format!("{}: {}", m.name, bases.join(", ")))
        ),
    );
    line(out, "END:VEVENT");
}

/// Escapes a TEXT value.
fn text(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Appends a content line, folded at 75 octets.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    let _ = write!(out, "\r\n");
}
