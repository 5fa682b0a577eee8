//! The rules of ARCHITECTURE.md that the source tree itself must keep, read from `src/`:
//! modules import only from their own layer or the layers below it; `src/` holds `lib.rs` and
//! folders; one module style (`mod.rs`); no file over 600 lines outside tests.
//!
//! The layers, bottom to top (a module may use its own layer and every layer below):
//!
//! ```text
//! 5  course, search, tabular, io, plot, progress, report   whole jobs and the course's extras
//! 4  train                                                 fit: plan, paths, engine
//! 3  nn                                                    activations, costs, layers, the network
//! 2  optimizer                                             update rules, knowing nothing of networks
//! 1  linalg, data, metrics                                 products, data sets, scores
//! 0  base                                                  float, error, checks, config, limits
//! ```
//!
//! Imports are read from `use crate::…` lines and `crate::…` paths in code (comments and the
//! `#[cfg(test)]` module at the bottom of a file are not code of the library); a name
//! re-exported at the crate root (`crate::Network`) counts as the module it comes from, as
//! `lib.rs` says.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and its layer.
const LAYERS: &[(&str, usize)] = &[
    ("base", 0),
    ("linalg", 1),
    ("data", 1),
    ("metrics", 1),
    ("optimizer", 2),
    ("nn", 3),
    ("train", 4),
    ("course", 5),
    ("search", 5),
    ("tabular", 5),
    ("io", 5),
    ("plot", 5),
    ("progress", 5),
    ("report", 5),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir`, as paths relative to `src/`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("src/ is readable").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.strip_prefix(src()).expect("below src/").to_path_buf());
        }
    }
}

/// Whether a file holds only tests (`tests.rs`, or a file in a `tests/` folder of `src/`).
fn is_test_file(relative: &Path) -> bool {
    relative.file_name().is_some_and(|n| n == "tests.rs") || relative.components().any(|c| c.as_os_str() == "tests")
}

/// The library code of a file: without comment lines and without its `#[cfg(test)]` module.
fn library_code(text: &str) -> String {
    let mut code = String::new();
    for line in text.lines() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        if line.trim_start().starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// Names re-exported at the crate root and the top-level module each comes from, read from the
/// `pub use module::…` lines of `lib.rs`.
fn root_names() -> BTreeMap<String, String> {
    let lib = library_code(&fs::read_to_string(src().join("lib.rs")).expect("lib.rs is readable"));
    let mut names = BTreeMap::new();
    for statement in lib.split(';') {
        // A `#[cfg(…)]` line may come first.
        let Some((_, rest)) = statement.split_once("pub use ") else {
            continue;
        };
        let module = rest.split("::").next().unwrap_or_default().trim().to_string();
        let items = rest.rsplit("::{").next().unwrap_or(rest);
        for item in items.split([',', '{', '}']) {
            let name = item.trim().rsplit("::").next().unwrap_or_default().trim();
            if !name.is_empty() && name != "self" {
                names.insert(name.to_string(), module.clone());
            }
        }
        // `pub use base::limits::{self, …}` re-exports the module `limits` itself.
        if let Some(path) = rest.split("::{").next()
            && items.split([',', '{', '}']).any(|i| i.trim() == "self")
        {
            let name = path.rsplit("::").next().unwrap_or_default().trim();
            names.insert(name.to_string(), module.clone());
        }
    }
    names
}

/// The first segment of every `crate::` path in `code`, inside `use crate::{…}` groups too.
fn crate_paths(code: &str) -> Vec<String> {
    let mut firsts = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = matching_brace(group);
            for item in split_top_level(&group[..end]) {
                let first = item.split("::").next().unwrap_or_default().trim();
                let first = first.split_whitespace().next().unwrap_or_default();
                if !first.is_empty() {
                    firsts.push(first.to_string());
                }
            }
            rest = &group[end..];
        } else {
            let first: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            firsts.push(first);
        }
    }
    firsts
}

/// The index of the `}` closing a group whose `{` was just before `text`.
fn matching_brace(text: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

/// The items of a `use` group, split at commas outside nested braces.
fn split_top_level(group: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
}

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().find(|(name, _)| *name == module).map(|&(_, layer)| layer)
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let names = root_names();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut violations = Vec::new();
    let mut checked = 0;
    for relative in files.iter().filter(|f| f.components().count() > 1 && !is_test_file(f)) {
        let top = relative
            .components()
            .next()
            .expect("a top-level module")
            .as_os_str()
            .to_string_lossy();
        let own = layer(&top).unwrap_or_else(|| panic!("src/{top} has no layer in LAYERS: add it"));
        let code = library_code(&fs::read_to_string(src().join(relative)).expect("readable"));
        for first in crate_paths(&code) {
            let module = names.get(&first).cloned().unwrap_or(first);
            if module == top || module == "ndarray" || module == "rand" {
                continue;
            }
            let Some(theirs) = layer(&module) else {
                violations.push(format!(
                    "src/{}: `crate::{module}` is not a module of LAYERS",
                    relative.display()
                ));
                continue;
            };
            checked += 1;
            if theirs > own {
                violations.push(format!(
                    "src/{}: {top} (layer {own}) imports {module} (layer {theirs})",
                    relative.display()
                ));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} imports found: is the parser still reading src/?"
    );
    assert!(violations.is_empty(), "layering broken:\n{}", violations.join("\n"));
}

/// The check itself: a lower module using a higher one is caught, through a root re-export too.
#[test]
fn the_parser_sees_grouped_nested_and_inline_imports() {
    let code = "use crate::{Error, Float, base::check, nn::{layer::Dense, cost}};\nlet n = crate::train::run();";
    assert_eq!(crate_paths(code), ["Error", "Float", "base", "nn", "train"]);
    let names = root_names();
    assert_eq!(names.get("Network").map(String::as_str), Some("nn"));
    assert_eq!(names.get("Error").map(String::as_str), Some("base"));
    assert_eq!(names.get("limits").map(String::as_str), Some("base"));
    assert_eq!(names.get("FitOptions").map(String::as_str), Some("train"));
    if cfg!(feature = "csv") {
        assert_eq!(names.get("TabularModel").map(String::as_str), Some("tabular"));
    }
    assert!(layer("nn") < layer("train"));
}

#[test]
fn src_holds_lib_rs_and_folders_in_one_module_style() {
    let mut odd = Vec::new();
    for entry in fs::read_dir(src()).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_file() && path.file_name().is_some_and(|n| n != "lib.rs") {
            odd.push(format!("{} beside lib.rs", path.display()));
        }
    }
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    for file in &files {
        // `foo.rs` beside a folder `foo/`: the other module style.
        if file.file_name().is_some_and(|n| n != "mod.rs") && src().join(file.with_extension("")).is_dir() {
            odd.push(format!(
                "src/{} beside its folder: use {}/mod.rs",
                file.display(),
                file.with_extension("").display()
            ));
        }
    }
    assert!(odd.is_empty(), "{}", odd.join("\n"));
}

#[test]
fn no_file_over_600_lines_outside_tests() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter(|f| !is_test_file(f))
        .filter_map(|f| {
            let lines = fs::read_to_string(src().join(f)).expect("readable").lines().count();
            (lines > 600).then(|| format!("src/{}: {lines} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}
