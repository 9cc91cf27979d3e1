//! CSV rows of a register turned into TOML tables of its register file, so
//! that imported rows are checked by the same loader as written ones. Lists
//! are separated by `;` in a cell.

/// How a CSV column becomes a TOML value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Text,
    Integer,
    Date,
    Bool,
    List,
}

/// A register that can be imported: its CLI name, file, table key and columns.
pub struct Kind {
    pub name: &'static str,
    pub file: &'static str,
    pub table: &'static str,
    columns: &'static [(&'static str, Cell)],
}

pub const KINDS: &[Kind] = &[
    Kind {
        name: "context",
        file: "context.toml",
        table: "issue",
        columns: &[
            ("id", Cell::Text),
            ("title", Cell::Text),
            ("kind", Cell::Text),
            ("description", Cell::Text),
            ("changed", Cell::Date),
        ],
    },
    Kind {
        name: "parties",
        file: "parties.toml",
        table: "party",
        columns: &[
            ("id", Cell::Text),
            ("name", Cell::Text),
            ("requirements", Cell::List),
            ("changed", Cell::Date),
        ],
    },
    Kind {
        name: "feedback",
        file: "feedback.toml",
        table: "feedback",
        columns: &[
            ("id", Cell::Text),
            ("party", Cell::Text),
            ("date", Cell::Date),
            ("summary", Cell::Text),
            ("sentiment", Cell::Text),
        ],
    },
    Kind {
        name: "risks",
        file: "risks.toml",
        table: "risk",
        columns: &[
            ("id", Cell::Text),
            ("title", Cell::Text),
            ("owner", Cell::Text),
            ("likelihood", Cell::Integer),
            ("impact", Cell::Integer),
            ("treatment", Cell::Text),
            ("status", Cell::Text),
            ("area", Cell::Text),
            ("controls", Cell::List),
            ("measures", Cell::List),
            ("changed", Cell::Date),
        ],
    },
    Kind {
        name: "soa",
        file: "soa.toml",
        table: "control",
        columns: &[
            ("id", Cell::Text),
            ("applicable", Cell::Bool),
            ("justification", Cell::Text),
        ],
    },
    Kind {
        name: "auditors",
        file: "auditors.toml",
        table: "auditor",
        columns: &[
            ("person", Cell::Text),
            ("competence", Cell::List),
            ("qualifications", Cell::List),
        ],
    },
];

pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// TOML text for the rows (header first), and the 1-based line where each
/// row's table starts within that text. Errors name the row (the header is row 1).
pub fn to_toml(kind: &Kind, rows: &[Vec<String>]) -> Result<(String, Vec<usize>), Vec<String>> {
    let Some((header, body)) = rows.split_first() else {
        return Err(vec!["the file is empty: it needs a header row".into()]);
    };
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for name in header {
        let name = name.trim();
        match kind.columns.iter().find(|(c, _)| *c == name) {
            Some(c) => columns.push(*c),
            None => errors.push(format!(
                "row 1: unknown column `{name}`; a {} file has the columns {}",
                kind.name,
                kind.columns
                    .iter()
                    .map(|(c, _)| *c)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut text = String::new();
    let mut starts = Vec::new();
    for (i, row) in body.iter().enumerate() {
        if row.len() != columns.len() {
            errors.push(format!(
                "row {}: {} cells, but the header has {}",
                i + 2,
                row.len(),
                columns.len()
            ));
            continue;
        }
        text.push('\n');
        starts.push(text.matches('\n').count() + 1);
        text.push_str(&format!("[[{}]]\n", kind.table));
        for ((name, cell), value) in columns.iter().zip(row) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            text.push_str(&format!("{name} = {}\n", render(*cell, value)));
        }
    }
    if errors.is_empty() {
        Ok((text, starts))
    } else {
        Err(errors)
    }
}

fn render(cell: Cell, value: &str) -> String {
    match cell {
        Cell::Integer if value.parse::<i64>().is_ok() => value.to_string(),
        Cell::Date if value.len() == 10 && value.parse::<jiff::civil::Date>().is_ok() => {
            value.to_string()
        }
        Cell::Bool => match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => "true".into(),
            "false" | "no" | "n" | "0" => "false".into(),
            _ => quote(value),
        },
        Cell::List => {
            let items: Vec<String> = value
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(quote)
                .collect();
            format!("[{}]", items.join(", "))
        }
        _ => quote(value),
    }
}

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The CSV row (1-based, header = 1) whose table holds `line` of the text.
pub fn row_of(starts: &[usize], line: usize) -> Option<usize> {
    starts.iter().rposition(|s| *s <= line).map(|i| i + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(t: &[&[&str]]) -> Vec<Vec<String>> {
        t.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn converts_and_locates_rows() {
        let k = kind("risks").unwrap();
        let (text, starts) = to_toml(
            k,
            &rows(&[
                &["id", "title", "likelihood", "controls"],
                &["R1", "a \"b\"", "3", "A.5.1; A.8.8"],
                &["R2", "c", "x", ""],
            ]),
        )
        .unwrap();
        assert!(text.contains("title = \"a \\\"b\\\"\""));
        assert!(text.contains("likelihood = 3"));
        assert!(text.contains("likelihood = \"x\""));
        assert!(text.contains("controls = [\"A.5.1\", \"A.8.8\"]"));
        assert_eq!(starts, vec![2, 8]);
        assert_eq!(row_of(&starts, 4), Some(2));
        assert_eq!(row_of(&starts, 9), Some(3));
        assert_eq!(row_of(&starts, 1), None);
    }

    #[test]
    fn unknown_columns_and_short_rows() {
        let k = kind("soa").unwrap();
        let e = to_toml(k, &rows(&[&["id", "aplicable"]])).unwrap_err();
        assert!(
            e[0].starts_with("row 1: unknown column `aplicable`"),
            "{e:?}"
        );
        let e = to_toml(k, &rows(&[&["id", "applicable"], &["A.5.1"]])).unwrap_err();
        assert_eq!(e, vec!["row 2: 1 cells, but the header has 2".to_string()]);
    }
}
