//! Applicant data: an applicant's JSON document, decoded against a checked
//! program's input declarations into exact runtime values.
//!
//! Every problem is reported at once, each with its JSON path
//! (`$.loans[2].amount`), its byte span in the JSON text, the declaration it
//! violates with its Chinese label, and a help line saying what to write
//! instead. Numbers never pass through a float: amounts are read from the
//! exact digits the applicant wrote (`"12345678901234567890.12"`, `"800万元"`,
//! `"1.5亿元"`), and anything that cannot be kept exactly is an error rather
//! than a rounding.
//!
//! The accepted forms, by declared type:
//!
//! | type       | JSON                                                                |
//! |------------|---------------------------------------------------------------------|
//! | `Money`    | number, or string `"8000000"`, `"8,000,000"`, `"800万元"`, `"1.5亿元"`, `"12,000元"`; never negative |
//! | `Rate`     | string with its unit: `"3.45%"`, `"0.5‰"`, `"100bp"` (a bare number is ambiguous and rejected) |
//! | `Decimal`  | number or numeric string                                            |
//! | `Int`      | whole number (or a string of digits) within 64 bits                 |
//! | `Bool`     | `true` / `false`                                                    |
//! | `Date`     | `"YYYY-MM-DD"`, a real calendar date                                |
//! | `Duration` | `"3 years"`, `"18 months"`, `"90 days"`, `"1 year 6 months"`, `"3年"` |
//! | `Text`     | string                                                              |
//! | enum       | a variant's name or its label (`"NewBuild"` or `"新建项目"`)          |
//! | record     | object with the declared fields                                     |
//! | `[T]`      | array                                                               |
//! | `T?`       | `null` or an absent key for "not given"                             |

pub mod json;

#[cfg(test)]
mod tests;

use crate::diagnostics::suggest;
use crate::program::{InputDef, Program, Type};
use crate::value::{Date, Duration, Value};
use json::{child_index, child_key, quote, JsonKind, JsonValue};
use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

/// One problem in an applicant file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// Where in the document, e.g. `$.loans[2].amount`.
    pub path: String,
    /// Byte range in the JSON text.
    pub span: Option<(usize, usize)>,
    /// Lower-case, no trailing period; says what was expected and what was found.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
    /// The problem is only that a required input or field is not given (the
    /// rest of the document is fine): `polc match` lists it as data to add.
    pub missing: bool,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for DataError {}

/// Parse `text` as JSON and decode it against `program.inputs`. Returns one
/// Value per input, in `program.inputs` order, or every problem found.
///
/// An input that is not given (its key is absent, or its value is `null`) is
/// returned as [`Value::Absent`] when its type is optional *or* it has a
/// default: the evaluator applies defaults, so a defaulted input that was not
/// given is `Absent` here too. Only a required input without a default is an
/// error when missing.
pub fn decode_applicant(program: &Program, text: &str) -> Result<Vec<Value>, Vec<DataError>> {
    let root = json::parse(text).map_err(|e| vec![e])?;
    decode_value(program, &root)
}

/// Decode from an already parsed JSON value tree (for batches later): same
/// rules as [`decode_applicant`].
pub fn decode_value(program: &Program, root: &JsonValue) -> Result<Vec<Value>, Vec<DataError>> {
    decode_with(program, root, false)
}

/// Decode a shared profile: one document read by several policies, so keys
/// that this policy does not declare are ignored (inside records they are
/// still reported: the vocabulary is the same for every policy).
pub fn decode_profile(program: &Program, root: &JsonValue) -> Result<Vec<Value>, Vec<DataError>> {
    decode_with(program, root, true)
}

/// Decode a shared profile as far as it goes: one value per input (`Absent`
/// where a required input or field is missing or wrong) and every problem.
/// `polc match` evaluates on what there is and lists what is missing.
pub fn decode_profile_partial(program: &Program, root: &JsonValue) -> (Vec<Value>, Vec<DataError>) {
    let mut d = Decoder {
        program,
        errors: Vec::new(),
        profile: true,
    };
    let values = d.top(root);
    let mut errors = d.errors;
    errors.sort_by_key(|e| e.span.map(|s| s.0));
    (values, errors)
}

/// An example of a value of type `ty` as JSON (`"800万元"`, `true`, `{...}`),
/// for messages that say what to write.
pub fn example(program: &Program, ty: &Type) -> String {
    let d = Decoder {
        program,
        errors: Vec::new(),
        profile: true,
    };
    d.example(ty, 0)
}

fn decode_with(
    program: &Program,
    root: &JsonValue,
    profile: bool,
) -> Result<Vec<Value>, Vec<DataError>> {
    let mut d = Decoder {
        program,
        errors: Vec::new(),
        profile,
    };
    let values = d.top(root);
    if d.errors.is_empty() {
        Ok(values)
    } else {
        let mut errors = d.errors;
        errors.sort_by_key(|e| e.span.map(|s| s.0));
        Err(errors)
    }
}

