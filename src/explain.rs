//! Phase 4: explanation reports. `build` turns one evaluation's trace (the
//! `Outcome`) into a `Report`: the conclusion, every requirement with the
//! figures compared and, when it failed, what would have to change; every
//! grant step by step with the formula and its figures, the fixings and
//! interest used, each cap and whether it bound, the rounding, the tranches.
//! Nothing is computed a second time: every figure comes from the trace.
//! `Report` serialises to the documented JSON (docs/report-schema.json); the
//! renderers in `explain/render.rs` print it as text, Markdown or HTML. All
//! wording, in Chinese and English, is in `explain/words.rs`.

pub(crate) mod render;
mod words;

pub use render::{render, Format};
pub use words::Lang;

use crate::eval::{
    Event, Fact, GrantResult, GrantStatus, Outcome, RequirementResult, TrancheStatus,
};
use crate::program::{Expr, ExprKind, GrantDef, Program, Ref, Requirement, Type};
use crate::span::Sources;
use crate::syntax::ast::BinOp;
use crate::value::{money_string, rate_string, wan_string, Value};
use rust_decimal::Decimal;
use serde::Serialize;
use words::W;

/// Schema identifier written into every JSON report.
pub const SCHEMA: &str = "https://polc.dev/schema/report/v1";

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub lang: &'static str,
    pub policy: PolicyInfo,
    /// The evaluation date, when one was given.
    pub evaluated_on: Option<String>,
    /// Whether the policy is in force on that date (`null`: not checked).
    pub in_force: Option<bool>,
    pub eligible: bool,
    /// The conclusion as one sentence.
    pub conclusion: String,
    pub total: Amount,
    pub summary: Vec<GrantLine>,
    pub requirements: Vec<RequirementItem>,
    pub grants: Vec<GrantItem>,
    /// Set when English was asked for but the policy gives only Chinese labels.
    pub labels_untranslated: bool,
    /// Fixings and interest computations made but not listed (beyond the
    /// first 1,000, e.g. for an applicant with a million loans).
    pub lookups_omitted: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyInfo {
    pub name: String,
    pub title: String,
    pub source: Option<String>,
    pub issuer: Option<String>,
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
}

/// An amount in 元 (exact) and in 万元 (two decimals), as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct Amount {
    pub yuan: String,
    pub wan: String,
}

fn amount(d: Decimal) -> Amount {
    Amount::of(d)
}

impl Amount {
    /// An exact amount in 元 with its 万元 form.
    pub fn of(d: Decimal) -> Amount {
        Amount {
            yuan: money_string(d),
            wan: wan_string(d).trim_end_matches("万元").to_string(),
        }
    }

