//! clause9-core: the programme model, periods, the formula language and the
//! evaluation engine. Pure code: no IO, no async, no clock reads.

pub mod formula;
pub mod observation;
pub mod period;
