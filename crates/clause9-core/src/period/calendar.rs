//! Calendar arithmetic on periods: their days, their instants in a time zone,
//! stepping, nesting (which weeks belong to a month) and ordering.

use std::cmp::Ordering;

use jiff::Timestamp;
use jiff::civil::{Date, ISOWeekDate, Time, Weekday};
use jiff::tz::TimeZone;

use super::{Frequency, Period, iso_weeks_in_year};

/// The first instant of a local day in `tz`: local midnight, or when midnight
/// does not exist there (a DST gap at midnight, or a skipped day such as
/// Pacific/Apia 2011-12-30) the first instant after the gap. When midnight
/// happens twice (a fold at midnight), the earlier instant.
///
/// This is `Zoned::start_of_day`, or jiff's "compatible" disambiguation.
///
/// # Panics
///
/// If the instant lies outside jiff's supported range (years near ±9999).
pub fn day_start(day: Date, tz: &TimeZone) -> Timestamp {
    tz.to_timestamp(day.to_datetime(Time::midnight()))
        .unwrap_or_else(|e| panic!("the start of {day} is out of range: {e}"))
}

/// The first day of a month; `month` may be out of range for a hand-built
/// invalid period, which panics with a message naming it.
fn first_of_month(year: i16, month: i16) -> Date {
    i8::try_from(month)
        .ok()
        .and_then(|m| Date::new(year, m, 1).ok())
        .unwrap_or_else(|| panic!("invalid period: month {month} of {year}"))
}

fn iso_week_day(year: i16, week: u8, weekday: Weekday) -> Date {
    i8::try_from(week)
        .map_err(|e| e.to_string())
        .and_then(|w| ISOWeekDate::new(year, w, weekday).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| panic!("invalid ISO week {year}-W{week}: {e}"))
        .date()
}

impl Period {
    /// The frequency whose collection periods look like this one.
    pub fn frequency(&self) -> Frequency {
        match self {
            Period::Week { .. } => Frequency::Weekly,
            Period::Month { .. } => Frequency::Monthly,
            Period::Quarter { .. } => Frequency::Quarterly,
            Period::Half { .. } => Frequency::HalfYearly,
            Period::Year { .. } => Frequency::Yearly,
        }
    }

    /// The year in the period's name: the ISO week-year for a week.
    pub fn year(&self) -> i16 {
        match *self {
            Period::Week { year, .. }
            | Period::Month { year, .. }
            | Period::Quarter { year, .. }
            | Period::Half { year, .. }
            | Period::Year { year } => year,
        }
    }

    /// The first local day of the period (a Monday for a week).
    pub fn first_day(&self) -> Date {
        match *self {
            Period::Week { year, week } => iso_week_day(year, week, Weekday::Monday),
            Period::Month { year, month } => first_of_month(year, i16::from(month)),
            Period::Quarter { year, quarter } => first_of_month(year, i16::from(quarter) * 3 - 2),
            Period::Half { year, half } => first_of_month(year, i16::from(half) * 6 - 5),
            Period::Year { year } => first_of_month(year, 1),
        }
    }

    /// The first day after the period: the period is `first_day()..end_day()`.
    pub fn end_day(&self) -> Date {
        self.next().first_day()
    }

    /// The last day inside the period.
    pub fn last_day(&self) -> Date {
        match *self {
            Period::Week { year, week } => iso_week_day(year, week, Weekday::Sunday),
            _ => self
                .end_day()
                .yesterday()
                .unwrap_or_else(|e| panic!("the last day of {self} is out of range: {e}")),
        }
    }

    /// The day that decides which longer period this one belongs to: the
    /// Thursday of a week (the ISO rule that also decides a week's year), the
    /// first day otherwise.
    fn anchor_day(&self) -> Date {
        match *self {
            Period::Week { year, week } => iso_week_day(year, week, Weekday::Thursday),
            _ => self.first_day(),
        }
    }

    /// Length in calendar days (a DST month still has 31 days).
    pub fn days(&self) -> i32 {
        let (first, end) = (self.first_day(), self.end_day());
        first
            .until(end)
            .unwrap_or_else(|e| panic!("the length of {self} is out of range: {e}"))
            .get_days()
    }

    /// Whether the local day `d` lies inside the period.
    pub fn contains_date(&self, d: Date) -> bool {
        self.first_day() <= d && d < self.end_day()
    }

    /// The half-open interval `[start, end)` of the period in `tz`: the first
    /// instants of its first day and of the day after it (see [`day_start`]).
    pub fn bounds(&self, tz: &TimeZone) -> (Timestamp, Timestamp) {
        (
            day_start(self.first_day(), tz),
            day_start(self.end_day(), tz),
        )
    }

    /// The following period of the same frequency.
    pub fn next(&self) -> Period {
        match *self {
            Period::Week { year, week } if week >= iso_weeks_in_year(year) => Period::Week {
                year: year + 1,
                week: 1,
            },
            Period::Week { year, week } => Period::Week {
                year,
                week: week + 1,
            },
            Period::Month { year, month: 12 } => Period::Month {
                year: year + 1,
                month: 1,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month + 1,
            },
            Period::Quarter { year, quarter: 4 } => Period::Quarter {
                year: year + 1,
                quarter: 1,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter + 1,
            },
            Period::Half { year, half: 2 } => Period::Half {
                year: year + 1,
                half: 1,
            },
            Period::Half { year, half } => Period::Half {
                year,
                half: half + 1,
            },
            Period::Year { year } => Period::Year { year: year + 1 },
        }
    }

