//! What `collect` shows: a progress bar on a terminal, one plain line per
//! value when piped, and a summary (collected, unchanged, failed with reasons).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::output::{number, say};

pub(super) use clause9_collect::Outcome;

pub(super) struct Progress {
    bar: Option<ProgressBar>,
}

fn shown(v: Option<f64>) -> String {
    v.map_or_else(|| "no value".to_string(), number)
}

impl Progress {
    pub(super) fn new(total: u64, what: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(format!("collecting {what}"));
            bar
        });
        if bar.is_none() {
            say(format!("collecting {total} base values for {what}"));
        }
        Progress { bar }
    }

    pub(super) fn report(&self, label: &str, outcome: &Outcome) {
        let line = match outcome {
            Outcome::Collected {
                value,
                replaced,
                files,
                ms,
            } => format!(
                "{:<10} {label} = {}{} ({files} file{}, {:.0} ms)",
                if *replaced { "updated" } else { "collected" },
                shown(*value),
                if *replaced {
                    ", superseding the stored value"
                } else {
                    ""
                },
                if *files == 1 { "" } else { "s" },
                ms
            ),
            Outcome::Unchanged(v) => format!(
                "{:<10} {label} = {} (same value and evidence as stored; nothing stored)",
                "unchanged",
                shown(*v)
            ),
            Outcome::Failed(reason) => format!("{:<10} {label}: {reason}", "failed"),
        };
        match &self.bar {
            Some(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            None => say(line),
        }
    }

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Prints the summary; returns how many failed.
pub(super) fn summary(outcomes: &[(String, Outcome)]) -> usize {
    let collected = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Collected { .. }))
        .count();
    let unchanged = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Unchanged(_)))
        .count();
    let failed: Vec<_> = outcomes
        .iter()
        .filter_map(|(l, o)| match o {
            Outcome::Failed(r) => Some((l, r)),
            _ => None,
        })
        .collect();
    say(format!(
        "summary: {collected} collected, {unchanged} unchanged, {} failed",
        failed.len()
    ));
    for (label, reason) in &failed {
        say(format!("  failed {label}: {reason}"));
    }
    failed.len()
}
