//! `clause9 serve [DIR] [--listen ADDR] [--database-url URL]`: runs the HTTP
//! server until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::Path;

use clause9_server::{ServeOptions, Settings};

use crate::cli::StoreArgs;
use crate::error::{CliError, CliResult};

pub async fn run(dir: &Path, listen: &str, insecure_cookies: bool, store: &StoreArgs) -> CliResult {
    if !dir.join("clause9.toml").is_file() {
        return Err(CliError::invalid(format!(
            "{} is not a clause9 programme: no clause9.toml (create one with `clause9 init {}`)",
            dir.display(),
            dir.display()
        )));
    }
    let listen: SocketAddr = listen.parse().map_err(|_| {
        CliError::invalid(format!(
            "--listen `{listen}` is not an address such as 127.0.0.1:8080"
        ))
    })?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CLAUSE9_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let options = ServeOptions {
        dir: dir.to_path_buf(),
        listen,
        database_url: store.database_url.clone(),
        settings: Settings {
            secure_cookies: !insecure_cookies,
            ..Settings::default()
        },
    };
    clause9_server::serve(options).await?;
    Ok(())
}
