//! Tests of periods: tables of cases, each run by one check helper, plus
//! property tests.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use proptest::prelude::*;

use super::{Frequency, Period, day_start, iso_weeks_in_year};

use Frequency::{HalfYearly, Monthly, Quarterly, Weekly, Yearly};

fn p(text: &str) -> Period {
    text.parse()
        .unwrap_or_else(|e| panic!("test period `{text}` should parse: {e}"))
}

fn d(text: &str) -> Date {
    text.parse()
        .unwrap_or_else(|e| panic!("test date `{text}`: {e}"))
}

fn ts(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("test timestamp `{text}`: {e}"))
}

fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|e| panic!("time zone {name}: {e}"))
}

/// `"2026-W01..2026-W05"` → every period in between; `"2026-01"` → one;
/// `""` → none.
fn list(text: &str) -> Vec<Period> {
    match text.split_once("..") {
        Some((a, b)) => Period::range(p(a), p(b)).unwrap(),
        None if text.is_empty() => Vec::new(),
        None => text.split(',').map(p).collect(),
    }
}

fn month(year: i16, month: u8) -> Period {
    Period::Month { year, month }
}

fn week(year: i16, week: u8) -> Period {
    Period::Week { year, week }
}

fn quarter(year: i16, quarter: u8) -> Period {
    Period::Quarter { year, quarter }
}

fn half(year: i16, half: u8) -> Period {
    Period::Half { year, half }
}

#[test]
fn period_parse_display_round_trip() {
    // text, expected value
    let cases = [
        ("2026-10", month(2026, 10)),
        ("2026-01", month(2026, 1)),
        ("2026-12", month(2026, 12)),
        ("2026-Q1", quarter(2026, 1)),
        ("2026-Q4", quarter(2026, 4)),
        ("2026-H1", half(2026, 1)),
        ("2026-H2", half(2026, 2)),
        ("2026", Period::Year { year: 2026 }),
        ("1900", Period::Year { year: 1900 }),
        ("9998", Period::Year { year: 9998 }),
        ("2026-W01", week(2026, 1)),
        ("2026-W44", week(2026, 44)),
        ("2026-W53", week(2026, 53)),
        ("2020-W53", week(2020, 53)),
        ("2025-W52", week(2025, 52)),
    ];
    for (text, expected) in cases {
        let parsed: Period = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed, expected, "parse {text}");
        assert_eq!(parsed.to_string(), text, "display {text}");
        let json = serde_json::to_string(&parsed).unwrap();
        assert_eq!(json, format!("\"{text}\""), "serialize {text}");
        let back: Period = serde_json::from_str(&json).unwrap();
        assert_eq!(back, parsed, "deserialize {text}");
    }
}

#[test]
fn period_parse_rejections() {
    // text, a fragment of the reason
    let cases = [
        ("2026-13", "month must be between 1 and 12"),
        ("2026-00", "month must be between 1 and 12"),
        ("2026-Q5", "quarter must be between 1 and 4"),
        ("2026-Q0", "quarter must be between 1 and 4"),
        ("2026-H3", "half must be between 1 and 2"),
        ("2026-H0", "half must be between 1 and 2"),
        ("2026-W54", "week must be between 1 and 53"),
        ("2026-W00", "week must be between 1 and 53"),
        ("2025-W53", "2025 has only 52 ISO weeks"),
        ("2021-W53", "2021 has only 52 ISO weeks"),
        ("2024-W53", "2024 has only 52 ISO weeks"),
        ("26-01", "four digits"),
        ("02026-01", "four digits"),
        ("2026-1", "month needs two digits"),
        ("2026-001", "month needs two digits"),
        ("2026-", "month needs two digits"),
        ("2026-10-01", "month needs two digits"),
        ("2026-W5", "week needs two digits"),
        ("2026-W053", "week needs two digits"),
        ("2026-W", "week needs two digits"),
        ("2026-Q04", "quarter needs one digit"),
        ("2026-Q", "quarter needs one digit"),
        ("2026-H", "half needs one digit"),
        ("2026-q4", "capital"),
        ("2026-w05", "capital"),
        ("2026-h1", "capital"),
        ("2026-Q+4", "quarter needs one digit"),
        ("2026-+1", "month needs two digits"),
        ("", "four digits"),
        ("garbage", "four digits"),
        ("-2026", "four digits"),
        ("+2026", "four digits"),
        (" 2026", "four digits"),
        ("2026 ", "four digits"),
        ("2026-10 ", "month needs two digits"),
        ("1899", "between 1900 and 9998"),
        ("9999", "between 1900 and 9998"),
        ("0000", "between 1900 and 9998"),
        ("２０２６", "four digits"),
        ("2026-Ｑ4", "month needs two digits"),
    ];
    for (text, reason) in cases {
        match text.parse::<Period>() {
            Ok(period) => panic!("`{text}` should be refused, got {period:?}"),
            Err(e) => {
                assert!(
                    e.reason.contains(reason),
                    "`{text}`: reason `{}` should contain `{reason}`",
                    e.reason
                );
                assert_eq!(e.text, text);
                assert!(e.to_string().contains("use 2026-10"), "{e}");
            }
        }
        assert!(serde_json::from_str::<Period>(&format!("{text:?}")).is_err());
    }
}

