//! Reading a programme directory and opening its store: the wiring every
//! command shares.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use clause9_app::Clock;
use clause9_core::observation::Observation;
use clause9_core::period::{Frequency, Period};
use clause9_core::{Programme, SourceFile};
use clause9_store::Store;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::cli::StoreArgs;
use crate::error::{CliError, CliResult};

/// The programme files of DIR: `clause9.toml` and `measures/**/*.toml`, sorted.
pub(crate) fn read_files(dir: &Path) -> CliResult<(SourceFile, Vec<SourceFile>)> {
    let settings_path = dir.join("clause9.toml");
    if !settings_path.is_file() {
        return Err(CliError::invalid(format!(
            "{} is not a clause9 programme: no clause9.toml (create one with `clause9 init {}`)",
            dir.display(),
            dir.display()
        )));
    }
    clause9_app::files::read_files(dir).map_err(CliError::invalid)
}

/// Loads and validates the programme in DIR.
pub(crate) fn load_programme(dir: &Path) -> CliResult<Programme> {
    let (settings, measures) = read_files(dir)?;
    clause9_core::load(&settings, &measures).map_err(CliError::Programme)
}

/// Opens the store: --database-url / CLAUSE9_DATABASE_URL, else DIR/.clause9/clause9.db.
pub(crate) async fn open_store(dir: &Path, args: &StoreArgs) -> CliResult<Arc<dyn Store>> {
    match &args.database_url {
        Some(url) => Ok(clause9_store::open(url).await?),
        None => {
            let path = dir.join(".clause9").join("clause9.db");
            Ok(Arc::new(clause9_store::open_sqlite(&path).await?))
        }
    }
}

/// The current observations that evaluating `period` needs: those of every
/// collection period the active measures combine, and of the period itself.
pub(crate) async fn current_for(
    programme: &Programme,
    store: &dyn Store,
    period: Period,
) -> CliResult<Vec<Observation>> {
    let mut periods = std::collections::BTreeSet::from([period]);
    for m in programme.measures.iter().filter(|m| m.is_active()) {
        periods.extend(clause9_core::engine::plan(&programme.settings, m, period).periods);
    }
    let periods: Vec<Period> = periods.into_iter().collect();
    Ok(store.current(None, &periods).await?)
}

/// Parses a period given on the command line.
pub(crate) fn parse_period(text: &str) -> CliResult<Period> {
    text.parse::<Period>()
        .map_err(|e| CliError::invalid(format!("--period: {e}")))
}

/// `--today` of this run, set once by `main`.
static TODAY: OnceLock<Option<Date>> = OnceLock::new();

/// Reads `--today DATE`: a date whose year the clock accepts.
pub(crate) fn parse_today(text: &str) -> CliResult<Date> {
    let day = crate::workflow::date("--today", text)?;
    Clock::as_of(Some(day), &TimeZone::UTC)
        .map_err(|e| CliError::invalid(format!("--today: {e}")))?;
    Ok(day)
}

/// Records `--today` for this run; at a terminal, says on standard error
/// that the clock is moved (scripts asked for it and keep their stderr clean).
pub(crate) fn set_today(day: Option<Date>) {
    use std::io::IsTerminal as _;
    if let Some(day) = day
        && std::io::stderr().is_terminal()
    {
        crate::output::note(format!(
            "note: the clock is moved to {day} (--today / CLAUSE9_TODAY): dates and stored times follow it"
        ));
    }
    let _ = TODAY.set(day);
}

/// `--today` of this run, if given (the server moves its own clock by it).
pub(crate) fn today_option() -> Option<Date> {
    TODAY.get().copied().flatten()
}

/// The clock of this run in `tz`: the system's, or moved by `--today`.
pub(crate) fn clock_in(tz: &TimeZone) -> Clock {
    // `parse_today` accepted only days of the clock's years, which every
    // timezone can show: `as_of` cannot fail here
    Clock::as_of(today_option(), tz).unwrap_or_else(|_| Clock::system())
}

/// The clock of this run in the programme's timezone.
pub(crate) fn clock(programme: &Programme) -> Clock {
    clock_in(&programme.settings.timezone)
}

/// Now, by this run's clock.
pub(crate) fn now(programme: &Programme) -> jiff::Timestamp {
    clock(programme).now()
}

/// Today in the programme's timezone, by this run's clock.
pub(crate) fn today(programme: &Programme) -> Date {
    clock(programme).today(&programme.settings.timezone)
}

/// The given period, or the current month in the programme's timezone.
pub(crate) fn period_or_current(programme: &Programme, period: Option<&str>) -> CliResult<Period> {
    match period {
        Some(p) => parse_period(p),
        None => Ok(Period::containing(Frequency::Monthly, today(programme))),
    }
}

/// Splits `[DIR] REST…` where DIR is optional: it is present when there is one
/// more argument than the command needs at least.
pub(crate) fn split_dir(args: &[String], needed: usize) -> (PathBuf, &[String]) {
    if args.len() > needed {
        (PathBuf::from(&args[0]), &args[1..])
    } else {
        (PathBuf::from("."), args)
    }
}