/// Render errors with miette against the JSON source, one report per error,
/// and return the text (no colour when `color` is false).
pub fn render_errors(file_name: &str, text: &str, errors: &[DataError], color: bool) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource};
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let source = NamedSource::new(file_name, text.to_string());
    let mut out = String::new();
    for e in errors {
        let report = Report {
            error: e,
            span: e.span.map(|s| label_span(text, s)),
            source: &source,
        };
        let mut one = String::new();
        if handler.render_report(&mut one, &report).is_err() {
            one = format!("error: {}: {}\n", e.path, e.message);
            if let Some(h) = &e.help {
                one.push_str(&format!("  help: {h}\n"));
            }
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&one);
    }
    out
}

/// Where to draw a label for `span`: on character boundaries inside `text`,
/// and, for a span over several lines (a whole object that lacks a key), on
/// its first character only, so the report does not reprint the object.
fn label_span(text: &str, span: (usize, usize)) -> (usize, usize) {
    let (s, e) = clamp_span(text, span);
    match text.get(s..e) {
        Some(covered) if covered.contains('\n') => {
            match text.get(s..).and_then(|t| t.chars().next()) {
                Some(c) => (s, s + c.len_utf8()),
                None => (s, e),
            }
        }
        _ => (s, e),
    }
}

/// A span moved onto character boundaries inside `text`.
fn clamp_span(text: &str, (s, e): (usize, usize)) -> (usize, usize) {
    let fit = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let s = fit(s);
    (s, fit(e).max(s))
}

/// One `DataError` as a miette diagnostic.
struct Report<'a> {
    error: &'a DataError,
    span: Option<(usize, usize)>,
    source: &'a miette::NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.error, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error.path, self.error.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let (s, e) = self.span?;
        let label = miette::LabeledSpan::new(Some(self.error.path.clone()), s, e - s);
        Some(Box::new(std::iter::once(label)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
}

// ---------------------------------------------------------------------------
// Decoding

struct Decoder<'p> {
    program: &'p Program,
    errors: Vec<DataError>,
    /// Ignore top-level keys the policy does not declare (a shared profile).
    profile: bool,
}

/// Where a value sits in the document (`$.loans[2].amount`). Built as a chain
/// of borrowed steps and rendered only when an error is reported: decoding a
/// good document formats nothing.
#[derive(Clone, Copy)]
enum Loc<'a> {
    Root,
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl fmt::Display for Loc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loc::Root => write!(f, "$"),
            Loc::Key(parent, key) => write!(f, "{}", child_key(&parent.to_string(), key)),
            Loc::Index(parent, i) => write!(f, "{}", child_index(&parent.to_string(), *i)),
        }
    }
}

/// `name (label)`, rendered on demand.
#[derive(Clone, Copy)]
struct Named<'a>(&'a str, Option<&'a str>);

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", named(self.0, self.1))
    }
}

/// What a value is, as messages name it (`input \`x\` (label)`), rendered on demand.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Input(Named<'a>),
    Field(Named<'a>, Named<'a>),
    Element(&'a Subject<'a>),
}

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Input(n) => write!(f, "input {n}"),
            Subject::Field(field, owner) => write!(f, "field {field} of {owner}"),
            Subject::Element(inner) => write!(f, "each element of {inner}"),
        }
    }
}

/// `name (label)`, the way a declaration is named in messages.
fn named(name: &str, label: Option<&str>) -> String {
    match label {
        Some(l) if !l.is_empty() => format!("`{name}` ({l})"),
        _ => format!("`{name}`"),
    }
}

