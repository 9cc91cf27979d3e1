//! Property tests: no input makes the loader panic — arbitrary text, and valid
//! programme files with random edits (characters deleted, inserted, replaced).

use clause9_core::{SourceFile, load};
use proptest::prelude::*;

const SETTINGS: &str = include_str!("../../../examples/spec/clause9.toml");
const MEASURE: &str = include_str!("../../../examples/spec/measures/incidents.toml");

fn file(path: &str, text: String) -> SourceFile {
    SourceFile {
        path: path.into(),
        text,
    }
}

/// Applies edits (position fraction, kind, character) to a text.
fn mutate(text: &str, edits: &[(f64, u8, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(at, kind, c) in edits {
        let i = ((chars.len() as f64) * at) as usize;
        match kind % 3 {
            0 if i < chars.len() => {
                chars.remove(i);
            }
            1 => chars.insert(i.min(chars.len()), c),
            _ if i < chars.len() => chars[i] = c,
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn token_char() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('"'),
        Just('['),
        Just(']'),
        Just('='),
        Just('\n'),
        Just('.'),
        Just('('),
        Just(')'),
        Just('/'),
        Just('*'),
        Just('-'),
        Just('#'),
        Just('\''),
        Just('{'),
        Just('}'),
        Just(','),
        any::<char>(),
        "[a-z0-9]".prop_map(|s| s.chars().next().unwrap_or('a')),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn arbitrary_text_never_panics(settings in ".{0,300}", measure in ".{0,300}") {
        let _ = load(&file("clause9.toml", settings), &[file("m.toml", measure)]);
    }

    #[test]
    fn edited_programmes_never_panic(
        s_edits in prop::collection::vec((0.0..1.0f64, any::<u8>(), token_char()), 0..6),
        m_edits in prop::collection::vec((0.0..1.0f64, any::<u8>(), token_char()), 1..12),
    ) {
        let settings = mutate(SETTINGS, &s_edits);
        let measure = mutate(MEASURE, &m_edits);
        match load(&file("clause9.toml", settings), &[file("m.toml", measure)]) {
            Ok(_) => {}
            Err(diagnostics) => {
                prop_assert!(!diagnostics.is_empty());
                for d in diagnostics {
                    prop_assert!(d.line >= 1 && d.column >= 1);
                    prop_assert!(!d.message.is_empty());
                }
            }
        }
    }
}
