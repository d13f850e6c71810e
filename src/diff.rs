//! `polc diff`: the drafter's what-if. Two versions of a policy are compared
//! as text (`structural`: which conditions, caps, rates and tables changed)
//! and, over a cohort of applicants, as money: both versions are evaluated
//! on every record (pools and quotas applied over the whole cohort), and the
//! report counts who gains, loses, becomes eligible or ineligible, totals the
//! change per grant, lists every applicant whose amount changed, explains the
//! largest changes from the two traces, and draws the distributions
//! (`render`: text, Markdown, HTML with SVG charts, JSON).

mod render;
pub mod structural;

pub use render::render;

use crate::batch::{self, Compact, InputFormat};
use crate::data::json::{JsonKind, JsonValue};
use crate::eval::evaluate_on;
use crate::explain::{self, Lang, Report};
use crate::program::Program;
use crate::span::Sources;
use crate::syntax::ast;
use crate::value::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use std::io::BufRead;

/// Schema identifier written into every JSON diff report.
pub const SCHEMA: &str = "https://polc.dev/schema/diff/v1";

/// One version of the policy.
pub struct Version<'a> {
    /// The file as the user named it.
    pub file: String,
    pub program: &'a Program,
    pub sources: &'a Sources,
    /// The syntax tree and text, for the structural diff.
    pub ast: &'a ast::File,
    pub text: &'a str,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub input: InputFormat,
    pub on: Option<Date>,
    /// How many of the largest changes to explain.
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            input: InputFormat::JsonLines,
            on: None,
            top: 10,
        }
    }
}

/// One record's result under one version, after pools and quotas.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub eligible: bool,
    /// Each grant's amount, in the version's grant order.
    pub amounts: Vec<Decimal>,
    pub total: Decimal,
}

/// One record under both versions (`None`: the version could not evaluate it).
#[derive(Debug, Clone)]
pub struct RecordResult {
    pub line: u64,
    pub old: Option<Outcome>,
    pub new: Option<Outcome>,
}

/// A record one version could not evaluate.
#[derive(Debug, Clone, Serialize)]
pub struct BadRecord {
    pub line: u64,
    /// `old`, `new` or `both`.
    pub version: &'static str,
    pub message: String,
}

/// Both versions over a cohort.
#[derive(Debug, Clone, Default)]
pub struct Cohort {
    pub records: Vec<RecordResult>,
    pub bad: Vec<BadRecord>,
}

fn evaluate_side<R: BufRead + Send>(
    prog: &Program,
    input: R,
    opts: &Options,
    version: &'static str,
    bad: &mut Vec<BadRecord>,
) -> std::io::Result<Vec<Compact>> {
    let bopts = batch::Options {
        input: opts.input,
        on: opts.on,
        ..batch::Options::default()
    };
    let mut all: Vec<Compact> = Vec::new();
    batch::for_each_chunk(
        prog,
        input,
        &bopts,
        |e| Compact::of(&e),
        |rows| {
            all.extend(rows);
            Ok(())
        },
        |e| {
            bad.push(BadRecord {
                line: e.line,
                version,
                message: e.message.clone(),
            })
        },
        |_| {},
    )?;
    if !prog.pools.is_empty() {
        batch::allocate(prog, &mut all);
    }
    Ok(all)
}

fn outcome(c: Compact) -> Outcome {
    let total = c.total();
    Outcome {
        eligible: c.eligible,
        amounts: c.amounts,
        total,
    }
}

