//! Running the server: open the store, load and watch the programme, listen,
//! and shut down gracefully (in-flight requests finish) on a signal or when
//! the handle asks.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clause9_store::Store;
use clause9_store::audit_log::NewAuditEntry;
use notify::{RecursiveMode, Watcher};
use tokio::sync::oneshot;

use crate::programme::{ProgrammeCell, Reloaded};
use crate::state::{AppState, Settings};

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub dir: PathBuf,
    pub listen: SocketAddr,
    /// `postgres://…` or `sqlite://…`; default `DIR/.clause9/clause9.db`.
    pub database_url: Option<String>,
    pub settings: Settings,
    /// Run as if today were this day in the programme's timezone (`--today`);
    /// `None`: the system clock.
    pub today: Option<jiff::civil::Date>,
}

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    _watcher: Option<notify::RecommendedWatcher>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish, and waits.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.await.context("the server task failed")??;
        Ok(())
    }

    /// Waits until the server stops (after a shutdown signal).
    pub async fn wait(self) -> anyhow::Result<()> {
        let Running { task, shutdown, .. } = self;
        let _keep = shutdown;
        task.await.context("the server task failed")??;
        Ok(())
    }
}

pub async fn open_store(dir: &Path, url: Option<&str>) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match url {
        Some(url) => clause9_store::open(url).await?,
        None => {
            Arc::new(clause9_store::open_sqlite(&dir.join(".clause9").join("clause9.db")).await?)
        }
    })
}

/// Starts the server in the background; `signals` also stops it on
/// Ctrl-C / SIGTERM.
pub async fn start(options: ServeOptions, signals: bool) -> anyhow::Result<Running> {
    let store = open_store(&options.dir, options.database_url.as_deref()).await?;
    let programme = Arc::new(ProgrammeCell::open(&options.dir));
    let tz = programme
        .current()
        .map(|p| p.settings.timezone.clone())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let clock = clause9_app::Clock::as_of(options.today, &tz)?;
    if let Some(day) = options.today {
        tracing::warn!(
            "the clock is moved: today is {day} (--today); values and records are dated by it"
        );
    }
    let state = AppState::new(store, programme.clone(), options.settings, clock);
    report_reading(&state, initial(&programme)).await;
    spawn_notifier(&state);
    crate::housekeeping::spawn(&state);
    crate::corrective::spawn(&state);
    crate::collection::spawn(&state);
    let watcher = watch(&state)
        .map_err(|e| tracing::warn!("not watching the programme files: {e}"))
        .ok();
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}; choose another --listen address",
                options.listen
            )
        })?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let app = crate::api::router(state.clone());
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            if signals {
                tokio::select! {
                    _ = rx => {}
                    _ = shutdown_signal() => tracing::info!("shutting down"),
                }
            } else {
                let _ = rx.await;
            }
        })
        .await
    });
    tracing::info!("clause9 listening on http://{addr}");
    Ok(Running {
        addr,
        state,
        shutdown: Some(tx),
        task,
        _watcher: watcher,
    })
}

/// Runs until Ctrl-C or SIGTERM.
pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    start(options, true).await?.wait().await
}

fn initial(programme: &ProgrammeCell) -> Reloaded {
    let loaded = programme.snapshot();
    match (&loaded.digest, loaded.errors.is_empty()) {
        (Some(digest), true) => Reloaded::Changed(digest.clone()),
        _ => Reloaded::Broken(loaded.errors),
    }
}

/// Logs a reading; a new good programme is written to the audit log.
async fn report_reading(state: &AppState, reading: Reloaded) {
    match reading {
        Reloaded::Changed(digest) => {
            let measures = state.programme.current().map_or(0, |p| p.measures.len());
            tracing::info!("programme loaded: {measures} measures, digest {digest}");
            let entry = NewAuditEntry {
                at: state.now(),
                actor: "system".into(),
                kind: "programme.loaded".into(),
                subject: format!("programme:{}", state.programme.dir().display()),
                details: serde_json::json!({"digest": digest, "measures": measures}),
            };
            if let Err(e) = state.store.audit_log().record(&[entry]).await {
                tracing::error!("cannot write the programme reload to the audit log: {e}");
            }
        }
        Reloaded::Unchanged => {}
        Reloaded::Broken(errors) => {
            tracing::error!(
                "the programme or register files have {} problem(s); still serving the last good programme and registers",
                errors.len()
            );
            for e in errors {
                tracing::error!("{e}");
            }
        }
    }
}

/// Watches DIR's programme files; each burst of changes triggers one reload.
fn watch(state: &AppState) -> notify::Result<notify::RecommendedWatcher> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let relevant = event.is_ok_and(|e| {
            e.paths.iter().any(|p| {
                p.extension().is_some_and(|x| x == "toml")
                    && !p.components().any(|c| c.as_os_str() == ".clause9")
            })
        });
        if relevant {
            let _ = tx.send(());
        }
    })?;
    let dir = state.programme.dir();
    watcher.watch(&dir.join("clause9.toml"), RecursiveMode::NonRecursive)?;
    for folder in ["measures", "registers"] {
        if dir.join(folder).is_dir() {
            watcher.watch(&dir.join(folder), RecursiveMode::Recursive)?;
        }
    }
    let state = state.clone();
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            // Editors write in several steps: let the burst settle.
            tokio::time::sleep(Duration::from_millis(150)).await;
            while rx.try_recv().is_ok() {}
            let programme = state.programme.clone();
            let reading = tokio::task::spawn_blocking(move || programme.reload()).await;
            if let Ok(reading) = reading {
                report_reading(&state, reading).await;
            }
            state.programme.mark_read();
        }
    });
    Ok(watcher)
}

/// Runs the notification job every 15 minutes (the lease makes one process do it).
fn spawn_notifier(state: &AppState) {
    let state = state.clone();
    let holder = crate::jobs::holder();
    let channels = Arc::new(crate::notifier::channels_from_env());
    crate::jobs::repeat(Duration::from_secs(15 * 60), move || {
        let (state, holder, channels) = (state.clone(), holder.clone(), channels.clone());
        async move {
            match crate::notifier::run_once(&state, &channels, &holder).await {
                Ok(Some(report)) => tracing::info!(
                    "notifications: {} emailed, {} posted, {} skipped, {} failed",
                    report.emailed,
                    report.posted,
                    report.skipped,
                    report.failed.len()
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!("notification run failed: {}", e.message),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
