//! Batch evaluation: many applicants through one checked program. Records are
//! read in chunks (memory stays bounded whatever the file's size), each chunk
//! is evaluated on every core (rayon), and results are written in input
//! order. A bad record is reported with its line number and reason and the
//! rest go on. Readers and writers are handed in: the CLI owns the files.
//!
//! Input: JSON Lines (one applicant object per line; blank lines are skipped)
//! or CSV (a header row of input names; a record field is a dotted column,
//! `project.approved_investment`; a cell starting with `[` or `{` is JSON, for
//! lists such as loans; `true`/`false` are booleans; an empty cell is "not
//! given"). Output: JSON Lines or CSV, one row per good record.

use crate::data::json::{self, JsonKind, JsonValue};
use crate::eval::{evaluate_on, GrantStatus, Outcome};
use crate::program::Program;
use crate::value::{money_string, Date, Value};
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::io::{BufRead, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    JsonLines,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    JsonLines,
    Csv,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub input: InputFormat,
    pub output: OutputFormat,
    /// Evaluate as of this date (validity).
    pub on: Option<Date>,
    /// Records per parallel chunk.
    pub chunk: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            input: InputFormat::JsonLines,
            output: OutputFormat::JsonLines,
            on: None,
            chunk: 16_384,
        }
    }
}

/// A record that could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// 1-based line in the input file.
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Records read (good and bad).
    pub records: u64,
    pub evaluated: u64,
    pub eligible: u64,
    pub failed: u64,
    /// Sum of each grant over the batch, in program order.
    pub grant_totals: Vec<Decimal>,
    pub total: Decimal,
}

/// One evaluated record, ready to be written (and to enter pools).
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub line: u64,
    pub outcome: Outcome,
}

/// Decode one JSON Lines record.
pub fn decode_json_line(prog: &Program, text: &str) -> Result<Vec<Value>, String> {
    let root = json::parse(text).map_err(|e| e.to_string())?;
    crate::data::decode_value(prog, &root).map_err(|errs| {
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Turn a CSV record into the JSON tree the decoder reads.
fn csv_tree(headers: &[Vec<String>], record: &csv::StringRecord) -> Result<JsonValue, String> {
    let mut root: Vec<(String, (usize, usize), JsonValue)> = Vec::new();
    for (path, cell) in headers.iter().zip(record.iter()) {
        if cell.is_empty() {
            continue;
        }
        let value = match cell.trim() {
            "true" => JsonValue {
                kind: JsonKind::Bool(true),
                span: (0, 0),
            },
            "false" => JsonValue {
                kind: JsonKind::Bool(false),
                span: (0, 0),
            },
            t if t.starts_with('[') || t.starts_with('{') => {
                json::parse(t).map_err(|e| format!("column {}: {e}", path.join(".")))?
            }
            t => JsonValue {
                kind: JsonKind::String(t.to_string()),
                span: (0, 0),
            },
        };
        insert(&mut root, path, value);
    }
    Ok(JsonValue {
        kind: JsonKind::Object(root),
        span: (0, 0),
    })
}

fn insert(obj: &mut Vec<(String, (usize, usize), JsonValue)>, path: &[String], value: JsonValue) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        obj.push((first.clone(), (0, 0), value));
        return;
    }
    let pos = obj.iter().position(|(k, _, _)| k == first);
    let idx = match pos {
        Some(i) => i,
        None => {
            obj.push((
                first.clone(),
                (0, 0),
                JsonValue {
                    kind: JsonKind::Object(Vec::new()),
                    span: (0, 0),
                },
            ));
            obj.len() - 1
        }
    };
    if let Some((
        _,
        _,
        JsonValue {
            kind: JsonKind::Object(inner),
            ..
        },
    )) = obj.get_mut(idx)
    {
        insert(inner, rest, value);
    }
}

/// Evaluate one decoded record (no trace: the fast path).
fn eval_record(
    prog: &Program,
    line: u64,
    values: Result<Vec<Value>, String>,
    on: Option<Date>,
) -> Result<Evaluated, RecordError> {
    let values = values.map_err(|message| RecordError { line, message })?;
    evaluate_on(prog, &values, on, false)
        .map(|outcome| Evaluated { line, outcome })
        .map_err(|e| RecordError {
            line,
            message: e.message,
        })
}

/// Write one result as a JSON Lines row: `{"line":1,"eligible":true,"grants":{"direct":"…"},"total":"…"}`.
pub fn json_row(prog: &Program, e: &Evaluated, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(
        out,
        "{{\"line\":{},\"eligible\":{},\"grants\":{{",
        e.line, e.outcome.eligible
    );
    for (i, (g, r)) in prog.grants.iter().zip(&e.outcome.grants).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{}:\"{}\"",
            json_string(&g.name),
            money_string(r.amount)
        );
    }
    let _ = write!(out, "}},\"total\":\"{}\"", money_string(e.outcome.total));
    if e.outcome.in_force == Some(false) {
        out.push_str(",\"in_force\":false");
    }
    out.push_str("}\n");
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn csv_header(prog: &Program) -> Vec<String> {
    let mut h = vec!["line".to_string(), "eligible".to_string()];
    h.extend(prog.grants.iter().map(|g| g.name.clone()));
    h.push("total".to_string());
    h
}

