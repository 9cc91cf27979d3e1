//! Measurement periods (`2026-10`, `2026-Q4`, `2026-H2`, `2026`, `2026-W44`) and
//! collection frequencies; a period is a half-open interval of local days.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod calendar;
#[cfg(test)]
mod tests;

pub use calendar::day_start;

/// How often something happens: the collection, reporting or review cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Frequency {
    Weekly,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl Frequency {
    pub const ALL: [Frequency; 5] = [
        Frequency::Weekly,
        Frequency::Monthly,
        Frequency::Quarterly,
        Frequency::HalfYearly,
        Frequency::Yearly,
    ];

    /// Position from shortest to longest: weekly 0, monthly 1, quarterly 2,
    /// half-yearly 3, yearly 4. Agrees with the derived `Ord`.
    pub fn rank(self) -> u8 {
        match self {
            Frequency::Weekly => 0,
            Frequency::Monthly => 1,
            Frequency::Quarterly => 2,
            Frequency::HalfYearly => 3,
            Frequency::Yearly => 4,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::HalfYearly => "half-yearly",
            Frequency::Yearly => "yearly",
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Frequency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Frequency::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown frequency `{s}`: use weekly, monthly, quarterly, half-yearly or yearly"
                )
            })
    }
}

/// One measurement period. Weeks are ISO weeks (`year` is the ISO week-year,
/// so 2026-W01 starts on 2025-12-29).
///
/// Values from [`FromStr`], serde and the methods of this type are always
/// valid. A value built by hand must be valid too (a month 1 to 12, a week
/// that exists in its ISO year, and so on): the calendar methods panic on an
/// impossible period, and on years outside what `jiff` can represent.
///
/// Periods are ordered by their first day, then by frequency (shorter first),
/// so 2026-W01 < 2026-01 < 2026-Q1 < 2026-H1 < 2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Week { year: i16, week: u8 },
    Month { year: i16, month: u8 },
    Quarter { year: i16, quarter: u8 },
    Half { year: i16, half: u8 },
    Year { year: i16 },
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Week { year, week } => write!(f, "{year:04}-W{week:02}"),
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Period::Half { year, half } => write!(f, "{year:04}-H{half}"),
            Period::Year { year } => write!(f, "{year:04}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a period text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad period `{text}`: {reason}; use 2026-10, 2026-Q4, 2026-H2, 2026 or 2026-W44")]
pub struct PeriodError {
    pub text: String,
    pub reason: String,
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| PeriodError {
            text: text.to_string(),
            reason,
        };
        let (year_text, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("the year must have four digits".into()));
        }
        let year: i16 = year_text.parse().map_err(|_| err("bad year".into()))?;
        if !(1900..=9998).contains(&year) {
            return Err(err("the year must be between 1900 and 9998".into()));
        }
        // Exactly `width` ASCII digits, in `lo..=hi`.
        let number = |digits: &str, width: usize, lo: u8, hi: u8, what: &str, example: &str| {
            if digits.len() != width || !digits.bytes().all(|b| b.is_ascii_digit()) {
                let count = if width == 1 {
                    "one digit"
                } else {
                    "two digits"
                };
                return Err(err(format!("the {what} needs {count}, as in {example}")));
            }
            let n: u8 = digits.parse().map_err(|_| err(format!("bad {what}")))?;
            if n < lo || n > hi {
                return Err(err(format!("the {what} must be between {lo} and {hi}")));
            }
            Ok(n)
        };
        let Some(rest) = rest else {
            return Ok(Period::Year { year });
        };
        match rest.as_bytes().first() {
            Some(b'Q') => Ok(Period::Quarter {
                year,
                quarter: number(&rest[1..], 1, 1, 4, "quarter", "2026-Q4")?,
            }),
            Some(b'H') => Ok(Period::Half {
                year,
                half: number(&rest[1..], 1, 1, 2, "half", "2026-H2")?,
            }),
            Some(b'W') => {
                let week = number(&rest[1..], 2, 1, 53, "week", "2026-W05")?;
                if week > iso_weeks_in_year(year) {
                    return Err(err(format!("{year} has only 52 ISO weeks")));
                }
                Ok(Period::Week { year, week })
            }
            Some(b'q' | b'h' | b'w') => Err(err("write Q, H and W as capital letters".into())),
            _ => Ok(Period::Month {
                year,
                month: number(rest, 2, 1, 12, "month", "2026-03")?,
            }),
        }
    }
}

/// Number of ISO weeks (52 or 53) in an ISO week-year.
pub fn iso_weeks_in_year(year: i16) -> u8 {
    // December 28th is always in the last ISO week of its year.
    let date = jiff::civil::date(year, 12, 28);
    date.iso_week_date().week() as u8
}