/// The JSON value as messages show it: literals as written, long strings cut.
fn found(v: &JsonValue) -> String {
    match &v.kind {
        JsonKind::Null => "null".to_string(),
        JsonKind::Bool(b) => b.to_string(),
        JsonKind::Number(t) => shorten(t, 40),
        JsonKind::String(s) => quote(&shorten(s, 40)),
        JsonKind::Array(items) if items.is_empty() => "an empty array".to_string(),
        JsonKind::Array(_) => "an array".to_string(),
        JsonKind::Object(_) => "an object".to_string(),
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

impl Decoder<'_> {
    fn error(
        &mut self,
        path: &dyn fmt::Display,
        span: (usize, usize),
        message: String,
        help: Option<String>,
    ) {
        self.errors.push(DataError {
            path: path.to_string(),
            span: Some(span),
            message,
            help,
            missing: false,
        });
    }

    fn missing(
        &mut self,
        path: &dyn fmt::Display,
        span: (usize, usize),
        message: String,
        help: Option<String>,
    ) {
        self.error(path, span, message, help);
        if let Some(e) = self.errors.last_mut() {
            e.missing = true;
        }
    }

    fn enum_name(&self, id: u32) -> String {
        match self.program.enums.get(id as usize) {
            Some(e) => named(&e.name, e.label.as_deref()),
            None => "`?`".to_string(),
        }
    }

    fn record_name(&self, id: u32) -> String {
        match self.program.records.get(id as usize) {
            Some(r) => named(&r.name, r.label.as_deref()),
            None => "`?`".to_string(),
        }
    }

    /// What a value of type `t` looks like, as a phrase after "expects".
    fn phrase(&self, t: &Type) -> String {
        match t {
            Type::Money => "an amount such as \"800万元\"".to_string(),
            Type::Rate => "a rate such as \"3.45%\"".to_string(),
            Type::Decimal => "a number such as 1.5".to_string(),
            Type::Int => "a whole number such as 10".to_string(),
            Type::Bool => "true or false".to_string(),
            Type::Date => "a date such as \"2026-03-31\"".to_string(),
            Type::Duration => "a duration such as \"3 years\"".to_string(),
            Type::Text => "a string".to_string(),
            Type::Enum(id) => format!("one of the values of {}", self.enum_name(*id)),
            Type::Record(id) => format!("an object with the fields of {}", self.record_name(*id)),
            Type::List(t) => format!("an array, each element {}", self.phrase(t)),
            Type::Optional(t) => format!("{} or null", self.phrase(t)),
            Type::Error => "any value".to_string(),
        }
    }

    /// A JSON example of a value of type `t`, for "add ..." help lines.
    fn example(&self, t: &Type, depth: usize) -> String {
        match t {
            Type::Money => "\"800万元\"".to_string(),
            Type::Rate => "\"3.45%\"".to_string(),
            Type::Decimal => "1.5".to_string(),
            Type::Int => "10".to_string(),
            Type::Bool => "true".to_string(),
            Type::Date => "\"2026-03-31\"".to_string(),
            Type::Duration => "\"3 years\"".to_string(),
            Type::Text => "\"…\"".to_string(),
            Type::Enum(id) => match self
                .program
                .enums
                .get(*id as usize)
                .and_then(|e| e.variants.first())
            {
                Some(v) => quote(&v.name),
                None => "\"…\"".to_string(),
            },
            Type::Record(id) => {
                let Some(r) = self.program.records.get(*id as usize) else {
                    return "{}".to_string();
                };
                if depth > 2 {
                    return "{…}".to_string();
                }
                let mut fields: Vec<String> = r
                    .fields
                    .iter()
                    .filter(|f| !matches!(f.ty, Type::Optional(_) | Type::Error))
                    .map(|f| format!("{}: {}", quote(&f.name), self.example(&f.ty, depth + 1)))
                    .collect();
                if fields.is_empty() {
                    // Every field optional: show the first two, as a start.
                    fields = r
                        .fields
                        .iter()
                        .take(2)
                        .map(|f| format!("{}: {}", quote(&f.name), self.example(&f.ty, depth + 1)))
                        .collect();
                    if r.fields.len() > 2 {
                        fields.push("…".to_string());
                    }
                }
                if fields.is_empty() {
                    "{}".to_string()
                } else {
                    format!("{{{}}}", fields.join(", "))
                }
            }
            Type::List(_) if depth > 2 => "[…]".to_string(),
            Type::List(t) => format!("[{}]", self.example(t, depth + 1)),
            Type::Optional(t) => self.example(t, depth),
            Type::Error => "null".to_string(),
        }
    }

    fn wrong(
        &mut self,
        t: &Type,
        v: &JsonValue,
        path: &Loc<'_>,
        subject: &Subject<'_>,
        help: Option<String>,
    ) {
        let message = format!("{subject} expects {}, found {}", self.phrase(t), found(v));
        self.error(path, v.span, message, help);
    }

    fn top(&mut self, root: &JsonValue) -> Vec<Value> {
        let program = self.program;
        let JsonKind::Object(members) = &root.kind else {
            self.error(
                &Loc::Root,
                root.span,
                format!(
                    "the applicant file must be a JSON object with one key per input, found {}",
                    found(root)
                ),
                Some(match program.inputs.first() {
                    Some(i) => format!(
                        "write {{{}: {}, ...}}",
                        quote(&i.name),
                        self.example(&i.ty, 0)
                    ),
                    None => "write {}".to_string(),
                }),
            );
            return Vec::new();
        };
        let given = self.members(
            members,
            &Loc::Root,
            program
                .inputs
                .iter()
                .map(|i| (i.name.as_str(), i.label.as_deref())),
            "input",
            None,
        );
        let mut values = Vec::with_capacity(program.inputs.len());
        for (input, value) in program.inputs.iter().zip(given) {
            values.push(self.input(input, value, root.span));
        }
        values
    }

    fn input(
        &mut self,
        input: &InputDef,
        value: Option<&JsonValue>,
        object: (usize, usize),
    ) -> Value {
        let path = Loc::Key(&Loc::Root, &input.name);
        let subject = Subject::Input(Named(&input.name, input.label.as_deref()));
        let optional =
            matches!(input.ty, Type::Optional(_) | Type::Error) || input.default.is_some();
        match value {
            None
            | Some(JsonValue {
                kind: JsonKind::Null,
                ..
            }) if optional => Value::Absent,
            None => {
                let help = format!("add {}: {}", quote(&input.name), self.example(&input.ty, 0));
                self.missing(
                    &path,
                    object,
                    format!(
                        "missing input {}",
                        named(&input.name, input.label.as_deref())
                    ),
                    Some(help),
                );
                Value::Absent
            }
            Some(v) => self.value(&input.ty, v, &path, &subject),
        }
    }

    /// Match an object's members against declared names (inputs or record
    /// fields): reports duplicate and unknown keys, and returns the value
    /// given for each declared name, in declaration order.
    fn members<'j, 'n>(
        &mut self,
        members: &'j [(String, (usize, usize), JsonValue)],
        path: &Loc<'_>,
        declared: impl Iterator<Item = (&'n str, Option<&'n str>)>,
        kind: &str,
        owner: Option<Named<'_>>,
    ) -> Vec<Option<&'j JsonValue>> {
        let names: Vec<(&str, Option<&str>)> = declared.collect();
        let mut given: Vec<Option<&JsonValue>> = vec![None; names.len()];
        // Objects are small: a linear scan beats hashing every key.
        let mut seen: Vec<&str> = Vec::with_capacity(members.len());
        for (key, key_span, value) in members {
            let key_path = Loc::Key(path, key);
            if seen.contains(&key.as_str()) {
                self.error(
                    &key_path,
                    *key_span,
                    format!(
                        "duplicate key {}: it already appears earlier in this object",
                        quote(key)
                    ),
                    Some("give each key once; remove or rename one of the two".to_string()),
                );
                continue;
            }
            seen.push(key.as_str());
            match names.iter().position(|(n, _)| n == key) {
                Some(i) => {
                    if let Some(slot) = given.get_mut(i) {
                        *slot = Some(value);
                    }
                }
                None if self.profile && owner.is_none() && kind == "input" => {}
                None => {
                    let what = if let Some(owner) = owner {
                        format!("unknown {kind} {} in {owner}", quote(key))
                    } else {
                        format!("unknown {kind} {}", quote(key))
                    };
                    // Match by name, or by label (someone wrote the Chinese label as the key).
                    let by_label = names.iter().find(|(_, l)| *l == Some(key.as_str()));
                    let suggestion = match by_label {
                        Some(n) => Some(*n),
                        None => suggest(key, names.iter().map(|(n, _)| *n))
                            .and_then(|s| names.iter().find(|(n, _)| *n == s).copied()),
                    };
                    let help = match suggestion {
                        Some((n, l)) => format!(
                            "did you mean `{}`{}?",
                            n,
                            l.map(|l| format!(" ({l})")).unwrap_or_default()
                        ),
                        None if names.is_empty() => {
                            format!("no {kind}s are declared here; remove this key")
                        }
                        None => {
                            let mut list: Vec<String> = names
                                .iter()
                                .take(12)
                                .map(|(n, _)| format!("`{n}`"))
                                .collect();
                            if names.len() > 12 {
                                list.push("…".to_string());
                            }
                            format!("the declared {kind}s are {}", list.join(", "))
                        }
                    };
                    self.error(&key_path, *key_span, what, Some(help));
                }
            }
        }
        given
    }

    fn value(&mut self, t: &Type, v: &JsonValue, path: &Loc<'_>, subject: &Subject<'_>) -> Value {
        if let JsonKind::Null = v.kind {
            return match t {
                Type::Optional(_) | Type::Error => Value::Absent,
                _ => {
                    let help = format!("a value is required here, e.g. {}", self.example(t, 0));
                    self.wrong(t, v, path, subject, Some(help));
                    Value::Absent
                }
            };
        }
        match t {
            Type::Error => Value::Absent,
            Type::Optional(inner) => self.value(inner, v, path, subject),
            Type::Money => self.money(t, v, path, subject),
            Type::Rate => self.rate(t, v, path, subject),
            Type::Decimal => self.decimal(t, v, path, subject),
            Type::Int => self.int(t, v, path, subject),
            Type::Bool => match v.kind {
                JsonKind::Bool(b) => Value::Bool(b),
                JsonKind::String(ref s) => {
                    let b = match s.trim() {
                        "true" | "True" | "TRUE" | "是" | "yes" | "y" | "1" => Some("true"),
                        "false" | "False" | "FALSE" | "否" | "no" | "n" | "0" => Some("false"),
                        _ => None,
                    };
                    let help = match b {
                        Some(b) => format!("write JSON {b} without quotes"),
                        None => "write JSON true or false without quotes".to_string(),
                    };
                    self.wrong(t, v, path, subject, Some(help));
                    Value::Absent
                }
                _ => {
                    self.wrong(
                        t,
                        v,
                        path,
                        subject,
                        Some("write JSON true or false without quotes".to_string()),
                    );
                    Value::Absent
                }
            },
            Type::Date => self.date(t, v, path, subject),
            Type::Duration => match &v.kind {
                JsonKind::String(s) => match parse_duration(s) {
                    Some(d) => Value::Duration(d),
                    None => {
                        self.wrong(t, v, path, subject, Some("write a whole number of years, months or days, e.g. \"3 years\", \"18 months\", \"90 days\"".to_string()));
                        Value::Absent
                    }
                },
                _ => {
                    self.wrong(
                        t,
                        v,
                        path,
                        subject,
                        Some(
                            "write the duration as a string with its unit, e.g. \"3 years\""
                                .to_string(),
                        ),
                    );
                    Value::Absent
                }
            },
            Type::Text => match &v.kind {
                JsonKind::String(s) => Value::Text(Arc::from(s.as_str())),
                JsonKind::Number(n) => {
                    self.wrong(
                        t,
                        v,
                        path,
                        subject,
                        Some(format!("write it in quotes: \"{n}\"")),
                    );
                    Value::Absent
                }
                _ => {
                    self.wrong(t, v, path, subject, None);
                    Value::Absent
                }
            },
            Type::Enum(id) => self.enumeration(*id, t, v, path, subject),
            Type::Record(id) => self.record(*id, t, v, path, subject),
            Type::List(elem) => match &v.kind {
                JsonKind::Array(items) => {
                    let elem_subject = Subject::Element(subject);
                    let values: Vec<Value> = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            self.value(elem, item, &Loc::Index(path, i), &elem_subject)
                        })
                        .collect();
                    Value::List(Arc::from(values))
                }
                _ => {
                    let help = format!("write a JSON array, e.g. {}", self.example(t, 0));
                    self.wrong(t, v, path, subject, Some(help));
                    Value::Absent
                }
            },
        }
    }

    /// Report a number that could not be read exactly.
    fn bad_number(
        &mut self,
        t: &Type,
        v: &JsonValue,
        path: &Loc<'_>,
        subject: &Subject<'_>,
        err: NumError,
        help: Option<String>,
    ) {
        let why = match err {
            NumError::OutOfRange => format!(", which is out of range (the largest number that can be kept exactly is {})", Decimal::MAX),
            NumError::TooPrecise => ", which has more digits than can be kept exactly (at most 28 decimal places and 28 significant digits)".to_string(),
            NumError::Invalid => String::new(),
        };
        let message = format!(
            "{subject} expects {}, found {}{why}",
            self.phrase(t),
            found(v)
        );
        self.error(path, v.span, message, help);
    }

    fn money(&mut self, t: &Type, v: &JsonValue, path: &Loc<'_>, subject: &Subject<'_>) -> Value {
        const HELP: &str = "write a number of yuan, optionally with 万 or 亿 and 元, e.g. 8000000, \"8,000,000\", \"800万元\" or \"1.5亿元\"";
        let parsed = match &v.kind {
            JsonKind::Number(n) => parse_number(n, false, true).and_then(|p| p.to_decimal()),
            JsonKind::String(s) => parse_money(s),
            _ => {
                self.wrong(t, v, path, subject, Some(HELP.to_string()));
                return Value::Absent;
            }
        };
        match parsed {
            Ok(d) if d.is_sign_negative() && !d.is_zero() => {
                self.error(
                    path,
                    v.span,
                    format!("{subject}: amount must not be negative, found {}", found(v)),
                    Some("amounts are sums of money in yuan and cannot be below zero; write the amount without a minus sign, or 0 if there is none".to_string()),
                );
                Value::Absent
            }
            Ok(d) => Value::Money(d.normalize()),
            Err(e) => {
                let help = match e {
                    NumError::Invalid => Some(HELP.to_string()),
                    _ => None,
                };
                self.bad_number(t, v, path, subject, e, help);
                Value::Absent
            }
        }
    }

    fn rate(&mut self, t: &Type, v: &JsonValue, path: &Loc<'_>, subject: &Subject<'_>) -> Value {
        const HELP: &str = "write the rate as a string with its unit, e.g. \"3.45%\"";
        match &v.kind {
            JsonKind::String(s) => match parse_rate(s) {
                Ok(d) => Value::Rate(d.normalize()),
                Err(RateError::NoUnit) => {
                    let n = s.trim();
                    let help = format!("{HELP}: \"{n}%\" if you mean {n} percent, or the fraction {n} written as a percentage");
                    let message = format!(
                        "{subject} expects {}, found {} without a unit (a bare number could mean a fraction or a percentage)",
                        self.phrase(t),
                        found(v)
                    );
                    self.error(path, v.span, message, Some(help));
                    Value::Absent
                }
                Err(RateError::Num(e)) => {
                    let help = match e {
                        NumError::Invalid => Some(format!("{HELP}, \"0.5‰\" or \"100bp\"")),
                        _ => None,
                    };
                    self.bad_number(t, v, path, subject, e, help);
                    Value::Absent
                }
            },
            JsonKind::Number(n) => {
                let message = format!(
                    "{subject} expects {}, found the bare number {} (ambiguous: a fraction or a percentage?)",
                    self.phrase(t),
                    shorten(n, 40)
                );
                self.error(path, v.span, message, Some(HELP.to_string()));
                Value::Absent
            }
            _ => {
                self.wrong(t, v, path, subject, Some(HELP.to_string()));
                Value::Absent
            }
        }
    }

    fn decimal(&mut self, t: &Type, v: &JsonValue, path: &Loc<'_>, subject: &Subject<'_>) -> Value {
        let parsed = match &v.kind {
            JsonKind::Number(n) => parse_number(n, false, true).and_then(|p| p.to_decimal()),
            JsonKind::String(s) => parse_number(s.trim(), true, true).and_then(|p| p.to_decimal()),
            _ => {
                self.wrong(t, v, path, subject, None);
                return Value::Absent;
            }
        };
        match parsed {
            Ok(d) => Value::Decimal(d.normalize()),
            Err(e) => {
                let help =
                    (e == NumError::Invalid).then(|| "write a plain number, e.g. 1.5".to_string());
                self.bad_number(t, v, path, subject, e, help);
                Value::Absent
            }
        }
    }

    fn int(&mut self, t: &Type, v: &JsonValue, path: &Loc<'_>, subject: &Subject<'_>) -> Value {
        let parsed = match &v.kind {
            JsonKind::Number(n) => parse_number(n, false, true).and_then(|p| p.to_decimal()),
            JsonKind::String(s) => parse_number(s.trim(), true, false).and_then(|p| p.to_decimal()),
            _ => {
                self.wrong(t, v, path, subject, None);
                return Value::Absent;
            }
        };
        let d = match parsed {
            Ok(d) => d.normalize(),
            Err(e) => {
                let help =
                    (e == NumError::Invalid).then(|| "write a whole number, e.g. 10".to_string());
                self.bad_number(t, v, path, subject, e, help);
                return Value::Absent;
            }
        };
        if d.scale() != 0 {
            let message = format!(
                "{subject} expects {}, found {}, which is not a whole number",
                self.phrase(t),
                found(v)
            );
            self.error(
                path,
                v.span,
                message,
                Some("write a whole number without a fractional part".to_string()),
            );
            return Value::Absent;
        }
        match i64::try_from(d.mantissa()) {
            Ok(n) => Value::Int(n),
            Err(_) => {
                let message = format!(
                    "{subject} expects {}, found {}, which is out of range for a whole number (at most {})",
                    self.phrase(t),
                    found(v),
                    i64::MAX
                );
                self.error(path, v.span, message, None);
                Value::Absent
            }
        }
    }

    fn date(&mut self, t: &Type, v: &JsonValue, path: &Loc<'_>, subject: &Subject<'_>) -> Value {
        const HELP: &str = "write dates as \"YYYY-MM-DD\", e.g. \"2026-03-31\"";
        let JsonKind::String(s) = &v.kind else {
            self.wrong(t, v, path, subject, Some(HELP.to_string()));
            return Value::Absent;
        };
        if let Some(d) = Date::parse(s) {
            return Value::Date(d);
        }
        let shaped = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if shaped {
            self.error(
                path,
                v.span,
                format!("{subject}: {s} is not a calendar date"),
                Some("check the month and day; the year must be between 0001 and 9999".to_string()),
            );
            return Value::Absent;
        }
        let help = match loose_date(s) {
            Some(d) => format!("write \"{d}\""),
            None => HELP.to_string(),
        };
        self.wrong(t, v, path, subject, Some(help));
        Value::Absent
    }

    fn enumeration(
        &mut self,
        id: u32,
        t: &Type,
        v: &JsonValue,
        path: &Loc<'_>,
        subject: &Subject<'_>,
    ) -> Value {
        let program = self.program;
        let Some(def) = program.enums.get(id as usize) else {
            return Value::Absent;
        };
        let accepted = || {
            let mut list: Vec<String> = def
                .variants
                .iter()
                .take(20)
                .map(|v| match &v.label {
                    Some(l) if !l.is_empty() => format!("{} ({l})", quote(&v.name)),
                    _ => quote(&v.name),
                })
                .collect();
            if def.variants.len() > 20 {
                list.push("…".to_string());
            }
            list.join(", ")
        };
        let JsonKind::String(s) = &v.kind else {
            let help = format!("write one of {} as a string", accepted());
            self.wrong(t, v, path, subject, Some(help));
            return Value::Absent;
        };
        let index = def
            .variants
            .iter()
            .position(|var| var.name == *s)
            .or_else(|| {
                def.variants
                    .iter()
                    .position(|var| var.label.as_deref() == Some(s.as_str()))
            });
        if let Some(i) = index {
            return Value::Enum(id, u32::try_from(i).unwrap_or(u32::MAX));
        }
        let candidates = def
            .variants
            .iter()
            .flat_map(|var| std::iter::once(var.name.as_str()).chain(var.label.as_deref()));
        let help = match suggest(s, candidates) {
            Some(m) => format!("did you mean {}? accepted values: {}", quote(m), accepted()),
            None => format!("accepted values: {}", accepted()),
        };
        self.wrong(t, v, path, subject, Some(help));
        Value::Absent
    }

    fn record(
        &mut self,
        id: u32,
        t: &Type,
        v: &JsonValue,
        path: &Loc<'_>,
        subject: &Subject<'_>,
    ) -> Value {
        let program = self.program;
        let Some(def) = program.records.get(id as usize) else {
            return Value::Absent;
        };
        let JsonKind::Object(members) = &v.kind else {
            let help = format!("write a JSON object, e.g. {}", self.example(t, 0));
            self.wrong(t, v, path, subject, Some(help));
            return Value::Absent;
        };
        let owner = Named(&def.name, def.label.as_deref());
        let given = self.members(
            members,
            path,
            def.fields
                .iter()
                .map(|f| (f.name.as_str(), f.label.as_deref())),
            "field",
            Some(owner),
        );
        let mut values = Vec::with_capacity(def.fields.len());
        for (field, value) in def.fields.iter().zip(given) {
            let field_path = Loc::Key(path, &field.name);
            let field_name = Named(&field.name, field.label.as_deref());
            let optional = matches!(field.ty, Type::Optional(_) | Type::Error);
            let value = match value {
                None if optional => Value::Absent,
                None => {
                    let help = format!(
                        "add {}: {} to this object",
                        quote(&field.name),
                        self.example(&field.ty, 0)
                    );
                    self.missing(
                        &field_path,
                        v.span,
                        format!("missing field {field_name} of {owner}"),
                        Some(help),
                    );
                    Value::Absent
                }
                Some(fv) => {
                    let field_subject = Subject::Field(field_name, owner);
                    self.value(&field.ty, fv, &field_path, &field_subject)
                }
            };
            values.push(value);
        }
        Value::Record(Arc::from(values))
    }
}

