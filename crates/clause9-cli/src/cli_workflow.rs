//! The command line of the workflow commands: registers, nonconformities,
//! audits, management reviews and OSCAL exports (clap).
//!
//! The doc comments here are the `--help` text, written for the terminal:
//! `[DIR]` is an optional argument, not a link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::cli::{Format, StoreArgs};

/// Who records a step, when it happened and why.
#[derive(Debug, Clone, Args)]
pub(crate) struct Step {
    /// The person recording (a person id); default: $CLAUSE9_PERSON, else the local account
    #[arg(long, env = "CLAUSE9_PERSON")]
    pub by: Option<String>,
    /// The date it happened (default: today)
    #[arg(long)]
    pub on: Option<String>,
    /// Why (recorded with the step)
    #[arg(long)]
    pub why: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Options of every list.
#[derive(Debug, Clone, Args)]
pub(crate) struct ListArgs {
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DocFormat {
    Md,
    Html,
    Json,
    /// PDF (a binary file: needs -o FILE)
    Pdf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RegisterCommand {
    /// Append rows from CSV to a register (context, parties, feedback, risks, soa, auditors): all or nothing
    Import {
        /// [DIR] KIND FILE.csv
        #[arg(required = true, num_args = 2..=3)]
        args: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum NcCommand {
    /// Nonconformities with their state and what is overdue
    List {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Include closed ones
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// One nonconformity with its whole history
    Show {
        /// [DIR] ID
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Raise a nonconformity
    Raise {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// audit_finding, red_indicator, incident, management_review or other
        #[arg(long)]
        source: String,
        /// The reference of the source (incident number, review id, …)
        #[arg(long, default_value = "")]
        reference: String,
        #[arg(long)]
        description: String,
        /// major or minor
        #[arg(long, default_value = "minor")]
        severity: String,
        #[arg(long)]
        area: Option<String>,
        #[arg(long = "control")]
        controls: Vec<String>,
        #[command(flatten)]
        step: Step,
    },
    /// Record the correction or containment
    Correct {
        /// [DIR] ID
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long)]
        correction: String,
        #[command(flatten)]
        step: Step,
    },
    /// Record the root cause analysis (five whys or free text) and the extent
    Analyse {
        /// [DIR] ID
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        /// One "why" of the five-whys chain (repeat, in order)
        #[arg(long = "why-chain")]
        whys: Vec<String>,
        #[arg(long, default_value = "")]
        cause: String,
        /// Could it happen elsewhere, and where
        #[arg(long)]
        extent: String,
        #[command(flatten)]
        step: Step,
    },
    /// Plan a corrective action (owner, due date and success criterion required)
    Action {
        /// [DIR] ID
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        due: Option<String>,
        /// How success is measured
        #[arg(long)]
        success: Option<String>,
        #[command(flatten)]
        step: Step,
    },
    /// Record an action as implemented
    Implement {
        /// [DIR] ID ACTION
        #[arg(required = true, num_args = 2..=3)]
        args: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        step: Step,
    },
    /// Plan the effectiveness check: manual, or through a measure (--measure, --periods)
    Check {
        /// [DIR] ID
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long)]
        date: String,
        #[arg(long)]
        measure: Option<String>,
        #[arg(long, default_value_t = 3)]
        periods: u32,
        #[command(flatten)]
        step: Step,
    },
    /// Verify effectiveness: automatic for a measure check, else --effective/--not-effective with --evidence
    Verify {
        /// [DIR] ID
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long, conflicts_with = "not_effective")]
        effective: bool,
        #[arg(long)]
        not_effective: bool,
        #[arg(long, default_value = "")]
        evidence: String,
        #[command(flatten)]
        step: Step,
    },
    /// Verify every automatic (measure) check whose date has come
    VerifyDue {
        #[arg(default_value = ".")]
        dir: std::path::PathBuf,
        #[command(flatten)]
        step: Step,
    },
    /// Close a verified nonconformity
    Close {
        /// [DIR] ID
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[command(flatten)]
        step: Step,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Generate the risk-based audit programme over a cycle
    Plan {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// First month (default: next month)
        #[arg(long)]
        start: Option<String>,
        /// Cycle length (default: registers/audit.toml, else 36)
        #[arg(long)]
        months: Option<u32>,
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Plan an audit: scope items are REQUIREMENT or REQUIREMENT@AREA
    Create {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long)]
        title: String,
        #[arg(long)]
        objectives: String,
        #[arg(long = "scope", required = true)]
        scope: Vec<String>,
        #[arg(
            long,
            default_value = "ISO/IEC 27001:2022 and the organisation's ISMS documentation"
        )]
        criteria: String,
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: String,
        #[arg(
            long,
            default_value = "interviews, document review, sampling of records"
        )]
        methods: String,
        #[arg(long = "auditor")]
        auditors: Vec<String>,
        #[command(flatten)]
        step: Step,
    },
    /// Assign an auditor (refused when not independent or not competent)
    Assign {
        /// [DIR] AUDIT PERSON
        #[arg(required = true, num_args = 2..=3)]
        args: Vec<String>,
        #[command(flatten)]
        step: Step,
    },
    /// Record a finding; a major or minor nonconformity opens a 10.2 record
    Finding {
        /// [DIR] AUDIT
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        /// REQUIREMENT or REQUIREMENT@AREA, in the audit's scope
        #[arg(long)]
        item: String,
        #[arg(long)]
        grade: String,
        #[arg(long)]
        statement: String,
        #[arg(long)]
        evidence: String,
        #[command(flatten)]
        step: Step,
    },
    /// Complete an audit (its record then no longer changes)
    Complete {
        /// [DIR] AUDIT
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long)]
        summary: String,
        #[command(flatten)]
        step: Step,
    },
    /// Audits with their state and findings
    List {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        list: ListArgs,
    },
    /// The checklist generated from an audit's scope
    Checklist {
        /// [DIR] AUDIT
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The audit report (Markdown or HTML)
    Report {
        /// [DIR] AUDIT
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// What the current cycle has audited, and what is overdue
    Coverage {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Start of the cycle (default: the programme's first period)
        #[arg(long)]
        since: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ReviewCommand {
    /// Assemble the input pack from live data
    Prepare {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long)]
        date: String,
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Open the minutes of a review
    Open {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long)]
        date: String,
        #[arg(long)]
        chair: String,
        #[arg(long, default_value = "Management review")]
        title: String,
        #[command(flatten)]
        step: Step,
    },
    /// Record attendees
    Attend {
        /// [DIR] REVIEW
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long = "person", required = true)]
        people: Vec<String>,
        #[command(flatten)]
        step: Step,
    },
    /// Record the discussion of an input (a, b, c, d1, d2, d3, d4, e, f, g)
    Discuss {
        /// [DIR] REVIEW
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long)]
        input: String,
        #[arg(long)]
        text: String,
        #[command(flatten)]
        step: Step,
    },
    /// Record a decision (improvement, change or resource)
    Decide {
        /// [DIR] REVIEW
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        text: String,
        #[command(flatten)]
        step: Step,
    },
    /// Add an action item (owner and due date required)
    Action {
        /// [DIR] REVIEW
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long)]
        description: String,
        #[arg(long)]
        owner: String,
        #[arg(long)]
        due: String,
        #[command(flatten)]
        step: Step,
    },
    /// The chair signs the minutes: the record is locked
    Sign {
        /// [DIR] REVIEW
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[command(flatten)]
        step: Step,
    },
    /// Record an action item as done (allowed after signing)
    Done {
        /// [DIR] REVIEW ACTION
        #[arg(required = true, num_args = 2..=3)]
        args: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        step: Step,
    },
    /// The minutes of a review
    Minutes {
        /// [DIR] REVIEW
        #[arg(required = true, num_args = 1..=2)]
        args: Vec<String>,
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Reviews and their open action items
    List {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        list: ListArgs,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum OscalCommand {
    /// Audits with their observations and findings as OSCAL assessment results
    AssessmentResults {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(short = 'o', long)]
        output: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Open nonconformities and their actions as an OSCAL plan of action and milestones
    Poam {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(short = 'o', long)]
        output: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
}
