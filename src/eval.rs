//! Phase 3: evaluate a checked `Program` on one applicant's values. All
//! arithmetic is exact (`rust_decimal`, checked: overflow and division by zero
//! are errors with the span, never a wrap or a panic). With tracing on, the
//! evaluator records what it did: every requirement's outcome with the
//! compared figures, every grant step, each cap and whether it bound, the
//! rounding. Reports are built from that record, never by computing again.

use crate::diagnostics::{Code, Diagnostic};
use crate::program::*;
use crate::span::Span;
use crate::syntax::ast::{BinOp, RoundMode, RoundUnit};
use crate::value::{Date, Duration, Value};
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;
use std::sync::Arc;

/// An error during evaluation: where, and what went wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeError {
    pub code: Code,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// For a value that was not given (E0803): the input or input field it
    /// is, when it is one (`polc match` lists these as data to add).
    pub missing: Option<Ref>,
    /// While unwinding out of a function: the parameter (frame slot) and
    /// field that was missing, mapped to the caller's argument at the call.
    pub(crate) missing_local: Option<(u32, Option<u32>)>,
}

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for RuntimeError {}

impl RuntimeError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::error(self.code, self.message.clone())
            .primary(self.span, "while evaluating this");
        if let Some(h) = &self.help {
            d = d.help(h.clone());
        }
        d
    }
}

type R<T> = Result<T, RuntimeError>;

fn rt(code: Code, span: Span, message: impl Into<String>, help: Option<&str>) -> RuntimeError {
    RuntimeError {
        code,
        span,
        message: message.into(),
        help: help.map(|h| h.to_string()),
        missing: None,
        missing_local: None,
    }
}

