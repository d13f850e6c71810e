//! The pipeline as one call: parse a policy, load the stdlib modules it uses
//! (transitively, from the embedded sources), check everything together.
//! No I/O: callers hand in text and get diagnostics as data.

use crate::check::{self, UnitSource};
use crate::diagnostics::Diagnostic;
use crate::program::Program;
use crate::span::{FileId, Sources};
use crate::stdlib;
use crate::syntax::{self, ast};

pub struct Compiled {
    pub program: Option<Program>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}

/// Stdlib module `k`, parsed on first use and then shared by every
/// compilation of the process (its spans use the fixed id `STD_BASE + k`).
fn parsed_stdlib(k: usize) -> Option<&'static syntax::Parsed> {
    const N: usize = stdlib::MODULES.len();
    static PARSED: [std::sync::OnceLock<syntax::Parsed>; N] =
        [const { std::sync::OnceLock::new() }; N];
    let (_, text) = stdlib::MODULES.get(k)?;
    let cell = PARSED.get(k)?;
    Some(cell.get_or_init(|| syntax::parse(crate::span::STD_BASE + k as u32, text)))
}

/// Compile one policy given as text.
pub fn compile_str(name: &str, text: &str) -> Compiled {
    let mut sources = Sources::new();
    let id = sources.add(name, text);
    compile(sources, id)
}

/// Compile the policy `file` of `sources`, test cases included.
pub fn compile(sources: Sources, file: FileId) -> Compiled {
    compile_with(sources, file, true)
}

/// Compile the rules of a policy only: its test cases are skipped unread.
/// What running or explaining a policy needs, in a fraction of the time.
pub fn compile_rules(sources: Sources, file: FileId) -> Compiled {
    compile_with(sources, file, false)
}

fn compile_with(sources: Sources, file: FileId, cases: bool) -> Compiled {
    let text = sources
        .get(file)
        .map(|s| s.text.clone())
        .unwrap_or_default();
    let parsed = if cases {
        syntax::parse(file, &text)
    } else {
        syntax::parse_rules(file, &text)
    };
    let mut diagnostics = parsed.diagnostics;
    // Load every stdlib module reachable through `use`, each once. Their
    // order in `stdlib::MODULES` puts dependencies first.
    let mut modules: Vec<(String, &ast::File)> = Vec::new();
    let mut pending: Vec<String> = parsed.file.uses.iter().map(|u| u.path.text()).collect();
    while let Some(path) = pending.pop() {
        if modules.iter().any(|(p, _)| *p == path) {
            continue;
        }
        let Some(k) = stdlib::MODULES.iter().position(|(p, _)| *p == path) else {
            // `use std::loan::Loan` (an item without braces): load the module
            // so the checker can say how to write it. Otherwise the checker
            // reports an unknown module.
            if let Some((parent, _)) = path.rsplit_once("::") {
                if stdlib::module(parent).is_some() {
                    pending.push(parent.to_string());
                }
            }
            continue;
        };
        let Some(m) = parsed_stdlib(k) else {
            continue;
        };
        diagnostics.extend(m.diagnostics.iter().cloned());
        pending.extend(m.file.uses.iter().map(|u| u.path.text()));
        modules.push((path, &m.file));
    }
    if diagnostics.iter().any(|d| d.is_error()) {
        return Compiled {
            program: None,
            diagnostics,
            sources,
        };
    }
    // Order the stdlib units as MODULES lists them (dependencies first).
    modules.sort_by_key(|(p, _)| stdlib::MODULES.iter().position(|(q, _)| q == p));
    let mut units: Vec<UnitSource<'_>> = modules
        .iter()
        .map(|(p, f)| UnitSource {
            module: Some(p.clone()),
            file: f,
        })
        .collect();
    units.push(UnitSource {
        module: None,
        file: &parsed.file,
    });
    let (program, diags) = check::check(&sources, &units);
    diagnostics.extend(diags);
    Compiled {
        program,
        diagnostics,
        sources,
    }
}
