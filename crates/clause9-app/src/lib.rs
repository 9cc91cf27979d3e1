//! The use cases of clause9, above core's pure rules and the store's
//! persistence: what the command line, the REST API, the web pages and the
//! background jobs all do, written once. Front ends only translate input and
//! output.

pub mod accounts;
pub mod clock;
pub mod evaluations;
pub mod files;
pub mod records;
pub mod reports;
pub mod values;

pub use clock::{Clock, SetTime};
