//! The one clock of clause9: every front end and job asks it for "now" and
//! "today". The system clock, unless a test fixes it or the explicit option
//! `--today DATE` (environment `CLAUSE9_TODAY`) moves it to another day, so
//! that date-dependent behaviour can be shown and tested on any day: due and
//! overdue work, the demo's relative dates, the jobs.
//!
//! This is the only place that reads the system clock (`clippy.toml`
//! forbids `Timestamp::now` everywhere else).

use std::fmt;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, Zoned};

/// Where "now" comes from. Cheap to clone.
#[derive(Clone)]
pub struct Clock {
    mode: Mode,
}

#[derive(Clone)]
enum Mode {
    /// The system clock.
    System,
    /// The system clock moved by whole days in a timezone: the local time of
    /// day runs on, the date is another one.
    Shifted { days: i64, tz: TimeZone },
    /// One instant that never moves (tests).
    Fixed(Timestamp),
    /// An instant a test sets through its [`SetTime`].
    Set(Arc<Mutex<Timestamp>>),
}

/// The hand on a [`Clock::set_by_test`] clock.
#[derive(Clone)]
pub struct SetTime(Arc<Mutex<Timestamp>>);

impl SetTime {
    /// From now on the clock says `at`.
    pub fn set(&self, at: Timestamp) {
        match self.0.lock() {
            Ok(mut t) => *t = at,
            Err(poisoned) => *poisoned.into_inner() = at,
        }
    }
}

/// A day the clock cannot be moved to: only days of the years
/// [`FIRST_YEAR`]..=[`LAST_YEAR`] are accepted.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot move the clock to {day}: choose a day from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"
)]
pub struct OutOfRange {
    pub day: Date,
}

/// The years the clock can be moved to.
pub const FIRST_YEAR: i16 = 1970;
pub const LAST_YEAR: i16 = 2200;

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { mode: Mode::System }
    }

    /// A clock that always says `at` (tests).
    pub fn fixed(at: Timestamp) -> Clock {
        Clock {
            mode: Mode::Fixed(at),
        }
    }

    /// A clock that says `at` until the test moves it with the returned hand.
    pub fn set_by_test(at: Timestamp) -> (Clock, SetTime) {
        let cell = Arc::new(Mutex::new(at));
        (
            Clock {
                mode: Mode::Set(cell.clone()),
            },
            SetTime(cell),
        )
    }

    /// A clock whose today in `tz` is `day`, the time of day running on from
    /// the system clock; the system clock when `day` is `None`. Two processes
    /// given the same day agree on "now" (the offset is whole local days).
    pub fn as_of(day: Option<Date>, tz: &TimeZone) -> Result<Clock, OutOfRange> {
        let Some(day) = day else {
            return Ok(Clock::system());
        };
        if !(FIRST_YEAR..=LAST_YEAR).contains(&day.year()) {
            return Err(OutOfRange { day });
        }
        let system_today = system_now().to_zoned(tz.clone()).date();
        let days = system_today
            .until(day)
            .map_err(|_| OutOfRange { day })?
            .get_days();
        let clock = Clock {
            mode: Mode::Shifted {
                days: i64::from(days),
                tz: tz.clone(),
            },
        };
        // refuse a day whose "now" cannot be computed, rather than fall back later
        shifted(system_now(), i64::from(days), tz).ok_or(OutOfRange { day })?;
        Ok(clock)
    }

    /// Now, by this clock.
    pub fn now(&self) -> Timestamp {
        match &self.mode {
            Mode::System => system_now(),
            Mode::Fixed(at) => *at,
            Mode::Set(cell) => match cell.lock() {
                Ok(t) => *t,
                Err(poisoned) => *poisoned.into_inner(),
            },
            // `as_of` checked the shift; a failure here would need the system
            // clock itself to leave jiff's range, so the system time is right
            Mode::Shifted { days, tz } => {
                let now = system_now();
                shifted(now, *days, tz).unwrap_or(now)
            }
        }
    }

    /// Today in `tz`, by this clock.
    pub fn today(&self, tz: &TimeZone) -> Date {
        self.now().to_zoned(tz.clone()).date()
    }

    /// Whether this is the unmoved system clock (front ends say so when not).
    pub fn is_system(&self) -> bool {
        matches!(self.mode, Mode::System)
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.mode {
            Mode::System => write!(f, "Clock::system"),
            Mode::Fixed(at) => write!(f, "Clock::fixed({at})"),
            Mode::Set(_) => write!(f, "Clock::set_by_test({})", self.now()),
            Mode::Shifted { days, .. } => write!(f, "Clock::as_of({days:+} days)"),
        }
    }
}

