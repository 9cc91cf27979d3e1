//! Issuing a performance report, for `clause9 report` and the reports page:
//! the analysed evaluation of the period, the one before it, overdue
//! collections and open nonconformities, rendered in the format asked and
//! archived (SHA-256, period, audience, format, who, when) in the same step.

use clause9_core::Programme;
use clause9_core::access::Action;
use clause9_core::engine::{Values, evaluate};
use clause9_core::period::Period;
use clause9_core::refusal::Problem;
use clause9_core::schedule::{CollectionState, collection_status};
use clause9_report::{Format, Input, Report, render, sha256};
use clause9_store::{IssuedReport, NewIssuedReport, Store};

use crate::evaluations::{analysed_from, current_of, histories};
use crate::records::{Actor, RecordError, RecordResult};

/// What to issue.
#[derive(Debug, Clone)]
pub struct Request {
    pub period: Period,
    /// A person or group of the programme the report is for.
    pub audience: Option<String>,
    pub format: Format,
    /// The file name the report is archived under (the command line's
    /// output file, the page's download name).
    pub file_name: String,
}

/// An issued report: its bytes and its archive entry.
#[derive(Debug, Clone)]
pub struct Issued {
    pub bytes: Vec<u8>,
    pub archived: IssuedReport,
}

/// `report-2026-10-board.pdf`: the default file name of a report (the
/// audience kept to letters, digits, `-` and `_`).
pub fn file_name(period: Period, audience: Option<&str>, format: Format) -> String {
    let safe: String = audience
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    let audience = if safe.is_empty() {
        String::new()
    } else {
        format!("-{safe}")
    };
    format!("report-{period}{audience}.{}", format.extension())
}

/// What is wrong with `audience` as a report's audience, if anything: it must
/// be a person or a group of the programme. Front ends that check a whole
/// form at once ask this with their other checks; [`issue`] asks it too.
pub fn audience_problem(programme: &Programme, audience: Option<&str>) -> Option<Problem> {
    let a = audience?;
    let settings = &programme.settings;
    if settings.people.contains_key(a) || settings.groups.contains_key(a) {
        return None;
    }
    Some(Problem::field(
        "audience",
        format!(
            "`{a}` is neither a person nor a group of this programme (see [people] and [groups] in clause9.toml)"
        ),
    ))
}

/// Issues the report `request` asks for, as `actor`, and archives it.
pub async fn issue(
    store: &dyn Store,
    programme: &Programme,
    actor: &Actor,
    request: Request,
) -> RecordResult<Issued> {
    actor.may(programme, &Action::IssueReport)?;
    if let Some(problem) = audience_problem(programme, request.audience.as_deref()) {
        return Err(RecordError::problems(
            "the report was not issued",
            vec![problem],
        ));
    }
    let history = histories(store, programme).await?;
    // open nonconformities are reported with their corrective actions
    let nonconformities = crate::records::nonconformities::load_all(store).await?;
    let (period, today, now) = (request.period, actor.on, actor.at);
    let rendered = {
        let programme = programme.clone();
        let audience = request.audience.clone();
        let format = request.format;
        // rendering (PDF above all) is work for a blocking thread
        tokio::task::spawn_blocking(move || {
            let current = current_of(&history);
            let evaluation = analysed_from(&programme, &history, period, today);
            let previous = evaluate(&programme, &current, period.prev());
            let values = Values::new(&current);
            let overdue: Vec<_> = collection_status(&programme, &values, period, today)
                .into_iter()
                .filter(|c| c.state == CollectionState::Overdue)
                .collect();
            let report = Report::build(&Input {
                programme: &programme,
                evaluation: &evaluation,
                previous: Some(&previous),
                observations: &current,
                overdue: &overdue,
                nonconformities: &nonconformities,
                audience: audience.as_deref(),
                generated_at: now,
            });
            render(&report, format)
        })
        .await
    };
    let bytes = match rendered {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            return Err(RecordError::Failed(format!(
                "cannot render the report: {e}"
            )));
        }
        Err(e) => {
            return Err(RecordError::Failed(format!(
                "rendering the report failed: {e}"
            )));
        }
    };
    let archived = store
        .reports()
        .archive(&NewIssuedReport {
            sha256: sha256(&bytes),
            period: period.to_string(),
            audience: request.audience,
            format: request.format.as_str().to_string(),
            issued_at: now,
            issued_by: actor.by.clone(),
            file_name: request.file_name,
            size: bytes.len() as u64,
        })
        .await?;
    Ok(Issued { bytes, archived })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_safe_characters() {
        let p: Period = "2026-10".parse().unwrap();
        assert_eq!(file_name(p, None, Format::Pdf), "report-2026-10.pdf");
        assert_eq!(
            file_name(p, Some("board\"; x=y"), Format::Html),
            "report-2026-10-boardxy.html"
        );
    }
}
