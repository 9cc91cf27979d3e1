//! `clause9 analyse [DIR] MEASURE [--period P]`: one measure's trend, control
//! chart, forecast and data quality, with a small chart in the terminal; and
//! the analysed evaluation shared by `evaluate` and `report`.

use clause9_core::Programme;
use clause9_core::analysis::Analysis;
use clause9_core::evaluation::Evaluation;
use clause9_core::period::Period;
use clause9_store::Store;

use crate::cli::{Format, StoreArgs};
use crate::context::{load_programme, open_store, period_or_current, split_dir, today};
use crate::error::{CliError, CliResult};
use crate::output::{self, BOLD, DIM, number, say, status_style, styled};

/// Every stored observation (superseded included) of the active measures.
/// Evaluates `period` and analyses every measure up to it.
pub(crate) async fn analysed(
    programme: &Programme,
    store: &dyn Store,
    period: Period,
) -> CliResult<Evaluation> {
    let today = today(programme);
    Ok(clause9_app::evaluations::analysed(store, programme, period, today).await?)
}

pub(crate) async fn run(
    args: &[String],
    period: Option<&str>,
    format: Format,
    store_args: &StoreArgs,
) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let id = rest.first().cloned().unwrap_or_default();
    let programme = load_programme(&dir)?;
    let Some(measure) = programme.measure(&id) else {
        let known: Vec<&str> = programme.measures.iter().map(|m| m.id.as_str()).collect();
        return Err(CliError::invalid(format!(
            "unknown measure `{id}`; the programme has {}",
            known.join(", ")
        )));
    };
    let period = period_or_current(&programme, period)?;
    let store = open_store(&dir, store_args).await?;
    let evaluation = analysed(&programme, store.as_ref(), period).await?;
    let Some(m) = evaluation.measures.iter().find(|m| m.id == id) else {
        return Err(CliError::invalid(format!(
            "measure `{id}` is not active, so it is not analysed"
        )));
    };
    if format == Format::Json {
        return Ok(output::json(m)?);
    }
    let Some(a) = &m.analysis else {
        return Err(CliError::invalid(format!("measure `{id}` has no analysis")));
    };
    say(format!("{} {} — {}", styled_id(&m.id), m.name, period));
    say(format!(
        "{}  value {}  target {}{}",
        output_status(m.status),
        m.value.map_or("—".to_string(), |v| format!(
            "{}{}",
            number(v),
            unit(&m.unit)
        )),
        number(m.target),
        unit(&m.unit)
    ));
    say("");
    for line in chart(a, m.target) {
        say(line);
    }
    say("");
    say(trend_text(a));
    say(control_text(a));
    say(format!("forecast: {}", a.forecast.note));
    if a.quality.is_empty() {
        say("data quality: no notes");
    } else {
        say("data quality:");
        for q in &a.quality {
            say(format!("  - {q}"));
        }
    }
    if let Some(i) = &measure.indicator.interpretation {
        say(format!("{}{i}{}", DIM.render(), DIM.render_reset()));
    }
    Ok(())
}

fn styled_id(id: &str) -> String {
    format!("{}{id}{}", BOLD.render(), BOLD.render_reset())
}

fn output_status(s: clause9_core::evaluation::Status) -> String {
    let c = styled(format!("● {}", s.as_str()), status_style(s));
    format!("{}{}{}", c.style.render(), c.text, c.style.render_reset())
}

fn unit(u: &str) -> String {
    match u {
        "" => String::new(),
        "%" => "%".into(),
        other => format!(" {other}"),
    }
}

fn trend_text(a: &Analysis) -> String {
    let t = &a.trend;
    match (t.slope, t.slope_ci95, t.verdict) {
        (Some(s), Some(ci), Some(v)) => format!(
            "trend over {} points: {} — slope {} per period (95% CI {} to {}), Theil–Sen {}, Mann–Kendall p = {}",
            t.points,
            v.as_str(),
            number4(s),
            number4(ci[0]),
            number4(ci[1]),
            number4(t.theil_sen_slope.unwrap_or(f64::NAN)),
            p_value(t.mann_kendall_p.unwrap_or(f64::NAN)),
        ),
        _ => t.note.clone().unwrap_or_default(),
    }
}

fn control_text(a: &Analysis) -> String {
    let c = &a.control;
    match (c.centre, c.lower, c.upper) {
        (Some(centre), Some(lower), Some(upper)) => {
            let mut s = format!(
                "control (XmR, {} points): centre {}, limits {} to {}",
                c.points,
                number(centre),
                number(lower),
                number(upper)
            );
            if c.signals.is_empty() {
                s.push_str("; no signals");
            } else {
                let list: Vec<String> = c
                    .signals
                    .iter()
                    .map(|x| format!("{} {}", x.period, x.rule))
                    .collect();
                s.push_str(&format!("; signals: {}", list.join(", ")));
            }
            s
        }
        _ => c.note.clone().unwrap_or_default(),
    }
}

fn number4(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn p_value(p: f64) -> String {
    if p < 0.0001 {
        "< 0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

/// A text chart: one column per collection period (the latest 48), `●` for a
/// value, `─` for the target, `┄` for the control limits, `·` for the centre.
pub(crate) fn chart(a: &Analysis, target: f64) -> Vec<String> {
    const ROWS: usize = 8;
    let series: Vec<_> = a.series.iter().rev().take(48).rev().collect();
    let values: Vec<f64> = series.iter().filter_map(|(_, v)| *v).collect();
    if values.is_empty() {
        return vec!["(no values to chart)".to_string()];
    }
    let mut lo = values.iter().copied().fold(target, f64::min);
    let mut hi = values.iter().copied().fold(target, f64::max);
    for l in [a.control.lower, a.control.upper].into_iter().flatten() {
        lo = lo.min(l);
        hi = hi.max(l);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let row_of = |v: f64| (((hi - v) / (hi - lo)) * (ROWS - 1) as f64).round() as usize;
    let mut grid = vec![vec![' '; series.len()]; ROWS];
    let mut line_at = |v: Option<f64>, ch: char| {
        if let Some(v) = v {
            for c in grid[row_of(v)].iter_mut() {
                *c = ch;
            }
        }
    };
    line_at(a.control.lower, '┄');
    line_at(a.control.upper, '┄');
    line_at(a.control.centre, '·');
    line_at(Some(target), '─');
    for (i, (_, v)) in series.iter().enumerate() {
        if let Some(v) = v {
            grid[row_of(*v)][i] = '●';
        }
    }
    let width = number(hi).len().max(number(lo).len());
    let mut out: Vec<String> = grid
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            let label = match r {
                0 => number(hi),
                r if r == ROWS - 1 => number(lo),
                _ => String::new(),
            };
            format!("{label:>width$} │{}", row.into_iter().collect::<String>())
        })
        .collect();
    if let (Some((first, _)), Some((last, _))) = (series.first(), series.last()) {
        out.push(format!(
            "{:>width$} └ {first} … {last}  (● value, ─ target, · centre, ┄ control limits)",
            ""
        ));
    }
    out
}
