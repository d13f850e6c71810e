//! A small JSON parser that keeps what `serde_json` throws away: the byte span
//! of every value and key, the exact text of every number (so amounts never
//! pass through a float), and every member of an object in order, duplicates
//! included (so the decoder can report them). It reports the first syntax
//! error with its JSON path, its line and column, and a hint for the usual
//! hand-editing slips (trailing commas, single quotes, comments, full-width
//! punctuation). It never panics and never recurses deeper than
//! [`MAX_DEPTH`] levels, whatever the input.

use super::DataError;

/// How many arrays and objects may be nested inside each other.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    /// The number exactly as written (validated against the JSON grammar).
    Number(String),
    String(String),
    Array(Vec<JsonValue>),
    /// Members in source order, each with its key's span; duplicates are kept.
    Object(Vec<(String, (usize, usize), JsonValue)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonValue {
    pub kind: JsonKind,
    /// Byte range of the value in the JSON text.
    pub span: (usize, usize),
}

/// Parse a whole JSON document (one value, surrounded only by whitespace).
/// A leading UTF-8 byte order mark is skipped; spans still count it.
pub fn parse(text: &str) -> Result<JsonValue, DataError> {
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: start,
        path: Vec::new(),
    };
    p.skip_ws();
    if p.peek().is_none() {
        return Err(p.error(
            p.pos,
            p.pos,
            "the file is empty: expected a JSON value".to_string(),
            Some("write the applicant's data as a JSON object, e.g. {\"name\": value}".to_string()),
        ));
    }
    let value = p.value(0)?;
    p.skip_ws();
    if p.peek().is_some() {
        let (s, e) = p.char_span(p.pos);
        return Err(p.error(
            s,
            e,
            format!(
                "unexpected {} after the end of the JSON value",
                p.describe_char(p.pos)
            ),
            Some(
                "a JSON file holds exactly one value; put everything inside the top-level object"
                    .to_string(),
            ),
        ));
    }
    Ok(value)
}

/// The path of a member `key` of the value at `parent`: `$.name` for plain
/// names, `$["注册资本"]` for any other key.
pub fn child_key(parent: &str, key: &str) -> String {
    let mut chars = key.chars();
    let plain = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    };
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", quote(key))
    }
}