// ---------------------------------------------------------------------------
// Exact numbers

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumError {
    /// Not a number in an accepted form.
    Invalid,
    /// Too large for a `Decimal`.
    OutOfRange,
    /// More decimal places or significant digits than a `Decimal` keeps.
    TooPrecise,
}

/// A number as written: `digits × 10^exp10`, digits without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NumParts {
    negative: bool,
    digits: String,
    exp10: i64,
}

impl NumParts {
    /// The exact `Decimal`, or why there is none (never rounds).
    fn to_decimal(&self) -> Result<Decimal, NumError> {
        let mut digits = self.digits.trim_start_matches('0');
        if digits.is_empty() {
            return Ok(Decimal::ZERO);
        }
        let mut exp = self.exp10;
        // Trailing zeros only raise the exponent: 1.50 = 15 × 10^-1.
        while let Some(rest) = digits.strip_suffix('0') {
            digits = rest;
            exp = exp.saturating_add(1);
        }
        let len = i64::try_from(digits.len()).unwrap_or(i64::MAX);
        let mantissa = |s: &str| -> Result<i128, NumError> {
            s.bytes().try_fold(0i128, |acc, b| {
                acc.checked_mul(10)
                    .and_then(|a| a.checked_add(i128::from(b.wrapping_sub(b'0'))))
                    .ok_or(NumError::OutOfRange)
            })
        };
        let value = if exp >= 0 {
            // An integer: digits followed by `exp` zeros; at most 29 digits fit.
            if len.saturating_add(exp) > 29 {
                return Err(NumError::OutOfRange);
            }
            let mut n = mantissa(digits)?;
            for _ in 0..exp {
                n = n.checked_mul(10).ok_or(NumError::OutOfRange)?;
            }
            Decimal::try_from_i128_with_scale(n, 0).map_err(|_| NumError::OutOfRange)?
        } else {
            let scale = exp.unsigned_abs();
            if scale > 28 {
                return Err(NumError::TooPrecise);
            }
            if len > 29 {
                // Fewer integer digits than 29 would be in range: too many digits overall.
                return Err(if len.saturating_add(exp) > 29 {
                    NumError::OutOfRange
                } else {
                    NumError::TooPrecise
                });
            }
            let n = mantissa(digits)?;
            let scale = u32::try_from(scale).map_err(|_| NumError::TooPrecise)?;
            match Decimal::try_from_i128_with_scale(n, scale) {
                Ok(d) => d,
                // Too many digits for 96 bits: out of range if the integer
                // part alone is too large, otherwise too precise.
                Err(_) if len.saturating_add(exp) >= 29 => return Err(NumError::OutOfRange),
                Err(_) => return Err(NumError::TooPrecise),
            }
        };
        Ok(if self.negative { -value } else { value })
    }
}

