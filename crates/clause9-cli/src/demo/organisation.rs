//! The demonstration organisation's files besides the measure library: its
//! registers (context, parties, feedback, risks, statement of applicability,
//! auditors, audit and review settings) dated relative to the day the demo
//! runs, the `files` sources, and the automated measures with the real
//! scanner outputs they read (the vulnerability KPI example), and two
//! measures read from a Wazuh indexer and DefectDojo (collected only where
//! their variables are set).

use std::path::Path;

use anyhow::Context as _;
use include_dir::{Dir, include_dir};
use jiff::ToSpan;
use jiff::civil::Date;

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/programmes/demo");
static KPIS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../examples/vulnerability-kpis");

/// Who owns and collects the automated measures in the demo (the example
/// names a person `sec` the library does not have).
const SCANNER_PEOPLE: [(&str, &str); 2] = [
    ("owner = \"sec\"", "owner = \"soc_lead\""),
    ("collector = \"sec\"", "collector = \"soc_lead\""),
];

/// Replaces every `{{T-N}}` with the date N days before `today`.
pub(crate) fn fill_dates(text: &str, today: Date) -> anyhow::Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{T-") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 4..];
        let end = after
            .find("}}")
            .context("a `{{T-` date in a demo file is not closed with `}}`")?;
        let days: i64 = after[..end]
            .parse()
            .with_context(|| format!("`{{{{T-{}}}}}` is not a number of days", &after[..end]))?;
        let day = today
            .checked_sub(days.days())
            .with_context(|| format!("cannot go {days} days back from {today}"))?;
        out.push_str(&day.to_string());
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn write(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes the registers, sources, automated measures and their evidence
/// into `dir`, which already holds the library programme.
pub(crate) fn write_all(dir: &Path, today: Date) -> anyhow::Result<()> {
    let registers = DEMO
        .get_dir("registers")
        .context("the demo's registers are missing from the binary")?;
    for f in registers.files() {
        let text = f.contents_utf8().unwrap_or_default();
        write(&dir.join(f.path()), fill_dates(text, today)?.as_bytes())?;
    }
    let sources = DEMO
        .get_file("sources.toml")
        .and_then(|f| f.contents_utf8())
        .context("the demo's sources are missing from the binary")?;
    let settings = dir.join("clause9.toml");
    let mut text = std::fs::read_to_string(&settings)
        .with_context(|| format!("cannot read {}", settings.display()))?;
    text.push_str(sources);
    write(&settings, text.as_bytes())?;

    let measures = KPIS
        .get_dir("measures")
        .context("the automated measures are missing from the binary")?;
    for f in measures.files() {
        let mut text = f.contents_utf8().unwrap_or_default().to_string();
        for (from, to) in SCANNER_PEOPLE {
            text = text.replace(from, to);
        }
        let name = f.path().file_name().unwrap_or_default();
        write(
            &dir.join("measures").join("automated").join(name),
            text.as_bytes(),
        )?;
    }
    // the measures read from search platforms, collected only when their
    // sources' variables are set
    if let Some(platforms) = DEMO.get_dir("measures") {
        for f in platforms.files() {
            let name = f.path().file_name().unwrap_or_default();
            write(
                &dir.join("measures").join("platforms").join(name),
                f.contents(),
            )?;
        }
    }
    let evidence = KPIS
        .get_dir("evidence")
        .context("the scanner outputs are missing from the binary")?;
    copy_dir(evidence, dir)
}

fn copy_dir(d: &Dir, root: &Path) -> anyhow::Result<()> {
    for f in d.files() {
        write(&root.join(f.path()), f.contents())?;
    }
    for sub in d.dirs() {
        copy_dir(sub, root)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fill_dates;

    #[test]
    fn dates_are_filled_relative_to_today() {
        let today: jiff::civil::Date = "2026-03-10".parse().unwrap();
        assert_eq!(
            fill_dates("a = {{T-10}}\nb = {{T-0}}", today).unwrap(),
            "a = 2026-02-28\nb = 2026-03-10"
        );
        assert!(fill_dates("a = {{T-x}}", today).is_err());
        assert!(fill_dates("a = {{T-3", today).is_err());
    }
}
