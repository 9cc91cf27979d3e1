//! The demonstration organisation: the measure library with a history of
//! values that tells stories (improving, drifting, a shift that trips a
//! control-chart signal), with late collections and corrections, so every
//! part of the product has something real to show; registers, automated
//! measures over real scanner outputs, and the records of audits,
//! nonconformities and management reviews.

pub(crate) mod organisation;
pub(crate) mod platforms;
pub(crate) mod records;
pub(crate) mod serve;
mod solve;
mod stories;

pub(crate) use stories::plan_history;
