//! The untyped syntax tree. Every node carries the byte span of the text it
//! came from, so that every later phase can point back at the source. The tree
//! is exactly what the drafter wrote: no names are resolved and no literal is
//! interpreted beyond its lexical form (see `Lit`).

use crate::span::Span;
use crate::value::{Date, Duration};
use rust_decimal::Decimal;

/// An identifier with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `a::b::c`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn text(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join("::")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub value: String,
    /// The English form of a label (`"中文" / "English"`).
    pub en: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct File {
    pub policy: Option<PolicyMeta>,
    pub uses: Vec<Use>,
    pub enums: Vec<EnumDecl>,
    pub records: Vec<RecordDecl>,
    pub inputs: Vec<InputDecl>,
    pub lets: Vec<LetDecl>,
    pub fns: Vec<FnDecl>,
    pub tables: Vec<TableDecl>,
    pub series: Vec<SeriesDecl>,
    pub eligible: Vec<EligibleBlock>,
    pub grants: Vec<GrantDecl>,
    pub pools: Vec<PoolDecl>,
    pub cases: Vec<CaseDecl>,
    /// Labels given in both languages: (Chinese, English).
    pub en_labels: Vec<(String, String)>,
    /// Extra `policy` blocks: reported as duplicates by the checker.
    pub extra_policies: Vec<PolicyMeta>,
}

