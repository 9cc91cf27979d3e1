//! clause9-core: the programme model, periods, the formula language and the
//! evaluation engine. Pure code: no IO, no async, no clock reads.

pub mod access;
pub mod analysis;
pub mod audit;
pub mod controls;
pub mod diagnostic;
pub mod doc;
pub mod engine;
pub mod evaluation;
pub mod formula;
pub mod ids;
pub mod load;
pub mod measure;
pub mod nonconformity;
pub mod observation;
pub mod period;
pub mod programme;
pub mod record;
pub mod refusal;
pub mod registers;
pub mod review;
pub mod schedule;
pub mod statistics;
pub mod workflow;

pub use diagnostic::{Diagnostic, SourceFile};
pub use load::load;
pub use programme::Programme;
