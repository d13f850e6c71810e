//! The checked program: the typed IR that `check` produces and `eval` runs.
//! Every name is resolved to an index (inputs, definitions, functions, tables,
//! locals), every expression carries its type and span, and every rule keeps
//! its label and citation for the reports. A `Program` is immutable and can be
//! evaluated on any number of applicants.

use crate::span::Span;
use crate::syntax::ast::{BinOp, RoundMode, RoundUnit};
use crate::value::{Date, Value};
use std::fmt;

pub type EnumId = u32;
pub type RecordId = u32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Money,
    Rate,
    Decimal,
    Int,
    Bool,
    Date,
    Duration,
    Text,
    Enum(EnumId),
    Record(RecordId),
    List(Box<Type>),
    Optional(Box<Type>),
    /// The type of an expression that already failed to check: compatible
    /// with everything, so one mistake gives one error.
    Error,
}

impl Type {
    /// The type with one level of `?` removed.
    pub fn strip(&self) -> &Type {
        match self {
            Type::Optional(t) => t,
            t => t,
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Decimal)
    }
}

/// Displays a type with enum and record names resolved.
pub struct TypeName<'a>(pub &'a Type, pub &'a Program);

impl fmt::Display for TypeName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_type(f, self.0, &self.1.enums, &self.1.records)
    }
}

