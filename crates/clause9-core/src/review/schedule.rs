//! When the next management review is due: the review interval after the
//! last signed review, or after the programme's first day when none is signed.

use jiff::civil::Date;

use super::Review;

/// The date the next review is due.
pub fn next_review_due(reviews: &[Review], first_day: Date, interval_months: u32) -> Date {
    let last = reviews
        .iter()
        .filter(|r| r.signed.is_some())
        .map(|r| r.date)
        .max()
        .unwrap_or(first_day);
    last.checked_add(jiff::Span::new().months(i64::from(interval_months)))
        .unwrap_or(last)
}
