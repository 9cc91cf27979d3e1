//! The command line: every command, its arguments and flags (clap).
//!
//! The doc comments here are the `--help` text, written for the terminal:
//! `[DIR]` is an optional argument, not a link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "clause9",
    version,
    about = "Measure, analyse and evaluate an ISMS (ISO/IEC 27001 clause 9)"
)]
pub(crate) struct Cli {
    /// Run as if today were DATE (YYYY-MM-DD) in the programme's timezone: due
    /// and overdue work, default periods and dates, and the time values and
    /// records are stored with. For rehearsals and tests; a note says so on
    /// standard error.
    #[arg(long, global = true, env = "CLAUSE9_TODAY", value_name = "DATE")]
    pub today: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the store is; shared by every command that reads or writes values.
#[derive(Debug, Clone, Args)]
pub(crate) struct StoreArgs {
    /// Store URL (`postgres://…` for a shared server); default: DIR/.clause9/clause9.db
    #[arg(long, env = "CLAUSE9_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

/// Sign-in through an OpenID Connect provider (optional). The client secret
/// is read only from the environment variable `CLAUSE9_OIDC_CLIENT_SECRET`.
#[derive(Debug, Clone, Args)]
pub(crate) struct OidcArgs {
    /// The provider's issuer URL (turns OIDC sign-in on)
    #[arg(long, env = "CLAUSE9_OIDC_ISSUER", value_name = "URL")]
    pub oidc_issuer: Option<String>,
    /// This server's client id at the provider
    #[arg(long, env = "CLAUSE9_OIDC_CLIENT_ID", value_name = "ID")]
    pub oidc_client_id: Option<String>,
    /// The provider's name on the sign-in page ("Sign in with NAME"); default: the issuer's host
    #[arg(long, env = "CLAUSE9_OIDC_NAME", value_name = "NAME")]
    pub oidc_name: Option<String>,
    /// The ID token claim that must equal the clause9 username
    #[arg(long, value_enum, default_value = "preferred-username")]
    pub oidc_username_claim: OidcClaim,
    /// The URL browsers reach this server at (the callback is PUBLIC_URL/oidc/callback)
    #[arg(long, env = "CLAUSE9_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OidcClaim {
    /// `preferred_username`
    PreferredUsername,
    /// `email` (the provider must have verified it)
    Email,
}

/// When `serve` collects query base measures (durations like `90s`, `10m`, `2h`).
#[derive(Debug, Clone, Args)]
pub(crate) struct ScheduleArgs {
    /// Do not collect query base measures on a schedule
    #[arg(long)]
    pub no_scheduled_collection: bool,
    /// Collect a period this long after it ends
    #[arg(long, default_value = "2h", value_name = "DURATION")]
    pub collect_delay: String,
    /// Wait before the first retry of failed values; doubled after each failure
    #[arg(long, default_value = "1m", value_name = "DURATION")]
    pub collect_backoff: String,
    /// Longest wait between retries
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub collect_max_backoff: String,
    /// Attempts per period before giving up
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub collect_attempts: u32,
    /// How many ended periods of each collection frequency to look back at
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub collect_catch_up: u32,
    /// How often to look for ended periods
    #[arg(long, default_value = "1m", value_name = "DURATION")]
    pub collect_every: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

/// The formats of `clause9 report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Pdf,
    Md,
    Xlsx,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
    /// Write a demonstration organisation (the library with two years of history)
    Demo {
        #[arg(default_value = "clause9-demo")]
        dir: PathBuf,
        /// Address to serve on
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Only write the demo, do not serve it
        #[arg(long)]
        no_serve: bool,
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
        /// An evidence file (hashed and kept) or an http(s):// link
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
    /// One measure's trend, control chart, forecast and data quality: clause9 analyse [DIR] MEASURE
    Analyse {
        /// [DIR] MEASURE
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        /// Analyse up to this period; default: the current month
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Issue a performance report (HTML, PDF, Markdown, XLSX or JSON) and archive its SHA-256
    Report {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Period such as 2026-10 or 2026-Q4; default: the current month
        #[arg(long)]
        period: Option<String>,
        /// Keep the measures whose information customers include this group or person
        #[arg(long)]
        audience: Option<String>,
        #[arg(long, value_enum)]
        format: ReportFormat,
        /// Output file; default: report-PERIOD[-AUDIENCE].EXT in the current directory
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// The person issuing it (a person id); default: $CLAUSE9_PERSON, else the local account
        #[arg(long, env = "CLAUSE9_PERSON")]
        by: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List issued reports: clause9 reports [DIR]; check a file: clause9 reports verify [DIR] FILE
    Reports {
        /// [DIR]  or  verify [DIR] FILE
        #[arg(num_args = 0..=3)]
        args: Vec<String>,
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
    /// ISMS registers kept as files under registers/ (CSV import)
    #[command(subcommand)]
    Register(crate::cli_workflow::RegisterCommand),
    /// Nonconformities and corrective actions (10.2)
    #[command(subcommand)]
    Nc(crate::cli_workflow::NcCommand),
    /// The internal audit programme and audits (9.2)
    #[command(subcommand)]
    Audit(crate::cli_workflow::AuditCommand),
    /// Management reviews (9.3)
    #[command(subcommand)]
    Review(crate::cli_workflow::ReviewCommand),
    /// OSCAL exports (assessment results, plan of action and milestones)
    #[command(subcommand)]
    Oscal(crate::cli_workflow::OscalCommand),
    /// Run the HTTP server (REST API under /api/v1, /metrics, /healthz, /readyz)
    Serve {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Send the session cookie without `Secure` (only behind no TLS, for local testing)
        #[arg(long)]
        insecure_cookies: bool,
        #[command(flatten)]
        schedule: ScheduleArgs,
        #[command(flatten)]
        oidc: OidcArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Manage server accounts
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage API tokens
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// List the tamper-evident audit log, or check it with `audit-log verify`
    AuditLog {
        #[command(subcommand)]
        action: Option<AuditAction>,
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Only entries at or after this date (UTC) or RFC 3339 time
        #[arg(long)]
        since: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// `[DIR] NAME` arguments and `--by`, shared by account commands.
#[derive(Debug, Clone, Args)]
pub(crate) struct AccountTarget {
    /// [DIR] NAME  (DIR is optional and defaults to the current directory)
    #[arg(required = true, num_args = 1..=2)]
    pub args: Vec<String>,
    /// Who makes the change (a person id); default: $CLAUSE9_PERSON, else the local account
    #[arg(long, env = "CLAUSE9_PERSON")]
    pub by: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserAction {
    /// Add a user (password read from standard input): user add [DIR] USERNAME --person P --role R
    Add {
        #[command(flatten)]
        target: AccountTarget,
        /// The person of the programme the user acts as
        #[arg(long)]
        person: String,
        #[arg(long, value_parser = ["admin", "owner", "collector", "analyst", "auditor", "reviewer", "viewer"])]
        role: String,
    },
    /// List users
    List {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Disable a user and end its sessions: user disable [DIR] USERNAME
    Disable {
        #[command(flatten)]
        target: AccountTarget,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenAction {
    /// Create an API token (shown once): token create [DIR] USERNAME [--name N] [--expires DAYS]
    Create {
        #[command(flatten)]
        target: AccountTarget,
        #[arg(long, default_value = "api")]
        name: String,
        /// Days until the token expires (default: never)
        #[arg(long)]
        expires: Option<u32>,
    },
    /// List tokens (never their secrets)
    List {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke a token: token revoke [DIR] NUMBER
    Revoke {
        #[command(flatten)]
        target: AccountTarget,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditAction {
    /// Check the whole hash chain; report the first entry edited, inserted or deleted (exit 1)
    Verify {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[command(flatten)]
        store: StoreArgs,
    },
}