fn csv_row(e: &Evaluated) -> Vec<String> {
    let mut r = vec![e.line.to_string(), e.outcome.eligible.to_string()];
    r.extend(e.outcome.grants.iter().map(|g| money_string(g.amount)));
    r.push(money_string(e.outcome.total));
    r
}

/// A source of raw records with their line numbers.
enum Records<R: BufRead> {
    Lines {
        reader: R,
        line: u64,
        buf: String,
    },
    Csv {
        reader: csv::Reader<R>,
        headers: Vec<Vec<String>>,
    },
}

enum Raw {
    Json(u64, String),
    Csv(u64, csv::StringRecord),
    Bad(RecordError),
}

impl<R: BufRead> Records<R> {
    fn new(reader: R, format: InputFormat) -> Result<Self, RecordError> {
        match format {
            InputFormat::JsonLines => Ok(Records::Lines {
                reader,
                line: 0,
                buf: String::new(),
            }),
            InputFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(false)
                    .from_reader(reader);
                let headers = reader
                    .headers()
                    .map_err(|e| RecordError {
                        line: 1,
                        message: format!("cannot read the CSV header row: {e}"),
                    })?
                    .iter()
                    .map(|h| h.trim().split('.').map(|s| s.to_string()).collect())
                    .collect();
                Ok(Records::Csv { reader, headers })
            }
        }
    }

    /// Read up to `n` records. Returns the bytes read (for progress) too.
    fn chunk(&mut self, n: usize) -> std::io::Result<(Vec<Raw>, u64)> {
        let mut out = Vec::with_capacity(n);
        let mut bytes = 0u64;
        match self {
            Records::Lines { reader, line, buf } => {
                while out.len() < n {
                    buf.clear();
                    let read = reader.read_line(buf)?;
                    if read == 0 {
                        break;
                    }
                    bytes += read as u64;
                    *line += 1;
                    let text = buf.trim();
                    if text.is_empty() {
                        continue;
                    }
                    out.push(Raw::Json(*line, text.to_string()));
                }
            }
            Records::Csv { reader, .. } => {
                let mut rec = csv::StringRecord::new();
                while out.len() < n {
                    match reader.read_record(&mut rec) {
                        Ok(false) => break,
                        Ok(true) => {
                            let line = rec.position().map(|p| p.line()).unwrap_or(0);
                            bytes += rec.as_slice().len() as u64 + 1;
                            out.push(Raw::Csv(line, rec.clone()));
                        }
                        Err(e) => {
                            let line = e.position().map(|p| p.line()).unwrap_or(0);
                            if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                                return Err(std::io::Error::other(e.to_string()));
                            }
                            out.push(Raw::Bad(RecordError {
                                line,
                                message: format!("malformed CSV record: {e}"),
                            }));
                        }
                    }
                }
            }
        }
        Ok((out, bytes))
    }

    fn headers(&self) -> Option<&[Vec<String>]> {
        match self {
            Records::Csv { headers, .. } => Some(headers),
            Records::Lines { .. } => None,
        }
    }
}

