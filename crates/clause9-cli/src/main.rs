//! The `clause9` command: parses the command line, runs one command and maps
//! its outcome to the exit code (0 success, 1 failure while running, 2 invalid input).

mod cli;
mod cli_workflow;
mod commands;
mod context;
mod demo;
mod error;
mod evidence;
mod output;
mod registers;
mod starter;
mod workflow;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let today = match cli.today.as_deref().map(context::parse_today).transpose() {
        Ok(day) => day,
        Err(e) => return e.report(),
    };
    context::set_today(today);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