#[derive(Debug, Clone)]
pub struct PolicyMeta {
    pub name: Ident,
    pub title: Option<Text>,
    pub source: Option<Text>,
    pub issuer: Option<Text>,
    pub effective: Option<(Date, Option<Date>, Span)>,
    pub articles: Vec<(Text, Text)>,
    pub exclusive: Vec<Text>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Use {
    pub path: Path,
    /// `use a::b::{x, y}`: the listed items; empty for `use a::b`.
    pub items: Vec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EnumDecl {
    pub name: Ident,
    pub label: Option<Text>,
    pub variants: Vec<Variant>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: Ident,
    pub label: Option<Text>,
}

#[derive(Debug, Clone)]
pub struct RecordDecl {
    pub name: Ident,
    pub label: Option<Text>,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub label: Option<Text>,
}

#[derive(Debug, Clone)]
pub struct InputDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub label: Option<Text>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum TypeExprKind {
    Named(Path),
    List(Box<TypeExpr>),
}

#[derive(Debug, Clone)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub optional: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct LetDecl {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub value: Expr,
    pub label: Option<Text>,
    pub cite: Option<Text>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct FnDecl {
    pub name: Ident,
    pub params: Vec<(Ident, TypeExpr)>,
    pub ret: TypeExpr,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TableDecl {
    pub name: Ident,
    pub key: TypeExpr,
    pub value: TypeExpr,
    pub label: Option<Text>,
    pub cite: Option<Text>,
    pub arms: Vec<Arm>,
    pub span: Span,
}

/// `series one_year: Rate "label" { 2019-08-20 => 4.25% ... }`: values by date.
#[derive(Debug, Clone)]
pub struct SeriesDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub label: Option<Text>,
    pub cite: Option<Text>,
    pub entries: Vec<(Date, Span, Expr)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EligibleBlock {
    pub label: Option<Text>,
    pub requires: Vec<Require>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Require {
    pub cond: Expr,
    pub cite: Option<Text>,
    pub label: Option<Text>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundUnit {
    Fen,
    Jiao,
    Yuan,
    Bai,
    Qian,
    Wan,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundMode {
    HalfUp,
    HalfEven,
    Down,
    Up,
}

#[derive(Debug, Clone)]
pub enum GrantStmt {
    When(Expr),
    Require(Require),
    Let(LetDecl),
    Amount {
        value: Expr,
        label: Option<Text>,
        cite: Option<Text>,
        span: Span,
    },
    Cap {
        limit: Expr,
        label: Option<Text>,
        cite: Option<Text>,
        /// `unless OVERRIDE "label"`: the cap does not apply when true.
        unless: Option<Unless>,
        span: Span,
    },
    Tranche(TrancheDecl),
    Exclusive(Text),
    Halt {
        cond: Option<Expr>,
        label: Option<Text>,
        cite: Option<Text>,
        span: Span,
    },
    Clawback {
        cond: Option<Expr>,
        /// `None`: everything paid so far (`return paid`, or nothing said).
        amount: Option<Expr>,
        label: Option<Text>,
        cite: Option<Text>,
        span: Span,
    },
    Floor {
        limit: Expr,
        label: Option<Text>,
        cite: Option<Text>,
        span: Span,
    },
    Round {
        unit: RoundUnit,
        mode: RoundMode,
        span: Span,
    },
}

#[derive(Debug, Clone)]
pub struct Unless {
    pub cond: Expr,
    pub label: Option<Text>,
    pub cite: Option<Text>,
}

#[derive(Debug, Clone)]
pub enum Pay {
    /// `pay rest`: the grant less the tranches before.
    Rest,
    /// `pay 50%` (a Rate: share of the grant) or `pay 100万元` (Money).
    Expr(Expr),
}

#[derive(Debug, Clone)]
pub struct TrancheDecl {
    pub name: Ident,
    pub label: Option<Text>,
    pub cite: Option<Text>,
    pub milestone: Expr,
    pub pay: Pay,
    pub paid: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct GrantDecl {
    pub name: Ident,
    pub label: Option<Text>,
    pub cite: Option<Text>,
    pub body: Vec<GrantStmt>,
    pub span: Span,
}

/// `pool NAME { limit X  grants a, b  allocate pro_rata | by KEY desc }` or
/// `quota NAME { share 30%  grants a  rank by KEY desc }`.
#[derive(Debug, Clone)]
pub struct PoolDecl {
    pub quota: bool,
    pub name: Ident,
    pub label: Option<Text>,
    pub cite: Option<Text>,
    /// The limit (Money) of a pool, the share (Rate) of a quota.
    pub limit: Option<Expr>,
    pub grants: Vec<Ident>,
    /// `None`: pro rata (pools only).
    pub key: Option<(Expr, bool)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CaseDecl {
    pub name: Text,
    /// `case "..." on 2026-03-01 { ... }`: the evaluation date.
    pub on: Option<Date>,
    pub given: Vec<(Ident, Expr)>,
    pub expect: Vec<(Ident, Expr)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Coalesce,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Coalesce => "??",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

/// A literal as written. Money is held in yuan, rates as fractions
/// (`5%` is 0.05, `100bp` is 0.01).
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Money(Decimal),
    Rate(Decimal),
    Decimal(Decimal),
    Int(i64),
    Bool(bool),
    Date(Date),
    Duration(Duration),
    Text(String),
}

#[derive(Debug, Clone)]
pub enum Pattern {
    Wildcard(Span),
    Lit(Lit, Span),
    Path(Path),
}

impl Pattern {
    pub fn span(&self) -> Span {
        match self {
            Pattern::Wildcard(s) | Pattern::Lit(_, s) => *s,
            Pattern::Path(p) => p.span,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Arm {
    pub patterns: Vec<Pattern>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct Comprehension {
    pub var: Ident,
    pub list: Box<Expr>,
    pub filter: Option<Box<Expr>>,
    pub map: Option<Box<Expr>>,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Lit(Lit),
    Path(Path),
    Field(Box<Expr>, Ident),
    Unary {
        neg: bool,
        expr: Box<Expr>,
    },
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Match(Box<Expr>, Vec<Arm>),
    List(Vec<Expr>),
    Record(Vec<(Ident, Expr)>),
    Call(Path, Vec<Arg>),
    Comprehension(Path, Comprehension),
    /// A node the builder could not make sense of (already reported).
    Error,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}