#[test]
fn period_iso_weeks_in_year() {
    let cases = [
        (2004, 53),
        (2009, 53),
        (2015, 53),
        (2019, 52),
        (2020, 53),
        (2021, 52),
        (2022, 52),
        (2023, 52),
        (2024, 52),
        (2025, 52),
        (2026, 53),
        (2027, 52),
        (2032, 53),
        (2037, 53),
    ];
    for (year, weeks) in cases {
        assert_eq!(iso_weeks_in_year(year), weeks, "{year}");
    }
}

#[test]
fn period_frequency_rank_and_text() {
    let cases = [
        (Weekly, 0, "weekly"),
        (Monthly, 1, "monthly"),
        (Quarterly, 2, "quarterly"),
        (HalfYearly, 3, "half-yearly"),
        (Yearly, 4, "yearly"),
    ];
    for (freq, rank, text) in cases {
        assert_eq!(freq.rank(), rank);
        assert_eq!(freq.to_string(), text);
        assert_eq!(text.parse::<Frequency>(), Ok(freq));
        assert_eq!(serde_json::to_string(&freq).unwrap(), format!("\"{text}\""));
    }
    for pair in Frequency::ALL.windows(2) {
        assert!(pair[0] < pair[1] && pair[0].rank() < pair[1].rank());
    }
    assert!("Monthly".parse::<Frequency>().is_err());
    assert!("half_yearly".parse::<Frequency>().is_err());
}