#[allow(clippy::disallowed_methods)] // the one read of the system clock
fn system_now() -> Timestamp {
    Timestamp::now()
}

/// `now` moved by `days` local days in `tz` (the same wall-clock time).
fn shifted(now: Timestamp, days: i64, tz: &TimeZone) -> Option<Timestamp> {
    let span = Span::new().try_days(days).ok()?;
    now.to_zoned(tz.clone())
        .checked_add(span)
        .ok()
        .map(|z: Zoned| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin").unwrap()
    }

    #[test]
    fn as_of_moves_today_and_keeps_the_time_running() {
        let tz = berlin();
        let day = jiff::civil::date(2026, 12, 1);
        let clock = Clock::as_of(Some(day), &tz).unwrap();
        assert_eq!(clock.today(&tz), day);
        assert!(!clock.is_system());
        let (a, b) = (clock.now(), clock.now());
        assert!(a <= b);
        // the time of day is the system's, within the same minute
        let sys = system_now().to_zoned(tz.clone());
        let moved = clock.now().to_zoned(tz);
        assert_eq!(moved.hour(), sys.hour());
        assert_eq!(moved.minute() / 10, sys.minute() / 10);
    }

    #[test]
    fn across_a_daylight_saving_change_the_local_day_is_the_one_asked_for() {
        let tz = berlin();
        for day in [
            jiff::civil::date(2026, 3, 29),  // clocks go forward
            jiff::civil::date(2026, 10, 25), // clocks go back
            jiff::civil::date(2024, 2, 29),
            jiff::civil::date(2030, 12, 31),
        ] {
            let clock = Clock::as_of(Some(day), &tz).unwrap();
            assert_eq!(clock.today(&tz), day, "{day}");
        }
    }

    #[test]
    fn without_a_day_it_is_the_system_clock_and_fixed_never_moves() {
        let tz = TimeZone::UTC;
        assert!(Clock::as_of(None, &tz).unwrap().is_system());
        let at: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let fixed = Clock::fixed(at);
        assert_eq!(fixed.now(), at);
        assert_eq!(fixed.today(&berlin()), jiff::civil::date(2026, 12, 1));
        assert_eq!(
            fixed.today(&TimeZone::get("America/New_York").unwrap()),
            jiff::civil::date(2026, 11, 30)
        );
    }

    #[test]
    fn a_test_moves_its_clock_and_every_clone_follows() {
        let (clock, hand) = Clock::set_by_test("2026-11-30T23:59:00Z".parse().unwrap());
        let copy = clock.clone();
        assert_eq!(copy.today(&TimeZone::UTC), jiff::civil::date(2026, 11, 30));
        hand.set("2026-12-01T00:00:00Z".parse().unwrap());
        assert_eq!(copy.today(&TimeZone::UTC), jiff::civil::date(2026, 12, 1));
        assert_eq!(clock.now(), copy.now());
    }

    #[test]
    fn a_day_outside_the_years_is_refused_with_the_range() {
        let e = Clock::as_of(Some(jiff::civil::date(9999, 12, 31)), &berlin()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot move the clock to 9999-12-31: choose a day from 1970-01-01 to 2200-12-31"
        );
        assert!(Clock::as_of(Some(jiff::civil::date(1969, 12, 31)), &TimeZone::UTC).is_err());
        assert!(Clock::as_of(Some(jiff::civil::date(2200, 12, 31)), &TimeZone::UTC).is_ok());
    }

    #[test]
    fn a_shift_past_the_calendar_is_none_not_a_panic() {
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        assert_eq!(shifted(now, 10_000_000, &berlin()), None);
        assert_eq!(shifted(now, i64::MAX, &berlin()), None);
        assert!(shifted(now, -1, &berlin()).is_some());
    }
}
