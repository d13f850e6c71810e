//! Every shipped policy compiles without errors or warnings, has cases for
//! every grant, and passes all its hand-computed cases. Failures of all
//! policies are collected and reported together.

use polc::driver::compile_str;
use polc::program::Expectation;
use std::path::{Path, PathBuf};

fn policies(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            policies(&p, out);
        } else if p.extension().is_some_and(|x| x == "pol") {
            out.push(p);
        }
    }
}

#[test]
fn shipped_policies_check_clean_and_pass_their_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut files = Vec::new();
    policies(&root, &mut files);
    assert!(!files.is_empty(), "no policies under {}", root.display());
    let mut problems = Vec::new();
    let mut cases = 0;
    for f in &files {
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        let text = std::fs::read_to_string(f).expect("read policy");
        let c = compile_str(&name, &text);
        if !c.diagnostics.is_empty() {
            problems.push(format!(
                "{name}: diagnostics\n{}",
                polc::diagnostics::render_plain(&c.sources, &c.diagnostics)
            ));
        }
        let Some(prog) = &c.program else { continue };
        if prog.cases.is_empty() {
            problems.push(format!("{name}: no test cases"));
        }
        for (i, g) in prog.grants.iter().enumerate() {
            let covered = prog.cases.iter().any(|c| {
                c.expect
                    .iter()
                    .any(|(x, _)| matches!(x, Expectation::Grant(gi, _) if *gi as usize == i))
            });
            if !covered {
                problems.push(format!("{name}: no case checks grant `{}`", g.name));
            }
        }
        for r in polc::testing::run_cases(prog) {
            cases += 1;
            if !r.passed() {
                problems.push(format!(
                    "{name} :: {}\n    {}",
                    r.name,
                    r.mismatches.join("\n    ")
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(cases > 0);
}