#[test]
fn period_days() {
    // period, frequency, first day, end day (exclusive), last day, days
    #[rustfmt::skip]
    let cases = [
        ("2026-10", Monthly, "2026-10-01", "2026-11-01", "2026-10-31", 31),
        ("2026-02", Monthly, "2026-02-01", "2026-03-01", "2026-02-28", 28),
        ("2024-02", Monthly, "2024-02-01", "2024-03-01", "2024-02-29", 29),
        ("2026-03", Monthly, "2026-03-01", "2026-04-01", "2026-03-31", 31),
        ("2026-12", Monthly, "2026-12-01", "2027-01-01", "2026-12-31", 31),
        ("2026-Q1", Quarterly, "2026-01-01", "2026-04-01", "2026-03-31", 90),
        ("2024-Q1", Quarterly, "2024-01-01", "2024-04-01", "2024-03-31", 91),
        ("2026-Q4", Quarterly, "2026-10-01", "2027-01-01", "2026-12-31", 92),
        ("2026-H1", HalfYearly, "2026-01-01", "2026-07-01", "2026-06-30", 181),
        ("2024-H1", HalfYearly, "2024-01-01", "2024-07-01", "2024-06-30", 182),
        ("2026-H2", HalfYearly, "2026-07-01", "2027-01-01", "2026-12-31", 184),
        ("2026", Yearly, "2026-01-01", "2027-01-01", "2026-12-31", 365),
        ("2024", Yearly, "2024-01-01", "2025-01-01", "2024-12-31", 366),
        ("2026-W01", Weekly, "2025-12-29", "2026-01-05", "2026-01-04", 7),
        ("2026-W44", Weekly, "2026-10-26", "2026-11-02", "2026-11-01", 7),
        ("2026-W53", Weekly, "2026-12-28", "2027-01-04", "2027-01-03", 7),
        ("2027-W01", Weekly, "2027-01-04", "2027-01-11", "2027-01-10", 7),
        ("2021-W01", Weekly, "2021-01-04", "2021-01-11", "2021-01-10", 7),
        ("2020-W53", Weekly, "2020-12-28", "2021-01-04", "2021-01-03", 7),
        ("2020-W01", Weekly, "2019-12-30", "2020-01-06", "2020-01-05", 7),
        ("2025-W01", Weekly, "2024-12-30", "2025-01-06", "2025-01-05", 7),
        ("2025-W52", Weekly, "2025-12-22", "2025-12-29", "2025-12-28", 7),
        ("2024-W01", Weekly, "2024-01-01", "2024-01-08", "2024-01-07", 7),
    ];
    for (text, freq, first, end, last, days) in cases {
        let period = p(text);
        assert_eq!(period.frequency(), freq, "{text} frequency");
        assert_eq!(period.first_day(), d(first), "{text} first day");
        assert_eq!(period.end_day(), d(end), "{text} end day");
        assert_eq!(period.last_day(), d(last), "{text} last day");
        assert_eq!(period.days(), days, "{text} days");
        assert!(period.contains_date(d(first)), "{text} contains {first}");
        assert!(period.contains_date(d(last)), "{text} contains {last}");
        assert!(!period.contains_date(d(end)), "{text} excludes {end}");
        let before = d(first).yesterday().unwrap();
        assert!(!period.contains_date(before), "{text} excludes {before}");
    }
}

#[test]
fn period_next_prev() {
    // period, next
    let cases = [
        ("2026-10", "2026-11"),
        ("2026-12", "2027-01"),
        ("2026-Q3", "2026-Q4"),
        ("2026-Q4", "2027-Q1"),
        ("2026-H1", "2026-H2"),
        ("2026-H2", "2027-H1"),
        ("2026", "2027"),
        ("2026-W01", "2026-W02"),
        ("2026-W52", "2026-W53"),
        ("2026-W53", "2027-W01"),
        ("2025-W52", "2026-W01"),
        ("2020-W53", "2021-W01"),
        ("2021-W52", "2022-W01"),
        ("1900-01", "1900-02"),
        ("9998-12", "9999-01"),
    ];
    for (text, next) in cases {
        assert_eq!(p(text).next(), p_any(next), "{text}.next()");
        assert_eq!(p_any(next).prev(), p(text), "{next}.prev()");
    }
}

/// Like `p`, but also builds periods of year 9999 that FromStr refuses.
fn p_any(text: &str) -> Period {
    match text.strip_prefix("9999-") {
        Some(m) => month(9999, m.parse().unwrap()),
        None => p(text),
    }
}

