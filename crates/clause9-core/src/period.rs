//! Measurement periods (`2026-10`, `2026-Q4`, `2026-H2`, `2026`, `2026-W44`) and
//! collection frequencies; a period is a half-open interval of local days.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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

/// One measurement period. Weeks are ISO weeks (`year` is the ISO week-year).
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
        let err = |reason: &str| PeriodError {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let (year_text, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("the year must have four digits"));
        }
        let year: i16 = year_text.parse().map_err(|_| err("bad year"))?;
        if !(1900..=9998).contains(&year) {
            return Err(err("the year must be between 1900 and 9998"));
        }
        let number = |digits: &str, lo: u8, hi: u8, what: &str| -> Result<u8, PeriodError> {
            if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(err(&format!("bad {what}")));
            }
            let n: u8 = digits.parse().map_err(|_| err(&format!("bad {what}")))?;
            if n < lo || n > hi {
                return Err(err(&format!("the {what} must be between {lo} and {hi}")));
            }
            Ok(n)
        };
        match rest {
            None => Ok(Period::Year { year }),
            Some(r) if r.starts_with('Q') => Ok(Period::Quarter {
                year,
                quarter: number(&r[1..], 1, 4, "quarter")?,
            }),
            Some(r) if r.starts_with('H') => Ok(Period::Half {
                year,
                half: number(&r[1..], 1, 2, "half")?,
            }),
            Some(r) if r.starts_with('W') => {
                if r.len() != 3 {
                    return Err(err("the week needs two digits, as in 2026-W05"));
                }
                let week = number(&r[1..], 1, 53, "week")?;
                if week == 53 && crate::period::iso_weeks_in_year(year) < 53 {
                    return Err(err(&format!("{year} has only 52 ISO weeks")));
                }
                Ok(Period::Week { year, week })
            }
            Some(r) => {
                if r.len() != 2 {
                    return Err(err("the month needs two digits, as in 2026-03"));
                }
                Ok(Period::Month {
                    year,
                    month: number(r, 1, 12, "month")?,
                })
            }
        }
    }
}

/// Number of ISO weeks (52 or 53) in an ISO week-year.
pub fn iso_weeks_in_year(year: i16) -> u8 {
    // December 28th is always in the last ISO week of its year.
    let date = jiff::civil::date(year, 12, 28);
    date.iso_week_date().week() as u8
}