/// Read `-?digits[.digits][e[+-]digits]`; with `commas`, the integer part may
/// be grouped in threes (`8,000,000`); with `exponent`, `e`/`E` is accepted.
fn parse_number(s: &str, commas: bool, exponent: bool) -> Result<NumParts, NumError> {
    let b = s.as_bytes();
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if negative {
        i = 1;
    }
    let mut digits = String::new();
    // Integer part, with optional thousands separators.
    let mut groups: Vec<usize> = vec![0];
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                digits.push(char::from(c));
                if let Some(g) = groups.last_mut() {
                    *g += 1;
                }
            }
            b',' if commas => groups.push(0),
            _ => break,
        }
        i += 1;
    }
    if digits.is_empty() {
        return Err(NumError::Invalid);
    }
    if groups.len() > 1 {
        let first_ok = groups.first().is_some_and(|g| (1..=3).contains(g));
        let rest_ok = groups.iter().skip(1).all(|g| *g == 3);
        if !first_ok || !rest_ok {
            return Err(NumError::Invalid);
        }
    }
    let mut frac: i64 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let from = digits.len();
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            digits.push(char::from(c));
            i += 1;
        }
        if digits.len() == from {
            return Err(NumError::Invalid);
        }
        frac = i64::try_from(digits.len() - from).unwrap_or(i64::MAX);
    }
    let mut exp: i64 = 0;
    if exponent && matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let neg_exp = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let from = i;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            exp = exp.saturating_mul(10).saturating_add(i64::from(c - b'0'));
            i += 1;
        }
        if i == from {
            return Err(NumError::Invalid);
        }
        if neg_exp {
            exp = -exp;
        }
    }
    if i != b.len() {
        return Err(NumError::Invalid);
    }
    Ok(NumParts {
        negative,
        digits,
        exp10: exp.saturating_sub(frac),
    })
}

