//! clause9-server: the HTTP server (REST API, authentication, sessions,
//! metrics, programme reloading, background jobs) and the secrets it shares
//! with the command line. The only crate that knows HTTP.

pub mod api;
pub mod auth;
pub mod calendar;
pub mod collection;
pub mod corrective;
pub mod error;
pub mod headers;
pub mod housekeeping;
pub mod jobs;
pub mod metrics;
pub mod notifier;
pub mod oidc;
pub mod programme;
pub mod secret;
pub mod serve;
pub mod state;
pub mod web;

pub use api::router;
pub use serve::{ServeOptions, serve};
pub use state::{AppState, Settings};
