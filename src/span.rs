//! Source positions. A `Span` is a byte range in one source file; the file is
//! named by a `FileId` into the `Sources` table that the driver builds (the
//! policy files given on the command line and the embedded stdlib modules).

/// Index of a source file in `Sources`. Ids from `STD_BASE` up name the
/// embedded stdlib modules (in `stdlib::MODULES` order): they are parsed once
/// per process and shared by every compilation.
pub type FileId = u32;

/// The first file id of the stdlib modules.
pub const STD_BASE: FileId = 1 << 30;

fn stdlib_sources() -> &'static [Source] {
    static SOURCES: std::sync::OnceLock<Vec<Source>> = std::sync::OnceLock::new();
    SOURCES.get_or_init(|| {
        crate::stdlib::MODULES
            .iter()
            .map(|(name, text)| Source {
                name: format!("<{name}>"),
                text: (*text).to_string(),
            })
            .collect()
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both (same file assumed; the first wins otherwise).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One source text: its display name and contents.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// All sources of one compilation, addressed by `FileId`.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<Source>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(Source {
            name: name.into(),
            text: text.into(),
        });
        FileId::try_from(self.files.len() - 1).unwrap_or(FileId::MAX)
    }

    pub fn get(&self, id: FileId) -> Option<&Source> {
        if id >= STD_BASE {
            return stdlib_sources().get((id - STD_BASE) as usize);
        }
        self.files.get(id as usize)
    }

    /// The stdlib modules, with their ids.
    pub fn stdlib(&self) -> impl Iterator<Item = (FileId, &'static Source)> {
        stdlib_sources()
            .iter()
            .enumerate()
            .map(|(i, s)| (STD_BASE + FileId::try_from(i).unwrap_or(0), s))
    }

    /// The number of files added (stdlib modules not counted).
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &Source)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, s)| (FileId::try_from(i).unwrap_or(FileId::MAX), s))
    }

    /// The source text a span covers ("" if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|s| s.text.get(span.range()))
            .unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: u32) -> (usize, usize) {
        let Some(src) = self.get(file) else {
            return (0, 0);
        };
        let mut line = 1;
        let mut col = 1;
        for (i, ch) in src.text.char_indices() {
            if i >= offset as usize {
                break;
            }
            if ch == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        (line, col)
    }
}