#[test]
fn period_bounds() {
    // zone, period, start, end
    #[rustfmt::skip]
    let cases = [
        ("UTC", "2026-Q1", "2026-01-01T00:00Z", "2026-04-01T00:00Z"),
        ("UTC", "2026-W53", "2026-12-28T00:00Z", "2027-01-04T00:00Z"),
        // London springs forward on 2026-03-29 and falls back on 2026-10-25.
        ("Europe/London", "2026-03", "2026-03-01T00:00Z", "2026-03-31T23:00Z"),
        ("Europe/London", "2026-10", "2026-09-30T23:00Z", "2026-11-01T00:00Z"),
        ("Europe/London", "2026-W13", "2026-03-23T00:00Z", "2026-03-29T23:00Z"),
        ("Europe/London", "2026", "2026-01-01T00:00Z", "2027-01-01T00:00Z"),
        ("Europe/London", "2026-H1", "2026-01-01T00:00Z", "2026-06-30T23:00Z"),
        ("Asia/Kolkata", "2026-01", "2025-12-31T18:30Z", "2026-01-31T18:30Z"),
        ("Asia/Kolkata", "2026-W01", "2025-12-28T18:30Z", "2026-01-04T18:30Z"),
        ("America/New_York", "2026-11", "2026-11-01T04:00Z", "2026-12-01T05:00Z"),
        // Havana: midnight of 2012-04-01 did not exist (00:00 -05 → 01:00 -04).
        ("America/Havana", "2012-03", "2012-03-01T05:00Z", "2012-04-01T05:00Z"),
        ("America/Havana", "2012-04", "2012-04-01T05:00Z", "2012-05-01T04:00Z"),
        // Havana: midnight of 2026-11-01 happened twice (01:00 -04 → 00:00 -05);
        // the earlier one counts.
        ("America/Havana", "2026-10", "2026-10-01T04:00Z", "2026-11-01T04:00Z"),
        ("America/Havana", "2026-11", "2026-11-01T04:00Z", "2026-12-01T05:00Z"),
        // Asunción: no midnight on 2023-10-01 (00:00 -04 → 01:00 -03).
        ("America/Asuncion", "2023-10", "2023-10-01T04:00Z", "2023-11-01T03:00Z"),
        // Tehran: no midnight on Monday 2021-03-22, and half-hour offsets.
        ("Asia/Tehran", "2021-W12", "2021-03-21T20:30Z", "2021-03-28T19:30Z"),
        ("Asia/Tehran", "2021-W11", "2021-03-14T20:30Z", "2021-03-21T20:30Z"),
        // Apia skipped 2011-12-30 going from -10 to +14.
        ("Pacific/Apia", "2011-12", "2011-12-01T10:00Z", "2011-12-31T10:00Z"),
        ("Pacific/Apia", "2011-W52", "2011-12-26T10:00Z", "2012-01-01T10:00Z"),
        ("Pacific/Apia", "2012-01", "2011-12-31T10:00Z", "2012-01-31T10:00Z"),
    ];
    for (zone, text, start, end) in cases {
        let got = p(text).bounds(&tz(zone));
        assert_eq!(got, (ts(start), ts(end)), "{text} in {zone}");
        assert!(got.0 < got.1, "{text} in {zone} is not empty");
    }
    // Calendar days, not elapsed days.
    assert_eq!(p("2011-12").days(), 31);
    let (start, end) = p("2011-12").bounds(&tz("Pacific/Apia"));
    assert_eq!(end.duration_since(start).as_hours(), 30 * 24);
    let (start, end) = p("2026-03").bounds(&tz("Europe/London"));
    assert_eq!(end.duration_since(start).as_hours(), 31 * 24 - 1);
    assert_eq!(p("2026-03").days(), 31);
}

#[test]
fn period_day_start() {
    // zone, day, first instant
    let cases = [
        ("UTC", "2026-03-29", "2026-03-29T00:00Z"),
        ("Europe/London", "2026-03-29", "2026-03-29T00:00Z"),
        ("Europe/London", "2026-03-30", "2026-03-29T23:00Z"),
        // São Paulo: midnight of 2018-11-04 did not exist; the day began at 01:00 -02.
        ("America/Sao_Paulo", "2018-11-04", "2018-11-04T03:00Z"),
        ("America/Sao_Paulo", "2018-11-03", "2018-11-03T03:00Z"),
        ("America/Sao_Paulo", "2018-11-05", "2018-11-05T02:00Z"),
        // Apia: 2011-12-30 never happened; its "start" is the start of the 31st.
        ("Pacific/Apia", "2011-12-29", "2011-12-29T10:00Z"),
        ("Pacific/Apia", "2011-12-30", "2011-12-30T10:00Z"),
        ("Pacific/Apia", "2011-12-31", "2011-12-30T10:00Z"),
        ("America/Havana", "2026-11-01", "2026-11-01T04:00Z"),
        ("Asia/Kolkata", "2026-01-01", "2025-12-31T18:30Z"),
    ];
    for (zone, day, start) in cases {
        let zone_tz = tz(zone);
        assert_eq!(day_start(d(day), &zone_tz), ts(start), "{day} in {zone}");
        // Same as jiff's Zoned::start_of_day.
        let zoned = d(day).at(12, 0, 0, 0).to_zoned(zone_tz).unwrap();
        assert_eq!(zoned.start_of_day().unwrap().timestamp(), ts(start));
    }
}