/// The records at `lines` (1-based, as batch results number them), each as
/// the JSON tree the decoder reads; records that cannot be read are left out.
/// For re-evaluating a few records of a batch with the trace on.
pub fn records_at<R: BufRead>(
    input: R,
    format: InputFormat,
    lines: &[u64],
) -> std::io::Result<Vec<(u64, JsonValue)>> {
    let mut wanted: Vec<u64> = lines.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let Some(&last) = wanted.last() else {
        return Ok(Vec::new());
    };
    let Ok(mut records) = Records::new(input, format) else {
        return Ok(Vec::new());
    };
    let headers: Vec<Vec<String>> = records.headers().map(|h| h.to_vec()).unwrap_or_default();
    let mut out = Vec::new();
    loop {
        let (raw, _) = records.chunk(4096)?;
        if raw.is_empty() {
            break;
        }
        let mut past = false;
        for r in raw {
            let (line, tree) = match r {
                Raw::Json(line, text) => (line, json::parse(&text).ok()),
                Raw::Csv(line, rec) => (line, csv_tree(&headers, &rec).ok()),
                Raw::Bad(e) => (e.line, None),
            };
            past |= line >= last;
            if let (true, Some(t)) = (wanted.binary_search(&line).is_ok(), tree) {
                out.push((line, t));
            }
        }
        if past {
            break;
        }
    }
    Ok(out)
}

/// The part of a record's result the summary adds up.
struct Tally {
    eligible: bool,
    grants: Vec<Decimal>,
    total: Decimal,
}

fn tally(e: &Evaluated) -> Tally {
    Tally {
        eligible: e.outcome.eligible,
        grants: e
            .outcome
            .grants
            .iter()
            .map(|g| {
                if g.status == GrantStatus::Granted {
                    g.amount
                } else {
                    Decimal::ZERO
                }
            })
            .collect(),
        total: e.outcome.total,
    }
}

/// Evaluate every record of `input`: each record is evaluated and turned into
/// a `T` by `per_record` on every core, and `sink` gets each chunk's `T`s in
/// input order; `report` gets each bad record and `progress` the bytes read.
/// The next chunk is read on its own thread while the current one is
/// evaluated; at most two chunks are in memory at once.
pub fn for_each_chunk<R: BufRead + Send, T: Send>(
    prog: &Program,
    input: R,
    opts: &Options,
    per_record: impl Fn(Evaluated) -> T + Sync,
    mut sink: impl FnMut(Vec<T>) -> std::io::Result<()>,
    mut report: impl FnMut(&RecordError),
    mut progress: impl FnMut(u64),
) -> std::io::Result<Summary> {
    let mut summary = Summary {
        grant_totals: vec![Decimal::ZERO; prog.grants.len()],
        ..Summary::default()
    };
    let mut records = match Records::new(input, opts.input) {
        Ok(r) => r,
        Err(e) => {
            report(&e);
            summary.failed += 1;
            return Ok(summary);
        }
    };
    let headers: Vec<Vec<String>> = records.headers().map(|h| h.to_vec()).unwrap_or_default();
    let chunk = opts.chunk.max(1);
    std::thread::scope(|scope| -> std::io::Result<Summary> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<(Vec<Raw>, u64)>>(1);
        let reader = scope.spawn(move || loop {
            let next = records.chunk(chunk);
            let done = matches!(&next, Ok((raw, _)) if raw.is_empty()) || next.is_err();
            if tx.send(next).is_err() || done {
                break;
            }
        });
        for next in rx {
            let (raw, bytes) = next?;
            if raw.is_empty() {
                break;
            }
            summary.records += raw.len() as u64;
            let results: Vec<Result<(T, Tally), RecordError>> = raw
                .into_par_iter()
                .map(|r| {
                    let e = match r {
                        Raw::Json(line, text) => {
                            eval_record(prog, line, decode_json_line(prog, &text), opts.on)
                        }
                        Raw::Csv(line, rec) => {
                            let values = csv_tree(&headers, &rec).and_then(|tree| {
                                crate::data::decode_value(prog, &tree).map_err(|errs| {
                                    errs.iter()
                                        .map(|e| e.to_string())
                                        .collect::<Vec<_>>()
                                        .join("; ")
                                })
                            });
                            eval_record(prog, line, values, opts.on)
                        }
                        Raw::Bad(e) => Err(e),
                    }?;
                    let t = tally(&e);
                    Ok((per_record(e), t))
                })
                .collect();
            let mut good = Vec::with_capacity(results.len());
            for r in results {
                match r {
                    Ok((x, t)) => {
                        summary.evaluated += 1;
                        summary.eligible += u64::from(t.eligible);
                        for (sum, a) in summary.grant_totals.iter_mut().zip(&t.grants) {
                            *sum = sum.checked_add(*a).unwrap_or(*sum);
                        }
                        summary.total = summary.total.checked_add(t.total).unwrap_or(summary.total);
                        good.push(x);
                    }
                    Err(e) => {
                        summary.failed += 1;
                        report(&e);
                    }
                }
            }
            sink(good)?;
            progress(bytes);
        }
        let _ = reader.join();
        Ok(summary)
    })
}

