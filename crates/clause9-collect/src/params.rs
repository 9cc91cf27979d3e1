//! The `$name` parameters of a query: found outside string literals, quoted
//! identifiers and comments, checked against the names a source binds, and
//! renumbered for PostgreSQL (`$start` → `$1`). Values are always bound as
//! parameters, never pasted into SQL.

use crate::error::Failure;

/// The parameters a SQL query may use.
pub(crate) const SQL_PARAMETERS: [&str; 3] = ["start", "end", "period"];

/// A `$name` occurrence: byte range and name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Occurrence {
    pub start: usize,
    pub end: usize,
    pub name: String,
}

/// Every `$name` in `sql`, skipping '…', "…", -- comments and /* */ comments.
/// A `$` followed by a digit (`$1`) is reported as a name too, so it is refused.
pub(crate) fn scan(sql: &str) -> Vec<Occurrence> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'$' => {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push(Occurrence {
                    start,
                    end: i,
                    name: sql[start + 1..i].to_string(),
                });
            }
            _ => i += 1,
        }
    }
    out
}

/// Refuses any parameter other than `allowed`.
pub(crate) fn check(occurrences: &[Occurrence], allowed: &[&str]) -> Result<(), Failure> {
    for o in occurrences {
        if !allowed.contains(&o.name.as_str()) {
            let shown = if o.name.is_empty() {
                "$".to_string()
            } else {
                format!("${}", o.name)
            };
            return Err(Failure::Refused(format!(
                "unknown parameter `{shown}`: a query may use {}",
                allowed
                    .iter()
                    .map(|a| format!("${a}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(())
}

/// Rewrites `$start`/`$end`/`$period` to `$1…$n` in order of first use;
/// returns the SQL and the names in positional order.
pub(crate) fn positional(sql: &str) -> Result<(String, Vec<String>), Failure> {
    let occ = scan(sql);
    check(&occ, &SQL_PARAMETERS)?;
    let mut names: Vec<String> = Vec::new();
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    for o in &occ {
        let n = match names.iter().position(|x| *x == o.name) {
            Some(p) => p + 1,
            None => {
                names.push(o.name.clone());
                names.len()
            }
        };
        out.push_str(&sql[last..o.start]);
        out.push_str(&format!("${n}"));
        last = o.end;
    }
    out.push_str(&sql[last..]);
    Ok((out, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_parameters_outside_literals_and_comments() {
        let sql = "SELECT '$start', \"$x\" -- $end\n FROM t /* $no */ WHERE a >= $start AND b < $end AND p = $period";
        let names: Vec<_> = scan(sql).into_iter().map(|o| o.name).collect();
        assert_eq!(names, ["start", "end", "period"]);
    }

    #[test]
    fn renumbers_in_order_of_first_use() {
        let (sql, names) = positional("SELECT $end, $start, $end").unwrap();
        assert_eq!(sql, "SELECT $1, $2, $1");
        assert_eq!(names, ["end", "start"]);
    }

    #[test]
    fn refuses_unknown_and_positional_parameters() {
        assert!(positional("SELECT $1").is_err());
        assert!(positional("SELECT $today").is_err());
        assert!(positional("SELECT 'it''s $today'").is_ok());
    }
}