/// An amount in yuan: a number with optional thousands separators, then
/// optionally 万 or 亿, then optionally 元.
fn parse_money(s: &str) -> Result<Decimal, NumError> {
    let t = s.trim();
    let t = t.strip_suffix('元').unwrap_or(t).trim_end();
    let (t, shift) = if let Some(x) = t.strip_suffix('万') {
        (x, 4)
    } else if let Some(x) = t.strip_suffix('亿') {
        (x, 8)
    } else {
        (t, 0)
    };
    let mut parts = parse_number(t.trim_end(), true, false)?;
    parts.exp10 = parts.exp10.saturating_add(shift);
    parts.to_decimal()
}

enum RateError {
    NoUnit,
    Num(NumError),
}

/// A rate with its unit: `5%`, `0.5‰`, `100bp`, as a fraction.
fn parse_rate(s: &str) -> Result<Decimal, RateError> {
    let t = s.trim();
    let (number, shift) = if let Some(x) = t.strip_suffix('%').or_else(|| t.strip_suffix('％')) {
        (x, 2)
    } else if let Some(x) = t.strip_suffix('‰') {
        (x, 3)
    } else if let Some(x) = ["bps", "bp", "BPS", "BP", "Bp", "Bps"]
        .iter()
        .find_map(|u| t.strip_suffix(u))
    {
        (x, 4)
    } else {
        return match parse_number(t, false, false) {
            Ok(_) => Err(RateError::NoUnit),
            Err(e) => Err(RateError::Num(e)),
        };
    };
    let mut parts = parse_number(number.trim_end(), false, false).map_err(RateError::Num)?;
    parts.exp10 = parts.exp10.saturating_sub(shift);
    parts.to_decimal().map_err(RateError::Num)
}

