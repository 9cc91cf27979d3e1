//! Reading a programme directory from disk, for the command line and the
//! server alike: `clause9.toml`, `measures/**/*.toml` and
//! `registers/*.toml`, each list sorted so every reader sees the files in
//! the same order. Errors name the file and what failed.

use std::path::{Path, PathBuf};

use clause9_core::SourceFile;

/// The programme files of DIR: `clause9.toml` and `measures/**/*.toml`, sorted.
pub fn read_files(dir: &Path) -> Result<(SourceFile, Vec<SourceFile>), String> {
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map(|text| SourceFile {
                path: path.display().to_string(),
                text,
            })
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))
    };
    let settings = read(&dir.join("clause9.toml"))?;
    let mut paths = Vec::new();
    let measures = dir.join("measures");
    if measures.is_dir() {
        collect_toml(&measures, &mut paths)?;
    }
    paths.sort();
    let files = paths.iter().map(|p| read(p)).collect::<Result<_, _>>()?;
    Ok((settings, files))
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_toml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// The `*.toml` files of DIR/registers, sorted (none when the folder is absent).
pub fn read_register_files(dir: &Path) -> Result<Vec<SourceFile>, String> {
    let folder = dir.join("registers");
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .map_err(|e| format!("{}: cannot list: {e}", folder.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .map(|text| SourceFile {
                    path: p.display().to_string(),
                    text,
                })
                .map_err(|e| format!("{}: cannot read: {e}", p.display()))
        })
        .collect()
}
