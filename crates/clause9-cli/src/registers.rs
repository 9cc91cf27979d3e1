//! Reading the `registers/` folder of a programme and loading it together
//! with the programme, so that every problem of both is reported at once.

use std::path::Path;

use clause9_core::load::registers::{FILES, load_registers};
use clause9_core::registers::Registers;
use clause9_core::{Programme, SourceFile};

use crate::context::read_files;
use crate::error::{CliError, CliResult};

/// The `*.toml` files of DIR/registers, sorted (none when the folder is absent).
pub fn read_register_files(dir: &Path) -> CliResult<Vec<SourceFile>> {
    let folder = dir.join("registers");
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .map_err(|e| CliError::invalid(format!("{}: cannot list: {e}", folder.display())))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)
                .map_err(|e| CliError::invalid(format!("{}: cannot read: {e}", p.display())))?;
            Ok(SourceFile {
                path: p.display().to_string(),
                text,
            })
        })
        .collect()
}

/// Loads the programme and its registers; problems of both are reported together.
pub fn load_all(dir: &Path) -> CliResult<(Programme, Registers)> {
    let (settings, measures) = read_files(dir)?;
    let registers = read_register_files(dir)?;
    match clause9_core::load(&settings, &measures) {
        Ok(programme) => {
            let regs = load_registers(&registers, &programme).map_err(CliError::Programme)?;
            Ok((programme, regs))
        }
        // the registers refer to the programme: they are checked once it is valid
        Err(diagnostics) => Err(CliError::Programme(diagnostics)),
    }
}

/// The register file of a kind, as a path under DIR.
pub fn file_of(dir: &Path, file: &str) -> std::path::PathBuf {
    debug_assert!(FILES.iter().any(|(f, _)| *f == file));
    dir.join("registers").join(file)
}
