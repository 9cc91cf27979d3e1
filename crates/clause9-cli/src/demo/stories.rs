//! Plans a history of values for every manual base measure: each measure gets
//! a story for its indicator (improving, deteriorating, steady green, steady
//! amber, a one-off shift beyond the control limits, a sustained run above the
//! centre line), base values solved to tell it, some values recorded late and a
//! few corrected afterwards. Deterministic: the same programme and day give the
//! same history.

use clause9_core::Programme;
use clause9_core::engine::is_due;
use clause9_core::measure::{BaseMethod, Direction, Measure};
use clause9_core::observation::{Evidence, Method, NewObservation};
use clause9_core::period::{Frequency, Period};
use clause9_core::schedule::due_date;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use super::solve::{solve, typical};

/// A value to store, and possibly its later correction.
pub(crate) struct Planned {
    pub observation: NewObservation,
    pub correction: Option<Correction>,
}

pub(crate) struct Correction {
    pub value: f64,
    pub at: Timestamp,
    pub reason: String,
    pub by: String,
}

/// How many collection periods of history each frequency gets (two years).
fn periods_of_history(freq: Frequency) -> usize {
    match freq {
        Frequency::Weekly => 104,
        Frequency::Monthly => 24,
        Frequency::Quarterly => 8,
        Frequency::HalfYearly => 4,
        Frequency::Yearly => 2,
    }
}

/// The indicator's position in "gaps" (the distance between green and red):
/// 0 is the green threshold, -1 the red one, positive is better than green.
fn story(kind: usize, t: usize, n: usize, rng: &mut fastrand::Rng) -> f64 {
    let u = t as f64 / (n.max(2) - 1) as f64;
    let noise = |rng: &mut fastrand::Rng, sd: f64| {
        // Box–Muller: a normal deviate from two uniform ones
        let (a, b) = (rng.f64().max(1e-12), rng.f64());
        sd * (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
    };
    match kind % 6 {
        0 => -1.8 + 2.4 * u + noise(rng, 0.12),
        1 => 0.8 - 2.1 * u + noise(rng, 0.12),
        2 => 0.6 + noise(rng, 0.15),
        3 => -0.5 + noise(rng, 0.12),
        4 if t + 3 == n => -2.6,
        4 => 0.5 + noise(rng, 0.1),
        _ if t + 9 >= n => 0.75 + noise(rng, 0.04),
        _ => 0.2 + noise(rng, 0.1),
    }
}

fn target(measure: &Measure, position: f64) -> f64 {
    let ind = &measure.indicator;
    let sign = match ind.direction {
        Direction::HigherIsBetter => 1.0,
        Direction::LowerIsBetter => -1.0,
    };
    let gap = match ind.red {
        Some(r) if (r - ind.green).abs() > 0.0 => (r - ind.green).abs(),
        _ => (ind.green.abs() * 0.1).max(1.0),
    };
    let v = (ind.green + sign * position * gap).max(0.0);
    if measure.unit == "%" { v.min(100.0) } else { v }
}

fn seed(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The history of every active measure whose base measures are all manual, for
/// the collection periods that ended before `today`.
pub(crate) fn plan_history(programme: &Programme, today: Date, now: Timestamp) -> Vec<Planned> {
    let settings = &programme.settings;
    let mut out = Vec::new();
    let manual = |m: &&Measure| {
        m.base
            .iter()
            .all(|b| matches!(b.method, BaseMethod::Manual { .. }))
    };
    for (index, measure) in programme
        .measures
        .iter()
        .filter(|m| m.is_active())
        .filter(manual)
        .enumerate()
    {
        let mut rng = fastrand::Rng::with_seed(seed(&measure.id));
        let freq = measure.frequency.collection;
        let last = Period::containing(freq, today).prev();
        let n = periods_of_history(freq);
        let mut periods = vec![last];
        while periods.len() < n {
            let earlier = periods[periods.len() - 1].prev();
            periods.push(earlier);
        }
        periods.reverse();
        periods.retain(|p| is_due(settings, measure, p));
        let typicals: Vec<f64> = (0..measure.base.len())
            .map(|i| typical(measure, i, &mut rng))
            .collect();
        let collector = settings
            .people_of(&measure.roles.collector)
            .into_iter()
            .next()
            .unwrap_or_default();
        let owner = settings
            .people_of(&measure.roles.owner)
            .into_iter()
            .next()
            .unwrap_or_default();
        // every seventh measure has not been collected for the last period yet
        let skip_last = index % 7 == 6;
        for (t, period) in periods.iter().enumerate() {
            if skip_last && t + 1 == periods.len() {
                continue;
            }
            let growth = 1.0 + 0.004 * t as f64;
            let typ: Vec<f64> = typicals.iter().map(|v| (v * growth).round()).collect();
            let wanted = target(measure, story(index, t, periods.len(), &mut rng));
            let values = solve(measure, &typ, wanted).unwrap_or(typ);
            let due = due_date(measure, *period);
            let late = rng.f64() < 0.1;
            let day = if late {
                due.checked_add(i64::from(rng.u8(1..15)).days())
                    .unwrap_or(due)
            } else {
                let within = i64::from(measure.frequency.due_days.max(2) - 1);
                period
                    .end_day()
                    .checked_add(rng.i64(1..=within).days())
                    .unwrap_or(due)
            };
            let recorded_at = day
                .at(rng.i8(8..18), rng.i8(0..60), 0, 0)
                .to_zoned(settings.timezone.clone())
                .map(|z| z.timestamp())
                .unwrap_or(now)
                .min(now);
            let corrected = t + 1 < periods.len() && rng.f64() < 0.04;
            for (i, b) in measure.base.iter().enumerate() {
                let evidence_required = matches!(
                    b.method,
                    BaseMethod::Manual {
                        evidence_required: true,
                        ..
                    }
                );
                let evidence = Evidence {
                    url: evidence_required
                        .then(|| format!("https://evidence.example.org/{}/{period}", measure.id)),
                    ..Evidence::default()
                };
                let value = values[i];
                let first_value = if corrected && i == 0 {
                    (value * 0.9).round()
                } else {
                    value
                };
                let correction =
                    (corrected && i == 0 && first_value != value).then(|| Correction {
                        value,
                        at: recorded_at
                            .checked_add(72.hours())
                            .unwrap_or(recorded_at)
                            .min(now),
                        reason: "the source report was re-run after a missing export was found"
                            .into(),
                        by: owner.clone(),
                    });
                out.push(Planned {
                    observation: NewObservation {
                        measure: measure.id.clone(),
                        base: b.id.clone(),
                        period: *period,
                        value: Some(first_value),
                        definition_version: measure.version,
                        recorded_by: collector.clone(),
                        recorded_at,
                        method: Method::Manual,
                        evidence,
                        provenance: Some(serde_json::json!({ "demo": "written by clause9 demo" })),
                        supersedes: None,
                        reason: None,
                    },
                    correction,
                });
            }
        }
    }
    out
}
