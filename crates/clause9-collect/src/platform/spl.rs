//! Keeps a Splunk search read-only and inside its period: refuses the SPL
//! commands that write (to indexes, lookups, files, alerts or mail) or that
//! run text clause9 cannot check (saved searches, macros, `map`, scripts),
//! and time modifiers that would move the window away from the period.
//! Defence in depth: the account should also have a read-only role.

use crate::error::Failure;

/// Commands that change data or send it somewhere, or run unseen SPL.
const REFUSED: &[&str] = &[
    "delete",
    "collect",
    "mcollect",
    "meventcollect",
    "summaryindex",
    "sichart",
    "tscollect",
    "outputcsv",
    "outputlookup",
    "outputtext",
    "outputtelemetry",
    "sendemail",
    "sendalert",
    "script",
    "run",
    "runshellscript",
    "map",
    "savedsearch",
    "dbxoutput",
    "dbxquery",
];

/// Time modifiers that would replace the period's bounds.
const TIME_MODIFIERS: &[&str] = &[
    "earliest",
    "latest",
    "_index_earliest",
    "_index_latest",
    "starttime",
    "endtime",
];

/// The search as sent: checked, with `search` in front unless it starts
/// with a generating command (`| tstats …`).
pub(super) fn checked(spl: &str) -> Result<String, Failure> {
    let text = spl.trim();
    if text.is_empty() {
        return Err(Failure::Refused("the search is empty".into()));
    }
    let mut quote = false;
    // The first words of the initial search are search terms; after `|` or
    // `[` comes a command.
    let mut command_start = false;
    let mut word = String::new();
    let check_word = |word: &str, first: bool| -> Result<(), Failure> {
        let lower = word.to_ascii_lowercase();
        if first && REFUSED.contains(&lower.as_str()) {
            return Err(Failure::Refused(format!(
                "the SPL command `{lower}` writes or runs a search clause9 cannot check; only searches that read may run"
            )));
        }
        if let Some((key, _)) = lower.split_once('=')
            && TIME_MODIFIERS.contains(&key.trim())
        {
            return Err(Failure::Refused(format!(
                "`{word}`: the time range is always the collection period (sent as earliest_time and latest_time); remove the time modifier"
            )));
        }
        Ok(())
    };
    for c in text.chars() {
        if quote {
            if c == '"' {
                quote = false;
            }
            continue;
        }
        match c {
            '"' => quote = true,
            '`' => {
                return Err(Failure::Refused(
                    "search macros (`…`) expand to SPL clause9 cannot check: write the search out"
                        .into(),
                ));
            }
            '|' | '[' | ']' | ' ' | '\t' | '\n' | '\r' => {
                if !word.is_empty() {
                    check_word(&word, command_start)?;
                    command_start = false;
                    word.clear();
                }
                if matches!(c, '|' | '[') {
                    command_start = true;
                }
            }
            _ => word.push(c),
        }
    }
    if quote {
        return Err(Failure::Refused("the search has an unclosed quote".into()));
    }
    if !word.is_empty() {
        check_word(&word, command_start)?;
    }
    let first = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    Ok(if text.starts_with('|') || first == "search" {
        text.to_string()
    } else {
        format!("search {text}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pass_and_get_their_search_command() {
        assert_eq!(
            checked("index=wazuh rule.level>=12 | stats count").unwrap(),
            "search index=wazuh rule.level>=12 | stats count"
        );
        assert_eq!(
            checked("| tstats count where index=main").unwrap(),
            "| tstats count where index=main"
        );
        assert!(checked("index=main \"| delete\" | stats count").is_ok());
        assert!(checked("index=main message=\"earliest=-1d\" | stats count").is_ok());
    }

    #[test]
    fn writes_macros_and_time_modifiers_are_refused() {
        for bad in [
            "index=main | delete",
            "index=main | stats count | outputlookup x.csv",
            "index=main | collect index=summary",
            "index=main [ search index=x | outputcsv out ] | stats count",
            "| savedsearch nightly",
            "index=main | map search=\"search index=$x$\"",
            "`notable` | stats count",
            "index=main earliest=-24h | stats count",
            "index=main LATEST=now | stats count",
            "index=main | SENDEMAIL to=a@b",
            "index=main \"unclosed",
        ] {
            assert!(matches!(checked(bad), Err(Failure::Refused(_))), "{bad}");
        }
    }
}
