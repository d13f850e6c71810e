//! Phase 1: text → syntax tree. `parse` runs the pest grammar
//! (`grammar/polc.pest`), turns pest's parse tree into the `ast` with a span on
//! every node, and reports syntax errors in the drafter's words. After a syntax
//! error it resumes at the next top-level declaration, so one run reports the
//! errors of every broken declaration, not only the first.

pub mod ast;
mod build;
mod expected;

use crate::diagnostics::{Code, Diagnostic};
use crate::span::FileId;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/polc.pest"]
pub(crate) struct PolParser;

/// The result of parsing one file: the tree and every problem found. When
/// there are syntax errors the tree is incomplete and later phases do not run
/// (their errors would only echo the broken text).
pub struct Parsed {
    pub file: ast::File,
    pub diagnostics: Vec<Diagnostic>,
}

/// The offset where bracket nesting first exceeds `MAX_NESTING`, ignoring
/// brackets inside strings and comments.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, d)) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == '"' || d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek().map(|(_, d)| *d) == Some('/') => {
                for (_, d) in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Words that start a top-level declaration: where parsing resumes after an error.
pub(crate) const RESUME_KEYWORDS: &[&str] = &[
    "policy", "use", "enum", "record", "input", "let", "fn", "table", "series", "eligible",
    "grant", "case",
];

/// At most this many syntax errors are reported per file.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Deepest bracket nesting accepted. Real policies nest a handful of levels;
/// the limit keeps the recursive-descent parser and every later phase far
/// from the stack's end on hostile input.
pub const MAX_NESTING: usize = 200;

/// Parse everything, test cases included (check, test).
pub fn parse(file_id: FileId, text: &str) -> Parsed {
    parse_as(file_id, text, Rule::file)
}

/// Parse the rules only: `case` blocks are skipped unread (run, explain,
/// batches), which is most of a policy file's text.
pub fn parse_rules(file_id: FileId, text: &str) -> Parsed {
    parse_as(file_id, text, Rule::file_rules)
}

fn parse_as(file_id: FileId, text: &str, entry: Rule) -> Parsed {
    let mut file = ast::File::default();
    let mut diagnostics = Vec::new();
    if let Some(pos) = too_deep(text) {
        diagnostics.push(
            Diagnostic::error(
                Code::Syntax,
                format!("brackets are nested more than {MAX_NESTING} levels deep"),
            )
            .primary(
                crate::span::Span::new(file_id, pos, pos + 1),
                "too deep from here",
            )
            .help("split the expression into named steps with `let`"),
        );
        return Parsed { file, diagnostics };
    }
    let mut offset = 0usize;
    let mut errors = 0usize;
    loop {
        let rest = text.get(offset..).unwrap_or("");
        match PolParser::parse(entry, rest) {
            Ok(pairs) => {
                let mut b = build::Builder::new(file_id, offset, &mut diagnostics);
                b.file(pairs, &mut file);
                break;
            }
            Err(err) => {
                let (diag, pos) = expected::syntax_diagnostic(file_id, offset, rest, &err);
                diagnostics.push(diag);
                errors += 1;
                if errors >= MAX_SYNTAX_ERRORS {
                    break;
                }
                match next_resume_after(rest, pos) {
                    Some(next) => offset += next,
                    None => break,
                }
            }
        }
    }
    Parsed { file, diagnostics }
}

/// Byte offsets of lines that start (after indentation) with a top-level keyword.
fn resume_points(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut starts = vec![0usize];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts.into_iter().filter(move |&s| {
        let line = text.get(s..).unwrap_or("");
        // Only unindented lines: declarations inside blocks are indented.
        RESUME_KEYWORDS.iter().any(|k| {
            line.starts_with(k)
                && line
                    .get(k.len()..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(|c| c == ' ' || c == '\t' || c == '{')
        })
    })
}

/// The next declaration to resume at: the one starting at the error itself
/// (its own errors must not be skipped), else the next one after it.
fn next_resume_after(text: &str, pos: usize) -> Option<usize> {
    resume_points(text).find(|&s| s >= pos && s > 0)
}

/// Make a syntax diagnostic for a failure to parse at all (used by callers that
/// parse fragments, such as applicant values written in the policy language).
pub fn syntax_error(span: crate::span::Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Code::Syntax, message).primary(span, "here")
}
