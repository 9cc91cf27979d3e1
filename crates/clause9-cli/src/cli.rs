//! The command line: every command, its arguments and flags (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "clause9",
    version,
    about = "Measure, analyse and evaluate an ISMS (ISO/IEC 27001 clause 9)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the store is; shared by every command that reads or writes values.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Store URL (`postgres://…` for a shared server); default: DIR/.clause9/clause9.db
    #[arg(long, env = "CLAUSE9_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a starter programme (or, with --library, the full measure library)
    Init {
        /// Directory to create the programme in
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write the measure library (40+ constructs) instead of the starter
        #[arg(long)]
        library: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Check every programme file and print every problem as PATH:LINE:COLUMN: message
    Validate {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run the query base measures due for a period (or a range) and store their values
    Collect {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The period to collect, e.g. 2026-10 or 2026-Q4
        #[arg(long, conflicts_with_all = ["from", "to"])]
        period: Option<String>,
        /// First period of a backfill (with --to)
        #[arg(long, requires = "to")]
        from: Option<String>,
        /// Last period of a backfill (with --from)
        #[arg(long, requires = "from")]
        to: Option<String>,
        /// Only this measure's query base measures
        #[arg(long)]
        measure: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Store manual base values: clause9 record [DIR] MEASURE --period P BASE=VALUE…
    Record {
        /// [DIR] MEASURE BASE=VALUE…  (DIR is optional and defaults to the current directory)
        #[arg(required = true, num_args = 1..)]
        args: Vec<String>,
        #[arg(long)]
        period: String,
        /// An evidence file (hashed and kept) or an https:// link
        #[arg(long)]
        evidence: Option<String>,
        /// Why an already stored value is being corrected (required to correct one)
        #[arg(long)]
        reason: Option<String>,
        /// The person recording (a person id); default: $CLAUSE9_PERSON, else the local account
        #[arg(long, env = "CLAUSE9_PERSON")]
        by: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Evaluate every active measure for a period
    Evaluate {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Period such as 2026-10, 2026-Q4, 2026-H2, 2026 or 2026-W44; default: the current month
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// What is due, collected, missing and overdue, grouped by collector
    Status {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Every stored value of a measure with its provenance, corrections included
    History {
        /// [DIR] MEASURE
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Import manual values from CSV (measure,period,base,value,evidence[,reason]): all or nothing
    Import {
        /// [DIR] FILE.csv
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long, env = "CLAUSE9_PERSON")]
        by: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
}