/// One comparison evaluated inside a requirement: `lhs op rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub lhs_span: Span,
    pub lhs: Value,
    pub op: BinOp,
    pub rhs_span: Span,
    pub rhs: Value,
    pub holds: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequirementResult {
    pub passed: bool,
    /// The comparisons made (trace only).
    pub facts: Vec<Fact>,
    /// The values of the inputs and definitions the condition reads (trace only).
    pub values: Vec<(Ref, Value)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantStatus {
    /// Computed (possibly zero).
    Granted,
    /// Its `when` condition is false: the grant does not concern this applicant.
    NotApplicable,
    /// The policy's or the grant's requirements failed.
    Ineligible,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LimitResult {
    pub value: Decimal,
    pub bound: bool,
    /// The cap's override applied: the cap was lifted and did not count.
    pub lifted: bool,
}

/// Something the evaluator looked up or computed that a report must cite.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A series value: which fixing was in force at `at`.
    Fixing {
        series: u32,
        at: Date,
        fixing: Date,
        value: Value,
        span: Span,
    },
    /// An interest computation: principal × rate × days ÷ basis.
    Interest {
        principal: Decimal,
        rate: Decimal,
        from: Date,
        to: Date,
        days: i64,
        basis: u32,
        amount: Decimal,
        span: Span,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrancheStatus {
    /// Disbursed already.
    Paid,
    /// Its milestone is reached: due now.
    Payable,
    /// Its milestone is not reached yet.
    Waiting,
    /// Stopped by a halt or a clawback.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrancheResult {
    pub amount: Decimal,
    pub milestone_reached: bool,
    pub status: TrancheStatus,
}

/// The payment schedule of a grant with tranches, halts or clawbacks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schedule {
    pub tranches: Vec<TrancheResult>,
    /// Indexes of the halts whose condition holds.
    pub halted_by: Vec<usize>,
    /// Indexes of the clawbacks whose condition holds, with their amounts.
    pub clawed_back_by: Vec<(usize, Decimal)>,
    pub paid: Decimal,
    pub payable: Decimal,
    pub waiting: Decimal,
    pub cancelled: Decimal,
    /// Tranches already paid beyond the final grant (to be settled back).
    pub overpaid: Decimal,
    /// What must be returned: the larger of the largest triggered clawback and
    /// the overpayment (a clawback of everything paid already covers it).
    pub to_return: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GrantResult {
    pub status: GrantStatus,
    pub requirements: Vec<RequirementResult>,
    /// The value of each `let` step, in order (trace only).
    pub steps: Vec<Value>,
    /// The amount before caps and floors.
    pub before_limits: Decimal,
    pub caps: Vec<LimitResult>,
    pub floors: Vec<LimitResult>,
    /// A negative amount is paid as zero.
    pub clamped_to_zero: bool,
    /// After caps and floors, before rounding.
    pub after_limits: Decimal,
    /// The grant: after rounding.
    pub amount: Decimal,
    /// Present when the grant has tranches, halts or clawbacks.
    pub schedule: Option<Schedule>,
    /// 就高不重复: another grant of its `exclusive` group was higher, so this
    /// one is not paid (its computed amount is kept in `after_limits`).
    pub superseded_by: Option<usize>,
    /// Series fixings and interest computations made for this grant (trace only).
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Whether the policy is in force on the evaluation date: `None` when no
    /// date was given or the policy states no period. When `Some(false)`, the
    /// applicant is not eligible and no grant is computed.
    pub in_force: Option<bool>,
    /// 从高不重复 across policies: the policy paid instead of this one (set by
    /// `stack::apply`); when set, the total and grant amounts are zero.
    pub superseded_by: Option<String>,
    /// Every fixing and interest computation, in evaluation order (trace
    /// only; at most `MAX_EVENTS`, the rest counted in `events_omitted`).
    pub events: Vec<Event>,
    pub events_omitted: u64,
    /// The ranking key of each pool and quota (in program order), for batch
    /// allocation; `None` where it could not be evaluated.
    pub keys: Vec<Option<Value>>,
    /// The value of each definition that was evaluated (trace only; `None`
    /// for definitions this applicant's evaluation never needed).
    pub globals: Vec<Option<Value>>,
    pub eligible: bool,
    pub requirements: Vec<RequirementResult>,
    pub grants: Vec<GrantResult>,
    pub total: Decimal,
}

impl Outcome {
    /// Display names of every failed requirement (policy-wide and per grant).
    pub fn failed_names(&self, prog: &Program) -> Vec<String> {
        let mut out = Vec::new();
        for (r, res) in prog.eligibility.iter().zip(&self.requirements) {
            if !res.passed {
                out.push(r.display_name());
            }
        }
        for (g, gres) in prog.grants.iter().zip(&self.grants) {
            for (r, res) in g.requires.iter().zip(&gres.requirements) {
                if !res.passed {
                    out.push(r.display_name());
                }
            }
        }
        out
    }

    /// Whether a failed requirement matches `key`: its citation, its label,
    /// or its display name.
    pub fn failed_matches(r: &Requirement, key: &str) -> bool {
        r.cite.as_deref() == Some(key) || r.label.as_deref() == Some(key) || r.display_name() == key
    }
}

/// Evaluate a program for one applicant. `inputs` holds one value per input
/// (`Value::Absent` where the applicant gave none: defaults apply here).
pub fn evaluate(prog: &Program, inputs: &[Value], trace: bool) -> R<Outcome> {
    evaluate_on(prog, inputs, None, trace)
}

/// Evaluate as of a date (an application date): outside the policy's
/// effective period the applicant is not eligible and the outcome says so.
pub fn evaluate_on(prog: &Program, inputs: &[Value], on: Option<Date>, trace: bool) -> R<Outcome> {
    let mut ev = Evaluator::new(prog, inputs, trace)?;
    let in_force = on.and_then(|d| in_effect(&prog.meta, d));
    ev.run(in_force)
}

/// Evaluate a closed expression (no inputs, definitions or locals), for the
/// checker's lints and test-case values. `None` if it is not constant.
pub fn constant(prog: &Program, e: &Expr) -> Option<Value> {
    if !is_closed(e) {
        return None;
    }
    let mut ev = Evaluator {
        prog,
        inputs: Vec::new(),
        globals: Vec::new(),
        stack: Vec::new(),
        base: 0,
        trace: false,
        facts: None,
        events: Vec::new(),
        events_omitted: 0,
        call_depth: 0,
    };
    ev.value(e).ok()
}

fn is_closed(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Lit(_) => true,
        ExprKind::Input(_) | ExprKind::Global(_) | ExprKind::Local(_) | ExprKind::Error => false,
        ExprKind::Call(..) | ExprKind::Table(..) | ExprKind::Aggregate { .. } => false,
        ExprKind::Series(_, a) => is_closed(a),
        ExprKind::Field(b, _) | ExprKind::Neg(b) | ExprKind::Not(b) => is_closed(b),
        ExprKind::Binary(_, a, b) => is_closed(a) && is_closed(b),
        ExprKind::If(a, b, c) => is_closed(a) && is_closed(b) && is_closed(c),
        ExprKind::Match(s, arms) => is_closed(s) && arms.iter().all(|a| is_closed(&a.body)),
        ExprKind::List(xs) | ExprKind::Record(xs) | ExprKind::Builtin(_, xs) => {
            xs.iter().all(is_closed)
        }
    }
}

struct Evaluator<'p> {
    prog: &'p Program,
    inputs: Vec<Value>,
    /// Memoised definitions (each evaluated at most once per applicant).
    globals: Vec<Option<Value>>,
    stack: Vec<Value>,
    base: usize,
    trace: bool,
    facts: Option<Vec<Fact>>,
    /// Trace events (only collected when tracing), at most `MAX_EVENTS`.
    events: Vec<Event>,
    /// Events not recorded because the limit was reached.
    events_omitted: u64,
    call_depth: usize,
}

fn num(v: &Value) -> Option<Decimal> {
    match v {
        Value::Int(i) => Some(Decimal::from(*i)),
        Value::Decimal(d) => Some(*d),
        _ => None,
    }
}

/// Order two values of one orderable kind (numbers, Money, Rates, Dates).
pub fn order_values(x: &Value, y: &Value) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (num(x), num(y)) {
        return Some(a.cmp(&b));
    }
    match (x, y) {
        (Value::Money(a), Value::Money(b)) | (Value::Rate(a), Value::Rate(b)) => Some(a.cmp(b)),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// Equality that treats Int and Decimal as numbers.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

pub fn round(amount: Decimal, r: Rounding) -> Decimal {
    let strategy = match r.mode {
        RoundMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundMode::Down => RoundingStrategy::ToZero,
        RoundMode::Up => RoundingStrategy::AwayFromZero,
    };
    let step = match r.unit {
        RoundUnit::Fen => return amount.round_dp_with_strategy(2, strategy),
        RoundUnit::Jiao => return amount.round_dp_with_strategy(1, strategy),
        RoundUnit::Yuan => return amount.round_dp_with_strategy(0, strategy),
        RoundUnit::None => return amount,
        RoundUnit::Bai => Decimal::ONE_HUNDRED,
        RoundUnit::Qian => Decimal::ONE_THOUSAND,
        RoundUnit::Wan => Decimal::from(10_000),
    };
    // amount / step is exact for these steps; the product cannot exceed amount's magnitude.
    let q = (amount / step).round_dp_with_strategy(0, strategy);
    q.checked_mul(step).unwrap_or(amount)
}

/// The most trace events one evaluation records: an applicant with a million
/// loans is evaluated exactly, but its report cites the first fixings and
/// interest computations and says how many more there were.
pub const MAX_EVENTS: usize = 1_000;

impl<'p> Evaluator<'p> {
    fn room_for_event(&mut self) -> bool {
        if self.events.len() < MAX_EVENTS {
            true
        } else {
            self.events_omitted += 1;
            false
        }
    }

    fn new(prog: &'p Program, given: &[Value], trace: bool) -> R<Self> {
        let mut ev = Evaluator {
            prog,
            inputs: Vec::with_capacity(prog.inputs.len()),
            globals: vec![None; prog.globals.len()],
            stack: Vec::new(),
            base: 0,
            trace,
            facts: None,
            events: Vec::new(),
            events_omitted: 0,
            call_depth: 0,
        };
        for (i, def) in prog.inputs.iter().enumerate() {
            let v = given.get(i).cloned().unwrap_or(Value::Absent);
            let v = match (&v, &def.default) {
                (Value::Absent, Some(d)) => ev.value(d)?,
                _ => v,
            };
            ev.inputs.push(v);
        }
        Ok(ev)
    }

    fn run(&mut self, in_force: Option<bool>) -> R<Outcome> {
        let mut requirements = Vec::with_capacity(self.prog.eligibility.len());
        let mut eligible = in_force != Some(false);
        for r in &self.prog.eligibility {
            let res = self.requirement(r)?;
            eligible &= res.passed;
            requirements.push(res);
        }
        let mut grants = Vec::with_capacity(self.prog.grants.len());
        for g in &self.prog.grants {
            let res = if eligible {
                self.grant(g)?
            } else {
                empty_grant(GrantStatus::Ineligible)
            };
            grants.push(res);
        }
        supersede(self.prog, &mut grants);
        let mut keys = Vec::with_capacity(self.prog.pools.len());
        for p in &self.prog.pools {
            keys.push(match &p.key {
                Some((k, _)) if eligible => self.value(k).ok(),
                _ => None,
            });
        }
        let mut total = Decimal::ZERO;
        for (g, res) in self.prog.grants.iter().zip(&grants) {
            total = total.checked_add(res.amount).ok_or_else(|| {
                rt(
                    Code::Overflow,
                    g.span,
                    "the total of the grants overflows",
                    None,
                )
            })?;
        }
        Ok(Outcome {
            events_omitted: self.events_omitted,
            in_force,
            superseded_by: None,
            keys,
            events: std::mem::take(&mut self.events),
            globals: if self.trace {
                std::mem::take(&mut self.globals)
            } else {
                Vec::new()
            },
            eligible,
            requirements,
            grants,
            total,
        })
    }

    fn requirement(&mut self, r: &Requirement) -> R<RequirementResult> {
        if self.trace {
            self.facts = Some(Vec::new());
        }
        let v = self.value(&r.cond);
        let facts = self.facts.take().unwrap_or_default();
        let passed = matches!(v?, Value::Bool(true));
        let mut values = Vec::new();
        if self.trace {
            for rf in &r.reads {
                let v = match rf {
                    Ref::Global(g) => self.global(*g, r.span)?,
                    other => self
                        .prog
                        .ref_input_value(*other, &self.inputs)
                        .unwrap_or(Value::Absent),
                };
                values.push((*rf, v));
            }
        }
        Ok(RequirementResult {
            passed,
            facts,
            values,
        })
    }

    fn grant(&mut self, g: &GrantDef) -> R<GrantResult> {
        if let Some(w) = &g.when {
            if !self.truth(w)? {
                return Ok(empty_grant(GrantStatus::NotApplicable));
            }
        }
        let base = self.stack.len();
        let saved_base = std::mem::replace(&mut self.base, base);
        let first_event = self.events.len();
        let result = self.grant_body(g);
        self.stack.truncate(base);
        self.base = saved_base;
        let mut result = result?;
        if self.trace {
            result.events = self
                .events
                .get(first_event..)
                .map(|e| e.to_vec())
                .unwrap_or_default();
        }
        Ok(result)
    }

    fn grant_body(&mut self, g: &GrantDef) -> R<GrantResult> {
        // Steps and requirements run in the order written: a requirement sees
        // the steps before it, and its own locals sit above them on the stack.
        let mut steps = Vec::new();
        let mut results: Vec<Option<RequirementResult>> = vec![None; g.requires.len()];
        let mut ok = true;
        for k in 0..=g.steps.len() {
            for (i, r) in g.requires.iter().enumerate() {
                if g.require_after.get(i).copied().unwrap_or(0) as usize == k {
                    self.stack.truncate(self.base + k);
                    let res = self.requirement(r)?;
                    ok &= res.passed;
                    if let Some(slot) = results.get_mut(i) {
                        *slot = Some(res);
                    }
                }
            }
            let Some(s) = g.steps.get(k) else { break };
            self.stack.truncate(self.base + s.slot as usize);
            let v = self.value(&s.expr)?;
            if self.trace {
                steps.push(v.clone());
            }
            self.stack.push(v);
        }
        let requirements: Vec<RequirementResult> = results.into_iter().flatten().collect();
        if !ok {
            let mut res = empty_grant(GrantStatus::Ineligible);
            res.requirements = requirements;
            res.steps = steps;
            return Ok(res);
        }
        let before = self.money(&g.amount)?;
        let mut current = before;
        let mut caps = Vec::with_capacity(g.caps.len());
        let mut binding: Option<usize> = None;
        for (i, c) in g.caps.iter().enumerate() {
            let limit = self.money(&c.expr)?;
            let lifted = match &c.unless {
                Some(o) => self.truth(&o.cond)?,
                None => false,
            };
            if !lifted && limit < current {
                current = limit;
                binding = Some(i);
            }
            caps.push(LimitResult {
                value: limit,
                bound: false,
                lifted,
            });
        }
        if let Some(c) = binding.and_then(|i| caps.get_mut(i)) {
            c.bound = true;
        }
        let mut floors = Vec::with_capacity(g.floors.len());
        let mut fbinding: Option<usize> = None;
        for (i, f) in g.floors.iter().enumerate() {
            let limit = self.money(&f.expr)?;
            if limit > current {
                current = limit;
                fbinding = Some(i);
            }
            floors.push(LimitResult {
                value: limit,
                bound: false,
                lifted: false,
            });
        }
        if let Some(f) = fbinding.and_then(|i| floors.get_mut(i)) {
            f.bound = true;
        }
        let clamped = current < Decimal::ZERO;
        if clamped {
            current = Decimal::ZERO;
        }
        let amount = round(current, g.rounding);
        let schedule = if g.tranches.is_empty() && g.halts.is_empty() && g.clawbacks.is_empty() {
            None
        } else {
            Some(self.schedule(g, amount)?)
        };
        Ok(GrantResult {
            status: GrantStatus::Granted,
            requirements,
            steps,
            before_limits: before,
            caps,
            floors,
            clamped_to_zero: clamped,
            after_limits: current,
            amount,
            schedule,
            superseded_by: None,
            events: Vec::new(),
        })
    }

    /// Split a grant into its tranches and apply halts and clawbacks.
    ///
    /// A share is of the final grant, rounded as the grant is; `rest` is the
    /// grant less the tranches before it (never negative). A tranche is paid if
    /// its `paid` input says so; otherwise cancelled if a halt or clawback
    /// applies, payable if its milestone is reached, else waiting. A clawback
    /// returns what was paid (or its stated amount, at most what was paid);
    /// tranches paid beyond the final grant are returned too.
    fn schedule(&mut self, g: &GrantDef, grant: Decimal) -> R<Schedule> {
        let overflow = |span| rt(Code::Overflow, span, "the tranches overflow", None);
        let mut halted_by = Vec::new();
        for (i, h) in g.halts.iter().enumerate() {
            if self.truth(&h.cond)? {
                halted_by.push(i);
            }
        }
        let mut clawback_conds = Vec::new();
        for (i, c) in g.clawbacks.iter().enumerate() {
            if self.truth(&c.cond)? {
                clawback_conds.push(i);
            }
        }
        let stopped = !halted_by.is_empty() || !clawback_conds.is_empty();
        let mut sched = Schedule {
            halted_by,
            ..Schedule::default()
        };
        let mut so_far = Decimal::ZERO;
        for t in &g.tranches {
            let amount = match &t.pay {
                Pay::Share(e) => {
                    let share = match self.value(e)? {
                        Value::Rate(r) => r,
                        _ => {
                            return Err(rt(
                                Code::TypeMismatch,
                                e.span,
                                "internal: share is not a Rate",
                                None,
                            ))
                        }
                    };
                    round(
                        grant.checked_mul(share).ok_or_else(|| overflow(e.span))?,
                        g.rounding,
                    )
                }
                Pay::Amount(e) => round(self.money(e)?, g.rounding),
                Pay::Rest => grant
                    .checked_sub(so_far)
                    .ok_or_else(|| overflow(t.span))?
                    .max(Decimal::ZERO),
            };
            // `paid AMOUNT` records what was actually disbursed; it replaces
            // the computed amount (and so what `rest` leaves).
            let (paid, amount) = match &t.paid {
                Some(p) => match self.eval(p)? {
                    Value::Bool(b) => (b, amount),
                    Value::Money(m) => (true, m),
                    _ => (false, amount),
                },
                None => (false, amount),
            };
            // A tranche not yet paid never pays more than is left of the grant
            // (a fixed advance above a smaller final grant is cut to what is
            // left); one already paid counts as paid, and any excess is overpaid.
            let amount = if paid {
                amount
            } else {
                amount.min(
                    grant
                        .checked_sub(so_far)
                        .unwrap_or(Decimal::ZERO)
                        .max(Decimal::ZERO),
                )
            };
            so_far = so_far.checked_add(amount).ok_or_else(|| overflow(t.span))?;
            let reached = match self.eval(&t.milestone)? {
                Value::Bool(b) => b,
                Value::Absent => false,
                _ => true,
            };
            let status = if paid {
                TrancheStatus::Paid
            } else if stopped {
                TrancheStatus::Cancelled
            } else if reached {
                TrancheStatus::Payable
            } else {
                TrancheStatus::Waiting
            };
            let bucket = match status {
                TrancheStatus::Paid => &mut sched.paid,
                TrancheStatus::Payable => &mut sched.payable,
                TrancheStatus::Waiting => &mut sched.waiting,
                TrancheStatus::Cancelled => &mut sched.cancelled,
            };
            *bucket = bucket.checked_add(amount).ok_or_else(|| overflow(t.span))?;
            sched.tranches.push(TrancheResult {
                amount,
                milestone_reached: reached,
                status,
            });
        }
        // Without tranches, a clawback concerns the grant as paid in full.
        let paid = if g.tranches.is_empty() {
            grant
        } else {
            sched.paid
        };
        let mut largest = Decimal::ZERO;
        for i in clawback_conds {
            let Some(c) = g.clawbacks.get(i) else {
                continue;
            };
            let amount = match &c.amount {
                Some(e) => self.money(e)?.min(paid),
                None => paid,
            };
            largest = largest.max(amount);
            sched.clawed_back_by.push((i, amount));
        }
        if !g.tranches.is_empty() && sched.paid > grant {
            sched.overpaid = sched.paid.checked_sub(grant).unwrap_or(Decimal::ZERO);
        }
        sched.to_return = largest.max(sched.overpaid);
        Ok(sched)
    }

    fn global(&mut self, g: u32, span: Span) -> R<Value> {
        if let Some(Some(v)) = self.globals.get(g as usize) {
            return Ok(v.clone());
        }
        let Some(def) = self.prog.globals.get(g as usize) else {
            return Err(rt(
                Code::UnknownName,
                span,
                "internal: unknown definition",
                None,
            ));
        };
        // Definitions see no locals: evaluate on a fresh frame.
        let saved_base = std::mem::replace(&mut self.base, self.stack.len());
        let saved_facts = self.facts.take();
        let v = self.value(&def.expr);
        self.facts = saved_facts;
        self.stack.truncate(self.base);
        self.base = saved_base;
        let v = v?;
        if let Some(slot) = self.globals.get_mut(g as usize) {
            *slot = Some(v.clone());
        }
        Ok(v)
    }

    fn missing(&self, e: &Expr) -> RuntimeError {
        let what = match &e.kind {
            ExprKind::Input(i) => self.prog.inputs.get(*i as usize).map(|d| {
                let label = d
                    .label
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                format!("input `{}`{label} was not given", d.name)
            }),
            ExprKind::Field(base, f) => {
                let field = match base.ty.strip() {
                    Type::Record(r) => self
                        .prog
                        .records
                        .get(*r as usize)
                        .and_then(|rec| rec.fields.get(*f as usize)),
                    _ => None,
                };
                let owner = match &base.kind {
                    ExprKind::Input(i) => self
                        .prog
                        .inputs
                        .get(*i as usize)
                        .map(|d| format!(" of input `{}`", d.name)),
                    _ => None,
                }
                .unwrap_or_default();
                field.map(|fd| {
                    let label = fd
                        .label
                        .as_deref()
                        .map(|l| format!(" ({l})"))
                        .unwrap_or_default();
                    format!("field `{}`{label}{owner} was not given", fd.name)
                })
            }
            _ => None,
        }
        .unwrap_or_else(|| "this value is missing".to_string());
        let mut err = rt(
            Code::MissingValue,
            e.span,
            format!("{what}, but this rule needs it"),
            Some("give the value in the applicant data, or handle its absence with `?? fallback` or `present(...)`"),
        );
        match &e.kind {
            ExprKind::Input(i) => err.missing = Some(Ref::Input(*i)),
            ExprKind::Field(base, f) => match base.kind {
                ExprKind::Input(i) => err.missing = Some(Ref::Field(i, *f)),
                ExprKind::Local(k) => err.missing_local = Some((k, Some(*f))),
                _ => {}
            },
            ExprKind::Local(k) => err.missing_local = Some((*k, None)),
            _ => {}
        }
        err
    }

    /// A value missing inside a function body, read through a parameter:
    /// name the applicant's input or field the caller passed in.
    fn missing_through_call(&self, mut err: RuntimeError, args: &[Expr]) -> RuntimeError {
        if err.code != Code::MissingValue || err.missing.is_some() {
            return err;
        }
        let Some((slot, field)) = err.missing_local.take() else {
            return err;
        };
        let Some(arg) = args.get(slot as usize) else {
            return err;
        };
        let found = match (&arg.kind, field) {
            (ExprKind::Input(i), None) => Some(Ref::Input(*i)),
            (ExprKind::Input(i), Some(f)) => Some(Ref::Field(*i, f)),
            (ExprKind::Field(base, f), None) => match base.kind {
                ExprKind::Input(i) => Some(Ref::Field(i, *f)),
                ExprKind::Local(k) => {
                    err.missing_local = Some((k, Some(*f)));
                    None
                }
                _ => None,
            },
            (ExprKind::Local(k), field) => {
                err.missing_local = Some((*k, field));
                None
            }
            _ => None,
        };
        if let Some(r) = found {
            let (name, label) = self.prog.ref_name(r);
            let label = label.map(|l| format!(" ({l})")).unwrap_or_default();
            let what = if matches!(r, Ref::Field(..)) {
                "field"
            } else {
                "input"
            };
            err.message = format!("{what} `{name}`{label} was not given, but this rule needs it");
            err.missing = Some(r);
        }
        err
    }

    /// Evaluate to a present value.
    fn value(&mut self, e: &Expr) -> R<Value> {
        let v = self.eval(e)?;
        if v == Value::Absent {
            return Err(self.missing(e));
        }
        Ok(v)
    }

    fn truth(&mut self, e: &Expr) -> R<bool> {
        match self.value(e)? {
            Value::Bool(b) => Ok(b),
            _ => Err(rt(
                Code::NotBool,
                e.span,
                "internal: condition is not a Bool",
                None,
            )),
        }
    }

    fn money(&mut self, e: &Expr) -> R<Decimal> {
        match self.value(e)? {
            Value::Money(m) => Ok(m),
            _ => Err(rt(
                Code::TypeMismatch,
                e.span,
                "internal: amount is not Money",
                None,
            )),
        }
    }

    fn eval(&mut self, e: &Expr) -> R<Value> {
        match &e.kind {
            ExprKind::Lit(v) => Ok(v.clone()),
            ExprKind::Input(i) => Ok(self
                .inputs
                .get(*i as usize)
                .cloned()
                .unwrap_or(Value::Absent)),
            ExprKind::Global(g) => self.global(*g, e.span),
            ExprKind::Local(s) => Ok(self
                .stack
                .get(self.base + *s as usize)
                .cloned()
                .unwrap_or(Value::Absent)),
            ExprKind::Field(b, i) => match self.value(b)? {
                Value::Record(fields) => {
                    Ok(fields.get(*i as usize).cloned().unwrap_or(Value::Absent))
                }
                _ => Err(rt(
                    Code::NoField,
                    e.span,
                    "internal: field of a non-record",
                    None,
                )),
            },
            ExprKind::Neg(x) => {
                let v = self.value(x)?;
                let over = || rt(Code::Overflow, e.span, "negation overflows", None);
                Ok(match v {
                    Value::Money(d) => Value::Money(-d),
                    Value::Rate(d) => Value::Rate(-d),
                    Value::Decimal(d) => Value::Decimal(-d),
                    Value::Int(i) => Value::Int(i.checked_neg().ok_or_else(over)?),
                    Value::Duration(d) => Value::Duration(Duration {
                        months: d.months.checked_neg().ok_or_else(over)?,
                        days: d.days.checked_neg().ok_or_else(over)?,
                        anchor: None,
                    }),
                    other => other,
                })
            }
            ExprKind::Not(x) => Ok(Value::Bool(!self.truth(x)?)),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, e.span),
            ExprKind::If(c, t, f) => {
                if self.truth(c)? {
                    self.eval(t)
                } else {
                    self.eval(f)
                }
            }
            ExprKind::Match(s, arms) => {
                let v = self.value(s)?;
                self.match_arms(&v, arms, e.span)
            }
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    out.push(self.eval(it)?);
                }
                Ok(Value::List(Arc::from(out)))
            }
            ExprKind::Record(fields) => {
                let mut out = Vec::with_capacity(fields.len());
                for f in fields {
                    out.push(self.eval(f)?);
                }
                Ok(Value::Record(Arc::from(out)))
            }
            ExprKind::Call(f, args) => {
                let Some(def) = self.prog.fns.get(*f as usize) else {
                    return Err(rt(
                        Code::UnknownName,
                        e.span,
                        "internal: unknown function",
                        None,
                    ));
                };
                let mut vals = Vec::with_capacity(args.len());
                for (a, (_, ty)) in args.iter().zip(&def.params) {
                    // A missing value passed where the function needs one is
                    // reported here, where the applicant's field is named.
                    let v = self.eval(a)?;
                    if v == Value::Absent && !matches!(ty, Type::Optional(_)) {
                        return Err(self.missing(a));
                    }
                    vals.push(v);
                }
                let new_base = self.stack.len();
                self.stack.extend(vals);
                let saved = std::mem::replace(&mut self.base, new_base);
                self.call_depth += 1;
                let r = self.eval(&def.body);
                self.call_depth -= 1;
                self.stack.truncate(new_base);
                self.base = saved;
                r.map_err(|err| self.missing_through_call(err, args))
            }
            ExprKind::Table(t, arg) => {
                let Some(def) = self.prog.tables.get(*t as usize) else {
                    return Err(rt(
                        Code::UnknownName,
                        e.span,
                        "internal: unknown table",
                        None,
                    ));
                };
                let key = self.value(arg)?;
                self.call_depth += 1;
                let r = self.match_arms(&key, &def.arms, e.span);
                self.call_depth -= 1;
                r
            }
            ExprKind::Series(sid, arg) => {
                let at = match self.value(arg)? {
                    Value::Date(d) => d,
                    _ => {
                        return Err(rt(
                            Code::TypeMismatch,
                            arg.span,
                            "internal: not a date",
                            None,
                        ))
                    }
                };
                let Some(def) = self.prog.series.get(*sid as usize) else {
                    return Err(rt(
                        Code::UnknownName,
                        e.span,
                        "internal: unknown series",
                        None,
                    ));
                };
                match def.at(at) {
                    Some((fixing, value)) => {
                        if self.trace && self.room_for_event() {
                            self.events.push(Event::Fixing {
                                series: *sid,
                                at,
                                fixing: *fixing,
                                value: value.clone(),
                                span: e.span,
                            });
                        }
                        Ok(value.clone())
                    }
                    None => {
                        let first = def
                            .entries
                            .first()
                            .map(|(f, _)| f.to_string())
                            .unwrap_or_default();
                        let what = def.label.clone().unwrap_or_else(|| def.name.clone());
                        Err(rt(
                            Code::SeriesBefore,
                            arg.span,
                            format!("{what} has no value on {at}: the series starts on {first}"),
                            Some("check the date in the applicant data"),
                        ))
                    }
                }
            }
            ExprKind::Builtin(b, args) => self.builtin(*b, args, e.span),
            ExprKind::Aggregate {
                kind,
                list,
                slot,
                filter,
                map,
            } => self.aggregate(*kind, list, *slot, filter.as_deref(), map.as_deref(), e),
            ExprKind::Error => Err(rt(
                Code::TypeMismatch,
                e.span,
                "internal: evaluating an expression that failed to check",
                None,
            )),
        }
    }

    fn match_arms(&mut self, v: &Value, arms: &[Arm], span: Span) -> R<Value> {
        for arm in arms {
            if arm.patterns.iter().any(|p| match p {
                Pat::Wildcard => true,
                Pat::Value(x) => values_equal(x, v),
            }) {
                return self.eval(&arm.body);
            }
        }
        Err(rt(
            Code::NonExhaustive,
            span,
            "no arm matches this value",
            None,
        ))
    }

    fn builtin(&mut self, b: Builtin, args: &[Expr], span: Span) -> R<Value> {
        match b {
            Builtin::Interest { basis } => self.interest(args, basis, span),
            Builtin::Present => match args.first() {
                Some(a) => Ok(Value::Bool(self.eval(a)? != Value::Absent)),
                None => Ok(Value::Bool(false)),
            },
            Builtin::Min | Builtin::Max => {
                let mut best: Option<Value> = None;
                for a in args {
                    let v = self.value(a)?;
                    best = Some(match best {
                        None => v,
                        Some(cur) => {
                            let ord = self.order(&v, &cur, span)?;
                            let take = if b == Builtin::Min {
                                ord == Ordering::Less
                            } else {
                                ord == Ordering::Greater
                            };
                            if take {
                                v
                            } else {
                                cur
                            }
                        }
                    });
                }
                best.ok_or_else(|| rt(Code::EmptyList, span, "min/max of nothing", None))
            }
            Builtin::Abs => {
                let v = match args.first() {
                    Some(a) => self.value(a)?,
                    None => {
                        return Err(rt(
                            Code::ArgCount,
                            span,
                            "internal: abs needs an argument",
                            None,
                        ))
                    }
                };
                Ok(match v {
                    Value::Money(d) => Value::Money(d.abs()),
                    Value::Rate(d) => Value::Rate(d.abs()),
                    Value::Decimal(d) => Value::Decimal(d.abs()),
                    Value::Int(i) => Value::Int(
                        i.checked_abs()
                            .ok_or_else(|| rt(Code::Overflow, span, "abs overflows", None))?,
                    ),
                    other => other,
                })
            }
            Builtin::Year | Builtin::Month | Builtin::Day => {
                let v = match args.first() {
                    Some(a) => self.value(a)?,
                    None => return Err(rt(Code::ArgCount, span, "internal: needs a date", None)),
                };
                let Value::Date(d) = v else {
                    return Err(rt(Code::TypeMismatch, span, "internal: not a date", None));
                };
                let (y, m, dd) = d.ymd();
                Ok(Value::Int(match b {
                    Builtin::Year => i64::from(y),
                    Builtin::Month => i64::from(m),
                    _ => i64::from(dd),
                }))
            }
            Builtin::Days => {
                let v = match args.first() {
                    Some(a) => self.value(a)?,
                    None => {
                        return Err(rt(Code::ArgCount, span, "internal: needs a duration", None))
                    }
                };
                let Value::Duration(d) = v else {
                    return Err(rt(
                        Code::TypeMismatch,
                        span,
                        "internal: not a duration",
                        None,
                    ));
                };
                if d.months == 0 {
                    return Ok(Value::Int(d.days));
                }
                match d.anchor {
                    Some(a) => {
                        let end = a
                            .plus(Duration { anchor: None, ..d })
                            .ok_or_else(|| rt(Code::DateRange, span, "date out of range", None))?;
                        Ok(Value::Int(i64::from(end.days_since_epoch()) - i64::from(a.days_since_epoch())))
                    }
                    None => Err(rt(
                        Code::Incomparable,
                        span,
                        format!("`{d}` has no fixed number of days"),
                        Some("months and years differ in length: count days between two dates instead"),
                    )),
                }
            }
        }
    }

    /// principal × rate × days ÷ basis, exactly; a period that ends before it
    /// starts has no days.
    fn interest(&mut self, args: &[Expr], basis: u32, span: Span) -> R<Value> {
        let mut vals = Vec::with_capacity(4);
        for a in args {
            vals.push(self.value(a)?);
        }
        let (principal, rate, from, to) = match vals.as_slice() {
            [Value::Money(p), Value::Rate(r), Value::Date(f), Value::Date(t)] => (*p, *r, *f, *t),
            _ => {
                return Err(rt(
                    Code::TypeMismatch,
                    span,
                    "internal: interest arguments",
                    None,
                ))
            }
        };
        let days = (i64::from(to.days_since_epoch()) - i64::from(from.days_since_epoch())).max(0);
        let overflow = || {
            rt(
                Code::Overflow,
                span,
                "the interest overflows for these figures",
                None,
            )
        };
        let amount = principal
            .checked_mul(rate)
            .and_then(|x| x.checked_mul(Decimal::from(days)))
            .and_then(|x| x.checked_div(Decimal::from(basis)))
            .ok_or_else(overflow)?;
        if self.trace && self.room_for_event() {
            self.events.push(Event::Interest {
                principal,
                rate,
                from,
                to,
                days,
                basis,
                amount,
                span,
            });
        }
        Ok(Value::Money(amount))
    }

    fn aggregate(
        &mut self,
        kind: Aggregate,
        list: &Expr,
        slot: u32,
        filter: Option<&Expr>,
        map: Option<&Expr>,
        whole: &Expr,
    ) -> R<Value> {
        let items = match self.value(list)? {
            Value::List(items) => items,
            _ => {
                return Err(rt(
                    Code::BadAggregate,
                    list.span,
                    "internal: not a list",
                    None,
                ))
            }
        };
        let at = self.base + slot as usize;
        let mut acc: Option<Value> = None;
        let mut count: i64 = 0;
        let mut result_bool = kind == Aggregate::All;
        for item in items.iter() {
            self.stack.truncate(at);
            self.stack.push(item.clone());
            if let Some(f) = filter {
                if !self.truth(f)? {
                    continue;
                }
            }
            let v = match map {
                Some(m) => self.value(m)?,
                None => item.clone(),
            };
            match kind {
                Aggregate::Count => count += 1,
                Aggregate::Any => {
                    if v == Value::Bool(true) {
                        result_bool = true;
                        break;
                    }
                }
                Aggregate::All => {
                    if v == Value::Bool(false) {
                        result_bool = false;
                        break;
                    }
                }
                Aggregate::Sum => {
                    acc = Some(match acc {
                        None => v,
                        Some(a) => self.arith(BinOp::Add, &a, &v, whole.span)?,
                    })
                }
                Aggregate::Min | Aggregate::Max => {
                    acc = Some(match acc {
                        None => v,
                        Some(a) => {
                            let ord = self.order(&v, &a, whole.span)?;
                            let take = if kind == Aggregate::Min {
                                ord == Ordering::Less
                            } else {
                                ord == Ordering::Greater
                            };
                            if take {
                                v
                            } else {
                                a
                            }
                        }
                    })
                }
            }
        }
        self.stack.truncate(at);
        match kind {
            Aggregate::Count => Ok(Value::Int(count)),
            Aggregate::Any | Aggregate::All => Ok(Value::Bool(result_bool)),
            Aggregate::Sum => Ok(acc.unwrap_or(match whole.ty {
                Type::Money => Value::Money(Decimal::ZERO),
                Type::Rate => Value::Rate(Decimal::ZERO),
                Type::Int => Value::Int(0),
                _ => Value::Decimal(Decimal::ZERO),
            })),
            Aggregate::Min | Aggregate::Max => acc.ok_or_else(|| {
                rt(
                    Code::EmptyList,
                    whole.span,
                    format!(
                        "`{}` of an empty list",
                        if kind == Aggregate::Min { "min" } else { "max" }
                    ),
                    Some("guard it with `count(...) > 0`, or give a fallback with `if`"),
                )
            }),
        }
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, span: Span) -> R<Value> {
        match op {
            BinOp::And => Ok(Value::Bool(self.truth(a)? && self.truth(b)?)),
            BinOp::Or => Ok(Value::Bool(self.truth(a)? || self.truth(b)?)),
            BinOp::Coalesce => {
                let v = self.eval(a)?;
                if v == Value::Absent {
                    self.value(b)
                } else {
                    Ok(v)
                }
            }
            _ if op.is_comparison() => {
                let x = self.value(a)?;
                let y = self.value(b)?;
                let holds = match op {
                    BinOp::Eq => values_equal(&x, &y),
                    BinOp::Ne => !values_equal(&x, &y),
                    _ => {
                        let o = self.order(&x, &y, span)?;
                        match op {
                            BinOp::Lt => o == Ordering::Less,
                            BinOp::Le => o != Ordering::Greater,
                            BinOp::Gt => o == Ordering::Greater,
                            _ => o != Ordering::Less,
                        }
                    }
                };
                if self.call_depth == 0 {
                    if let Some(f) = self.facts.as_mut() {
                        f.push(Fact {
                            lhs_span: a.span,
                            lhs: x,
                            op,
                            rhs_span: b.span,
                            rhs: y,
                            holds,
                        });
                    }
                }
                Ok(Value::Bool(holds))
            }
            _ => {
                let x = self.value(a)?;
                let y = self.value(b)?;
                self.arith(op, &x, &y, span)
            }
        }
    }

    fn order(&self, x: &Value, y: &Value, span: Span) -> R<Ordering> {
        if let (Some(a), Some(b)) = (num(x), num(y)) {
            return Ok(a.cmp(&b));
        }
        match (x, y) {
            (Value::Money(a), Value::Money(b)) | (Value::Rate(a), Value::Rate(b)) => Ok(a.cmp(b)),
            (Value::Date(a), Value::Date(b)) => Ok(a.cmp(b)),
            (Value::Duration(a), Value::Duration(b)) => a.compare(*b).ok_or_else(|| {
                rt(
                    Code::Incomparable,
                    span,
                    format!("cannot compare `{a}` with `{b}`: neither has a start date"),
                    Some("compare dates instead: `end <= start + 3 years`"),
                )
            }),
            _ => Err(rt(
                Code::BadCompare,
                span,
                "internal: values have no order",
                None,
            )),
        }
    }

    fn arith(&self, op: BinOp, x: &Value, y: &Value, span: Span) -> R<Value> {
        use rust_decimal::Decimal as D;
        use Value::*;
        let overflow = || {
            rt(
                Code::Overflow,
                span,
                format!("`{}` overflows for these figures", op.symbol()),
                Some("check the applicant's figures for a unit slip; amounts hold 28 significant digits"),
            )
        };
        let dec = |f: fn(D, D) -> Option<D>, a: D, b: D| f(a, b).ok_or_else(overflow);
        let date_range = || {
            rt(
                Code::DateRange,
                span,
                "the date falls outside years 0001 to 9999",
                None,
            )
        };
        let div = |a: D, b: D| -> R<D> {
            if b.is_zero() {
                return Err(rt(
                    Code::DivZero,
                    span,
                    "division by zero",
                    Some("guard the division: `if d > 0元 then x / d else ...`"),
                ));
            }
            a.checked_div(b).ok_or_else(overflow)
        };
        Ok(match op {
            BinOp::Add | BinOp::Sub => {
                let f: fn(D, D) -> Option<D> = if op == BinOp::Add {
                    D::checked_add
                } else {
                    D::checked_sub
                };
                match (x, y) {
                    (Money(a), Money(b)) => Money(dec(f, *a, *b)?),
                    (Rate(a), Rate(b)) => Rate(dec(f, *a, *b)?),
                    (Int(a), Int(b)) => Int(if op == BinOp::Add {
                        a.checked_add(*b)
                    } else {
                        a.checked_sub(*b)
                    }
                    .ok_or_else(overflow)?),
                    (Date(a), Date(b)) => Duration(crate::value::Duration {
                        months: 0,
                        days: i64::from(a.days_since_epoch()) - i64::from(b.days_since_epoch()),
                        anchor: Some(*b),
                    }),
                    (Date(a), Duration(d)) => Date(
                        if op == BinOp::Add {
                            a.plus(*d)
                        } else {
                            a.minus(*d)
                        }
                        .ok_or_else(date_range)?,
                    ),
                    (Duration(d), Date(a)) => Date(a.plus(*d).ok_or_else(date_range)?),
                    (Duration(a), Duration(b)) => {
                        let (bm, bd) = if op == BinOp::Add {
                            (b.months, b.days)
                        } else {
                            (
                                b.months.checked_neg().ok_or_else(overflow)?,
                                b.days.checked_neg().ok_or_else(overflow)?,
                            )
                        };
                        Duration(crate::value::Duration {
                            months: a.months.checked_add(bm).ok_or_else(overflow)?,
                            days: a.days.checked_add(bd).ok_or_else(overflow)?,
                            anchor: a.anchor.or(b.anchor),
                        })
                    }
                    _ => match (num(x), num(y)) {
                        (Some(a), Some(b)) => Decimal(dec(f, a, b)?),
                        _ => {
                            return Err(rt(
                                Code::BadAdd,
                                span,
                                "internal: operands do not add",
                                None,
                            ))
                        }
                    },
                }
            }
            BinOp::Mul => match (x, y) {
                (Money(a), Rate(b)) | (Rate(b), Money(a)) => Money(dec(D::checked_mul, *a, *b)?),
                (Money(a), n) | (n, Money(a)) if num(n).is_some() => {
                    Money(dec(D::checked_mul, *a, num(n).unwrap_or_default())?)
                }
                (Rate(a), Rate(b)) => Rate(dec(D::checked_mul, *a, *b)?),
                (Rate(a), n) | (n, Rate(a)) if num(n).is_some() => {
                    Rate(dec(D::checked_mul, *a, num(n).unwrap_or_default())?)
                }
                (Int(a), Int(b)) => Int(a.checked_mul(*b).ok_or_else(overflow)?),
                (Duration(d), Int(k)) | (Int(k), Duration(d)) => Duration(crate::value::Duration {
                    months: d.months.checked_mul(*k).ok_or_else(overflow)?,
                    days: d.days.checked_mul(*k).ok_or_else(overflow)?,
                    anchor: None,
                }),
                _ => match (num(x), num(y)) {
                    (Some(a), Some(b)) => Decimal(dec(D::checked_mul, a, b)?),
                    _ => {
                        return Err(rt(
                            Code::BadMul,
                            span,
                            "internal: operands do not multiply",
                            None,
                        ))
                    }
                },
            },
            BinOp::Div => match (x, y) {
                (Money(a), Money(b)) => Decimal(div(*a, *b)?),
                (Money(a), Rate(b)) => Money(div(*a, *b)?),
                (Money(a), n) if num(n).is_some() => Money(div(*a, num(n).unwrap_or_default())?),
                (Rate(a), Rate(b)) => Decimal(div(*a, *b)?),
                (Rate(a), n) if num(n).is_some() => Rate(div(*a, num(n).unwrap_or_default())?),
                _ => match (num(x), num(y)) {
                    (Some(a), Some(b)) => Decimal(div(a, b)?),
                    _ => {
                        return Err(rt(
                            Code::BadDiv,
                            span,
                            "internal: operands do not divide",
                            None,
                        ))
                    }
                },
            },
            _ => return Err(rt(Code::BadAdd, span, "internal: not arithmetic", None)),
        })
    }
}