/// Evaluate a batch and write the results (no pools): the common path.
pub fn run<R: BufRead + Send, W: Write>(
    prog: &Program,
    input: R,
    output: W,
    opts: &Options,
    report: impl FnMut(&RecordError),
    progress: impl FnMut(u64),
) -> std::io::Result<Summary> {
    if !prog.pools.is_empty() {
        return run_pooled(prog, input, output, opts, report, progress);
    }
    let mut writer = Writer::new(prog, output, opts.output)?;
    let format = opts.output;
    // Rows are formatted on the worker threads; the writer only copies them out.
    let summary = for_each_chunk(
        prog,
        input,
        opts,
        |e| match format {
            OutputFormat::JsonLines => {
                let mut s = String::with_capacity(128);
                json_row(prog, &e, &mut s);
                Row::Json(s)
            }
            OutputFormat::Csv => Row::Csv(csv_row(&e)),
        },
        |rows| writer.write_rows(rows),
        report,
        progress,
    )?;
    writer.finish()?;
    Ok(summary)
}

/// One formatted result row.
pub enum Row {
    Json(String),
    Csv(Vec<String>),
}

/// Writes results in the chosen format.
pub struct Writer<W: Write> {
    out: WriterKind<W>,
}

enum WriterKind<W: Write> {
    Json(std::io::BufWriter<W>),
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> Writer<W> {
    pub fn new(prog: &Program, output: W, format: OutputFormat) -> std::io::Result<Self> {
        let out = match format {
            OutputFormat::JsonLines => {
                WriterKind::Json(std::io::BufWriter::with_capacity(1 << 20, output))
            }
            OutputFormat::Csv => {
                let mut w = csv::Writer::from_writer(output);
                w.write_record(csv_header(prog))
                    .map_err(std::io::Error::other)?;
                WriterKind::Csv(Box::new(w))
            }
        };
        Ok(Writer { out })
    }

    pub fn write_rows(&mut self, rows: Vec<Row>) -> std::io::Result<()> {
        for row in rows {
            match (&mut self.out, row) {
                (WriterKind::Json(w), Row::Json(s)) => w.write_all(s.as_bytes())?,
                (WriterKind::Csv(w), Row::Csv(r)) => {
                    w.write_record(r).map_err(std::io::Error::other)?
                }
                _ => {}
            }
        }
        Ok(())
    }

    pub fn finish(self) -> std::io::Result<()> {
        match self.out {
            WriterKind::Json(mut w) => w.flush(),
            WriterKind::Csv(mut w) => w.flush(),
        }
    }
}

/// What pools and quotas need of one record: its grants and keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Compact {
    pub line: u64,
    pub eligible: bool,
    pub in_force: Option<bool>,
    /// Each grant's amount: entitlement before the pools, allocation after.
    pub amounts: Vec<Decimal>,
    pub keys: Vec<Option<Value>>,
    /// Per pool or quota: (entitled, allocated) over its grants.
    pub pools: Vec<(Decimal, Decimal)>,
}

