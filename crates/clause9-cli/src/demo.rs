//! The demonstration organisation: the measure library with a history of
//! values that tells stories (improving, drifting, a shift that trips a
//! control-chart signal), with late collections and corrections, so every
//! part of the product has something real to show.

pub mod serve;
mod solve;
mod stories;

pub use stories::plan_history;