#[test]
fn period_containing() {
    // frequency, day, period
    let cases = [
        (Weekly, "2024-12-31", "2025-W01"),
        (Weekly, "2024-12-29", "2024-W52"),
        (Weekly, "2025-12-28", "2025-W52"),
        (Weekly, "2025-12-29", "2026-W01"),
        (Weekly, "2026-01-01", "2026-W01"),
        (Weekly, "2027-01-03", "2026-W53"),
        (Weekly, "2027-01-04", "2027-W01"),
        (Weekly, "2021-01-03", "2020-W53"),
        (Weekly, "2021-01-04", "2021-W01"),
        (Monthly, "2026-12-31", "2026-12"),
        (Monthly, "2027-01-01", "2027-01"),
        (Quarterly, "2026-12-31", "2026-Q4"),
        (Quarterly, "2026-03-31", "2026-Q1"),
        (Quarterly, "2026-04-01", "2026-Q2"),
        (Quarterly, "2026-09-30", "2026-Q3"),
        (HalfYearly, "2026-06-30", "2026-H1"),
        (HalfYearly, "2026-07-01", "2026-H2"),
        (HalfYearly, "2026-12-31", "2026-H2"),
        (Yearly, "2026-12-31", "2026"),
        (Yearly, "2027-01-01", "2027"),
    ];
    for (freq, day, text) in cases {
        assert_eq!(Period::containing(freq, d(day)), p(text), "{freq} {day}");
    }
}

#[test]
fn period_at() {
    // frequency, instant, zone, period
    let cases = [
        (Monthly, "2026-12-31T23:30Z", "UTC", "2026-12"),
        (Monthly, "2026-12-31T23:30Z", "Asia/Kolkata", "2027-01"),
        (Monthly, "2026-12-31T18:29:59Z", "Asia/Kolkata", "2026-12"),
        (Monthly, "2026-12-31T18:30Z", "Asia/Kolkata", "2027-01"),
        (Yearly, "2027-01-01T03:00Z", "America/New_York", "2026"),
        (Yearly, "2027-01-01T05:00Z", "America/New_York", "2027"),
        (Weekly, "2025-12-28T22:59:59Z", "Europe/Berlin", "2025-W52"),
        (Weekly, "2025-12-28T23:00Z", "Europe/Berlin", "2026-W01"),
        (Weekly, "2027-01-03T23:59Z", "UTC", "2026-W53"),
        (Weekly, "2027-01-04T00:00Z", "UTC", "2027-W01"),
        (Quarterly, "2026-09-30T23:00Z", "Europe/London", "2026-Q4"),
        (
            Quarterly,
            "2026-09-30T22:59:59Z",
            "Europe/London",
            "2026-Q3",
        ),
        (Monthly, "2026-11-01T03:59Z", "America/Havana", "2026-10"),
        (Monthly, "2026-11-01T04:30Z", "America/Havana", "2026-11"),
        (Monthly, "2026-11-01T05:30Z", "America/Havana", "2026-11"),
        (Monthly, "2012-04-01T04:59Z", "America/Havana", "2012-03"),
        (Monthly, "2012-04-01T05:00Z", "America/Havana", "2012-04"),
        (Monthly, "2011-12-30T12:00Z", "Pacific/Apia", "2011-12"),
        (Monthly, "2011-12-31T10:00Z", "Pacific/Apia", "2012-01"),
        (Weekly, "2021-03-21T20:29Z", "Asia/Tehran", "2021-W11"),
        (Weekly, "2021-03-21T20:30Z", "Asia/Tehran", "2021-W12"),
    ];
    for (freq, instant, zone, text) in cases {
        let zone_tz = tz(zone);
        let got = Period::at(freq, ts(instant), &zone_tz);
        assert_eq!(got, p(text), "{freq} at {instant} in {zone}");
        let (start, end) = got.bounds(&zone_tz);
        assert!(start <= ts(instant) && ts(instant) < end);
    }
}