    /// The 万元 form, grouped, for lists: `1,000.00 万元`.
    pub fn wan_text(&self) -> String {
        format!("{} 万元", group(&self.wan))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantLine {
    pub name: String,
    pub label: String,
    pub status: &'static str,
    pub amount: Amount,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub name: String,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub left: String,
    pub op: &'static str,
    pub right: String,
    pub holds: bool,
    /// The comparison in words.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequirementItem {
    /// `null` for the policy's conditions, else the grant they belong to.
    pub grant: Option<String>,
    pub label: String,
    pub cite: Option<String>,
    pub quote: Option<String>,
    pub condition: String,
    pub passed: bool,
    pub figures: Vec<Figure>,
    pub comparisons: Vec<Comparison>,
    /// What would have to change for a failed numeric condition to pass.
    pub hints: Vec<String>,
    /// The whole line in words.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepItem {
    pub label: String,
    pub cite: Option<String>,
    pub value: String,
    /// The values it was computed from.
    pub figures: Vec<Figure>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LimitItem {
    pub label: String,
    pub cite: Option<String>,
    pub limit: Amount,
    pub bound: bool,
    pub lifted: bool,
    pub lifted_by: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrancheItem {
    pub name: String,
    pub label: String,
    pub cite: Option<String>,
    pub amount: Amount,
    pub milestone_reached: bool,
    pub status: &'static str,
    pub status_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClauseItem {
    pub label: String,
    pub cite: Option<String>,
    pub quote: Option<String>,
    pub amount: Option<Amount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScheduleItem {
    pub tranches: Vec<TrancheItem>,
    pub halts: Vec<ClauseItem>,
    pub clawbacks: Vec<ClauseItem>,
    pub paid: Amount,
    pub payable: Amount,
    pub waiting: Amount,
    pub cancelled: Amount,
    pub overpaid: Amount,
    pub to_return: Amount,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantItem {
    pub name: String,
    pub label: String,
    pub cite: Option<String>,
    pub quote: Option<String>,
    pub status: &'static str,
    pub status_text: String,
    pub steps: Vec<StepItem>,
    /// Fixings and interest computations, in words.
    pub lookups: Vec<String>,
    /// The amount's formula with the figures put in: `8,000,000.00元 × 10%`.
    pub formula: Option<String>,
    pub before_caps: Amount,
    pub caps: Vec<LimitItem>,
    pub floors: Vec<LimitItem>,
    pub clamped_to_zero: bool,
    pub rounding: Option<String>,
    pub amount: Amount,
    pub schedule: Option<ScheduleItem>,
    /// 就高不重复: the grant of the same group paid instead of this one.
    pub superseded_by: Option<String>,
    /// Sentences summing up the grant (capped, rate chosen...).
    pub notes: Vec<String>,
}

struct Ctx<'a> {
    prog: &'a Program,
    inputs: &'a [Value],
    out: &'a Outcome,
    w: W,
    untranslated: std::cell::Cell<bool>,
}

impl Ctx<'_> {
    /// A label in the report's language: the English form when the policy
    /// gives one, else the label as written (and the report says so once).
    fn label(&self, zh: &str) -> String {
        if self.w.lang == Lang::En {
            if let Some(en) = self.prog.en_labels.get(zh) {
                return en.clone();
            }
            if !zh.is_ascii() {
                self.untranslated.set(true);
            }
        }
        zh.to_string()
    }

    fn opt_label(&self, l: &Option<String>, fallback: &str) -> String {
        match l {
            Some(l) => self.label(l),
            None => fallback.to_string(),
        }
    }

    fn value(&self, v: &Value) -> String {
        match v {
            Value::Money(m) => self.w.money(*m),
            Value::Rate(r) => rate_string(*r),
            Value::Decimal(d) => d.normalize().to_string(),
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => self.w.yes_no(*b).to_string(),
            Value::Date(d) => d.to_string(),
            Value::Duration(d) => self.w.duration(d),
            Value::Text(t) => t.to_string(),
            Value::Enum(e, i) => {
                let zh = self.prog.variant_label(*e, *i);
                self.label(&zh)
            }
            Value::Record(fs) => {
                let parts: Vec<String> = fs.iter().map(|f| self.value(f)).collect();
                format!("{{{}}}", parts.join(", "))
            }
            Value::List(items) => self.w.items(items.len()),
            Value::Absent => self.w.not_given().to_string(),
        }
    }

    fn ref_figure(&self, r: Ref, v: Option<&Value>) -> Option<Figure> {
        let (name, label) = self.prog.ref_name(r);
        let value = v.cloned().or_else(|| self.ref_value(r))?;
        Some(Figure {
            label: self.opt_label(&label, &name),
            name,
            value: self.typed_value(&self.prog.ref_type(r), &value),
        })
    }

    /// A value with its type known: a record shows the fields it was given,
    /// each with its label (`在辽宁省内依法登记注册：是，具有独立法人资格：是`).
    fn typed_value(&self, ty: &Type, v: &Value) -> String {
        match (ty.strip(), v) {
            (Type::Record(r), Value::Record(fields)) => {
                let Some(rec) = self.prog.records.get(*r as usize) else {
                    return self.value(v);
                };
                let parts: Vec<String> = rec
                    .fields
                    .iter()
                    .zip(fields.iter())
                    .filter(|(_, fv)| **fv != Value::Absent)
                    .map(|(fd, fv)| {
                        let l = self.opt_label(&fd.label, &fd.name);
                        format!("{l}{}{}", self.w.colon(), self.typed_value(&fd.ty, fv))
                    })
                    .collect();
                if parts.is_empty() {
                    self.w.not_given().to_string()
                } else {
                    format!("（{}）", parts.join(self.w.sep()))
                }
            }
            _ => self.value(v),
        }
    }

    fn ref_value(&self, r: Ref) -> Option<Value> {
        match r {
            Ref::Global(g) => self.out.globals.get(g as usize).cloned().flatten(),
            other => self.prog.ref_input_value(other, self.inputs),
        }
    }

    fn quote(&self, cite: &Option<String>) -> Option<String> {
        let c = cite.as_ref()?;
        self.prog
            .meta
            .articles
            .iter()
            .find(|(a, _)| a == c)
            .map(|(_, q)| q.clone())
    }

    /// What an operand of a comparison is called: its label when it is a
    /// plain input or definition, else its source text.
    fn operand_name(&self, e: Option<&Expr>, span: crate::span::Span) -> String {
        match e {
            Some(e) => self.describe(e).unwrap_or_default(),
            // Inside a function or a list operation the operand has no name an
            // applicant would know: the figure alone is shown.
            None => {
                let _ = span;
                String::new()
            }
        }
    }

    /// A name for an operand: the label of an input or definition, a field's
    /// label, a date span in words; `None` for literals and computed values
    /// (the figure alone is shown).
    fn describe(&self, e: &Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Input(i) => {
                let d = self.prog.inputs.get(*i as usize)?;
                Some(self.opt_label(&d.label, &d.name))
            }
            ExprKind::Global(g) => {
                let d = self.prog.globals.get(*g as usize)?;
                Some(self.opt_label(&d.label, &d.name))
            }
            ExprKind::Field(base, i) => {
                let Type::Record(r) = base.ty.strip() else {
                    return None;
                };
                let f = self
                    .prog
                    .records
                    .get(*r as usize)?
                    .fields
                    .get(*i as usize)?;
                Some(self.opt_label(&f.label, &f.name))
            }
            ExprKind::Binary(BinOp::Sub, a, b)
                if a.ty.strip() == &Type::Date && b.ty.strip() == &Type::Date =>
            {
                let (from, to) = (self.describe(b)?, self.describe(a)?);
                Some(match self.w.lang {
                    Lang::Zh => format!("{from}至{to}"),
                    Lang::En => format!("from {from} to {to}"),
                })
            }
            _ => None,
        }
    }
}

/// Find the sub-expression of `e` with this span (to name an operand).
fn find_expr(e: &Expr, span: crate::span::Span) -> Option<&Expr> {
    if e.span == span {
        return Some(e);
    }
    let children: Vec<&Expr> = match &e.kind {
        ExprKind::Binary(_, a, b) => vec![a, b],
        ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::Field(a, _) => vec![a],
        ExprKind::If(a, b, c) => vec![a, b, c],
        _ => Vec::new(),
    };
    children.into_iter().find_map(|c| find_expr(c, span))
}

/// Build the report of one evaluation.
pub fn build(
    prog: &Program,
    sources: &Sources,
    inputs: &[Value],
    out: &Outcome,
    lang: Lang,
) -> Report {
    build_on(prog, sources, inputs, out, lang, None)
}

/// Build the report of an evaluation made as of a date (`evaluate_on`).
pub fn build_on(
    prog: &Program,
    sources: &Sources,
    inputs: &[Value],
    out: &Outcome,
    lang: Lang,
    on: Option<crate::value::Date>,
) -> Report {
    // Operands are named from the typed program; the sources stay in the API
    // for reports that quote the policy file itself.
    let _ = sources;
    let cx = Ctx {
        prog,
        inputs,
        out,
        w: W { lang },
        untranslated: std::cell::Cell::new(false),
    };
    let mut requirements = Vec::new();
    for (r, res) in prog.eligibility.iter().zip(&out.requirements) {
        requirements.push(requirement(&cx, r, res, None));
    }
    let mut grants = Vec::new();
    for (g, res) in prog.grants.iter().zip(&out.grants) {
        for (r, rr) in g.requires.iter().zip(&res.requirements) {
            requirements.push(requirement(&cx, r, rr, Some(&g.name)));
        }
        grants.push(grant(&cx, g, res));
    }
    let summary: Vec<GrantLine> = grants
        .iter()
        .map(|g| GrantLine {
            name: g.name.clone(),
            label: g.label.clone(),
            status: g.status,
            amount: g.amount.clone(),
        })
        .collect();
    let failed = requirements.iter().filter(|r| !r.passed).count();
    let date = |d: Option<crate::value::Date>| d.map(|x| x.to_string()).unwrap_or_default();
    let conclusion = match (out.in_force, on) {
        (Some(false), Some(d)) => cx.w.not_in_force(
            &d.to_string(),
            &date(prog.meta.effective_from),
            &date(prog.meta.effective_to),
        ),
        _ => cx.w.conclusion(out.eligible, failed, &summary, out.total),
    };
    let meta = &prog.meta;
    Report {
        schema: SCHEMA,
        lang: lang.code(),
        policy: PolicyInfo {
            name: meta.name.clone(),
            title: meta
                .title
                .clone()
                .map(|t| cx.label(&t))
                .unwrap_or_else(|| meta.name.clone()),
            source: meta.source.clone(),
            issuer: meta.issuer.clone(),
            effective_from: meta.effective_from.map(|d| d.to_string()),
            effective_to: meta.effective_to.map(|d| d.to_string()),
        },
        evaluated_on: on.map(|d| d.to_string()),
        in_force: out.in_force,
        eligible: out.eligible,
        conclusion,
        total: amount(out.total),
        summary,
        requirements,
        grants,
        labels_untranslated: cx.untranslated.get(),
        lookups_omitted: out.events_omitted,
    }
}

fn requirement(
    cx: &Ctx<'_>,
    r: &Requirement,
    res: &RequirementResult,
    grant: Option<&str>,
) -> RequirementItem {
    let label = cx.opt_label(&r.label, &r.source);
    let figures: Vec<Figure> = res
        .values
        .iter()
        .filter_map(|(rf, v)| cx.ref_figure(*rf, Some(v)))
        .collect();
    let mut comparisons = Vec::new();
    let mut hints = Vec::new();
    // A condition that holds is explained by the comparisons that held (the
    // alternative of an `or` that did not is beside the point), a failed one
    // by those that failed.
    let relevant: Vec<&Fact> = {
        let same: Vec<&Fact> = res.facts.iter().filter(|f| f.holds == res.passed).collect();
        match (same.is_empty(), res.passed) {
            (false, _) => same,
            // Held through something that is not a comparison (`a or flag`):
            // the figures tell it better than the comparison that failed.
            (true, true) => Vec::new(),
            (true, false) => res.facts.iter().collect(),
        }
    };
    for f in relevant {
        let left = cx.operand_name(find_expr(&r.cond, f.lhs_span), f.lhs_span);
        let right = cx.operand_name(find_expr(&r.cond, f.rhs_span), f.rhs_span);
        let text = cx.w.comparison(
            &left,
            &cx.value(&f.lhs),
            f.op,
            &right,
            &cx.value(&f.rhs),
            f.holds,
            &f.lhs,
        );
        if !f.holds && !res.passed {
            if let Some(h) = hint(cx, f, &left) {
                hints.push(h);
            }
        }
        comparisons.push(Comparison {
            left,
            op: f.op.symbol(),
            right,
            holds: f.holds,
            text,
        });
    }
    let detail = if !comparisons.is_empty() {
        comparisons
            .iter()
            .map(|c| c.text.clone())
            .collect::<Vec<_>>()
            .join(cx.w.sep())
    } else {
        figures
            .iter()
            .map(|f| format!("{} {}", f.label, f.value))
            .collect::<Vec<_>>()
            .join(cx.w.sep())
    };
    let text =
        cx.w.requirement_line(res.passed, &label, r.cite.as_deref(), &detail);
    RequirementItem {
        grant: grant.map(|g| g.to_string()),
        label,
        cite: r.cite.clone(),
        quote: cx.quote(&r.cite),
        condition: r.source.clone(),
        passed: res.passed,
        figures,
        comparisons,
        hints,
        text,
    }
}

/// What would have to change for a failed comparison to hold.
fn hint(cx: &Ctx<'_>, f: &Fact, left: &str) -> Option<String> {
    let w = &cx.w;
    let subject = if left.is_empty() {
        w.the_value()
    } else {
        left.to_string()
    };
    match (&f.lhs, &f.rhs) {
        (Value::Money(a), Value::Money(b)) => {
            let gap = (*b - *a).abs();
            Some(w.money_hint(&subject, f.op, *b, gap))
        }
        (Value::Rate(a), Value::Rate(b)) => {
            let gap = (*b - *a).abs();
            Some(w.rate_hint(&subject, f.op, *b, gap))
        }
        (Value::Date(a), Value::Date(b)) => {
            let days = (i64::from(b.days_since_epoch()) - i64::from(a.days_since_epoch())).abs();
            Some(w.date_hint(&subject, f.op, &b.to_string(), days))
        }
        (Value::Duration(a), Value::Duration(b)) => {
            let start = a.anchor.or(b.anchor)?;
            let limit = start.plus(crate::value::Duration { anchor: None, ..*b })?;
            let actual = start.plus(crate::value::Duration { anchor: None, ..*a })?;
            let days =
                (i64::from(actual.days_since_epoch()) - i64::from(limit.days_since_epoch())).abs();
            Some(w.duration_hint(&subject, f.op, &w.duration(b), &limit.to_string(), days))
        }
        (x, y) => match (num(x), num(y)) {
            (Some(a), Some(b)) => Some(w.number_hint(&subject, f.op, b, (b - a).abs())),
            _ => None,
        },
    }
}

fn num(v: &Value) -> Option<Decimal> {
    match v {
        Value::Int(i) => Some(Decimal::from(*i)),
        Value::Decimal(d) => Some(*d),
        _ => None,
    }
}

fn status_code(s: GrantStatus) -> &'static str {
    match s {
        GrantStatus::Granted => "granted",
        GrantStatus::NotApplicable => "not_applicable",
        GrantStatus::Ineligible => "ineligible",
    }
}

fn tranche_code(s: TrancheStatus) -> &'static str {
    match s {
        TrancheStatus::Paid => "paid",
        TrancheStatus::Payable => "payable",
        TrancheStatus::Waiting => "waiting",
        TrancheStatus::Cancelled => "cancelled",
    }
}

fn grant(cx: &Ctx<'_>, g: &GrantDef, res: &GrantResult) -> GrantItem {
    let w = &cx.w;
    let label = cx.opt_label(&g.label, &g.name);
    let mut steps = Vec::new();
    for (st, v) in g.steps.iter().zip(&res.steps) {
        let l = cx.opt_label(&st.label, &st.name);
        let figures: Vec<Figure> = st
            .reads
            .iter()
            .filter_map(|r| cx.ref_figure(*r, None))
            .collect();
        let value = cx.value(v);
        let text = w.step_line(&l, &value, &figures);
        steps.push(StepItem {
            label: l,
            cite: st.cite.clone(),
            value,
            figures,
            text,
        });
    }
    let lookups: Vec<String> = res.events.iter().map(|e| event_text(cx, e)).collect();
    let formula = formula(cx, g, res);
    let mut caps = Vec::new();
    for (c, cr) in g.caps.iter().zip(&res.caps) {
        let l = cx.opt_label(&c.label, w.cap_word());
        let lifted_by = c.unless.as_ref().map(|o| cx.opt_label(&o.label, ""));
        let text = w.cap_line(
            &l,
            c.cite.as_deref(),
            cr.value,
            cr.bound,
            cr.lifted,
            lifted_by.as_deref(),
        );
        caps.push(LimitItem {
            label: l,
            cite: c.cite.clone(),
            limit: amount(cr.value),
            bound: cr.bound,
            lifted: cr.lifted,
            lifted_by,
            text,
        });
    }
    let mut floors = Vec::new();
    for (c, cr) in g.floors.iter().zip(&res.floors) {
        let l = cx.opt_label(&c.label, w.floor_word());
        let text = w.floor_line(&l, c.cite.as_deref(), cr.value, cr.bound);
        floors.push(LimitItem {
            label: l,
            cite: c.cite.clone(),
            limit: amount(cr.value),
            bound: cr.bound,
            lifted: false,
            lifted_by: None,
            text,
        });
    }
    let rounding = (res.status == GrantStatus::Granted
        && res.superseded_by.is_none()
        && res.after_limits != res.amount)
        .then(|| w.rounding_line(g.rounding, res.after_limits, res.amount));
    let schedule = res.schedule.as_ref().map(|s| {
        let tranches: Vec<TrancheItem> = g
            .tranches
            .iter()
            .zip(&s.tranches)
            .map(|(t, r)| TrancheItem {
                name: t.name.clone(),
                label: cx.opt_label(&t.label, &t.name),
                cite: t.cite.clone(),
                amount: amount(r.amount),
                milestone_reached: r.milestone_reached,
                status: tranche_code(r.status),
                status_text: w.tranche_status(r.status).to_string(),
            })
            .collect();
        let halts = s
            .halted_by
            .iter()
            .filter_map(|i| g.halts.get(*i))
            .map(|h| ClauseItem {
                label: cx.opt_label(&h.label, ""),
                cite: h.cite.clone(),
                quote: cx.quote(&h.cite),
                amount: None,
            })
            .collect();
        let clawbacks = s
            .clawed_back_by
            .iter()
            .filter_map(|(i, a)| g.clawbacks.get(*i).map(|c| (c, a)))
            .map(|(c, a)| ClauseItem {
                label: cx.opt_label(&c.label, ""),
                cite: c.cite.clone(),
                quote: cx.quote(&c.cite),
                amount: Some(amount(*a)),
            })
            .collect();
        ScheduleItem {
            tranches,
            halts,
            clawbacks,
            paid: amount(s.paid),
            payable: amount(s.payable),
            waiting: amount(s.waiting),
            cancelled: amount(s.cancelled),
            overpaid: amount(s.overpaid),
            to_return: amount(s.to_return),
            text: w.schedule_line(s.paid, s.payable, s.waiting, s.cancelled, s.to_return),
        }
    });
    let mut notes = Vec::new();
    let superseded_by = res
        .superseded_by
        .and_then(|i| cx.prog.grants.get(i))
        .map(|w| cx.opt_label(&w.label, &w.name));
    if let Some(w) = &superseded_by {
        notes.push(cx.w.superseded_note(w));
    }
    if let Some(c) = caps.iter().find(|c| c.bound) {
        notes.push(w.capped_note(&c.label, res.before_limits, res.after_limits));
    }
    if res.clamped_to_zero {
        notes.push(w.clamped_note().to_string());
    }
    GrantItem {
        name: g.name.clone(),
        label,
        cite: g.cite.clone(),
        quote: cx.quote(&g.cite),
        status: status_code(res.status),
        status_text: w.grant_status(res.status).to_string(),
        steps,
        lookups,
        formula,
        before_caps: amount(res.before_limits),
        caps,
        floors,
        clamped_to_zero: res.clamped_to_zero,
        rounding,
        amount: amount(res.amount),
        schedule,
        superseded_by,
        notes,
    }
}

fn event_text(cx: &Ctx<'_>, e: &Event) -> String {
    match e {
        Event::Fixing {
            series,
            at,
            fixing,
            value,
            ..
        } => {
            let name = cx
                .prog
                .series
                .get(*series as usize)
                .map(|d| cx.opt_label(&d.label, &d.name))
                .unwrap_or_default();
            cx.w.fixing_line(
                &at.to_string(),
                &name,
                &cx.value(value),
                &fixing.to_string(),
            )
        }
        Event::Interest {
            principal,
            rate,
            from,
            to,
            days,
            basis,
            amount,
            ..
        } => cx.w.interest_line(
            *principal,
            *rate,
            &from.to_string(),
            &to.to_string(),
            *days,
            *basis,
            *amount,
        ),
    }
}

/// The amount's formula with each name replaced by its figure, when every
/// part of it can be shown (`8,000,000.00元 × 10% = 800,000.00元`).
fn formula(cx: &Ctx<'_>, g: &GrantDef, res: &GrantResult) -> Option<String> {
    if res.status != GrantStatus::Granted {
        return None;
    }
    let shown = show(cx, &g.amount, res, 0)?;
    let result = cx.w.money(res.before_limits);
    if shown == result {
        return None;
    }
    Some(format!("{shown} = {result}"))
}

fn show(cx: &Ctx<'_>, e: &Expr, res: &GrantResult, depth: usize) -> Option<String> {
    if depth > 6 {
        return None;
    }
    let val = |v: &Value| Some(cx.value(v));
    match &e.kind {
        ExprKind::Lit(v) => val(v),
        ExprKind::Input(i) => cx.inputs.get(*i as usize).and_then(val),
        ExprKind::Global(gi) => cx
            .out
            .globals
            .get(*gi as usize)
            .and_then(|v| v.as_ref())
            .and_then(val),
        ExprKind::Local(slot) => res.steps.get(*slot as usize).and_then(val),
        ExprKind::Field(base, f) => match &base.kind {
            ExprKind::Input(i) => cx
                .prog
                .ref_input_value(Ref::Field(*i, *f), cx.inputs)
                .filter(|v| *v != Value::Absent)
                .and_then(|v| val(&v)),
            _ => None,
        },
        ExprKind::Binary(op, a, b)
            if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) =>
        {
            let l = show(cx, a, res, depth + 1)?;
            let r = show(cx, b, res, depth + 1)?;
            let sym = match op {
                BinOp::Add => "+",
                BinOp::Sub => "−",
                BinOp::Mul => "×",
                _ => "÷",
            };
            let wrap = |s: String, x: &Expr| match &x.kind {
                ExprKind::Binary(o, _, _)
                    if matches!(o, BinOp::Add | BinOp::Sub)
                        && matches!(op, BinOp::Mul | BinOp::Div) =>
                {
                    format!("({s})")
                }
                _ => s,
            };
            Some(format!("{} {sym} {}", wrap(l, a), wrap(r, b)))
        }
        // A computed part (a call, a sum over a list...) has no single figure
        // in the trace: the formula is not shown rather than half-shown.
        _ => None,
    }
}

/// Render helpers shared with the renderers: the yuan amount with its 万元 form.
pub fn amount_text(a: &Amount, lang: Lang) -> String {
    let yuan = a
        .yuan
        .parse::<Decimal>()
        .map(crate::results::money_display)
        .unwrap_or_else(|_| a.yuan.clone());
    let wan = group(&a.wan);
    match lang {
        Lang::Zh => format!("{wan} 万元（{yuan} 元）"),
        Lang::En => format!("{wan} 万元 (CNY {yuan})"),
    }
}

/// A decimal string with thousands separators (`1000.00` → `1,000.00`).
pub fn group(plain: &str) -> String {
    plain
        .parse::<Decimal>()
        .map(crate::value::money_grouped)
        .unwrap_or_else(|_| plain.to_string())
}
