//! Diagnostics as data. Every phase reports `Diagnostic`s (a severity, a
//! stable code, a message, labelled spans, notes and a help line); nothing is
//! rendered until the edge (`render`), so tests and the CLI see the same data.
//! Codes and their long explanations live in `diagnostics/codes.rs`.

mod codes;

pub use codes::{explain, Code, ALL_CODES};

use crate::span::{Sources, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream, WriteColor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn primary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: true,
        });
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The primary span, if any (used to sort diagnostics by position).
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.iter().find(|l| l.primary).map(|l| l.span)
    }
}

/// Sort by file and position, errors and warnings interleaved as in the text.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.primary_span().map(|s| (s.file, s.start, s.end)));
}

fn to_codespan(sources: &Sources, d: &Diagnostic) -> cs::Diagnostic<usize> {
    let sev = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let labels = d
        .labels
        .iter()
        .map(|l| {
            let style = if l.primary {
                cs::LabelStyle::Primary
            } else {
                cs::LabelStyle::Secondary
            };
            cs::Label::new(style, codespan_id(sources, l.span.file), l.span.range())
                .with_message(&l.message)
        })
        .collect();
    let mut notes = d.notes.clone();
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    cs::Diagnostic::new(sev)
        .with_code(d.code.as_str())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// The files to render against: the compilation's own, then the stdlib
/// modules (see `codespan_id`).
fn files_of(sources: &Sources) -> SimpleFiles<&str, &str> {
    let mut files = SimpleFiles::new();
    for (_, src) in sources.iter() {
        files.add(src.name.as_str(), src.text.as_str());
    }
    for (_, src) in sources.stdlib() {
        files.add(src.name.as_str(), src.text.as_str());
    }
    files
}

/// The index of a file in `files_of`.
fn codespan_id(sources: &Sources, file: crate::span::FileId) -> usize {
    if file >= crate::span::STD_BASE {
        sources.len() + (file - crate::span::STD_BASE) as usize
    } else {
        file as usize
    }
}

/// Render diagnostics to a writer (plain or coloured, as the writer decides).
pub fn render_to(
    w: &mut dyn WriteColor,
    sources: &Sources,
    diags: &[Diagnostic],
) -> std::io::Result<()> {
    let files = files_of(sources);
    let config = term::Config::default();
    for d in diags {
        if term::emit(w, &config, &files, &to_codespan(sources, d)).is_err() {
            // A span that does not fit its file: say so plainly rather than lose the message.
            writeln!(
                w,
                "{}[{}]: {}",
                sev_word(d.severity),
                d.code.as_str(),
                d.message
            )?;
        }
    }
    Ok(())
}

fn sev_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Render diagnostics to a plain string (tests, snapshots).
pub fn render_plain(sources: &Sources, diags: &[Diagnostic]) -> String {
    let mut buf = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = render_to(&mut buf, sources, diags);
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}

/// Render diagnostics to stderr, coloured as `color` says.
pub fn render_stderr(sources: &Sources, diags: &[Diagnostic], color: ColorChoice) {
    let stream = StandardStream::stderr(color);
    let mut lock = stream.lock();
    let _ = render_to(&mut lock, sources, diags);
}

/// Edit distance, for "did you mean".
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX) + 1;
            let sub = prev.get(j).copied().unwrap_or(usize::MAX) + cost;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = del.min(ins).min(sub);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest candidate within a distance proportional to the name's length.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (levenshtein(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}