pub fn write_type(
    f: &mut dyn fmt::Write,
    t: &Type,
    enums: &[EnumDef],
    records: &[RecordDef],
) -> fmt::Result {
    match t {
        Type::Money => write!(f, "Money"),
        Type::Rate => write!(f, "Rate"),
        Type::Decimal => write!(f, "Decimal"),
        Type::Int => write!(f, "Int"),
        Type::Bool => write!(f, "Bool"),
        Type::Date => write!(f, "Date"),
        Type::Duration => write!(f, "Duration"),
        Type::Text => write!(f, "Text"),
        Type::Enum(i) => write!(
            f,
            "{}",
            enums
                .get(*i as usize)
                .map(|e| e.name.as_str())
                .unwrap_or("?")
        ),
        Type::Record(i) => write!(
            f,
            "{}",
            records
                .get(*i as usize)
                .map(|e| e.name.as_str())
                .unwrap_or("?")
        ),
        Type::List(t) => {
            write!(f, "[")?;
            write_type(f, t, enums, records)?;
            write!(f, "]")
        }
        Type::Optional(t) => {
            write_type(f, t, enums, records)?;
            write!(f, "?")
        }
        Type::Error => write!(f, "{{unknown}}"),
    }
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub label: Option<String>,
    pub variants: Vec<VariantDef>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct VariantDef {
    pub name: String,
    pub label: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RecordDef {
    pub name: String,
    pub label: Option<String>,
    pub fields: Vec<FieldDef>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub ty: Type,
    pub label: Option<String>,
}

#[derive(Debug, Clone)]
pub struct InputDef {
    pub name: String,
    pub ty: Type,
    pub label: Option<String>,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct GlobalDef {
    pub name: String,
    pub ty: Type,
    pub expr: Expr,
    pub label: Option<String>,
    pub cite: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct FnDef {
    pub name: String,
    pub params: Vec<(String, Type)>,
    pub ret: Type,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub name: String,
    pub key: Type,
    pub value: Type,
    pub arms: Vec<Arm>,
    pub label: Option<String>,
    pub cite: Option<String>,
    pub span: Span,
}

/// Values by date; a lookup gives the value in force at a date (the last
/// entry on or before it).
#[derive(Debug, Clone)]
pub struct SeriesDef {
    pub name: String,
    pub ty: Type,
    pub label: Option<String>,
    pub cite: Option<String>,
    /// Strictly increasing dates (checked).
    pub entries: Vec<(Date, Value)>,
    /// The first entry's date (where range diagnostics point).
    pub span: Span,
}

impl SeriesDef {
    /// The entry in force at `d`, if any.
    pub fn at(&self, d: Date) -> Option<&(Date, Value)> {
        let n = self.entries.partition_point(|(k, _)| *k <= d);
        n.checked_sub(1).and_then(|i| self.entries.get(i))
    }
}

#[derive(Debug, Clone)]
pub struct Requirement {
    pub cond: Expr,
    pub label: Option<String>,
    pub cite: Option<String>,
    /// The condition as the drafter wrote it.
    pub source: String,
    /// Inputs and definitions the condition reads directly, for the report.
    pub reads: Vec<Ref>,
    pub span: Span,
}

impl Requirement {
    /// How a failed requirement is named in results: its citation and label.
    pub fn display_name(&self) -> String {
        match (&self.cite, &self.label) {
            (Some(c), Some(l)) => format!("{l}（{c}）"),
            (None, Some(l)) => l.clone(),
            (Some(c), None) => format!("{}（{c}）", self.source),
            (None, None) => self.source.clone(),
        }
    }
}

/// A name a rule reads, kept so results can show its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ref {
    Input(u32),
    Global(u32),
    /// A field of a record input (`enterprise.little_giant`): input, field.
    Field(u32, u32),
}

impl Program {
    /// The name (`enterprise.little_giant`) and label of a read name.
    pub fn ref_name(&self, r: Ref) -> (String, Option<String>) {
        match r {
            Ref::Input(i) => self
                .inputs
                .get(i as usize)
                .map(|d| (d.name.clone(), d.label.clone()))
                .unwrap_or_default(),
            Ref::Global(g) => self
                .globals
                .get(g as usize)
                .map(|d| (d.name.clone(), d.label.clone()))
                .unwrap_or_default(),
            Ref::Field(i, f) => {
                let Some(input) = self.inputs.get(i as usize) else {
                    return Default::default();
                };
                let field = match input.ty.strip() {
                    Type::Record(r) => self
                        .records
                        .get(*r as usize)
                        .and_then(|rec| rec.fields.get(f as usize)),
                    _ => None,
                };
                match field {
                    Some(fd) => (format!("{}.{}", input.name, fd.name), fd.label.clone()),
                    None => (input.name.clone(), input.label.clone()),
                }
            }
        }
    }

    /// The type of a read name.
    pub fn ref_type(&self, r: Ref) -> Type {
        match r {
            Ref::Input(i) => self.inputs.get(i as usize).map(|d| d.ty.clone()),
            Ref::Global(g) => self.globals.get(g as usize).map(|d| d.ty.clone()),
            Ref::Field(i, f) => self
                .inputs
                .get(i as usize)
                .and_then(|d| match d.ty.strip() {
                    Type::Record(r) => self
                        .records
                        .get(*r as usize)
                        .and_then(|rec| rec.fields.get(f as usize))
                        .map(|fd| fd.ty.clone()),
                    _ => None,
                }),
        }
        .unwrap_or(Type::Error)
    }

    /// The value of a read input or input field (definitions are the evaluator's).
    pub fn ref_input_value(&self, r: Ref, inputs: &[Value]) -> Option<Value> {
        match r {
            Ref::Input(i) => inputs.get(i as usize).cloned(),
            Ref::Field(i, f) => match inputs.get(i as usize)? {
                Value::Record(fields) => fields.get(f as usize).cloned(),
                _ => Some(Value::Absent),
            },
            Ref::Global(_) => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    pub slot: u32,
    pub expr: Expr,
    /// Inputs and definitions the step reads directly, for the report.
    pub reads: Vec<Ref>,
    pub label: Option<String>,
    pub cite: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Limit {
    pub expr: Expr,
    pub label: Option<String>,
    pub cite: Option<String>,
    /// A decision that lifts this cap (经请示省政府同意，可突破资金支持上限).
    pub unless: Option<Override>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Override {
    pub cond: Expr,
    pub label: Option<String>,
    pub cite: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Pay {
    /// A share of the grant (`pay 50%`).
    Share(Expr),
    /// A stated amount (`pay approved_investment * 10%`).
    Amount(Expr),
    /// The grant less every tranche before (`pay rest`).
    Rest,
}

/// One staged payment of a grant, released by a milestone.
#[derive(Debug, Clone)]
pub struct Tranche {
    pub name: String,
    pub label: Option<String>,
    pub cite: Option<String>,
    /// Bool, or an optional Date (reached when given).
    pub milestone: Expr,
    pub pay: Pay,
    /// Whether it has already been disbursed (an input).
    pub paid: Option<Expr>,
    pub span: Span,
}

/// `halt when COND`: cancels every tranche not yet paid.
#[derive(Debug, Clone)]
pub struct Halt {
    pub cond: Expr,
    pub label: Option<String>,
    pub cite: Option<String>,
    pub span: Span,
}

/// `clawback when COND return paid|AMOUNT`: money to be returned.
#[derive(Debug, Clone)]
pub struct Clawback {
    pub cond: Expr,
    /// `None`: everything paid so far.
    pub amount: Option<Expr>,
    pub label: Option<String>,
    pub cite: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounding {
    pub unit: RoundUnit,
    pub mode: RoundMode,
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding {
            unit: RoundUnit::Fen,
            mode: RoundMode::HalfUp,
        }
    }
}

#[derive(Debug, Clone)]
pub struct GrantDef {
    pub name: String,
    /// `grant name`: where diagnostics about the whole grant point.
    pub header: Span,
    pub label: Option<String>,
    pub cite: Option<String>,
    pub when: Option<Expr>,
    pub requires: Vec<Requirement>,
    /// For each requirement, how many `let` steps come before it in the
    /// source: statements run in the order written.
    pub require_after: Vec<u32>,
    pub steps: Vec<Step>,
    pub amount: Expr,
    pub amount_label: Option<String>,
    /// Inputs and definitions the amount reads directly, for the report.
    pub amount_reads: Vec<Ref>,
    pub caps: Vec<Limit>,
    pub floors: Vec<Limit>,
    pub rounding: Rounding,
    /// 就高不重复 group within the policy: only the highest grant of a group is paid.
    pub exclusive: Option<String>,
    pub tranches: Vec<Tranche>,
    pub halts: Vec<Halt>,
    pub clawbacks: Vec<Clawback>,
    pub span: Span,
}

/// A program-wide limit over a batch: a budget pool shared by all applicants
/// (`quota == false`), or a quota on how many may receive some grants.
#[derive(Debug, Clone)]
pub struct PoolDef {
    pub name: String,
    pub label: Option<String>,
    pub cite: Option<String>,
    pub quota: bool,
    /// A pool's budget (元); a quota's share of the batch (0.3 for 30%).
    pub limit: rust_decimal::Decimal,
    /// The grants drawing on it (all grants when the policy names none).
    pub grants: Vec<u32>,
    /// Allocation order (pools: `None` is pro rata); `true` for descending.
    pub key: Option<(Expr, bool)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// The evaluation date, when the case states one.
    pub on: Option<Date>,
    /// Input index → value (already evaluated: case values are constants).
    pub given: Vec<(u32, Value, Span)>,
    pub expect: Vec<(Expectation, Span)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    Eligible(bool),
    /// Citations or labels of the failed requirements, in any order.
    Failed(Vec<String>),
    Total(rust_decimal::Decimal),
    Grant(u32, rust_decimal::Decimal),
    /// `in_force: false`: the evaluation date is outside the effective period.
    InForce(bool),
    /// `grant.tranche: amount`
    TrancheAmount(u32, u32, rust_decimal::Decimal),
    /// `grant.tranche.status: "paid"` (paid, payable, waiting, cancelled)
    TrancheStatus(u32, u32, String),
    /// `grant.paid` / `payable` / `waiting` / `cancelled` / `to_return`
    ScheduleTotal(u32, ScheduleField, rust_decimal::Decimal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleField {
    Paid,
    Payable,
    Waiting,
    Cancelled,
    ToReturn,
}

impl ScheduleField {
    pub fn parse(s: &str) -> Option<ScheduleField> {
        Some(match s {
            "paid" => ScheduleField::Paid,
            "payable" => ScheduleField::Payable,
            "waiting" => ScheduleField::Waiting,
            "cancelled" => ScheduleField::Cancelled,
            "to_return" => ScheduleField::ToReturn,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleField::Paid => "paid",
            ScheduleField::Payable => "payable",
            ScheduleField::Waiting => "waiting",
            ScheduleField::Cancelled => "cancelled",
            ScheduleField::ToReturn => "to_return",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub name: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub issuer: Option<String>,
    pub effective_from: Option<Date>,
    pub effective_to: Option<Date>,
    pub articles: Vec<(String, String)>,
    /// 从高不重复 groups this policy belongs to.
    pub exclusive: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Program {
    pub meta: Meta,
    pub enums: Vec<EnumDef>,
    pub records: Vec<RecordDef>,
    pub inputs: Vec<InputDef>,
    pub globals: Vec<GlobalDef>,
    pub fns: Vec<FnDef>,
    pub tables: Vec<TableDef>,
    pub series: Vec<SeriesDef>,
    pub eligibility_label: Option<String>,
    /// English forms of labels given bilingually, keyed by the Chinese label.
    pub en_labels: std::collections::BTreeMap<String, String>,
    pub eligibility: Vec<Requirement>,
    pub grants: Vec<GrantDef>,
    pub pools: Vec<PoolDef>,
    pub cases: Vec<Case>,
}

impl Program {
    pub fn type_name(&self, t: &Type) -> String {
        TypeName(t, self).to_string()
    }

    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name == name)
    }

    pub fn grant_index(&self, name: &str) -> Option<usize> {
        self.grants.iter().position(|g| g.name == name)
    }

    pub fn variant_label(&self, e: EnumId, v: u32) -> String {
        self.enums
            .get(e as usize)
            .and_then(|en| en.variants.get(v as usize))
            .map(|v| v.label.clone().unwrap_or_else(|| v.name.clone()))
            .unwrap_or_default()
    }

    pub fn variant_name(&self, e: EnumId, v: u32) -> String {
        self.enums
            .get(e as usize)
            .and_then(|en| en.variants.get(v as usize))
            .map(|v| v.name.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Min,
    Max,
    Abs,
    Present,
    Year,
    Month,
    Day,
    Days,
    /// principal × rate × actual days ÷ basis (360 or 365).
    Interest {
        basis: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Count,
    Any,
    All,
    Min,
    Max,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pat {
    Wildcard,
    Value(Value),
}

#[derive(Debug, Clone)]
pub struct Arm {
    pub patterns: Vec<Pat>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Lit(Value),
    Input(u32),
    Global(u32),
    Local(u32),
    Field(Box<Expr>, u32),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Match(Box<Expr>, Vec<Arm>),
    List(Vec<Expr>),
    Record(Vec<Expr>),
    Call(u32, Vec<Expr>),
    Table(u32, Box<Expr>),
    /// The value of a series in force at a date.
    Series(u32, Box<Expr>),
    Builtin(Builtin, Vec<Expr>),
    /// Aggregate over a list: the element is bound to local `slot`.
    Aggregate {
        kind: Aggregate,
        list: Box<Expr>,
        slot: u32,
        filter: Option<Box<Expr>>,
        map: Option<Box<Expr>>,
    },
    /// Placeholder for an expression that failed to check (never evaluated:
    /// a program with errors is not run).
    Error,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}
