//! Identifier rules: measure ids, formula identifiers (base and derived ids)
//! and the ids of people, groups, objectives, areas and sources.

/// Names of the formula functions; base and derived ids may not take them.
pub const FUNCTION_NAMES: [&str; 10] = [
    "min", "max", "abs", "round", "floor", "ceil", "sqrt", "ln", "log10", "if",
];

/// `[A-Z0-9][A-Z0-9._-]*`: measure ids such as `M-INC-01`.
pub fn is_measure_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_uppercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// `[A-Za-z_][A-Za-z0-9_]*`: base and derived ids, used as names in formulas.
pub fn is_formula_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `[A-Za-z0-9][A-Za-z0-9_.-]*`: people, groups, objectives, areas, sources.
pub fn is_name_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

/// The closest candidate to a misspelt name, when one is close enough to suggest.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(wrong, c), c))
        .filter(|(d, c)| *d <= 1 + c.len() / 5 && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_rules() {
        for (id, measure, formula, name) in [
            ("M-INC-01", true, false, true),
            ("m-inc", false, false, true),
            ("closed_in_sla", false, true, true),
            ("_x", false, true, false),
            ("1abc", false, false, true),
            ("", false, false, false),
            ("a b", false, false, false),
            ("OBJ-1", true, false, true),
            ("9.1", true, false, true),
        ] {
            assert_eq!(is_measure_id(id), measure, "measure {id}");
            assert_eq!(is_formula_id(id), formula, "formula {id}");
            assert_eq!(is_name_id(id), name, "name {id}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("collecter", ["collector", "owner"]),
            Some("collector")
        );
        assert_eq!(suggest("xyz", ["collector", "owner"]), None);
    }
}
