//! A refusal: why a request was not carried out, as data. The rules below
//! the front ends say what is wrong in plain words and name the field
//! (`owner`, `due`, `reason`) without knowing how a front end spells it;
//! the command line words a field as a flag (`--owner`), the API as a JSON
//! key, a web page as the form's label. The kind decides the HTTP status
//! and the exit code, in one place each.

use std::fmt;

/// What sort of refusal it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The request is wrong: a value, a missing field, a rule of the data.
    Invalid,
    /// The record it names does not exist.
    NotFound,
    /// The caller may not do this (the access policy, or a person rule such
    /// as independence).
    Forbidden,
    /// The record is not in a state that allows it: a step out of order, a
    /// change made by someone else meanwhile.
    Conflict,
    /// The record is locked for good (signed minutes, a completed audit).
    Locked,
}

impl RefusalKind {
    /// The machine-readable name (`invalid`, `not_found`, `forbidden`, `conflict`).
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalKind::Invalid => "invalid",
            RefusalKind::NotFound => "not_found",
            RefusalKind::Forbidden => "forbidden",
            RefusalKind::Conflict => "conflict",
            RefusalKind::Locked => "locked",
        }
    }
}

/// One thing wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The request field it is about (snake case, as the API names it), if any.
    pub field: Option<String>,
    /// What is wrong and what to do, in plain words; never a flag or key.
    pub detail: String,
}

impl Problem {
    pub fn new(detail: impl Into<String>) -> Problem {
        Problem {
            field: None,
            detail: detail.into(),
        }
    }

    pub fn field(field: impl Into<String>, detail: impl Into<String>) -> Problem {
        Problem {
            field: Some(field.into()),
            detail: detail.into(),
        }
    }

    /// `field: detail` with the field worded by `word` (or the detail alone).
    pub fn worded(&self, word: impl Fn(&str) -> String) -> String {
        match &self.field {
            Some(f) => format!("{}: {}", word(f), self.detail),
            None => self.detail.clone(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.worded(str::to_string))
    }
}

/// A request that was not carried out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// One line saying what was refused.
    pub message: String,
    /// Each problem found (may be empty when the message says it all).
    pub problems: Vec<Problem>,
}

impl Refusal {
    pub fn new(kind: RefusalKind, message: impl Into<String>) -> Refusal {
        Refusal {
            kind,
            message: message.into(),
            problems: Vec::new(),
        }
    }

    /// An invalid request with its problems.
    pub fn invalid(message: impl Into<String>, problems: Vec<Problem>) -> Refusal {
        Refusal {
            problems,
            ..Refusal::new(RefusalKind::Invalid, message)
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Refusal {
        Refusal::new(RefusalKind::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> Refusal {
        Refusal::new(RefusalKind::NotFound, message)
    }

    pub fn conflict(message: impl Into<String>) -> Refusal {
        Refusal::new(RefusalKind::Conflict, message)
    }

    pub fn locked(message: impl Into<String>) -> Refusal {
        Refusal::new(RefusalKind::Locked, message)
    }

    /// With these problems.
    pub fn with(mut self, problems: Vec<Problem>) -> Refusal {
        self.problems = problems;
        self
    }

    /// The lines to show a person: each problem worded by `word`, or the
    /// message when there are none.
    pub fn lines(&self, word: impl Fn(&str) -> String) -> Vec<String> {
        if self.problems.is_empty() {
            vec![self.message.clone()]
        } else {
            self.problems.iter().map(|p| p.worded(&word)).collect()
        }
    }
}

impl Refusal {
    /// The message, then each problem worded by `word` — without repeating
    /// a lone problem that only says the message again.
    pub fn message_and_lines(&self, word: impl Fn(&str) -> String) -> Vec<String> {
        let mut lines = vec![self.message.clone()];
        if self
            .problems
            .iter()
            .any(|p| p.field.is_some() || p.detail != self.message)
        {
            lines.extend(self.problems.iter().map(|p| p.worded(&word)));
        }
        lines
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines(str::to_string).join("; "))
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_front_end_words_the_fields_its_own_way() {
        let r = Refusal::invalid(
            "the action was refused",
            vec![
                Problem::field("success_criterion", "say how success is measured"),
                Problem::new("the record is closed"),
            ],
        );
        let flag = |f: &str| format!("--{}", f.replace('_', "-"));
        assert_eq!(
            r.lines(flag),
            [
                "--success-criterion: say how success is measured",
                "the record is closed"
            ]
        );
        assert_eq!(
            r.to_string(),
            "success_criterion: say how success is measured; the record is closed"
        );
        let bare = Refusal::forbidden("laura may not record values of M-VUL-01");
        assert_eq!(
            bare.lines(flag),
            ["laura may not record values of M-VUL-01"]
        );
        assert_eq!(bare.kind.as_str(), "forbidden");
    }
}
