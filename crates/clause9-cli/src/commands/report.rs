//! `clause9 report [DIR] --period P [--audience X] --format F [-o FILE]`:
//! issues a performance report and archives its SHA-256 in the store;
//! `clause9 reports [DIR]` lists issued reports and `clause9 reports verify
//! [DIR] FILE` says whether a file is an unaltered issued report.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clause9_app::records::Actor;
use clause9_app::reports;
use clause9_report::{Format, sha256};

use super::record::recorder;
use crate::cli::{ReportFormat, StoreArgs};
use crate::context::{load_programme, open_store, period_or_current, split_dir, today};
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Html => Format::Html,
            ReportFormat::Pdf => Format::Pdf,
            ReportFormat::Md => Format::Markdown,
            ReportFormat::Xlsx => Format::Xlsx,
            ReportFormat::Json => Format::Json,
        }
    }
}

pub(super) struct ReportArgs<'a> {
    pub dir: &'a Path,
    pub period: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub format: Format,
    pub output: Option<&'a Path>,
    pub by: Option<&'a str>,
    pub store: &'a StoreArgs,
}

pub(super) async fn run(args: ReportArgs<'_>) -> CliResult {
    let programme = load_programme(args.dir)?;
    let issued_by = recorder(&programme, args.by)?;
    let period = period_or_current(&programme, args.period)?;
    let path: PathBuf = match args.output {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(reports::file_name(period, args.audience, args.format)),
    };
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let store = open_store(args.dir, args.store).await?;
    let actor = Actor::local(
        &issued_by,
        today(&programme),
        crate::context::now(&programme),
    );
    let request = reports::Request {
        period,
        audience: args.audience.map(str::to_string),
        format: args.format,
        file_name,
    };
    let issued = reports::issue(store.as_ref(), &programme, &actor, request).await?;
    std::fs::write(&path, &issued.bytes).with_context(|| {
        format!(
            "cannot write {}; check the path and its permissions (the report is archived as #{})",
            path.display(),
            issued.archived.id
        )
    })?;
    eprintln!(
        "wrote {} ({} bytes, sha256 {}); archived as issued report #{}",
        path.display(),
        issued.bytes.len(),
        issued.archived.new.sha256,
        issued.archived.id
    );
    Ok(())
}

/// `clause9 reports [DIR]` or `clause9 reports verify [DIR] FILE`.
pub(super) async fn reports(args: &[String], json: bool, store_args: &StoreArgs) -> CliResult {
    if args.first().is_some_and(|a| a == "verify") {
        let rest = &args[1..];
        if rest.is_empty() || rest.len() > 2 {
            return Err(CliError::invalid(
                "usage: clause9 reports verify [DIR] FILE",
            ));
        }
        let (dir, file) = split_dir(rest, 1);
        return verify(&dir, Path::new(&file[0]), json, store_args).await;
    }
    if args.len() > 1 {
        return Err(CliError::invalid(
            "usage: clause9 reports [DIR]  or  clause9 reports verify [DIR] FILE",
        ));
    }
    let dir = args
        .first()
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    load_programme(&dir)?;
    let store = open_store(&dir, store_args).await?;
    let issued = store.reports().issued().await?;
    if json {
        return Ok(output::json(&issued)?);
    }
    if issued.is_empty() {
        say("no reports issued yet (issue one with `clause9 report --period P --format pdf`)");
        return Ok(());
    }
    let rows = issued
        .iter()
        .map(|r| {
            vec![
                Cell::from(format!("#{}", r.id)),
                Cell::from(r.new.issued_at.strftime("%Y-%m-%d %H:%M UTC").to_string()),
                Cell::from(r.new.period.clone()),
                Cell::from(r.new.format.clone()),
                Cell::from(r.new.audience.clone().unwrap_or_else(|| "everyone".into())),
                Cell::from(r.new.issued_by.clone()),
                Cell::from(r.new.file_name.clone()),
                Cell::from(r.new.sha256[..16].to_string()),
            ]
        })
        .collect();
    output::table(
        &[
            "id", "issued", "period", "format", "audience", "by", "file", "sha256",
        ],
        rows,
    );
    Ok(())
}

async fn verify(dir: &Path, file: &Path, json: bool, store_args: &StoreArgs) -> CliResult {
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::invalid(format!("{}: cannot read: {e}", file.display())))?;
    let hash = sha256(&bytes);
    load_programme(dir)?;
    let store = open_store(dir, store_args).await?;
    let found = store.reports().issued_with_sha256(&hash).await?;
    if json {
        output::json(
            &serde_json::json!({ "file": file.display().to_string(), "sha256": hash, "issued": found }),
        )?;
    }
    match found.first() {
        Some(r) => {
            if !json {
                say(format!(
                    "{} is an unaltered issued report: #{} for {} ({}{}), issued {} by {} as {}",
                    file.display(),
                    r.id,
                    r.new.period,
                    r.new.format,
                    r.new
                        .audience
                        .as_ref()
                        .map_or(String::new(), |a| format!(", audience {a}")),
                    r.new.issued_at.strftime("%Y-%m-%d %H:%M UTC"),
                    r.new.issued_by,
                    r.new.file_name
                ));
            }
            Ok(())
        }
        None => Err(CliError::Failed(anyhow::anyhow!(
            "{} is not an issued report: no report with sha256 {hash} was issued from this store; it was altered or never issued",
            file.display()
        ))),
    }
}
