//! Evidence given with manual values: a link is kept as is; a file is hashed
//! (SHA-256) and a copy is kept in the programme's evidence vault
//! (`DIR/.clause9/evidence/<sha256>`), so the value can be traced later even if
//! the original file moves.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use clause9_core::observation::Evidence;
use sha2::{Digest, Sha256};

use crate::error::{CliError, CliResult};

/// Is this evidence argument a link rather than a file?
pub(crate) fn is_link(arg: &str) -> bool {
    arg.starts_with("https://") || arg.starts_with("http://")
}

/// Evidence checked and hashed, not yet kept: `keep` it once the value is stored.
pub(crate) struct Resolved {
    pub evidence: Evidence,
    bytes: Option<Vec<u8>>,
}

impl Resolved {
    pub(crate) fn none() -> Self {
        Resolved {
            evidence: Evidence::default(),
            bytes: None,
        }
    }

    /// Keeps a copy of a file's bytes in the programme's evidence vault.
    pub(crate) fn keep(&self, dir: &Path) -> CliResult {
        match (&self.bytes, &self.evidence.sha256) {
            (Some(bytes), Some(sha256)) => keep_copy(dir, sha256, bytes),
            _ => Ok(()),
        }
    }
}

/// Resolves an evidence argument: a relative file is looked up from the current
/// directory, then from `also` (e.g. the imported CSV's folder), then from the
/// programme directory.
pub(crate) fn resolve(programme: &Path, also: Option<&Path>, arg: &str) -> CliResult<Resolved> {
    if is_link(arg) {
        if arg.chars().any(char::is_whitespace) || arg.len() > 2048 {
            return Err(CliError::invalid(format!(
                "evidence link `{arg}` is not a valid URL"
            )));
        }
        let evidence = Evidence {
            url: Some(arg.to_string()),
            ..Evidence::default()
        };
        return Ok(Resolved {
            evidence,
            bytes: None,
        });
    }
    let direct = Path::new(arg);
    let path = std::iter::once(direct.to_path_buf())
        .chain(also.map(|d| d.join(arg)))
        .chain(std::iter::once(programme.join(arg)))
        .find(|p| p.is_file());
    let Some(path) = path else {
        return Err(CliError::invalid(format!(
            "evidence file `{arg}` not found (give an existing file, or an https:// link)"
        )));
    };
    let bytes = std::fs::read(&path)
        .map_err(|e| CliError::invalid(format!("cannot read evidence `{arg}`: {e}")))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let evidence = Evidence {
        name: Some(display_name(programme, &path)),
        sha256: Some(sha256),
        size: Some(bytes.len() as u64),
        url: None,
    };
    Ok(Resolved {
        evidence,
        bytes: Some(bytes),
    })
}

/// The evidence file's name relative to the programme directory when inside it.
fn display_name(dir: &Path, path: &Path) -> String {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    match (canonical(dir), canonical(path)) {
        (Some(d), Some(p)) => match p.strip_prefix(&d) {
            Ok(rel) => rel.to_string_lossy().into_owned(),
            Err(_) => p.file_name().map_or_else(
                || p.to_string_lossy().into_owned(),
                |n| n.to_string_lossy().into_owned(),
            ),
        },
        _ => path.to_string_lossy().into_owned(),
    }
}

/// Writes the bytes to the vault under their hash (atomically, once).
fn keep_copy(dir: &Path, sha256: &str, bytes: &[u8]) -> CliResult {
    let vault = dir.join(".clause9").join("evidence");
    let target = vault.join(sha256);
    if target.is_file() {
        return Ok(());
    }
    std::fs::create_dir_all(&vault)
        .with_context(|| format!("cannot create {}", vault.display()))?;
    let tmp = vault.join(format!(".{sha256}.{}", std::process::id()));
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &target)
        .with_context(|| format!("cannot store evidence in {}", vault.display()))?;
    Ok(())
}
