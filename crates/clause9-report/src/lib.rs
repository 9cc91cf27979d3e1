//! clause9-report: performance reports.
