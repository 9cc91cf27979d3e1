//! Evidence file formats: what a table's files are (by name and, for `.json`,
//! by content), gzip, glob expansion kept inside the programme directory,
//! hashing, and the CSV delimiter sniffed from the header line.

use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};

use crate::error::Failure;
use crate::provenance::FileRead;

/// How a table's files are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Csv,
    /// One JSON object per line (`.ndjson`, `.jsonl`).
    Ndjson,
    /// `.json`: one document (an object or an array of objects), or
    /// several objects one after another (read like NDJSON).
    Json,
    Parquet,
}

/// A file's format and whether it is gzip-compressed, from its name.
pub(super) fn detect(path: &Path) -> Result<(Format, bool), Failure> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (stem, gz) = match name.strip_suffix(".gz") {
        Some(s) => (s.to_string(), true),
        None => (name.clone(), false),
    };
    let format = match stem.rsplit_once('.').map(|(_, e)| e) {
        Some("csv" | "tsv" | "txt") => Format::Csv,
        Some("ndjson" | "jsonl") => Format::Ndjson,
        Some("json") => Format::Json,
        Some("parquet") if !gz => Format::Parquet,
        _ => {
            return Err(Failure::Files(format!(
                "`{name}`: unknown file type; use .csv, .tsv, .ndjson, .jsonl, .json (each optionally .gz) or .parquet"
            )));
        }
    };
    Ok((format, gz))
}

/// The files of a table: a path or a glob relative to `dir`, sorted, every
/// one a regular file inside `dir` (symbolic links may not lead out).
pub(super) fn expand(dir: &Path, pattern: &str) -> Result<Vec<PathBuf>, Failure> {
    let root = dir
        .canonicalize()
        .map_err(|e| Failure::Files(format!("programme directory {}: {e}", dir.display())))?;
    let full = root.join(pattern);
    let text = full.to_string_lossy().to_string();
    let mut out = Vec::new();
    if pattern.contains(['*', '?', '[']) {
        let paths = glob::glob(&text)
            .map_err(|e| Failure::Files(format!("`{pattern}` is not a valid glob: {e}")))?;
        for p in paths {
            let p = p.map_err(|e| Failure::Files(format!("`{pattern}`: {e}")))?;
            if p.is_file() {
                out.push(p);
            }
        }
    } else if full.is_file() {
        out.push(full);
    }
    if out.is_empty() {
        return Err(Failure::Files(format!(
            "no evidence file matches `{pattern}` in {}",
            dir.display()
        )));
    }
    for p in &mut out {
        let real = p
            .canonicalize()
            .map_err(|e| Failure::Files(format!("{}: {e}", p.display())))?;
        if !real.starts_with(&root) {
            return Err(Failure::Refused(format!(
                "`{}` leads outside the programme directory",
                p.display()
            )));
        }
        *p = real;
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// SHA-256 and size of a file, with its path relative to `root`.
pub(super) fn hash(root: &Path, path: &Path) -> Result<FileRead, Failure> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| Failure::Files(format!("cannot read {}: {e}", path.display())))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| Failure::Files(format!("cannot read {}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    Ok(FileRead {
        path: rel,
        sha256: hex::encode(h.finalize()),
        size,
    })
}

/// A reader over a file's (decompressed) bytes.
pub(super) fn open(path: &Path, gz: bool) -> Result<Box<dyn Read>, Failure> {
    let f = std::fs::File::open(path)
        .map_err(|e| Failure::Files(format!("cannot read {}: {e}", path.display())))?;
    Ok(if gz {
        Box::new(GzDecoder::new(std::io::BufReader::new(f)))
    } else {
        Box::new(std::io::BufReader::new(f))
    })
}

/// The delimiter of a CSV file: of `,` `;` tab and `|`, the one found most
/// often outside quotes in the header line (`,` when none is).
pub(super) fn sniff_delimiter(path: &Path, gz: bool) -> Result<u8, Failure> {
    let mut head = Vec::new();
    open(path, gz)?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| Failure::Files(format!("cannot read {}: {e}", path.display())))?;
    Ok(delimiter_of(&head))
}

/// The delimiter of a CSV file from its first bytes (gzip-compressed when
/// `gz`; a cut-off compressed head gives what could be decompressed).
pub(super) fn sniff_delimiter_bytes(raw: &[u8], gz: bool) -> u8 {
    if gz {
        let mut head = Vec::new();
        let _ = GzDecoder::new(raw).take(64 * 1024).read_to_end(&mut head);
        delimiter_of(&head)
    } else {
        delimiter_of(raw)
    }
}

fn delimiter_of(head: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &c in head {
        match c {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = candidates.iter().position(|d| *d == c) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..4)
        .max_by_key(|&i| (counts[i], usize::from(i == 0)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}
