//! One module per command; `run` dispatches.

pub(crate) mod analyse;
mod audit_log;
mod collect;
mod demo;
mod evaluate;
mod history;
mod import;
mod init;
pub(crate) mod record;
mod register;
mod report;
mod serve;
mod status;
mod user;
mod validate;

use crate::cli::{AuditAction, Command, TokenAction, UserAction};
use crate::error::CliResult;

pub(crate) async fn run(command: Command) -> CliResult {
    match command {
        Command::Init {
            dir,
            library,
            store,
        } => init::run(&dir, library, &store).await,
        Command::Demo {
            dir,
            listen,
            no_serve,
            store,
        } => demo::run(&dir, &listen, no_serve, &store).await,
        Command::Validate { dir } => validate::run(&dir),
        Command::Collect {
            dir,
            period,
            from,
            to,
            measure,
            store,
        } => {
            collect::run(
                &dir,
                period.as_deref(),
                from.as_deref(),
                to.as_deref(),
                measure.as_deref(),
                &store,
            )
            .await
        }
        Command::Record {
            args,
            period,
            evidence,
            reason,
            by,
            store,
        } => {
            record::run(
                &args,
                &period,
                evidence.as_deref(),
                reason.as_deref(),
                by.as_deref(),
                &store,
            )
            .await
        }
        Command::Evaluate {
            dir,
            period,
            format,
            store,
        } => evaluate::run(&dir, period.as_deref(), format, &store).await,
        Command::Analyse {
            args,
            period,
            format,
            store,
        } => analyse::run(&args, period.as_deref(), format, &store).await,
        Command::Report {
            dir,
            period,
            audience,
            format,
            output,
            by,
            store,
        } => {
            report::run(report::ReportArgs {
                dir: &dir,
                period: period.as_deref(),
                audience: audience.as_deref(),
                format: format.into(),
                output: output.as_deref(),
                by: by.as_deref(),
                store: &store,
            })
            .await
        }
        Command::Reports {
            args,
            format,
            store,
        } => report::reports(&args, format == crate::cli::Format::Json, &store).await,
        Command::Status {
            dir,
            period,
            format,
            store,
        } => status::run(&dir, period.as_deref(), format, &store).await,
        Command::History {
            args,
            format,
            store,
        } => history::run(&args, format, &store).await,
        Command::Import { args, by, store } => import::run(&args, by.as_deref(), &store).await,
        Command::Register(crate::cli_workflow::RegisterCommand::Import { args }) => {
            register::import(&args)
        }
        Command::Nc(c) => crate::workflow::nc::run(c).await,
        Command::Audit(c) => crate::workflow::audit::run(c).await,
        Command::Review(c) => crate::workflow::review::run(c).await,
        Command::Oscal(c) => crate::workflow::oscal::run(c).await,
        Command::Serve {
            dir,
            listen,
            insecure_cookies,
            schedule,
            oidc,
            store,
        } => serve::run(&dir, &listen, insecure_cookies, &schedule, &oidc, &store).await,
        Command::User { action } => match action {
            UserAction::Add {
                target,
                person,
                role,
            } => {
                user::add(
                    &target.args,
                    &person,
                    &role,
                    target.by.as_deref(),
                    &target.store,
                )
                .await
            }
            UserAction::List { dir, format, store } => user::list(&dir, format, &store).await,
            UserAction::Disable { target } => {
                user::disable(&target.args, target.by.as_deref(), &target.store).await
            }
        },
        Command::Token { action } => match action {
            TokenAction::Create {
                target,
                name,
                expires,
            } => {
                user::create_token(
                    &target.args,
                    &name,
                    expires,
                    target.by.as_deref(),
                    &target.store,
                )
                .await
            }
            TokenAction::List { dir, format, store } => {
                user::list_tokens(&dir, format, &store).await
            }
            TokenAction::Revoke { target } => {
                user::revoke_token(&target.args, target.by.as_deref(), &target.store).await
            }
        },
        Command::AuditLog {
            action: Some(AuditAction::Verify { dir, format, store }),
            ..
        } => audit_log::verify(&dir, format, &store).await,
        Command::AuditLog {
            action: None,
            dir,
            since,
            format,
            store,
        } => audit_log::list(&dir, since.as_deref(), format, &store).await,
    }
}