/// Evaluate both versions on every record of a cohort. The input is read
/// once per version (`old_input`, `new_input`: the same file, opened twice).
/// Memory grows with the cohort: both versions' amounts for every record.
pub fn evaluate<R: BufRead + Send>(
    old: &Program,
    new: &Program,
    old_input: R,
    new_input: R,
    opts: &Options,
) -> std::io::Result<Cohort> {
    let mut bad = Vec::new();
    let a = evaluate_side(old, old_input, opts, "old", &mut bad)?;
    let b = evaluate_side(new, new_input, opts, "new", &mut bad)?;
    // Both are in input order: merge by line.
    let mut records = Vec::with_capacity(a.len().max(b.len()));
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let (la, lb) = (a.peek().map(|x| x.line), b.peek().map(|y| y.line));
        let r = match (la, lb) {
            (None, None) => break,
            (Some(x), Some(y)) if x == y => RecordResult {
                line: x,
                old: a.next().map(outcome),
                new: b.next().map(outcome),
            },
            (Some(x), y) if y.is_none_or(|y| x < y) => RecordResult {
                line: x,
                old: a.next().map(outcome),
                new: None,
            },
            (_, Some(y)) => RecordResult {
                line: y,
                old: None,
                new: b.next().map(outcome),
            },
            (Some(_), None) => break,
        };
        records.push(r);
    }
    // A record both versions reject for the same reason is listed once.
    bad.sort_by_key(|b| (b.line, b.version));
    let mut merged: Vec<BadRecord> = Vec::with_capacity(bad.len());
    for b in bad {
        match merged.last_mut() {
            Some(last) if last.line == b.line && last.message == b.message => last.version = "both",
            _ => merged.push(b),
        }
    }
    Ok(Cohort {
        records,
        bad: merged,
    })
}

// ---------------------------------------------------------------------------
// The report

