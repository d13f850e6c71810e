//! Diagnostics fixtures: every file under `tests/fixtures/check/bad/` is a small
//! policy with one mistake (a few have several) and a first line
//!
//! ```text
//! // expect: E0301[, E0302 ...]
//! ```
//!
//! naming the codes that must be reported. For each bad file this test checks
//! that every listed code appears, that no error code beyond the listed ones
//! appears (warnings beyond the list are allowed: a fixture for an error may
//! also trip a lint), and snapshots the rendered diagnostics into
//! `tests/fixtures/check/snapshots/NAME.snap`, so any change of wording, span or
//! help line shows up as a reviewable diff.
//!
//! Every file under `tests/fixtures/check/good/` must compile with no
//! diagnostic at all, not even a warning.
//!
//! All fixtures are checked before the test fails, and the failure lists every
//! failing fixture (snapshot mismatches included), not only the first.
//! See tests/README.md for how to add a fixture.

use polc::diagnostics::{render_plain, Code, Severity};
use polc::driver::compile_str;
use std::collections::BTreeSet;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

const FIXTURES: &str = "tests/fixtures/check";

/// The `.pol` files of a fixture directory, sorted by name.
fn pol_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pol"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The path as shown in rendered diagnostics: relative to the crate, with `/`
/// separators on every platform, so snapshots do not depend on the machine.
fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The codes named by the `// expect:` first line, or why it is unusable.
fn expected_codes(text: &str) -> Result<Vec<Code>, String> {
    let first = text.lines().next().unwrap_or("");
    let list = first
        .trim()
        .strip_prefix("//")
        .map(str::trim)
        .and_then(|rest| rest.strip_prefix("expect:"))
        .ok_or_else(|| {
            format!("the first line must be `// expect: E0xxx[, E0yyy]`, found `{first}`")
        })?;
    let mut codes = Vec::new();
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match Code::parse(word) {
            Some(c) => codes.push(c),
            None => {
                return Err(format!(
                    "`{word}` in the `// expect:` line is not a polc diagnostic code"
                ))
            }
        }
    }
    if codes.is_empty() {
        return Err("the `// expect:` line names no code".to_string());
    }
    Ok(codes)
}

/// Rendered diagnostics with trailing spaces removed from every line, so a
/// snapshot survives editors that strip them.
fn render(sources: &polc::span::Sources, diags: &[polc::diagnostics::Diagnostic]) -> String {
    let text = render_plain(sources, diags);
    let mut out: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn codes_of(
    diags: &[polc::diagnostics::Diagnostic],
    severity: Option<Severity>,
) -> BTreeSet<&'static str> {
    diags
        .iter()
        .filter(|d| severity.is_none_or(|s| d.severity == s))
        .map(|d| d.code.as_str())
        .collect()
}

/// Check one bad fixture, adding what is wrong to `problems` and a snapshot
/// mismatch to `snapshot_failures`.
fn check_bad(
    path: &Path,
    problems: &mut Vec<String>,
    snapshot_failures: &mut Vec<String>,
    names: &mut BTreeSet<String>,
) {
    let name = stem(path);
    names.insert(name.clone());
    let shown = display_path(path);
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("{shown}: cannot read: {e}"));
            return;
        }
    };
    let expected = match expected_codes(&text) {
        Ok(c) => c,
        Err(e) => {
            problems.push(format!("{shown}: {e}"));
            return;
        }
    };
    let compiled = compile_str(&shown, &text);
    let diags = &compiled.diagnostics;
    let all = codes_of(diags, None);
    let errors = codes_of(diags, Some(Severity::Error));
    let rendered = render(&compiled.sources, diags);

    let missing: Vec<&str> = expected
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !all.contains(c))
        .collect();
    let unexpected: Vec<&str> = errors
        .iter()
        .copied()
        .filter(|c| !expected.iter().any(|e| e.as_str() == *c))
        .collect();
    if !missing.is_empty() || !unexpected.is_empty() {
        let mut why = Vec::new();
        if !missing.is_empty() {
            why.push(format!(
                "expected {} but it was not reported",
                missing.join(", ")
            ));
        }
        if !unexpected.is_empty() {
            why.push(format!("unexpected error {}", unexpected.join(", ")));
        }
        problems.push(format!(
            "{shown}: {}\n{}",
            why.join("; "),
            indent(if rendered.is_empty() {
                "(no diagnostics)\n"
            } else {
                &rendered
            })
        ));
    }

    // A snapshot mismatch panics inside insta (after printing its diff); catch
    // it so every fixture is still checked, and report it with the others.
    let snapshot = catch_unwind(AssertUnwindSafe(|| {
        insta::with_settings!({
            snapshot_path => "fixtures/check/snapshots",
            prepend_module_to_snapshot => false,
            input_file => path,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name.as_str(), rendered);
        });
    }));
    if snapshot.is_err() {
        snapshot_failures.push(format!(
            "{shown}: rendered diagnostics differ from snapshots/{name}.snap"
        ));
    }
}

fn check_good(path: &Path, problems: &mut Vec<String>) {
    let shown = display_path(path);
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("{shown}: cannot read: {e}"));
            return;
        }
    };
    let compiled = compile_str(&shown, &text);
    if !compiled.diagnostics.is_empty() {
        problems.push(format!(
            "{shown}: a good fixture must compile without any diagnostic, got:\n{}",
            indent(&render(&compiled.sources, &compiled.diagnostics))
        ));
    }
    // A good fixture's own cases must pass too.
    if let Some(prog) = &compiled.program {
        for r in polc::testing::run_cases(prog) {
            if !r.passed() {
                problems.push(format!(
                    "{shown} :: {}: {}",
                    r.name,
                    r.mismatches.join("; ")
                ));
            }
        }
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[test]
fn check_fixtures() {
    let root = Path::new(FIXTURES);
    let bad = pol_files(&root.join("bad"));
    let good = pol_files(&root.join("good"));
    assert!(!bad.is_empty(), "no fixtures in {FIXTURES}/bad");
    assert!(!good.is_empty(), "no fixtures in {FIXTURES}/good");

    let mut problems = Vec::new();
    let mut snapshot_failures = Vec::new();
    let mut names = BTreeSet::new();
    for path in &bad {
        check_bad(path, &mut problems, &mut snapshot_failures, &mut names);
    }
    for path in &good {
        check_good(path, &mut problems);
    }

    // A snapshot whose fixture was renamed or deleted would linger unchecked.
    if let Ok(entries) = fs::read_dir(root.join("snapshots")) {
        let mut orphans: Vec<String> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "snap"))
            .map(|p| stem(&p))
            .filter(|s| !names.contains(s))
            .collect();
        orphans.sort();
        for o in orphans {
            problems.push(format!(
                "{FIXTURES}/snapshots/{o}.snap: no fixture bad/{o}.pol; delete the snapshot or restore the fixture"
            ));
        }
    }

    let total = bad.len() + good.len();
    let failed = problems.len() + snapshot_failures.len();
    if failed > 0 {
        let mut msg = format!("{failed} of {total} fixture checks failed:\n\n");
        for p in problems.iter().chain(snapshot_failures.iter()) {
            msg.push_str(&format!("- {p}\n"));
        }
        if !snapshot_failures.is_empty() {
            msg.push_str(
                "\nreview the snapshot diffs above; if the new output is right, run \
                 `INSTA_UPDATE=always cargo test --test check_fixtures` and commit the .snap changes\n",
            );
        }
        panic!("{msg}");
    }
}