#[test]
fn period_subperiods() {
    // period, frequency, expected ("a..b" is a range, "" none)
    let cases = [
        ("2026-Q1", Monthly, "2026-01..2026-03"),
        ("2026-Q4", Monthly, "2026-10..2026-12"),
        ("2026", Monthly, "2026-01..2026-12"),
        ("2026", Quarterly, "2026-Q1..2026-Q4"),
        ("2026", HalfYearly, "2026-H1,2026-H2"),
        ("2026-H2", Quarterly, "2026-Q3,2026-Q4"),
        ("2026-H2", Monthly, "2026-07..2026-12"),
        // Weeks belong where their Thursday is: 2026-01-01 is a Thursday.
        ("2026-01", Weekly, "2026-W01..2026-W05"),
        ("2026-02", Weekly, "2026-W06..2026-W09"),
        ("2026-03", Weekly, "2026-W10..2026-W13"),
        ("2026-04", Weekly, "2026-W14..2026-W18"),
        ("2025-12", Weekly, "2025-W49..2025-W52"),
        ("2026-12", Weekly, "2026-W49..2026-W53"),
        ("2026-Q1", Weekly, "2026-W01..2026-W13"),
        ("2026", Weekly, "2026-W01..2026-W53"),
        ("2024", Weekly, "2024-W01..2024-W52"),
        ("2020", Weekly, "2020-W01..2020-W53"),
        ("2021", Weekly, "2021-W01..2021-W52"),
        ("2026-W10", Weekly, "2026-W10"),
        ("2026-01", Monthly, "2026-01"),
        ("2026", Yearly, "2026"),
        ("2026-W10", Monthly, ""),
        ("2026-01", Quarterly, ""),
        ("2026-Q1", Yearly, ""),
    ];
    for (text, freq, expected) in cases {
        assert_eq!(
            p(text).subperiods(freq),
            list(expected),
            "{text} subperiods {freq}"
        );
    }
    assert_eq!(p("2026").subperiods(Weekly).len(), 53);
    assert_eq!(p("2025").subperiods(Weekly).len(), 52);
}

#[test]
fn period_enclosing() {
    // period, frequency, enclosing ("" for None)
    let cases = [
        ("2026-W01", Monthly, "2026-01"),
        ("2026-W01", Yearly, "2026"),
        ("2026-W05", Monthly, "2026-01"),
        ("2026-W14", Monthly, "2026-04"),
        ("2026-W14", Quarterly, "2026-Q2"),
        ("2026-W53", HalfYearly, "2026-H2"),
        ("2025-W01", Yearly, "2025"),
        ("2026-05", Quarterly, "2026-Q2"),
        ("2026-05", Monthly, "2026-05"),
        ("2026-Q3", HalfYearly, "2026-H2"),
        ("2026-Q3", Monthly, ""),
    ];
    for (text, freq, expected) in cases {
        let want = (!expected.is_empty()).then(|| p(expected));
        assert_eq!(p(text).enclosing(freq), want, "{text} enclosing {freq}");
    }
}

#[test]
fn period_latest_of() {
    // period, frequency, latest period of that frequency ending by the period's end
    let cases = [
        ("2026-10", Quarterly, "2026-Q3"),
        ("2026-11", Quarterly, "2026-Q3"),
        ("2026-12", Quarterly, "2026-Q4"),
        ("2026-12", Yearly, "2026"),
        ("2026-11", Yearly, "2025"),
        ("2026-06", HalfYearly, "2026-H1"),
        ("2026-05", HalfYearly, "2025-H2"),
        ("2026-Q2", HalfYearly, "2026-H1"),
        ("2026-Q1", Yearly, "2025"),
        ("2026-W05", Monthly, "2026-01"),
        ("2026-W04", Monthly, "2025-12"),
        ("2026-W53", Yearly, "2026"),
        ("2026-W52", Yearly, "2025"),
        // Same frequency: itself.
        ("2026-10", Monthly, "2026-10"),
        ("2026-W10", Weekly, "2026-W10"),
        // Shorter: the last subperiod.
        ("2026-Q4", Monthly, "2026-12"),
        ("2026", Quarterly, "2026-Q4"),
        ("2026-H1", Monthly, "2026-06"),
        ("2026", Weekly, "2026-W53"),
        ("2024", Weekly, "2024-W52"),
        ("2026-01", Weekly, "2026-W05"),
        ("2026-03", Weekly, "2026-W13"),
        ("2025-12", Weekly, "2025-W52"),
    ];
    for (text, freq, expected) in cases {
        let period = p(text);
        let got = period.latest_of(freq);
        assert_eq!(got, p(expected), "{text} latest {freq}");
        if freq <= period.frequency() {
            assert_eq!(period.subperiods(freq).last(), Some(&got));
        } else {
            assert!(got.end_day() <= period.end_day());
            assert!(got.next().end_day() > period.end_day());
        }
    }
}