/// The path of element `index` of the array at `parent`.
pub fn child_index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// `s` as a JSON string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut col = 1;
    for (i, ch) in text.char_indices() {
        if i >= offset {
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

enum Seg {
    Key(String),
    Index(usize),
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Where the parser is, for the error's JSON path.
    path: Vec<Seg>,
}

/// Full-width punctuation that Chinese input methods produce, and what JSON wants.
const FULL_WIDTH: &[(char, &str)] = &[
    ('，', ","),
    ('：', ":"),
    ('“', "\""),
    ('”', "\""),
    ('｛', "{"),
    ('｝', "}"),
    ('［', "["),
    ('］', "]"),
    ('【', "["),
    ('】', "]"),
];

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|s| s.chars().next())
    }

    /// The span of the character at `at` (empty at the end of the text).
    fn char_span(&self, at: usize) -> (usize, usize) {
        match self.char_at(at) {
            Some(c) => (at, at + c.len_utf8()),
            None => (at, at),
        }
    }

    fn describe_char(&self, at: usize) -> String {
        match self.char_at(at) {
            None => "end of input".to_string(),
            Some(c) if c.is_control() || c == '\u{feff}' => format!("character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
        }
    }

    fn path_string(&self) -> String {
        let mut path = String::from("$");
        for seg in &self.path {
            path = match seg {
                Seg::Key(k) => child_key(&path, k),
                Seg::Index(i) => child_index(&path, *i),
            };
        }
        path
    }

    fn error(&self, start: usize, end: usize, message: String, help: Option<String>) -> DataError {
        let (line, col) = line_col(self.text, start);
        DataError {
            missing: false,
            path: self.path_string(),
            span: Some((start, end)),
            message: format!("{message} (line {line}, column {col})"),
            help,
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// An error for a character that cannot start or continue what was
    /// `expected`, with a hint for the common slips.
    fn unexpected(&self, expected: &str) -> DataError {
        let at = self.pos;
        let (s, e) = self.char_span(at);
        let found = self.describe_char(at);
        let c = self.char_at(at);
        let (message, help) = match c {
            None => (
                format!("unexpected end of input: expected {expected}"),
                Some("the file seems cut off; close every open `{` and `[`".to_string()),
            ),
            Some('/') if matches!(self.peek_at(at + 1), Some(b'/' | b'*')) => (
                format!("comments are not allowed in JSON: expected {expected}"),
                Some("remove the comment".to_string()),
            ),
            Some('\'') => (
                format!("expected {expected}, found {found}: JSON strings use double quotes"),
                Some("write \"text\" instead of 'text'".to_string()),
            ),
            Some(ch) => match FULL_WIDTH.iter().find(|(f, _)| *f == ch) {
                Some((_, ascii)) => (
                    format!("expected {expected}, found full-width {found}"),
                    Some(format!(
                        "use the ASCII `{ascii}` (switch the input method to half-width)"
                    )),
                ),
                None => (format!("expected {expected}, found {found}"), None),
            },
        };
        self.error(s, e, message, help)
    }

    fn value(&mut self, depth: usize) -> Result<JsonValue, DataError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => {
                let (s, span) = self.string()?;
                Ok(JsonValue {
                    kind: JsonKind::String(s),
                    span,
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') => self.word(),
            Some(b'.' | b'+') => {
                // `.5` or `+1`: say what JSON wants.
                let mut end = self.pos + 1;
                while let Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') = self.peek_at(end) {
                    end += 1;
                }
                let written = self.text.get(start..end).unwrap_or("");
                let help = if self.peek() == Some(b'.') {
                    format!("write a digit before the decimal point, e.g. 0{written}")
                } else {
                    format!(
                        "write the number without `+`: {}",
                        written.get(1..).unwrap_or("")
                    )
                };
                Err(self.error(
                    start,
                    end,
                    format!("`{written}` is not a valid JSON number"),
                    Some(help),
                ))
            }
            _ => {
                Err(self
                    .unexpected("a value (an object, array, string, number, true, false or null)"))
            }
        }
    }

    /// `true`, `false`, `null`, or a word JSON does not know (`NaN`, `None`...).
    fn word(&mut self) -> Result<JsonValue, DataError> {
        let start = self.pos;
        let mut end = start;
        while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') = self.peek_at(end) {
            end += 1;
        }
        let word = self.text.get(start..end).unwrap_or("");
        let kind = match word {
            "true" => JsonKind::Bool(true),
            "false" => JsonKind::Bool(false),
            "null" => JsonKind::Null,
            "NaN" | "nan" | "Infinity" | "inf" | "infinity" => {
                return Err(self.error(
                    start,
                    end,
                    format!("`{word}` is not allowed: JSON numbers must be finite"),
                    Some("write a finite number, or null if the value is unknown".to_string()),
                ))
            }
            "True" | "TRUE" | "False" | "FALSE" => {
                return Err(self.error(
                    start,
                    end,
                    format!("`{word}` is not a JSON value"),
                    Some(format!(
                        "write `{}` in lower case",
                        word.to_ascii_lowercase()
                    )),
                ))
            }
            "None" | "NULL" | "Null" | "undefined" | "nil" => {
                return Err(self.error(
                    start,
                    end,
                    format!("`{word}` is not a JSON value"),
                    Some("write `null`".to_string()),
                ))
            }
            _ => {
                return Err(self.error(
                    start,
                    end,
                    format!("`{word}` is not a JSON value"),
                    Some(format!(
                        "if this is text, put it in double quotes: \"{word}\""
                    )),
                ))
            }
        };
        self.pos = end;
        Ok(JsonValue {
            kind,
            span: (start, end),
        })
    }

    fn digits(&mut self) -> usize {
        let from = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - from
    }

    fn number(&mut self) -> Result<JsonValue, DataError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            if let Some(b'I' | b'N' | b'i' | b'n') = self.peek() {
                let mut end = self.pos;
                while let Some(b'a'..=b'z' | b'A'..=b'Z') = self.peek_at(end) {
                    end += 1;
                }
                let word = self.text.get(start..end).unwrap_or("");
                return Err(self.error(
                    start,
                    end,
                    format!("`{word}` is not allowed: JSON numbers must be finite"),
                    Some("write a finite number, or null if the value is unknown".to_string()),
                ));
            }
        }
        let int_start = self.pos;
        let n = self.digits();
        if n == 0 {
            return Err(self.unexpected("a digit after `-`"));
        }
        if n > 1 && self.peek_at(int_start) == Some(b'0') {
            return Err(self.error(
                start,
                self.pos,
                format!(
                    "`{}` is not a valid JSON number: numbers must not have leading zeros",
                    self.text.get(start..self.pos).unwrap_or("")
                ),
                Some("remove the leading zeros, or write the value as a string if the zeros matter (e.g. an ID)".to_string()),
            ));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or("").to_string();
        Ok(JsonValue {
            kind: JsonKind::Number(text),
            span: (start, self.pos),
        })
    }

    /// A string literal starting at the current `"`: its decoded text and span.
    fn string(&mut self) -> Result<(String, (usize, usize)), DataError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run stops only at ASCII bytes or the end, both char boundaries.
            out.push_str(self.text.get(run..self.pos).unwrap_or(""));
            match self.peek() {
                None => {
                    return Err(self.error(
                        start,
                        self.pos,
                        "unterminated string: the closing `\"` is missing".to_string(),
                        Some("close the string with `\"`".to_string()),
                    ))
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok((out, (start, self.pos)));
                }
                Some(b'\\') => {
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(b'\n' | b'\r') => {
                    return Err(self.error(
                        self.pos,
                        self.pos + 1,
                        "line break inside a string: the string is not closed on its line".to_string(),
                        Some("close the string with `\"` before the line ends, or write \\n for a line break inside the text".to_string()),
                    ))
                }
                Some(b) => {
                    let help = if b == b'\t' {
                        "write \\t for a tab inside a string".to_string()
                    } else {
                        format!("write it as \\u{:04x}", b)
                    };
                    return Err(self.error(
                        self.pos,
                        self.pos + 1,
                        format!("control character U+{:04X} inside a string", b),
                        Some(help),
                    ));
                }
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let s = self.text.get(at..at.checked_add(4)?)?;
        if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(s, 16).ok()
    }

    /// One escape sequence at the current `\`.
    fn escape(&mut self) -> Result<char, DataError> {
        let start = self.pos;
        let c = match self.peek_at(start + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(),
            _ => {
                let (_, end) = self.char_span(start + 1);
                let written = self.text.get(start..end).unwrap_or("\\");
                return Err(self.error(
                    start,
                    end.max(start + 1),
                    format!("invalid escape `{written}` in a string"),
                    Some("JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write \\\\ for a backslash".to_string()),
                ));
            }
        };
        self.pos = start + 2;
        Ok(c)
    }

    fn unicode_escape(&mut self) -> Result<char, DataError> {
        let start = self.pos;
        let Some(hi) = self.hex4(start + 2) else {
            let end = self.bytes.len().min(start + 6);
            let end = (start + 2..=end)
                .rev()
                .find(|e| self.text.is_char_boundary(*e))
                .unwrap_or(start + 2);
            return Err(self.error(
                start,
                end,
                format!(
                    "invalid escape `{}`: \\u must be followed by four hex digits",
                    self.text.get(start..end).unwrap_or("\\u")
                ),
                None,
            ));
        };
        let lone = |p: &Self, end: usize, code: u32| {
            p.error(
                start,
                end,
                format!("unpaired surrogate \\u{code:04X} in a string"),
                Some("a \\uD800-\\uDBFF escape must be followed by a \\uDC00-\\uDFFF escape; or write the character itself".to_string()),
            )
        };
        let code = match hi {
            0xD800..=0xDBFF => {
                let lo = if self.peek_at(start + 6) == Some(b'\\')
                    && self.peek_at(start + 7) == Some(b'u')
                {
                    self.hex4(start + 8)
                } else {
                    None
                };
                match lo {
                    Some(lo @ 0xDC00..=0xDFFF) => {
                        self.pos = start + 12;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    _ => return Err(lone(self, start + 6, hi)),
                }
            }
            0xDC00..=0xDFFF => return Err(lone(self, start + 6, hi)),
            _ => {
                self.pos = start + 6;
                hi
            }
        };
        char::from_u32(code).ok_or_else(|| lone(self, self.pos, code))
    }

    fn too_deep(&self) -> DataError {
        self.error(
            self.pos,
            self.pos + 1,
            format!("too deeply nested: more than {MAX_DEPTH} levels of arrays and objects"),
            Some(
                "an applicant file never needs this much nesting; check for a runaway `[` or `{`"
                    .to_string(),
            ),
        )
    }

    fn not_closed(&self, open: usize, what: &str, close: char) -> DataError {
        let (line, col) = line_col(self.text, open);
        self.error(
            self.pos,
            self.pos,
            format!("unexpected end of input: the {what} opened at line {line}, column {col} is not closed"),
            Some(format!("add the missing `{close}`")),
        )
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, DataError> {
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let open = self.pos;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonValue {
                kind: JsonKind::Object(members),
                span: (open, self.pos),
            });
        }
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                None => return Err(self.not_closed(open, "object", '}')),
                Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') => {
                    let mut end = self.pos;
                    while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') =
                        self.peek_at(end)
                    {
                        end += 1;
                    }
                    let word = self.text.get(self.pos..end).unwrap_or("");
                    return Err(self.error(
                        self.pos,
                        end,
                        format!("object keys must be strings in double quotes, found `{word}`"),
                        Some(format!("write \"{word}\"")),
                    ));
                }
                _ => return Err(self.unexpected("a key in double quotes")),
            }
            let (key, key_span) = self.string()?;
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => return Err(self.not_closed(open, "object", '}')),
                _ => {
                    return Err(self.unexpected(&format!("`:` after the key {}", quote(&key))));
                }
            }
            self.path.push(Seg::Key(key.clone()));
            self.skip_ws();
            let value = self.value(depth)?;
            self.path.pop();
            members.push((key, key_span, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        return Err(self.error(
                            comma,
                            comma + 1,
                            "trailing comma: JSON does not allow a comma after the last member of an object".to_string(),
                            Some("remove this comma".to_string()),
                        ));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonValue {
                        kind: JsonKind::Object(members),
                        span: (open, self.pos),
                    });
                }
                None => return Err(self.not_closed(open, "object", '}')),
                Some(b'"') => {
                    let prev = members.last().map(|(k, _, _)| quote(k)).unwrap_or_default();
                    let (s, e) = self.char_span(self.pos);
                    return Err(self.error(
                        s,
                        e,
                        format!("expected `,` or `}}` after the value of {prev}, found the start of another key"),
                        Some("add a `,` between the members".to_string()),
                    ));
                }
                _ => {
                    let prev = members.last().map(|(k, _, _)| quote(k)).unwrap_or_default();
                    return Err(self.unexpected(&format!("`,` or `}}` after the value of {prev}")));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, DataError> {
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let open = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonValue {
                kind: JsonKind::Array(items),
                span: (open, self.pos),
            });
        }
        loop {
            self.skip_ws();
            if self.peek().is_none() {
                return Err(self.not_closed(open, "array", ']'));
            }
            self.path.push(Seg::Index(items.len()));
            let value = self.value(depth)?;
            self.path.pop();
            items.push(value);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        return Err(self.error(
                            comma,
                            comma + 1,
                            "trailing comma: JSON does not allow a comma after the last element of an array".to_string(),
                            Some("remove this comma".to_string()),
                        ));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonValue {
                        kind: JsonKind::Array(items),
                        span: (open, self.pos),
                    });
                }
                None => return Err(self.not_closed(open, "array", ']')),
                _ => return Err(self.unexpected("`,` or `]` after an array element")),
            }
        }
    }
}