impl Compact {
    pub fn of(e: &Evaluated) -> Compact {
        Compact {
            line: e.line,
            eligible: e.outcome.eligible,
            in_force: e.outcome.in_force,
            amounts: e.outcome.grants.iter().map(|g| g.amount).collect(),
            keys: e.outcome.keys.clone(),
            pools: Vec::new(),
        }
    }

    pub fn total(&self) -> Decimal {
        self.amounts
            .iter()
            .fold(Decimal::ZERO, |a, b| a.checked_add(*b).unwrap_or(a))
    }
}

/// Order for allocation: by key (absent keys last), then input order.
fn key_order(records: &[Compact], k: usize, desc: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..records.len()).collect();
    let key = |i: usize| {
        records
            .get(i)
            .and_then(|r| r.keys.get(k).cloned().flatten())
    };
    idx.sort_by(|&a, &b| {
        let (ka, kb) = (key(a), key(b));
        let ord = match (&ka, &kb) {
            (Some(x), Some(y)) => {
                let o = crate::eval::order_values(x, y).unwrap_or(std::cmp::Ordering::Equal);
                if desc {
                    o.reverse()
                } else {
                    o
                }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        ord.then(a.cmp(&b))
    });
    idx
}

fn fen_down(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero)
}

/// Scale the grants of one pool in a record so they add up to `target`
/// (each rounded down to 分, so the pool is never exceeded).
fn scale(rec: &mut Compact, grants: &[u32], entitled: Decimal, target: Decimal) -> Decimal {
    if entitled.is_zero() {
        return Decimal::ZERO;
    }
    let mut given = Decimal::ZERO;
    for &g in grants {
        if let Some(a) = rec.amounts.get_mut(g as usize) {
            let share = a
                .checked_mul(target)
                .and_then(|x| x.checked_div(entitled))
                .map(fen_down)
                .unwrap_or(Decimal::ZERO);
            *a = share;
            given = given.checked_add(share).unwrap_or(given);
        }
    }
    given
}

/// Apply every pool and quota of the program, in order, to the whole batch.
/// Pools: if the entitlements exceed the budget, pay pro rata (each amount
/// scaled by budget ÷ entitlements, rounded down to 分) or in key order until
/// the budget runs out (the last paid gets what is left). Quotas: of the
/// records entitled to the grants, only the first ⌊share × records⌋ by the
/// ranking keep them.
pub fn allocate(prog: &Program, records: &mut [Compact]) {
    for r in records.iter_mut() {
        r.pools.clear();
    }
    for (k, pool) in prog.pools.iter().enumerate() {
        let entitled: Vec<Decimal> = records
            .iter()
            .map(|r| {
                pool.grants
                    .iter()
                    .filter_map(|g| r.amounts.get(*g as usize))
                    .fold(Decimal::ZERO, |a, b| a.checked_add(*b).unwrap_or(a))
            })
            .collect();
        for (r, e) in records.iter_mut().zip(&entitled) {
            r.pools.push((*e, *e));
        }
        if pool.quota {
            let n = Decimal::from(records.len() as u64);
            let allowed = pool
                .limit
                .checked_mul(n)
                .and_then(|x| x.floor().to_u64())
                .unwrap_or(0);
            let desc = pool.key.as_ref().is_none_or(|(_, d)| *d);
            let mut kept = 0u64;
            for i in key_order(records, k, desc) {
                if entitled.get(i).is_none_or(|e| e.is_zero()) {
                    continue;
                }
                if kept < allowed {
                    kept += 1;
                } else if let Some(r) = records.get_mut(i) {
                    for &g in &pool.grants {
                        if let Some(a) = r.amounts.get_mut(g as usize) {
                            *a = Decimal::ZERO;
                        }
                    }
                    if let Some(p) = r.pools.get_mut(k) {
                        p.1 = Decimal::ZERO;
                    }
                }
            }
            continue;
        }
        let sum = entitled
            .iter()
            .fold(Decimal::ZERO, |a, b| a.checked_add(*b).unwrap_or(a));
        if sum <= pool.limit {
            continue;
        }
        match &pool.key {
            None => {
                for (i, r) in records.iter_mut().enumerate() {
                    let e = entitled.get(i).copied().unwrap_or_default();
                    let target = e
                        .checked_mul(pool.limit)
                        .and_then(|x| x.checked_div(sum))
                        .unwrap_or_default();
                    let given = scale(r, &pool.grants, e, target);
                    if let Some(p) = r.pools.get_mut(k) {
                        p.1 = given;
                    }
                }
            }
            Some((_, desc)) => {
                let mut left = pool.limit;
                for i in key_order(records, k, *desc) {
                    let e = entitled.get(i).copied().unwrap_or_default();
                    let take = e.min(left);
                    let Some(r) = records.get_mut(i) else {
                        continue;
                    };
                    let given = if take == e {
                        e
                    } else {
                        scale(r, &pool.grants, e, take)
                    };
                    left = left.checked_sub(given).unwrap_or(Decimal::ZERO);
                    if let Some(p) = r.pools.get_mut(k) {
                        p.1 = given;
                    }
                }
            }
        }
    }
}