#[test]
fn period_range() {
    // from, to, expected list or error fragment
    let ok = [
        ("2025-11", "2026-02", "2025-11,2025-12,2026-01,2026-02"),
        ("2026-W52", "2027-W01", "2026-W52,2026-W53,2027-W01"),
        ("2025-W52", "2026-W01", "2025-W52,2026-W01"),
        ("2026-Q3", "2027-Q1", "2026-Q3,2026-Q4,2027-Q1"),
        ("2026", "2026", "2026"),
        ("2026-H2", "2027-H1", "2026-H2,2027-H1"),
    ];
    for (from, to, expected) in ok {
        assert_eq!(
            Period::range(p(from), p(to)),
            Ok(list(expected)),
            "{from}..{to}"
        );
    }
    assert_eq!(
        Period::range(p("2020-01"), p("2029-12")).unwrap().len(),
        120
    );
    let errors = [
        ("2026-01", "2026-Q1", "monthly and the other quarterly"),
        ("2026-W01", "2026-01", "weekly and the other monthly"),
        ("2026-02", "2026-01", "`2026-02` comes after `2026-01`"),
        ("2027-W01", "2026-W53", "comes after"),
    ];
    for (from, to, fragment) in errors {
        let err = Period::range(p(from), p(to)).unwrap_err();
        assert!(err.contains(fragment), "{from}..{to}: {err}");
    }
}

#[test]
fn period_ordering() {
    let sorted = [
        "2025-12", "2025-W52", "2026-W01", "2026-01", "2026-Q1", "2026-H1", "2026", "2026-W02",
        "2026-02", "2026-Q4", "2026-11", "2026-W53", "2027", "2027-W01",
    ];
    // 2025-12 starts on 12-01, 2025-W52 on 12-22; 2026-W53 on 2026-12-28.
    let mut shuffled: Vec<Period> = sorted.iter().rev().map(|t| p(t)).collect();
    shuffled.swap(0, 5);
    shuffled.sort();
    let want: Vec<Period> = sorted.iter().map(|t| p(t)).collect();
    assert_eq!(shuffled, want);
    // Same first day: the shorter frequency first.
    assert!(p("2024-W01") < p("2024-01"));
    assert!(p("2024-01") < p("2024-Q1"));
    assert!(p("2026-Q4").partial_cmp(&p("2026-10")) == Some(std::cmp::Ordering::Greater));
    assert_eq!(p("2026-10").cmp(&p("2026-10")), std::cmp::Ordering::Equal);
}

/// Any valid period that FromStr could produce.
fn valid_period() -> impl Strategy<Value = Period> {
    (0u8..5, 1900i16..=9998, 1u8..=53).prop_map(|(kind, year, n)| match kind {
        0 => week(year, n.min(iso_weeks_in_year(year))),
        1 => month(year, (n - 1) % 12 + 1),
        2 => quarter(year, (n - 1) % 4 + 1),
        3 => half(year, (n - 1) % 2 + 1),
        _ => Period::Year { year },
    })
}

fn any_frequency() -> impl Strategy<Value = Frequency> {
    (0usize..5).prop_map(|i| Frequency::ALL[i])
}

