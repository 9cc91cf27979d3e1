//! The programmes shipped inside the binary: the starter ("start simple") and
//! the measure library, with the starter's sample values.

use std::path::Path;

use anyhow::Context as _;
use include_dir::{Dir, include_dir};

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/programmes/starter");
static LIBRARY: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/programmes/library");

/// Files of the shipped programmes that are not part of a user's programme.
const NOT_COPIED: [&str; 1] = ["samples.csv"];

pub(crate) enum Shipped {
    Starter,
    Library,
}

/// Writes a shipped programme's files under `dir` (which must not hold a programme).
pub(crate) fn write(which: Shipped, dir: &Path) -> anyhow::Result<usize> {
    let source = match which {
        Shipped::Starter => &STARTER,
        Shipped::Library => &LIBRARY,
    };
    let mut written = 0;
    write_dir(source, dir, &mut written)?;
    Ok(written)
}

fn write_dir(d: &Dir, root: &Path, written: &mut usize) -> anyhow::Result<()> {
    for f in d.files() {
        let name = f
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if d.path().as_os_str().is_empty() && NOT_COPIED.contains(&name) {
            continue;
        }
        let target = root.join(f.path());
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, f.contents())
            .with_context(|| format!("cannot write {}", target.display()))?;
        *written += 1;
    }
    for sub in d.dirs() {
        write_dir(sub, root, written)?;
    }
    Ok(())
}

/// The starter's sample values: `months_ago,measure,base,value,evidence`.
pub(crate) fn samples() -> &'static str {
    STARTER
        .get_file("samples.csv")
        .and_then(|f| f.contents_utf8())
        .unwrap_or_default()
}

/// Sets a written programme's `first_period` to the month `months` before the
/// one holding `today` (shipped programmes say "2025-01").
pub(crate) fn start_months_back(
    dir: &Path,
    today: jiff::civil::Date,
    months: i64,
) -> anyhow::Result<()> {
    use clause9_core::period::{Frequency, Period};
    use jiff::ToSpan;
    let path = dir.join("clause9.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let first = Period::containing(Frequency::Monthly, today)
        .first_day()
        .checked_sub(months.months())
        .map(|d| Period::containing(Frequency::Monthly, d))
        .map_err(|e| anyhow::anyhow!("cannot compute the first period: {e}"))?;
    let text = text.replacen(
        "first_period = \"2025-01\"",
        &format!("first_period = \"{first}\""),
        1,
    );
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}
