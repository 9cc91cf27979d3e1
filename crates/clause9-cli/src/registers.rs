//! Reading the `registers/` folder of a programme and loading it together
//! with the programme, so that every problem of both is reported at once.

use std::path::Path;

use clause9_core::load::registers::{FILES, load_registers};
use clause9_core::registers::Registers;
use clause9_core::{Programme, SourceFile};

use crate::context::read_files;
use crate::error::{CliError, CliResult};

/// The `*.toml` files of DIR/registers, sorted (none when the folder is
/// absent), read as the server reads them.
pub(crate) fn read_register_files(dir: &Path) -> CliResult<Vec<SourceFile>> {
    clause9_app::files::read_register_files(dir).map_err(CliError::invalid)
}

/// Loads the programme and its registers; problems of both are reported together.
pub(crate) fn load_all(dir: &Path) -> CliResult<(Programme, Registers)> {
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
pub(crate) fn file_of(dir: &Path, file: &str) -> std::path::PathBuf {
    debug_assert!(FILES.iter().any(|(f, _)| *f == file));
    dir.join("registers").join(file)
}