const ZONES: [&str; 9] = [
    "UTC",
    "Europe/London",
    "America/Havana",
    "America/Sao_Paulo",
    "America/Asuncion",
    "Asia/Tehran",
    "Asia/Kolkata",
    "Pacific/Apia",
    "Australia/Lord_Howe",
];

proptest! {
    #[test]
    fn period_parse_never_panics(text in any::<String>()) {
        let _ = text.parse::<Period>();
    }

    #[test]
    fn period_parse_near_misses_never_panic(
        text in "[0-9+-]{0,5}(-[QHWqhw0-9+-]?[0-9]{0,3})?(-[0-9]{0,2})?"
    ) {
        if let Ok(period) = text.parse::<Period>() {
            prop_assert_eq!(period.to_string(), text);
        }
    }

    #[test]
    fn period_valid_periods_are_consistent(period in valid_period()) {
        prop_assert_eq!(period.to_string().parse::<Period>(), Ok(period));
        prop_assert_eq!(period.next().prev(), period);
        prop_assert_eq!(period.prev().next(), period);
        prop_assert_eq!(period.end_day(), period.next().first_day());
        prop_assert_eq!(period.prev().end_day(), period.first_day());
        prop_assert!(period < period.next());
        prop_assert_eq!(period.days(), period.first_day().until(period.end_day()).unwrap().get_days());
        prop_assert!(period.contains_date(period.first_day()));
        prop_assert!(period.contains_date(period.last_day()));
        prop_assert!(!period.contains_date(period.end_day()));
        prop_assert_eq!(Period::containing(period.frequency(), period.first_day()), period);
        prop_assert_eq!(Period::containing(period.frequency(), period.last_day()), period);
    }

    #[test]
    fn period_subperiods_partition(period in valid_period(), freq in any_frequency()) {
        let subs = period.subperiods(freq);
        if freq > period.frequency() {
            prop_assert!(subs.is_empty());
        } else {
            prop_assert!(!subs.is_empty());
            for pair in subs.windows(2) {
                prop_assert_eq!(pair[0].next(), pair[1]);
            }
            for sub in &subs {
                prop_assert_eq!(sub.enclosing(period.frequency()), Some(period));
            }
            // Nothing belonging to the period was left out.
            prop_assert_ne!(subs[0].prev().enclosing(period.frequency()), Some(period));
            let last = subs[subs.len() - 1];
            prop_assert_ne!(last.next().enclosing(period.frequency()), Some(period));
            prop_assert_eq!(period.latest_of(freq), last);
            if freq != Frequency::Weekly {
                prop_assert_eq!(subs[0].first_day(), period.first_day());
                prop_assert_eq!(last.end_day(), period.end_day());
            }
        }
    }

    #[test]
    fn period_at_agrees_with_bounds(
        seconds in -2_208_988_800i64..4_102_444_800, // 1900 to 2100
        zone in 0usize..ZONES.len(),
        freq in any_frequency(),
    ) {
        let zone_tz = tz(ZONES[zone]);
        let instant = Timestamp::from_second(seconds).unwrap();
        let period = Period::at(freq, instant, &zone_tz);
        let (start, end) = period.bounds(&zone_tz);
        prop_assert!(start <= instant && instant < end, "{} {:?} {} {}", period, ZONES[zone], start, end);
    }
}

#[test]
fn period_at_around_every_transition() {
    // Instants just before, at and after each period start near a transition.
    for zone in ZONES {
        let zone_tz = tz(zone);
        for freq in Frequency::ALL {
            for period in Period::range(
                Period::containing(freq, date(2011, 1, 1)),
                Period::containing(freq, date(2013, 12, 31)),
            )
            .unwrap()
            {
                let (start, end) = period.bounds(&zone_tz);
                let second = jiff::SignedDuration::from_secs(1);
                assert_eq!(Period::at(freq, start, &zone_tz), period, "{period} {zone}");
                assert_eq!(
                    Period::at(freq, end.checked_sub(second).unwrap(), &zone_tz),
                    period,
                    "{period} {zone}"
                );
                assert_eq!(
                    Period::at(freq, end, &zone_tz),
                    period.next(),
                    "{period} {zone}"
                );
            }
        }
    }
}