/// A JSON Lines row for an allocated record, with each pool's entitlement and allocation.
pub fn compact_row(prog: &Program, r: &Compact, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(
        out,
        "{{\"line\":{},\"eligible\":{},\"grants\":{{",
        r.line, r.eligible
    );
    for (i, (g, a)) in prog.grants.iter().zip(&r.amounts).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}:\"{}\"", json_string(&g.name), money_string(*a));
    }
    out.push_str("},\"pools\":{");
    for (i, (p, (e, a))) in prog.pools.iter().zip(&r.pools).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{}:{{\"entitled\":\"{}\",\"allocated\":\"{}\"}}",
            json_string(&p.name),
            money_string(*e),
            money_string(*a)
        );
    }
    let _ = write!(out, "}},\"total\":\"{}\"", money_string(r.total()));
    if r.in_force == Some(false) {
        out.push_str(",\"in_force\":false");
    }
    out.push_str("}\n");
}

/// A batch for a policy with pools or quotas: evaluate everything (keeping
/// only what allocation needs), allocate, then write.
pub fn run_pooled<R: BufRead + Send, W: Write>(
    prog: &Program,
    input: R,
    mut output: W,
    opts: &Options,
    report: impl FnMut(&RecordError),
    progress: impl FnMut(u64),
) -> std::io::Result<Summary> {
    let mut records: Vec<Compact> = Vec::new();
    let mut summary = for_each_chunk(
        prog,
        input,
        opts,
        |e| Compact::of(&e),
        |chunk| {
            records.extend(chunk);
            Ok(())
        },
        report,
        progress,
    )?;
    allocate(prog, &mut records);
    summary.grant_totals = vec![Decimal::ZERO; prog.grants.len()];
    summary.total = Decimal::ZERO;
    for r in &records {
        for (t, a) in summary.grant_totals.iter_mut().zip(&r.amounts) {
            *t = t.checked_add(*a).unwrap_or(*t);
        }
        summary.total = summary
            .total
            .checked_add(r.total())
            .unwrap_or(summary.total);
    }
    match opts.output {
        OutputFormat::JsonLines => {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut output);
            let mut s = String::new();
            for r in &records {
                s.clear();
                compact_row(prog, r, &mut s);
                w.write_all(s.as_bytes())?;
            }
            w.flush()?;
        }
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut output);
            let mut header = csv_header(prog);
            for p in &prog.pools {
                header.push(format!("{}.entitled", p.name));
                header.push(format!("{}.allocated", p.name));
            }
            w.write_record(&header).map_err(std::io::Error::other)?;
            for r in &records {
                let mut row = vec![r.line.to_string(), r.eligible.to_string()];
                row.extend(r.amounts.iter().map(|a| money_string(*a)));
                row.push(money_string(r.total()));
                for (e, a) in &r.pools {
                    row.push(money_string(*e));
                    row.push(money_string(*a));
                }
                w.write_record(&row).map_err(std::io::Error::other)?;
            }
            w.flush()?;
        }
    }
    Ok(summary)
}
