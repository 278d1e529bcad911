//! The layering rules of ARCHITECTURE.md, checked: each module of `src/`
//! may name (`crate::…`, outside comments) only the modules its row allows.
//! `KNOWN` lists the crossings that still exist and are to be removed
//! (issue 14); a crossing that is gone must leave `KNOWN` too, so the list
//! only shrinks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each module may use. `main.rs` and `lib.rs` may use everything.
const RULES: &[(&str, &[&str])] = &[
    ("i18n", &[]),
    ("secret", &[]),
    ("clock", &["token"]),
    ("token", &["i18n", "secret"]),
    ("net", &["i18n", "secret", "token"]),
    ("diagnose", &["i18n", "net", "token"]),
    ("paste", &["i18n", "secret", "token", "diagnose"]),
    (
        "oauth",
        &[
            "i18n", "secret", "clock", "net", "token", "diagnose", "paste",
        ],
    ),
    ("store", &["i18n", "secret", "oauth"]),
    (
        "export",
        &[
            "i18n", "secret", "net", "token", "diagnose", "paste", "oauth",
        ],
    ),
    (
        "sandbox",
        &["i18n", "secret", "clock", "net", "token", "oauth"],
    ),
    (
        "cli",
        &[
            "i18n", "secret", "clock", "net", "token", "diagnose", "paste", "oauth", "export",
            "store", "sandbox",
        ],
    ),
    (
        "fuzzing",
        &[
            "i18n", "secret", "clock", "net", "token", "diagnose", "paste", "oauth", "export",
            "store", "sandbox", "cli",
        ],
    ),
    (
        "model",
        &[
            "i18n", "secret", "clock", "net", "token", "diagnose", "paste", "oauth", "export",
            "store", "sandbox",
        ],
    ),
    (
        "ui",
        &[
            "i18n", "secret", "clock", "net", "token", "diagnose", "paste", "oauth", "export",
            "sandbox", "model",
        ],
    ),
    (
        "app",
        &[
            "i18n", "secret", "clock", "net", "token", "diagnose", "paste", "oauth", "export",
            "store", "sandbox", "model", "ui",
        ],
    ),
];

/// Crossings that exist today, each to be taken out (issue 14).
const KNOWN: &[(&str, &str)] = &[];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top module a file of `src/` belongs to (`src/oauth/flow.rs` →
/// `oauth`, `src/i18n.rs` → `i18n`); `None` for `lib.rs` and `main.rs`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_owned())
}

/// The modules `line` names as `crate::NAME`; the `tr!` and `text!`
/// macros are `i18n`'s.
fn named(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if !name.is_empty() {
            names.push(match name.as_str() {
                "tr" | "text" => "i18n".to_owned(),
                _ => name,
            });
        }
    }
    names
}

#[test]
fn every_module_uses_only_what_its_row_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut broken = Vec::new();
    let mut seen_known = BTreeSet::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let Some(&(_, allowed)) = RULES.iter().find(|(name, _)| *name == module) else {
            panic!("{module} has no row in RULES (and none in ARCHITECTURE.md?)");
        };
        let text = std::fs::read_to_string(file).expect("a source file");
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for used in named(line) {
                if used == module || allowed.contains(&used.as_str()) {
                    continue;
                }
                if KNOWN.contains(&(module.as_str(), used.as_str())) {
                    seen_known.insert((module.clone(), used));
                    continue;
                }
                broken.push(format!(
                    "{}:{}: {module} uses {used}",
                    file.strip_prefix(&src).unwrap_or(file).display(),
                    number + 1
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports across the layers (ARCHITECTURE.md):\n{}",
        broken.join("\n")
    );
    let gone: Vec<String> = KNOWN
        .iter()
        .filter(|(from, to)| !seen_known.contains(&((*from).to_owned(), (*to).to_owned())))
        .map(|(from, to)| format!("{from} → {to}"))
        .collect();
    assert!(
        gone.is_empty(),
        "no longer crossed, take out of KNOWN: {}",
        gone.join(", ")
    );
}
