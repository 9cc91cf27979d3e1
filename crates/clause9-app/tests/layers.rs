//! The rules about the layers, read from the workspace's sources: every file
//! says what it is for (`//!`), the front ends (command line, server) store
//! values and workflow events only through the use cases of clause9-app,
//! core stays pure (no async runtime, no database), its modules form no
//! cycle, and its messages name no command, flag or API key (each front end
//! words fields its own way).

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("target" | "node_modules")
            ) {
                out.extend(rust_files(&path));
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The file's code before its unit tests (`#[cfg(test)]`).
fn code_of(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

fn sources() -> Vec<PathBuf> {
    let root = workspace();
    let mut files = rust_files(&root.join("crates"));
    files.extend(rust_files(&root.join("bench")));
    assert!(
        files.len() > 100,
        "found only {} files under crates/ and bench/",
        files.len()
    );
    files
}

#[test]
fn every_file_says_what_it_is_for() {
    let missing: Vec<String> = sources()
        .iter()
        .filter(|f| {
            let text = read(f);
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            !first.starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not begin with a `//!` comment saying what they are for:\n{}",
        missing.join("\n")
    );
}

#[test]
fn front_ends_store_only_through_the_use_cases() {
    let root = workspace();
    let mut offenders = Vec::new();
    for krate in ["clause9-cli", "clause9-server", "clause9-collect"] {
        for f in rust_files(&root.join("crates").join(krate).join("src")) {
            let text = read(&f);
            for (n, line) in code_of(&text).lines().enumerate() {
                if line.contains("store.append(")
                    || line.contains(".append_events(")
                    || line.contains("store().append(")
                {
                    offenders.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "front ends write to the store only through clause9-app (values::record, the records' use cases):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn core_has_no_async_runtime_and_no_database() {
    let manifest = read(&workspace().join("crates/clause9-core/Cargo.toml"));
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|d| d.split("\n[").next())
        .expect("clause9-core has a [dependencies] table");
    for banned in ["tokio", "sqlx", "async-trait", "futures", "reqwest", "axum"] {
        assert!(
            !deps.lines().any(|l| l.trim_start().starts_with(banned)),
            "clause9-core depends on {banned}: core holds pure rules, the store and the use cases do I/O"
        );
    }
}

#[test]
fn core_messages_name_no_command_or_flag() {
    let mut offenders = Vec::new();
    for f in rust_files(&workspace().join("crates/clause9-core/src")) {
        let text = read(&f);
        for (n, line) in code_of(&text).lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let literals: Vec<&str> = code.split('"').skip(1).step_by(2).collect();
            let flag = |word: &str| {
                let w = word.trim_start_matches(['(', '`', '[']);
                w.len() > 2 && w.starts_with("--") && w.as_bytes()[2].is_ascii_alphabetic()
            };
            if literals
                .iter()
                .any(|l| l.contains("`clause9 ") || l.split_whitespace().any(flag))
            {
                offenders.push(format!("{}:{}: {}", f.display(), n + 1, code));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "core's messages name fields, never a command or a flag (the front ends word them):\n{}",
        offenders.join("\n")
    );
}

/// The top-level modules of clause9-core each file's code (tests left out)
/// names with `crate::module`.
fn core_module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = workspace().join("crates/clause9-core/src");
    let mut graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for f in rust_files(&src) {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = read(&f);
        let code: String = code_of(&text)
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut names = Vec::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // use crate::{a::X, b, c::{..}}: the first segment of each item
                let mut depth = 0;
                let mut item_start = true;
                for (j, ch) in group.char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => item_start = true,
                        c if item_start && (c.is_ascii_lowercase() || c == '_') => {
                            let name: String = group[j..]
                                .chars()
                                .take_while(|c| {
                                    c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit()
                                })
                                .collect();
                            names.push(name);
                            item_start = false;
                        }
                        c if !c.is_whitespace() => item_start = false,
                        _ => {}
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                    .collect();
                names.push(name);
            }
        }
        let entry = graph.entry(top.clone()).or_default();
        for n in names {
            if !n.is_empty() && n != top && src.join(format!("{n}.rs")).exists() {
                entry.insert(n);
            }
        }
    }
    graph
}

#[test]
fn core_modules_form_no_cycle() {
    let graph = core_module_graph();
    assert!(graph.len() > 15, "read only {} modules", graph.len());
    assert!(
        graph["analysis"].contains("engine"),
        "the graph misses a known edge: {graph:?}"
    );
    // depth-first search; a module met again while on the path closes a cycle
    fn visit(
        m: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|p| p == m) {
            cycles.push(format!("{} → {m}", path[at..].join(" → ")));
            return;
        }
        if !done.insert(m.to_string()) {
            return;
        }
        path.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            visit(next, graph, path, done, cycles);
        }
        path.pop();
    }
    let (mut done, mut cycles) = (Default::default(), Vec::new());
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(
        cycles.is_empty(),
        "clause9-core's modules depend on each other in a cycle (move the shared part down):\n{}",
        cycles.join("\n")
    );
}
