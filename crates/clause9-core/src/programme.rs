//! The programme: organisation settings, people, groups, objectives, areas,
//! sources and the measurement constructs (loaded from `clause9.toml` and
//! `measures/**/*.toml`).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::measure::Measure;
use crate::period::Period;

/// A whole measurement programme, validated.
#[derive(Debug, Clone)]
pub struct Programme {
    pub settings: Settings,
    /// Sorted by id.
    pub measures: Vec<Measure>,
}

/// The contents of `clause9.toml`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub name: String,
    pub organisation: String,
    pub timezone_name: String,
    pub timezone: TimeZone,
    /// Nothing is due before this period.
    pub first_period: Period,
    pub people: BTreeMap<String, Person>,
    pub groups: BTreeMap<String, Vec<String>>,
    pub objectives: BTreeMap<String, Objective>,
    pub areas: BTreeMap<String, Area>,
    pub sources: BTreeMap<String, Source>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub name: String,
    pub email: Option<String>,
}

/// An information security objective (ISO/IEC 27001 6.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub title: String,
    pub owner: String,
    pub due: Option<Date>,
}

/// An organisational area or process with its owner.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub title: String,
    pub owner: String,
}

/// Where query base measures get their values.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// SQL over local evidence files: table name → path or glob (relative to the programme).
    Files { tables: BTreeMap<String, String> },
    /// SQL run read-only in a PostgreSQL database; the URL comes from an environment variable.
    Postgres { url_env: String },
    /// PromQL against a Prometheus server's HTTP API.
    Prometheus { url: String },
}

impl Source {
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Files { .. } => "files",
            Source::Postgres { .. } => "postgres",
            Source::Prometheus { .. } => "prometheus",
        }
    }
}

impl Settings {
    /// Is `id` a person, or a group that includes `person`?
    pub fn includes(&self, id: &str, person: &str) -> bool {
        id == person
            || self
                .groups
                .get(id)
                .is_some_and(|members| members.iter().any(|m| m == person))
    }

    /// The people an id stands for: the person itself, or a group's members.
    pub fn people_of(&self, id: &str) -> Vec<String> {
        match self.groups.get(id) {
            Some(members) => members.clone(),
            None => vec![id.to_string()],
        }
    }

    /// A person's display name, or the id itself.
    pub fn display_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.people.get(id).map_or(id, |p| p.name.as_str())
    }
}

impl Programme {
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id)
    }
}
