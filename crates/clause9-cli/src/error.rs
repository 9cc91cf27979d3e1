//! Command errors: invalid input (exit 2) or a failure while running (exit 1).

use std::process::ExitCode;

use clause9_core::Diagnostic;

#[derive(Debug)]
pub(crate) enum CliError {
    /// The programme has errors: printed as PATH:LINE:COLUMN: message.
    Programme(Vec<Diagnostic>),
    /// Bad input from the user: each line says what is wrong and what to do.
    Invalid(Vec<String>),
    /// Something failed while running.
    Failed(anyhow::Error),
}

pub(crate) type CliResult<T = ()> = Result<T, CliError>;

impl CliError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        CliError::Invalid(vec![message.into()])
    }

    pub(crate) fn report(self) -> ExitCode {
        match self {
            CliError::Programme(diagnostics) => {
                for d in &diagnostics {
                    eprintln!("{d}");
                }
                let n = diagnostics.len();
                eprintln!("{n} problem{} found", if n == 1 { "" } else { "s" });
                ExitCode::from(2)
            }
            CliError::Invalid(lines) => {
                for l in lines {
                    eprintln!("error: {l}");
                }
                ExitCode::from(2)
            }
            CliError::Failed(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            }
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Failed(e)
    }
}

impl From<clause9_store::StoreError> for CliError {
    fn from(e: clause9_store::StoreError) -> Self {
        CliError::Failed(anyhow::Error::new(e))
    }
}
