//! What every request handler shares: the store, the programme, the clock,
//! settings and the request counters. Nothing here that another process
//! would need: accounts, sessions, throttling and leases live in the store.

use std::path::PathBuf;
use std::sync::Arc;

use clause9_app::Clock;
use clause9_core::Programme;
use clause9_store::Store;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::collection::CollectionSchedule;
use crate::collection::metrics::CollectionMetrics;
use crate::metrics::RequestMetrics;
use crate::oidc::{Oidc, OidcConfig};
use crate::programme::ProgrammeCell;

/// Settings that are not secrets.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark the session cookie `Secure` (turn off only for plain-HTTP tests).
    pub secure_cookies: bool,
    /// How long a session lasts.
    pub session_hours: i64,
    /// Failed sign-ins allowed per account, and per address, in the window.
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
    pub failure_window_minutes: i64,
    /// Largest evidence upload, in bytes.
    pub max_evidence_bytes: usize,
    /// When query base measures are collected (`crate::collection`).
    pub collection: CollectionSchedule,
    /// Sign-in through an OpenID Connect provider, when configured.
    pub oidc: Option<OidcConfig>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: true,
            session_hours: 8,
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            failure_window_minutes: 15,
            max_evidence_bytes: 20 * 1024 * 1024,
            collection: CollectionSchedule::default(),
            oidc: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub programme: Arc<ProgrammeCell>,
    /// The one clock (`clause9_app::Clock`); tests fix it.
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub metrics: Arc<RequestMetrics>,
    /// Counters of scheduled collection in this process.
    pub collection: Arc<CollectionMetrics>,
    /// The OIDC provider (discovery cached per process), when configured.
    pub oidc: Option<Arc<Oidc>>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        programme: Arc<ProgrammeCell>,
        settings: Settings,
        clock: Clock,
    ) -> AppState {
        let oidc = settings.oidc.clone().and_then(|config| {
            Oidc::new(config)
                .map_err(|e| tracing::error!("OIDC sign-in is off: {e}"))
                .ok()
                .map(Arc::new)
        });
        AppState {
            store,
            programme,
            clock,
            settings: Arc::new(settings),
            metrics: Arc::new(RequestMetrics::default()),
            collection: Arc::new(CollectionMetrics::default()),
            oidc,
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Today in the programme's timezone, by the server's clock.
    pub fn today(&self, programme: &Programme) -> Date {
        self.clock.today(&programme.settings.timezone)
    }

    /// The evidence vault: `DIR/.clause9/evidence/`.
    pub fn evidence_dir(&self) -> PathBuf {
        self.programme.dir().join(".clause9").join("evidence")
    }
}