    /// The preceding period of the same frequency.
    pub fn prev(&self) -> Period {
        match *self {
            Period::Week { year, week: 1 } => Period::Week {
                year: year - 1,
                week: iso_weeks_in_year(year - 1),
            },
            Period::Week { year, week } => Period::Week {
                year,
                week: week - 1,
            },
            Period::Month { year, month: 1 } => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Half { year, half: 1 } => Period::Half {
                year: year - 1,
                half: 2,
            },
            Period::Half { year, half } => Period::Half {
                year,
                half: half - 1,
            },
            Period::Year { year } => Period::Year { year: year - 1 },
        }
    }

    /// The period of `freq` that contains the local day `date` (for weeks, the
    /// ISO week, whose year may differ from the date's year).
    pub fn containing(freq: Frequency, date: Date) -> Period {
        let year = date.year();
        let month = date.month() as u8;
        match freq {
            Frequency::Weekly => {
                let iso = date.iso_week_date();
                Period::Week {
                    year: iso.year(),
                    week: iso.week() as u8,
                }
            }
            Frequency::Monthly => Period::Month { year, month },
            Frequency::Quarterly => Period::Quarter {
                year,
                quarter: (month - 1) / 3 + 1,
            },
            Frequency::HalfYearly => Period::Half {
                year,
                half: (month - 1) / 6 + 1,
            },
            Frequency::Yearly => Period::Year { year },
        }
    }

    /// The period of `freq` that contains the instant `ts` in `tz`: always the
    /// period whose [`bounds`](Period::bounds) contain `ts`, even around a
    /// transition that moves the local clock back across midnight.
    pub fn at(freq: Frequency, ts: Timestamp, tz: &TimeZone) -> Period {
        let period = Period::containing(freq, tz.to_datetime(ts).date());
        let (start, end) = period.bounds(tz);
        if ts < start {
            period.prev()
        } else if ts >= end {
            period.next()
        } else {
            period
        }
    }

    /// The period of the same or a longer frequency `freq` that this one
    /// belongs to: the one containing its first day, or for a week the one
    /// containing its Thursday. `None` when `freq` is shorter.
    pub fn enclosing(&self, freq: Frequency) -> Option<Period> {
        match freq.cmp(&self.frequency()) {
            Ordering::Less => None,
            Ordering::Equal => Some(*self),
            Ordering::Greater => Some(Period::containing(freq, self.anchor_day())),
        }
    }

    /// The collection periods of `freq` that belong to `self`, in order.
    /// Months, quarters, halves and years nest exactly. A week belongs to the
    /// month, quarter, half or year that contains its Thursday (the ISO rule
    /// that also decides a week's year), so a month has 4 or 5 weeks and a
    /// year 52 or 53. Empty when `freq` is longer than self's frequency;
    /// `vec![*self]` when it is the same.
    pub fn subperiods(&self, freq: Frequency) -> Vec<Period> {
        match freq.cmp(&self.frequency()) {
            Ordering::Greater => return Vec::new(),
            Ordering::Equal => return vec![*self],
            Ordering::Less => {}
        }
        let (first, end) = (self.first_day(), self.end_day());
        let mut period = Period::containing(freq, first);
        if period.anchor_day() < first {
            period = period.next();
        }
        let mut out = Vec::new();
        while period.anchor_day() < end {
            out.push(period);
            period = period.next();
        }
        out
    }

    /// The latest period of `freq` that ends at or before self's end day:
    /// for a longer `freq`, e.g. the last finished quarter when evaluating a
    /// month (2026-10 gives 2026-Q3, 2026-12 gives 2026-Q4). For the same or
    /// a shorter `freq`, the last of [`subperiods`](Period::subperiods): the
    /// period containing self's last day, except for weeks, where it is the
    /// last week whose Thursday is inside self (2024 gives 2024-W52, not
    /// 2025-W01 which holds 2024-12-31).
    pub fn latest_of(&self, freq: Frequency) -> Period {
        let end = self.end_day();
        let candidate = Period::containing(freq, self.last_day());
        let fits = if freq > self.frequency() {
            candidate.end_day() <= end
        } else {
            candidate.anchor_day() < end
        };
        if fits { candidate } else { candidate.prev() }
    }

    /// Every period from `from` to `to`, both included.
    pub fn range(from: Period, to: Period) -> Result<Vec<Period>, String> {
        if from.frequency() != to.frequency() {
            return Err(format!(
                "cannot list periods from `{from}` to `{to}`: one is {} and the other {}",
                from.frequency(),
                to.frequency()
            ));
        }
        if from > to {
            return Err(format!(
                "cannot list periods from `{from}` to `{to}`: `{from}` comes after `{to}`"
            ));
        }
        let mut out = vec![from];
        let mut period = from;
        while period != to {
            period = period.next();
            out.push(period);
        }
        Ok(out)
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        self.first_day()
            .cmp(&other.first_day())
            .then_with(|| self.frequency().cmp(&other.frequency()))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