/// A duration: one or more `<whole number> <unit>` parts, e.g. `3 years`,
/// `1 year 6 months`, `90 days`, `3年`, `18个月`, `90天`.
fn parse_duration(s: &str) -> Option<Duration> {
    let mut rest = s.trim();
    if rest.is_empty() {
        return None;
    }
    let mut months: i64 = 0;
    let mut days: i64 = 0;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let n: i64 = rest.get(..end)?.parse().ok()?;
        rest = rest.get(end..)?.trim_start();
        let uend = rest
            .find(|c: char| c.is_ascii_digit() || c.is_whitespace())
            .unwrap_or(rest.len());
        let unit = rest.get(..uend)?;
        rest = rest.get(uend..)?.trim_start();
        match unit.to_ascii_lowercase().as_str() {
            "year" | "years" | "yr" | "yrs" | "年" => {
                months = months.checked_add(n.checked_mul(12)?)?
            }
            "month" | "months" | "个月" | "月" => months = months.checked_add(n)?,
            "week" | "weeks" | "周" => days = days.checked_add(n.checked_mul(7)?)?,
            "day" | "days" | "天" | "日" => days = days.checked_add(n)?,
            _ => return None,
        }
    }
    Some(Duration {
        months,
        days,
        anchor: None,
    })
}

/// A date written another common way (`2026/3/31`, `2026.3.31`,
/// `2026年3月31日`), normalised for a help line; `None` if it is not one.
fn loose_date(s: &str) -> Option<Date> {
    let t = s.trim().trim_end_matches('日');
    let parts: Vec<&str> = t.split(['/', '.', '-', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 {
        return None;
    }
    Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}
