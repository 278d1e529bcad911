//! Every saved fuzz input replays through its target (`tokenscope::fuzzing`):
//! the seed corpora in `fuzz/corpus/<target>/` and every input that ever
//! failed, kept in `fuzz/crashes/<target>/`. Each file runs on its own, so
//! one failure does not hide the next; the failures are listed by path.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use tokenscope::fuzzing;

/// The files of `fuzz/<folder>/<target>/`, by target, sorted.
fn saved_inputs(folder: &str) -> Vec<(String, Vec<PathBuf>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder);
    let mut targets: Vec<(String, Vec<PathBuf>)> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .filter(|path| path.is_dir())
        .map(|dir| {
            let name = dir
                .file_name()
                .and_then(|name| name.to_str())
                .expect("a UTF-8 target name")
                .to_owned();
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|entry| entry.expect("a readable file entry").path())
                .filter(|path| path.is_file())
                .collect();
            files.sort();
            (name, files)
        })
        .collect();
    targets.sort();
    targets
}

/// Runs every input of `fuzz/<folder>/` through its target; returns the
/// number run and the paths that panicked.
fn replay(folder: &str) -> (usize, Vec<String>) {
    let mut run = 0;
    let mut failed = Vec::new();
    for (name, files) in saved_inputs(folder) {
        let target = fuzzing::target(&name)
            .unwrap_or_else(|| panic!("fuzz/{folder}/{name}: no fuzz target has that name"));
        for file in files {
            let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            if catch_unwind(AssertUnwindSafe(|| target(&data))).is_err() {
                failed.push(file.display().to_string());
            }
            run += 1;
        }
    }
    (run, failed)
}

#[test]
fn every_target_has_a_seed_corpus() {
    let corpora = saved_inputs("corpus");
    for (name, _) in fuzzing::TARGETS {
        assert!(
            corpora
                .iter()
                .any(|(corpus, files)| corpus == name && !files.is_empty()),
            "fuzz/corpus/{name}/ is missing or empty"
        );
    }
}

#[test]
fn every_corpus_input_replays_without_a_panic() {
    let (run, failed) = replay("corpus");
    assert!(run > 0, "no corpus input was run");
    assert!(failed.is_empty(), "these corpus inputs panic: {failed:#?}");
}

#[test]
fn every_saved_crash_replays_without_a_panic() {
    let (run, failed) = replay("crashes");
    assert!(run > 0, "no saved crash was run");
    assert!(
        failed.is_empty(),
        "these inputs still panic (fuzz/crashes/): {failed:#?}"
    );
}