/// 就高不重复 within a policy: in each `exclusive` group only the grant with
/// the highest amount is paid (the first one written, on a tie).
fn supersede(prog: &Program, grants: &mut [GrantResult]) {
    let mut groups: Vec<&str> = prog
        .grants
        .iter()
        .filter_map(|g| g.exclusive.as_deref())
        .collect();
    groups.sort_unstable();
    groups.dedup();
    for group in groups {
        let members: Vec<usize> = prog
            .grants
            .iter()
            .enumerate()
            .filter(|(_, g)| g.exclusive.as_deref() == Some(group))
            .map(|(i, _)| i)
            .collect();
        let mut best: Option<(usize, Decimal)> = None;
        for &i in &members {
            let a = grants.get(i).map(|r| r.amount).unwrap_or_default();
            if best.is_none_or(|(_, b)| a > b) {
                best = Some((i, a));
            }
        }
        let Some((winner, _)) = best else { continue };
        for &i in &members {
            if let Some(r) = grants.get_mut(i) {
                if i != winner && !r.amount.is_zero() {
                    r.superseded_by = Some(winner);
                    r.amount = Decimal::ZERO;
                    // Nothing more is paid; what was already paid goes back.
                    if let Some(s) = r.schedule.as_mut() {
                        for t in &mut s.tranches {
                            if t.status != TrancheStatus::Paid {
                                t.status = TrancheStatus::Cancelled;
                            }
                        }
                        s.cancelled = s
                            .cancelled
                            .checked_add(s.payable)
                            .and_then(|x| x.checked_add(s.waiting))
                            .unwrap_or(s.cancelled);
                        s.payable = Decimal::ZERO;
                        s.waiting = Decimal::ZERO;
                        s.to_return = s.paid;
                    }
                }
            }
        }
    }
}

fn empty_grant(status: GrantStatus) -> GrantResult {
    GrantResult {
        status,
        requirements: Vec::new(),
        steps: Vec::new(),
        before_limits: Decimal::ZERO,
        caps: Vec::new(),
        floors: Vec::new(),
        clamped_to_zero: false,
        after_limits: Decimal::ZERO,
        amount: Decimal::ZERO,
        schedule: None,
        superseded_by: None,
        events: Vec::new(),
    }
}

/// Whether `d` is within the policy's effective period (None: no period stated).
pub fn in_effect(meta: &Meta, d: Date) -> Option<bool> {
    match (meta.effective_from, meta.effective_to) {
        (None, None) => None,
        (from, to) => Some(from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t)),
    }
}