#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    pub file: String,
    pub name: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Counts {
    /// Records in the cohort (good and bad).
    pub records: u64,
    /// Records both versions evaluated.
    pub compared: u64,
    pub eligible_old: u64,
    pub eligible_new: u64,
    pub became_eligible: u64,
    pub became_ineligible: u64,
    /// Paid more / less under the new version (eligibility changes included).
    pub gain: u64,
    pub lose: u64,
    pub unchanged: u64,
    /// Records one version or both could not evaluate.
    pub bad: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantOutlay {
    pub name: String,
    pub label: String,
    /// `null` when the grant is not in that version.
    pub old: Option<explain::Amount>,
    pub new: Option<explain::Amount>,
    /// New minus old (signed yuan).
    pub change: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangedRecord {
    pub line: u64,
    /// `gain`, `lose`, `became_eligible`, `became_ineligible` or `eligibility_only`.
    pub category: &'static str,
    pub old: String,
    pub new: String,
    /// New minus old (signed yuan).
    pub change: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExplainedChange {
    pub line: u64,
    /// The applicant's name or id, when the record has one.
    pub id: Option<String>,
    pub category: &'static str,
    pub old: explain::Amount,
    pub new: explain::Amount,
    pub change: String,
    /// Why, from the two traces: conditions that flipped, steps and caps
    /// that changed, pools.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    /// The bin's range in yuan (`to` is `null` for the last, open bin).
    pub from: String,
    pub to: Option<String>,
    pub label: String,
    pub old: u64,
    pub new: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Percentile {
    pub p: u32,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The p-th percentile (nearest rank) of sorted values, p = 0..=100.
fn percentiles(records: &[RecordResult]) -> Vec<Percentile> {
    let sorted = |pick: &dyn Fn(&RecordResult) -> Option<Decimal>| {
        let mut v: Vec<Decimal> = records
            .iter()
            .filter_map(pick)
            .filter(|t| *t > Decimal::ZERO)
            .collect();
        v.sort();
        v
    };
    let old = sorted(&|r| r.old.as_ref().map(|o| o.total));
    let new = sorted(&|r| r.new.as_ref().map(|o| o.total));
    let at = |v: &[Decimal], p: u32| -> Option<String> {
        if v.is_empty() {
            return None;
        }
        let rank = (v.len() * p as usize).div_ceil(100).max(1);
        v.get(rank - 1).map(|d| crate::value::money_string(*d))
    };
    (0..=100)
        .map(|p| Percentile {
            p,
            old: at(&old, p),
            new: at(&new, p),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeBin {
    pub from: Option<String>,
    pub to: Option<String>,
    pub label: String,
    pub count: u64,
    /// Whether the bin holds gains (else losses).
    pub gain: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub lang: &'static str,
    pub old: VersionInfo,
    pub new: VersionInfo,
    pub cohort: Option<String>,
    pub evaluated_on: Option<String>,
    pub structural: Vec<structural::Change>,
    pub counts: Counts,
    pub total_old: explain::Amount,
    pub total_new: explain::Amount,
    pub total_change: String,
    pub grants: Vec<GrantOutlay>,
    pub summary: String,
    /// The largest changes, explained.
    pub largest: Vec<ExplainedChange>,
    /// Every record whose amount or eligibility changed, in input order.
    pub changes: Vec<ChangedRecord>,
    /// Distribution of what each applicant is paid (paid applicants only).
    pub distribution: Vec<Bin>,
    /// Percentiles 0..=100 of what the paid applicants get, before and after
    /// (`null` when nobody is paid).
    pub percentiles: Vec<Percentile>,
    /// Distribution of the changes (changed applicants only).
    pub change_distribution: Vec<ChangeBin>,
    /// Records a version could not evaluate (the first 100), and how many.
    pub bad: Vec<BadRecord>,
    pub bad_count: u64,
}

/// `1,234.56 万元`.
fn wan(d: Decimal) -> String {
    format!(
        "{} 万元",
        explain::group(crate::value::wan_string(d).trim_end_matches("万元"))
    )
}

/// `+250.00 万元` / `−250.00 万元`.
fn signed_wan(d: Decimal) -> String {
    if d.is_sign_negative() && !d.is_zero() {
        format!("−{}", wan(-d))
    } else {
        format!("+{}", wan(d))
    }
}

fn category(o: &Outcome, n: &Outcome) -> Option<&'static str> {
    match (o.eligible, n.eligible) {
        (false, true) => Some("became_eligible"),
        (true, false) => Some("became_ineligible"),
        _ if n.total > o.total => Some("gain"),
        _ if n.total < o.total => Some("lose"),
        _ => None,
    }
}

fn info(v: &Version<'_>, lang: Lang) -> VersionInfo {
    let m = &v.program.meta;
    let title = m.title.clone().unwrap_or_else(|| m.name.clone());
    let title = match lang {
        Lang::En => v.program.en_labels.get(&title).cloned().unwrap_or(title),
        Lang::Zh => title,
    };
    VersionInfo {
        file: v.file.clone(),
        name: m.name.clone(),
        title,
    }
}

fn label_of(p: &Program, lang: Lang, name: &str) -> String {
    let Some(g) = p.grants.iter().find(|g| g.name == name) else {
        return name.to_string();
    };
    match (&g.label, lang) {
        (Some(l), Lang::En) => p.en_labels.get(l).cloned().unwrap_or_else(|| l.clone()),
        (Some(l), Lang::Zh) => l.clone(),
        (None, _) => name.to_string(),
    }
}

/// Amount bins (yuan): 1万 5万 10万 50万 100万 500万 1000万 5000万 1亿 5亿.
const EDGES: [i64; 10] = [
    10_000,
    50_000,
    100_000,
    500_000,
    1_000_000,
    5_000_000,
    10_000_000,
    50_000_000,
    100_000_000,
    500_000_000,
];

fn edge_label(yuan: i64) -> String {
    if yuan >= 100_000_000 {
        format!("{}亿", yuan / 100_000_000)
    } else {
        format!("{}万", yuan / 10_000)
    }
}

fn distribution(records: &[RecordResult]) -> Vec<Bin> {
    let mut bins: Vec<Bin> = Vec::new();
    let mut lo = Decimal::ZERO;
    for (k, e) in EDGES.iter().copied().chain([i64::MAX]).enumerate() {
        let hi = (e != i64::MAX).then(|| Decimal::from(e));
        let count = |pick: &dyn Fn(&RecordResult) -> Option<Decimal>| {
            records
                .iter()
                .filter_map(pick)
                .filter(|t| *t > Decimal::ZERO && *t >= lo && hi.is_none_or(|h| *t < h))
                .count() as u64
        };
        let old = count(&|r| r.old.as_ref().map(|o| o.total));
        let new = count(&|r| r.new.as_ref().map(|o| o.total));
        let label = match (k, hi) {
            (0, Some(h)) => format!("<{}", edge_label(h.try_into().unwrap_or(0))),
            (_, Some(h)) => format!(
                "{}–{}",
                edge_label(lo.try_into().unwrap_or(0)),
                edge_label(h.try_into().unwrap_or(0))
            ),
            (_, None) => format!("≥{}", edge_label(lo.try_into().unwrap_or(0))),
        };
        bins.push(Bin {
            from: crate::value::money_string(lo),
            to: hi.map(crate::value::money_string),
            label,
            old,
            new,
        });
        if let Some(h) = hi {
            lo = h;
        }
    }
    // Drop empty bins at both ends.
    while bins.first().is_some_and(|b| b.old == 0 && b.new == 0) {
        bins.remove(0);
    }
    while bins.last().is_some_and(|b| b.old == 0 && b.new == 0) {
        bins.pop();
    }
    bins
}

/// Change bins (yuan), by size: <1万, 1–10万, 10–100万, 100–1000万, ≥1000万,
/// losses then gains.
fn change_distribution(changes: &[Decimal]) -> Vec<ChangeBin> {
    const STEPS: [i64; 4] = [10_000, 100_000, 1_000_000, 10_000_000];
    let mut bins = Vec::new();
    for gain in [false, true] {
        let mut ranges: Vec<(Decimal, Option<Decimal>)> = Vec::new();
        let mut lo = Decimal::ZERO;
        for s in STEPS {
            ranges.push((lo, Some(Decimal::from(s))));
            lo = Decimal::from(s);
        }
        ranges.push((lo, None));
        if !gain {
            ranges.reverse();
        }
        for (lo, hi) in ranges {
            let count = changes
                .iter()
                .filter(|c| (**c > Decimal::ZERO) == gain && !c.is_zero())
                .map(|c| c.abs())
                .filter(|a| *a >= lo && hi.is_none_or(|h| *a < h))
                .count() as u64;
            let span = match hi {
                Some(h) if lo.is_zero() => format!("<{}", edge_label(h.try_into().unwrap_or(0))),
                Some(h) => format!(
                    "{}–{}",
                    edge_label(lo.try_into().unwrap_or(0)),
                    edge_label(h.try_into().unwrap_or(0))
                ),
                None => format!("≥{}", edge_label(lo.try_into().unwrap_or(0))),
            };
            let sign = if gain { "+" } else { "−" };
            bins.push(ChangeBin {
                from: Some(crate::value::money_string(if gain { lo } else { -lo })),
                to: hi.map(|h| crate::value::money_string(if gain { h } else { -h })),
                label: format!("{sign}{span}"),
                count,
                gain,
            });
        }
    }
    // Drop empty bins at both ends.
    while bins.first().is_some_and(|b| b.count == 0) {
        bins.remove(0);
    }
    while bins.last().is_some_and(|b| b.count == 0) {
        bins.pop();
    }
    bins
}

/// A short name for the record: `id`, `name`, or the project's or enterprise's name.
fn record_id(tree: &JsonValue) -> Option<String> {
    let JsonKind::Object(ms) = &tree.kind else {
        return None;
    };
    let get = |ms: &[(String, (usize, usize), JsonValue)], k: &str| {
        ms.iter()
            .find(|(key, _, _)| key == k)
            .map(|(_, _, v)| v.clone())
    };
    let text = |v: Option<JsonValue>| match v.map(|v| v.kind) {
        Some(JsonKind::String(s)) => Some(s),
        Some(JsonKind::Number(n)) => Some(n),
        _ => None,
    };
    if let Some(s) = text(get(ms, "id")).or_else(|| text(get(ms, "name"))) {
        return Some(s);
    }
    for owner in ["project", "enterprise"] {
        if let Some(JsonKind::Object(inner)) = get(ms, owner).map(|v| v.kind) {
            if let Some(s) = text(get(&inner, "name")) {
                return Some(s);
            }
        }
    }
    None
}

struct Words {
    zh: bool,
}

impl Words {
    fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.zh {
            zh
        } else {
            en
        }
    }

    /// `（x）` in Chinese, ` (x)` in English.
    fn paren(&self, x: &str) -> String {
        if self.zh {
            format!("（{x}）")
        } else {
            format!(" ({x})")
        }
    }
}

/// Evaluate one record under one version with the trace on, as a report.
fn traced(v: &Version<'_>, tree: &JsonValue, on: Option<Date>, lang: Lang) -> Option<Report> {
    let values = crate::data::decode_value(v.program, tree).ok()?;
    let out = evaluate_on(v.program, &values, on, true).ok()?;
    Some(explain::build_on(
        v.program, v.sources, &values, &out, lang, on,
    ))
}

/// Why one record's amount changed: the two traces compared.
fn reasons(a: &Report, b: &Report, allocated: (Decimal, Decimal), w: &Words) -> Vec<String> {
    let mut out = Vec::new();
    if a.in_force != b.in_force {
        out.push(format!(
            "{}{}",
            w.t("施行期：", "In force: "),
            if b.in_force == Some(false) {
                w.t(
                    "新版本在该日不在施行期",
                    "the new version is not in force on the date",
                )
            } else {
                w.t(
                    "新版本在该日施行",
                    "the new version is in force on the date",
                )
            }
        ));
    }
    // Conditions that flipped, were added or were removed.
    let key = |r: &explain::RequirementItem| (r.grant.clone(), r.cite.clone(), r.label.clone());
    for rb in &b.requirements {
        match a.requirements.iter().find(|ra| key(ra) == key(rb)) {
            Some(ra) if ra.passed != rb.passed => out.push(format!(
                "{} {}",
                if rb.passed {
                    w.t("条件由不满足变为满足：", "condition now met:")
                } else {
                    w.t("条件由满足变为不满足：", "condition no longer met:")
                },
                rb.text.trim_start_matches(['✔', '✘', ' '])
            )),
            None if !rb.passed => out.push(format!(
                "{} {}",
                w.t("新增条件未满足：", "new condition not met:"),
                rb.text.trim_start_matches(['✔', '✘', ' '])
            )),
            _ => {}
        }
    }
    for ra in &a.requirements {
        if !ra.passed && !b.requirements.iter().any(|rb| key(ra) == key(rb)) {
            out.push(format!(
                "{} {}",
                w.t("原不满足的条件已删除：", "a condition not met was removed:"),
                ra.text.trim_start_matches(['✔', '✘', ' '])
            ));
        }
    }
    // Grants, step by step.
    let mut names: Vec<&str> = a.grants.iter().map(|g| g.name.as_str()).collect();
    for g in &b.grants {
        if !names.contains(&g.name.as_str()) {
            names.push(&g.name);
        }
    }
    for name in names {
        let ga = a.grants.iter().find(|g| g.name == name);
        let gb = b.grants.iter().find(|g| g.name == name);
        match (ga, gb) {
            (Some(x), Some(y)) if x.amount.yuan != y.amount.yuan || x.status != y.status => {
                let mut parts = vec![format!(
                    "{}{}{} → {}",
                    y.label,
                    w.t("：", ": "),
                    amount_words(x, w),
                    amount_words(y, w)
                )];
                if x.before_caps.yuan != y.before_caps.yuan && x.status == y.status {
                    parts.push(format!(
                        "{} {} → {}",
                        w.t("计算额", "computed"),
                        explain::amount_text(&x.before_caps, lang_of(w)),
                        explain::amount_text(&y.before_caps, lang_of(w))
                    ));
                    for sy in &y.steps {
                        if let Some(sx) = x.steps.iter().find(|s| s.label == sy.label) {
                            if sx.value != sy.value {
                                parts.push(format!("{} {} → {}", sy.label, sx.value, sy.value));
                            }
                        }
                    }
                }
                for (is_cap, word) in [(true, w.t("上限", "cap")), (false, w.t("下限", "floor"))]
                {
                    let (la, lb) = if is_cap {
                        (&x.caps, &y.caps)
                    } else {
                        (&x.floors, &y.floors)
                    };
                    for cy in lb {
                        let cx = la.iter().find(|c| c.label == cy.label);
                        let state = |bound: bool| {
                            if bound {
                                w.t("起作用", "binds")
                            } else {
                                w.t("未起作用", "does not bind")
                            }
                        };
                        match cx {
                            Some(cx) if cx.limit.yuan != cy.limit.yuan || cx.bound != cy.bound => {
                                parts.push(format!(
                                    "{word}「{}」{}{} → {}{}",
                                    cy.label,
                                    cx.limit.wan_text(),
                                    w.paren(state(cx.bound)),
                                    cy.limit.wan_text(),
                                    w.paren(state(cy.bound))
                                ));
                            }
                            None => parts.push(format!(
                                "{}{word}「{}」{}{}",
                                w.t("新增", "new "),
                                cy.label,
                                cy.limit.wan_text(),
                                w.paren(state(cy.bound))
                            )),
                            _ => {}
                        }
                    }
                    for cx in la {
                        if !lb.iter().any(|c| c.label == cx.label) {
                            parts.push(format!(
                                "{}{word}「{}」{}{}",
                                w.t("删除", "removed "),
                                cx.label,
                                cx.limit.wan_text(),
                                w.paren(if cx.bound {
                                    w.t("原起作用", "it bound")
                                } else {
                                    w.t("原未起作用", "it did not bind")
                                })
                            ));
                        }
                    }
                }
                out.push(parts.join(w.t("；", "; ")));
            }
            (None, Some(y)) if y.amount.yuan != "0.00" => out.push(format!(
                "{}「{}」{}",
                w.t("新增补助", "new grant "),
                y.label,
                y.amount.wan_text()
            )),
            (Some(x), None) if x.amount.yuan != "0.00" => out.push(format!(
                "{}「{}」{}",
                w.t("删除补助", "grant removed "),
                x.label,
                w.paren(&x.amount.wan_text())
            )),
            _ => {}
        }
    }
    // Pools and quotas: what the trace computed is not what is paid.
    let traced_a: Decimal = a.total.yuan.parse().unwrap_or_default();
    let traced_b: Decimal = b.total.yuan.parse().unwrap_or_default();
    if traced_a != allocated.0 || traced_b != allocated.1 {
        out.push(format!(
            "{} {} → {}",
            w.t("经资金池/名额分配后实发：", "after pools and quotas, paid:"),
            wan(allocated.0),
            wan(allocated.1)
        ));
    }
    out
}

fn lang_of(w: &Words) -> Lang {
    if w.zh {
        Lang::Zh
    } else {
        Lang::En
    }
}

fn amount_words(g: &explain::GrantItem, w: &Words) -> String {
    match g.status {
        "granted" => g.amount.wan_text(),
        "not_applicable" => w.t("不适用", "not applicable").to_string(),
        _ => w.t("不符合条件", "not eligible").to_string(),
    }
}

/// Build the report. `cohort` is `None` for a structural diff only;
/// `reopen` gives the cohort's records again for the largest changes.
pub fn report<R: BufRead>(
    old: &Version<'_>,
    new: &Version<'_>,
    cohort: Option<(&str, &Cohort, R)>,
    opts: &Options,
    lang: Lang,
) -> DiffReport {
    let w = Words {
        zh: lang == Lang::Zh,
    };
    let structural = structural::diff(old.ast, old.text, new.ast, new.text, lang);
    let mut counts = Counts::default();
    let mut changes = Vec::new();
    let mut largest = Vec::new();
    let mut deltas = Vec::new();
    let mut bad = Vec::new();
    let mut bad_count = 0u64;
    let mut totals = (Decimal::ZERO, Decimal::ZERO);
    // Grants by name: the old version's order, then the new one's.
    let mut names: Vec<String> = old.program.grants.iter().map(|g| g.name.clone()).collect();
    for g in &new.program.grants {
        if !names.contains(&g.name) {
            names.push(g.name.clone());
        }
    }
    let mut grant_sums = vec![(Decimal::ZERO, Decimal::ZERO); names.len()];
    let idx_old: Vec<Option<usize>> = names.iter().map(|n| old.program.grant_index(n)).collect();
    let idx_new: Vec<Option<usize>> = names.iter().map(|n| new.program.grant_index(n)).collect();
    let mut distribution_bins = Vec::new();
    let mut pcts = Vec::new();
    let mut cohort_name = None;
    if let Some((name, c, input)) = cohort {
        cohort_name = Some(name.to_string());
        let mut lines: std::collections::BTreeSet<u64> = c.records.iter().map(|r| r.line).collect();
        lines.extend(c.bad.iter().map(|b| b.line));
        counts.records = lines.len() as u64;
        let bad_lines: std::collections::BTreeSet<u64> = c.bad.iter().map(|b| b.line).collect();
        counts.bad = bad_lines.len() as u64;
        bad_count = c.bad.len() as u64;
        bad = c.bad.iter().take(100).cloned().collect();
        let mut scored: Vec<(Decimal, u64, &'static str, Decimal, Decimal)> = Vec::new();
        for r in &c.records {
            let (Some(o), Some(n)) = (&r.old, &r.new) else {
                continue;
            };
            counts.compared += 1;
            counts.eligible_old += u64::from(o.eligible);
            counts.eligible_new += u64::from(n.eligible);
            totals.0 = totals.0.checked_add(o.total).unwrap_or(totals.0);
            totals.1 = totals.1.checked_add(n.total).unwrap_or(totals.1);
            for (k, s) in grant_sums.iter_mut().enumerate() {
                if let Some(a) = idx_old
                    .get(k)
                    .copied()
                    .flatten()
                    .and_then(|i| o.amounts.get(i))
                {
                    s.0 = s.0.checked_add(*a).unwrap_or(s.0);
                }
                if let Some(a) = idx_new
                    .get(k)
                    .copied()
                    .flatten()
                    .and_then(|i| n.amounts.get(i))
                {
                    s.1 = s.1.checked_add(*a).unwrap_or(s.1);
                }
            }
            let d = n.total.checked_sub(o.total).unwrap_or_default();
            if n.total > o.total {
                counts.gain += 1;
            } else if n.total < o.total {
                counts.lose += 1;
            }
            match category(o, n) {
                Some(cat) => {
                    if cat == "became_eligible" {
                        counts.became_eligible += 1;
                    } else if cat == "became_ineligible" {
                        counts.became_ineligible += 1;
                    }
                    changes.push(ChangedRecord {
                        line: r.line,
                        category: cat,
                        old: crate::value::money_string(o.total),
                        new: crate::value::money_string(n.total),
                        change: crate::value::money_string(d),
                    });
                    if !d.is_zero() {
                        deltas.push(d);
                    }
                    scored.push((d.abs(), r.line, cat, o.total, n.total));
                }
                None => counts.unchanged += 1,
            }
        }
        distribution_bins = distribution(&c.records);
        pcts = percentiles(&c.records);
        // The largest changes, explained from the two traces.
        scored.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        scored.truncate(opts.top);
        let lines: Vec<u64> = scored.iter().map(|s| s.1).collect();
        let trees = batch::records_at(input, opts.input, &lines).unwrap_or_default();
        for (_, line, cat, o, n) in scored {
            let tree = trees.iter().find(|(l, _)| *l == line).map(|(_, t)| t);
            let (id, why) = match tree {
                Some(t) => {
                    let ra = traced(old, t, opts.on, lang);
                    let rb = traced(new, t, opts.on, lang);
                    let why = match (ra, rb) {
                        (Some(a), Some(b)) => reasons(&a, &b, (o, n), &w),
                        _ => Vec::new(),
                    };
                    (record_id(t), why)
                }
                None => (None, Vec::new()),
            };
            largest.push(ExplainedChange {
                line,
                id,
                category: cat,
                old: explain::Amount::of(o),
                new: explain::Amount::of(n),
                change: crate::value::money_string(n.checked_sub(o).unwrap_or_default()),
                reasons: why,
            });
        }
    }
    let grants: Vec<GrantOutlay> = names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let in_old = idx_old.get(k).copied().flatten().is_some();
            let in_new = idx_new.get(k).copied().flatten().is_some();
            let (so, sn) = grant_sums.get(k).copied().unwrap_or_default();
            let label = if in_new {
                label_of(new.program, lang, name)
            } else {
                label_of(old.program, lang, name)
            };
            let change = sn.checked_sub(so).unwrap_or_default();
            let text = format!(
                "{label}{}{} → {}{}",
                w.t("：", ": "),
                if in_old { wan(so) } else { "—".to_string() },
                if in_new { wan(sn) } else { "—".to_string() },
                w.paren(&signed_wan(change))
            );
            GrantOutlay {
                name: name.clone(),
                label,
                old: in_old.then(|| explain::Amount::of(so)),
                new: in_new.then(|| explain::Amount::of(sn)),
                change: crate::value::money_string(change),
                text,
            }
        })
        .collect();
    let total_change = totals.1.checked_sub(totals.0).unwrap_or_default();
    let summary = if cohort_name.is_none() {
        if w.zh {
            format!(
                "结构变化 {} 处（未给出测算样本，金额影响未计算）。",
                structural.len()
            )
        } else {
            format!(
                "{} structural change(s) (no cohort given: the effect on amounts was not computed).",
                structural.len()
            )
        }
    } else if w.zh {
        format!(
            "结构变化 {} 处。{} 名申请人中：增加 {} 名、减少 {} 名、不变 {} 名；新符合条件 {} 名、不再符合 {} 名；总支出 {} → {}（{}）。",
            structural.len(),
            counts.compared,
            counts.gain,
            counts.lose,
            counts.unchanged,
            counts.became_eligible,
            counts.became_ineligible,
            wan(totals.0),
            wan(totals.1),
            signed_wan(total_change)
        )
    } else {
        format!(
            "{} structural change(s). Of {} applicants: {} gain, {} lose, {} unchanged; {} become eligible, {} ineligible; total outlay {} → {} ({}).",
            structural.len(),
            counts.compared,
            counts.gain,
            counts.lose,
            counts.unchanged,
            counts.became_eligible,
            counts.became_ineligible,
            wan(totals.0),
            wan(totals.1),
            signed_wan(total_change)
        )
    };
    DiffReport {
        schema: SCHEMA,
        lang: lang.code(),
        old: info(old, lang),
        new: info(new, lang),
        cohort: cohort_name,
        evaluated_on: opts.on.map(|d| d.to_string()),
        structural,
        counts,
        total_old: explain::Amount::of(totals.0),
        total_new: explain::Amount::of(totals.1),
        total_change: crate::value::money_string(total_change),
        grants,
        summary,
        largest,
        changes,
        distribution: distribution_bins,
        percentiles: pcts,
        change_distribution: change_distribution(&deltas),
        bad,
        bad_count,
    }
}

#[cfg(test)]
mod tests;
