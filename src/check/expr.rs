//! Expression checking and lowering: names, operators with units, calls,
//! list operations, `if`, `match` with exhaustiveness.

use super::{ops, Checker, Item, Node};
use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::program::*;
use crate::span::Span;
use crate::syntax::ast::{self, BinOp, Lit};
use crate::value::Value;
use std::sync::Arc;

const BUILTINS: &[&str] = &[
    "min", "max", "abs", "present", "year", "month", "day", "days", "sum", "count", "any", "all",
    "interest",
];

fn mk(kind: ExprKind, ty: Type, span: Span) -> Expr {
    Expr { kind, ty, span }
}

fn error_expr(span: Span) -> Expr {
    mk(ExprKind::Error, Type::Error, span)
}

/// Whether an expression contains a part that already failed to check.
pub(super) fn has_error(e: &Expr) -> bool {
    if e.ty == Type::Error || matches!(e.kind, ExprKind::Error) {
        return true;
    }
    match &e.kind {
        ExprKind::Field(a, _)
        | ExprKind::Neg(a)
        | ExprKind::Not(a)
        | ExprKind::Table(_, a)
        | ExprKind::Series(_, a) => has_error(a),
        ExprKind::Binary(_, a, b) => has_error(a) || has_error(b),
        ExprKind::If(a, b, c) => has_error(a) || has_error(b) || has_error(c),
        ExprKind::Match(a, arms) => has_error(a) || arms.iter().any(|x| has_error(&x.body)),
        ExprKind::List(xs)
        | ExprKind::Record(xs)
        | ExprKind::Call(_, xs)
        | ExprKind::Builtin(_, xs) => xs.iter().any(has_error),
        ExprKind::Aggregate {
            list, filter, map, ..
        } => {
            has_error(list)
                || filter.as_deref().is_some_and(has_error)
                || map.as_deref().is_some_and(has_error)
        }
        _ => false,
    }
}

pub(super) fn lit_value(l: &Lit) -> (Value, Type) {
    match l {
        Lit::Money(d) => (Value::Money(*d), Type::Money),
        Lit::Rate(d) => (Value::Rate(*d), Type::Rate),
        Lit::Decimal(d) => (Value::Decimal(*d), Type::Decimal),
        Lit::Int(i) => (Value::Int(*i), Type::Int),
        Lit::Bool(b) => (Value::Bool(*b), Type::Bool),
        Lit::Date(d) => (Value::Date(*d), Type::Date),
        Lit::Duration(d) => (Value::Duration(*d), Type::Duration),
        Lit::Text(t) => (Value::Text(Arc::from(t.as_str())), Type::Text),
    }
}

/// Whether a value of type `actual` may stand where `expected` is required.
pub(super) fn assignable(expected: &Type, actual: &Type) -> bool {
    match (expected, actual) {
        (Type::Error, _) | (_, Type::Error) => true,
        (a, b) if a == b => true,
        (Type::Decimal, Type::Int) => true,
        (Type::Optional(e), a) => assignable(e, a.strip()),
        (e, Type::Optional(a)) => assignable(e, a),
        (Type::List(e), Type::List(a)) => assignable(e, a),
        _ => false,
    }
}

/// The common type of two branches (`if`, `match` arms).
fn join(a: &Type, b: &Type) -> Option<Type> {
    match (a.strip(), b.strip()) {
        (Type::Error, t) | (t, Type::Error) => Some(t.clone()),
        (x, y) if x == y => Some(x.clone()),
        (x, y) if x.is_numeric() && y.is_numeric() => Some(Type::Decimal),
        (Type::List(x), Type::List(y)) => join(x, y).map(|t| Type::List(Box::new(t))),
        _ => None,
    }
}

/// The number a bare numeric literal shows, for help lines that reuse it.
fn bare_number(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Lit(Value::Int(i)) => Some(i.to_string()),
        ExprKind::Lit(Value::Decimal(d)) => Some(d.normalize().to_string()),
        _ => None,
    }
}

/// The bare numbers an expression can result in: itself, or the branches of
/// an `if` or `match` (`if new_build then 500 else 1000`), with their spans.
fn bare_numbers(e: &Expr, out: &mut Vec<(String, Span)>, depth: usize) {
    if depth > 50 {
        return;
    }
    match &e.kind {
        ExprKind::If(_, a, b) => {
            bare_numbers(a, out, depth + 1);
            bare_numbers(b, out, depth + 1);
        }
        ExprKind::Match(_, arms) => {
            for arm in arms {
                bare_numbers(&arm.body, out, depth + 1);
            }
        }
        _ => out.extend(bare_number(e).map(|n| (n, e.span))),
    }
}

impl Checker<'_> {
    pub(super) fn expect_type(&mut self, e: &Expr, expected: &Type, what: &str) {
        if assignable(expected, &e.ty) {
            return;
        }
        let (en, an) = (self.type_name(expected), self.type_name(&e.ty));
        let bare_unit = matches!(expected.strip(), Type::Money | Type::Rate | Type::Duration)
            && e.ty.is_numeric();
        let code = if bare_unit {
            Code::BareNumber
        } else {
            Code::TypeMismatch
        };
        let help = match (expected.strip(), &e.ty) {
            (Type::Money, t) if t.is_numeric() => {
                "give the amount its unit: `500万元`, `12,000元`".to_string()
            }
            (Type::Rate, t) if t.is_numeric() => {
                "write a rate with its unit: `5%`, `0.5‰`, `100bp`".to_string()
            }
            (Type::Duration, t) if t.is_numeric() => {
                "give the number a unit: `3 years`, `12 months`, `90 days`".to_string()
            }
            (Type::Money, Type::Rate) => {
                "a rate is not an amount: multiply it by a base, e.g. `approved_investment * 5%`"
                    .to_string()
            }
            _ => format!("{what} is {en}; this expression is {an}"),
        };
        self.error(
            Diagnostic::error(code, format!("expected {en}, found {an}"))
                .primary(e.span, format!("this is {an}"))
                .help(help),
        );
    }

    pub(super) fn expect_bool(&mut self, e: &Expr, what: &str) {
        if assignable(&Type::Bool, &e.ty) {
            return;
        }
        let an = self.type_name(&e.ty);
        self.error(
            Diagnostic::error(
                Code::NotBool,
                format!("{what} needs a condition, found {an}"),
            )
            .primary(e.span, format!("this is {an}, not true/false"))
            .help("compare the value with something, e.g. `approved_investment >= 500万元`"),
        );
    }

    pub(super) fn expect_money(&mut self, e: &Expr, what: &str) {
        if assignable(&Type::Money, &e.ty) {
            return;
        }
        let an = self.type_name(&e.ty);
        let help = match &e.ty {
            Type::Rate => {
                "a rate is not an amount: multiply it by its base, e.g. `approved_investment * 10%`"
            }
            t if t.is_numeric() => "give the amount its unit: `1000万元`",
            _ => "write an amount of money",
        };
        let code = if e.ty.is_numeric() {
            Code::BareNumber
        } else {
            Code::TypeMismatch
        };
        self.error(
            Diagnostic::error(code, format!("{what} must be Money, found {an}"))
                .primary(e.span, format!("this is {an}"))
                .help(help),
        );
    }

    pub(super) fn expr(&mut self, e: &ast::Expr, hint: Option<&Type>) -> Expr {
        let span = e.span;
        match &e.kind {
            ast::ExprKind::Error => error_expr(span),
            ast::ExprKind::Lit(l) => {
                let (v, t) = lit_value(l);
                mk(ExprKind::Lit(v), t, span)
            }
            ast::ExprKind::Path(p) => self.path_expr(p, hint),
            ast::ExprKind::Field(base, field) => {
                let b = self.expr(base, None);
                self.field(b, field, span)
            }
            ast::ExprKind::Unary { neg, expr } => {
                let inner = self.expr(expr, hint);
                let t = inner.ty.strip().clone();
                match t {
                    Type::Money
                    | Type::Rate
                    | Type::Decimal
                    | Type::Int
                    | Type::Duration
                    | Type::Error => {
                        if *neg {
                            mk(ExprKind::Neg(Box::new(inner)), t, span)
                        } else {
                            inner
                        }
                    }
                    other => {
                        let n = self.type_name(&other);
                        self.error(
                            Diagnostic::error(Code::BadNeg, format!("cannot negate {n}"))
                                .primary(span, format!("this is {n}"))
                                .help(if other == Type::Bool {
                                    "to negate a condition, write `not x`"
                                } else {
                                    "only numbers, Money, Rates and Durations have a sign"
                                }),
                        );
                        error_expr(span)
                    }
                }
            }
            ast::ExprKind::Not(inner) => {
                let i = self.expr(inner, Some(&Type::Bool));
                if !assignable(&Type::Bool, &i.ty) {
                    let n = self.type_name(&i.ty);
                    self.error(
                        Diagnostic::error(
                            Code::BadLogic,
                            format!("`not` needs a condition, found {n}"),
                        )
                        .primary(i.span, format!("this is {n}"))
                        .help("`not` applies to true/false conditions"),
                    );
                    return error_expr(span);
                }
                mk(ExprKind::Not(Box::new(i)), Type::Bool, span)
            }
            ast::ExprKind::Binary(op, l, r) => self.binary(*op, l, r, span, hint),
            ast::ExprKind::If(c, t, f) => {
                let c = self.expr(c, Some(&Type::Bool));
                self.expect_bool(&c, "`if`");
                let t = self.expr(t, hint);
                let f = self.expr(f, hint.or(Some(&t.ty)));
                let ty = match join(&t.ty, &f.ty) {
                    Some(ty) => ty,
                    None => {
                        let (a, b) = (self.type_name(&t.ty), self.type_name(&f.ty));
                        self.error(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                format!("the branches of this `if` differ: {a} and {b}"),
                            )
                            .primary(f.span, format!("this is {b}"))
                            .secondary(t.span, format!("this is {a}"))
                            .help("both branches must give the same kind of value"),
                        );
                        Type::Error
                    }
                };
                mk(
                    ExprKind::If(Box::new(c), Box::new(t), Box::new(f)),
                    ty,
                    span,
                )
            }
            ast::ExprKind::Match(scrutinee, arms) => {
                let s = self.expr(scrutinee, None);
                let sty = s.ty.strip().clone();
                let head = Span {
                    end: s.span.end,
                    ..span
                };
                let arms = self.arms(arms, &sty, hint, head, "match");
                let mut ty: Option<Type> = None;
                for a in &arms {
                    ty = match ty {
                        None => Some(a.body.ty.clone()),
                        Some(t) => match join(&t, &a.body.ty) {
                            Some(j) => Some(j),
                            None => {
                                let (x, y) = (self.type_name(&t), self.type_name(&a.body.ty));
                                self.error(
                                    Diagnostic::error(
                                        Code::TypeMismatch,
                                        format!("the arms of this `match` differ: {x} and {y}"),
                                    )
                                    .primary(a.body.span, format!("this is {y}"))
                                    .help("every arm must give the same kind of value"),
                                );
                                Some(Type::Error)
                            }
                        },
                    };
                }
                mk(
                    ExprKind::Match(Box::new(s), arms),
                    ty.unwrap_or(Type::Error),
                    span,
                )
            }
            ast::ExprKind::List(items) => {
                let elem_hint = match hint.map(|h| h.strip()) {
                    Some(Type::List(t)) => Some((**t).clone()),
                    _ => None,
                };
                let mut out = Vec::new();
                let mut ty: Option<Type> = elem_hint.clone();
                for it in items {
                    let x = self.expr(it, ty.as_ref());
                    ty = match &ty {
                        None => Some(x.ty.clone()),
                        Some(t) => match join(t, &x.ty) {
                            Some(j) => Some(j),
                            None => {
                                let (a, b) = (self.type_name(t), self.type_name(&x.ty));
                                self.error(
                                    Diagnostic::error(
                                        Code::TypeMismatch,
                                        format!("list items differ: {a} and {b}"),
                                    )
                                    .primary(x.span, format!("this is {b}"))
                                    .help("all items of a list have one type"),
                                );
                                Some(Type::Error)
                            }
                        },
                    };
                    out.push(x);
                }
                let t = ty.unwrap_or(Type::Error);
                mk(ExprKind::List(out), Type::List(Box::new(t)), span)
            }
            ast::ExprKind::Record(fields) => self.record_lit(fields, hint, span),
            ast::ExprKind::Call(path, args) => self.call(path, args, span, hint),
            ast::ExprKind::Comprehension(path, comp) => self.comprehension(path, comp, span),
        }
    }

    fn path_expr(&mut self, p: &ast::Path, hint: Option<&Type>) -> Expr {
        let span = p.span;
        if p.segments.len() == 1 {
            let name = p.segments.first().map(|s| s.name.as_str()).unwrap_or("");
            if let Some(slot) = self.locals.iter().rposition(|(n, _)| n == name) {
                let ty = self
                    .locals
                    .get(slot)
                    .map(|(_, t)| t.clone())
                    .unwrap_or(Type::Error);
                return mk(ExprKind::Local(slot as u32), ty, span);
            }
            if let Some((item, _)) = self.unit().scope.get(name).copied() {
                return self.item_expr(item, name, span);
            }
            if let Some(vs) = self.unit().variants.get(name).cloned() {
                return self.variant_expr(name, &vs, hint, span);
            }
            // Where an enum is expected, its variants need no import.
            if let Some(Type::Enum(e)) = hint.map(|h| h.strip()) {
                let e = *e;
                let v = self
                    .prog
                    .enums
                    .get(e as usize)
                    .and_then(|en| en.variants.iter().position(|v| v.name == name));
                if let Some(v) = v {
                    return mk(ExprKind::Lit(Value::Enum(e, v as u32)), Type::Enum(e), span);
                }
            }
            return self.unknown_name(name, span, hint);
        }
        // Qualified: Enum::Variant, module::item, module::Enum::Variant.
        let (last, init) = match p.segments.split_last() {
            Some(x) => x,
            None => return error_expr(span),
        };
        let prefix = ast::Path {
            segments: init.to_vec(),
            span,
        };
        match self.lookup_path(&prefix) {
            Some(Item::Enum(e)) => {
                let idx = self
                    .prog
                    .enums
                    .get(e as usize)
                    .and_then(|en| en.variants.iter().position(|v| v.name == last.name));
                match idx {
                    Some(v) => mk(ExprKind::Lit(Value::Enum(e, v as u32)), Type::Enum(e), span),
                    None => {
                        self.unknown_variant(e, &last.name, last.span);
                        error_expr(span)
                    }
                }
            }
            Some(Item::Module(_)) => match self.lookup_path(p) {
                Some(item) => self.item_expr(item, &last.name, span),
                None => {
                    self.error(
                        Diagnostic::error(
                            Code::UnknownName,
                            format!("`{}` has no item `{}`", prefix.text(), last.name),
                        )
                        .primary(last.span, "not in the module"),
                    );
                    error_expr(span)
                }
            },
            _ => {
                let first = p
                    .segments
                    .first()
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                self.unknown_name(&first, prefix.span, None)
            }
        }
    }

    fn unknown_variant(&mut self, e: EnumId, name: &str, span: Span) {
        let (ename, names): (String, Vec<String>) = self
            .prog
            .enums
            .get(e as usize)
            .map(|en| {
                (
                    en.name.clone(),
                    en.variants.iter().map(|v| v.name.clone()).collect(),
                )
            })
            .unwrap_or_default();
        let mut d = Diagnostic::error(
            Code::UnknownVariant,
            format!("`{ename}` has no variant `{name}`"),
        )
        .primary(span, "unknown variant");
        d = match suggest(name, names.iter().map(|s| s.as_str())) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!(
                "the variants of `{ename}` are: {}",
                names.join(", ")
            )),
        };
        self.error(d);
    }

    fn variant_expr(
        &mut self,
        name: &str,
        vs: &[(EnumId, u32)],
        hint: Option<&Type>,
        span: Span,
    ) -> Expr {
        if let Some(Type::Enum(h)) = hint.map(|h| h.strip()) {
            if let Some((e, v)) = vs.iter().find(|(e, _)| e == h) {
                return mk(ExprKind::Lit(Value::Enum(*e, *v)), Type::Enum(*e), span);
            }
        }
        match vs {
            [(e, v)] => mk(ExprKind::Lit(Value::Enum(*e, *v)), Type::Enum(*e), span),
            _ => {
                let owners: Vec<String> = vs
                    .iter()
                    .filter_map(|(e, _)| {
                        self.prog
                            .enums
                            .get(*e as usize)
                            .map(|en| format!("`{}::{name}`", en.name))
                    })
                    .collect();
                self.error(
                    Diagnostic::error(
                        Code::AmbiguousVariant,
                        format!("`{name}` is a variant of several enums"),
                    )
                    .primary(span, "which one?")
                    .help(format!("qualify it: {}", owners.join(" or "))),
                );
                error_expr(span)
            }
        }
    }

    fn unknown_name(&mut self, name: &str, span: Span, hint: Option<&Type>) -> Expr {
        if let Some(Type::Enum(e)) = hint.map(|h| h.strip()) {
            let e = *e;
            let looks_like_variant = name.chars().next().is_some_and(|c| !c.is_ascii_lowercase());
            if looks_like_variant {
                self.unknown_variant(e, name, span);
                return error_expr(span);
            }
        }
        let mut candidates: Vec<String> = self.locals.iter().map(|(n, _)| n.clone()).collect();
        candidates.extend(self.unit().scope.keys().cloned());
        candidates.extend(self.unit().variants.keys().cloned());
        let mut d = Diagnostic::error(Code::UnknownName, format!("unknown name `{name}`"))
            .primary(span, "not declared");
        let suggestion =
            suggest(name, candidates.iter().map(|s| s.as_str())).map(|s| s.to_string());
        d = match &suggestion {
            Some(s) => {
                // The drafter meant that name: do not also call it unused.
                if let Some((item, _)) = self.unit().scope.get(s).copied() {
                    self.used.insert(item);
                }
                d.help(format!("did you mean `{s}`?"))
            }
            None => {
                d.help("declare it in the `input` block or with `let`, or import it with `use`")
            }
        };
        self.error(d);
        error_expr(span)
    }

    fn item_expr(&mut self, item: Item, name: &str, span: Span) -> Expr {
        if !self.in_case {
            self.used.insert(item);
        }
        match item {
            Item::Input(i) => {
                if self.in_case {
                    return self.case_reference(name, span);
                }
                if let Some(r) = self.reads.as_mut() {
                    r.push(Ref::Input(i));
                }
                let ty = self
                    .prog
                    .inputs
                    .get(i as usize)
                    .map(|x| x.ty.clone())
                    .unwrap_or(Type::Error);
                mk(ExprKind::Input(i), ty, span)
            }
            Item::Global(g) => {
                if self.in_case {
                    return self.case_reference(name, span);
                }
                if let Some(r) = self.reads.as_mut() {
                    r.push(Ref::Global(g));
                }
                self.add_dep(Node::Global(g), span);
                let ty = self.ensure_global(g);
                mk(ExprKind::Global(g), ty, span)
            }
            Item::Series(_) => {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!("`{name}` is a series of dated values, not a value"),
                    )
                    .primary(span, "which date?")
                    .help(format!(
                        "look up the value in force at a date: `{name}(loan.disbursed_on)`"
                    )),
                );
                error_expr(span)
            }
            Item::Fn(_) | Item::Table(_) => {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!("`{name}` is a function, not a value"),
                    )
                    .primary(span, "call it with its argument")
                    .help(format!("write `{name}(...)`")),
                );
                error_expr(span)
            }
            Item::Enum(_) | Item::Record(_) => {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!("`{name}` is a type, not a value"),
                    )
                    .primary(span, "a type")
                    .help(format!("for a variant write `{name}::Variant`")),
                );
                error_expr(span)
            }
            Item::Module(_) => {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!("`{name}` is a module, not a value"),
                    )
                    .primary(span, "a module")
                    .help(format!("name an item of it: `{name}::item`")),
                );
                error_expr(span)
            }
        }
    }

    fn case_reference(&mut self, name: &str, span: Span) -> Expr {
        self.error(
            Diagnostic::error(
                Code::CaseInput,
                format!("a case value cannot refer to `{name}`"),
            )
            .primary(span, "not a constant")
            .help("case values are constants: write the value itself"),
        );
        error_expr(span)
    }

    fn field(&mut self, base: Expr, field: &ast::Ident, span: Span) -> Expr {
        match base.ty.strip().clone() {
            Type::Error => error_expr(span),
            Type::Record(r) => {
                let (rname, fields) = match self.prog.records.get(r as usize) {
                    Some(rec) => (rec.name.clone(), rec.fields.clone()),
                    None => return error_expr(span),
                };
                match fields.iter().position(|f| f.name == field.name) {
                    Some(i) => {
                        // Reading `input.field`: the report shows that field, not the record.
                        if let (ExprKind::Input(inp), Some(reads)) =
                            (&base.kind, self.reads.as_mut())
                        {
                            if let Some(pos) = reads.iter().rposition(|r| *r == Ref::Input(*inp)) {
                                reads.remove(pos);
                            }
                            reads.push(Ref::Field(*inp, i as u32));
                        }
                        let ty = fields.get(i).map(|f| f.ty.clone()).unwrap_or(Type::Error);
                        mk(ExprKind::Field(Box::new(base), i as u32), ty, span)
                    }
                    None => {
                        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                        let mut d = Diagnostic::error(
                            Code::UnknownField,
                            format!("`{rname}` has no field `{}`", field.name),
                        )
                        .primary(field.span, "unknown field");
                        d = match suggest(&field.name, names.iter().copied()) {
                            Some(s) => d.help(format!("did you mean `{s}`?")),
                            None => {
                                d.help(format!("the fields of `{rname}` are: {}", names.join(", ")))
                            }
                        };
                        self.error(d);
                        error_expr(span)
                    }
                }
            }
            other => {
                let n = self.type_name(&other);
                self.error(
                    Diagnostic::error(Code::NoField, format!("{n} has no fields"))
                        .primary(base.span, format!("this is {n}, not a record"))
                        .help("`.field` reads a field of a record input, e.g. `loan.amount` for an input declared `loan: Loan`"),
                );
                error_expr(span)
            }
        }
    }

    fn record_lit(
        &mut self,
        fields: &[(ast::Ident, ast::Expr)],
        hint: Option<&Type>,
        span: Span,
    ) -> Expr {
        let Some(Type::Record(r)) = hint.map(|h| h.strip().clone()) else {
            for (_, v) in fields {
                self.expr(v, None);
            }
            if hint.is_some_and(|h| *h != Type::Error) {
                let n = hint.map(|h| self.type_name(h)).unwrap_or_default();
                self.error(
                    Diagnostic::error(Code::TypeMismatch, format!("expected {n}, found a record"))
                        .primary(span, "a record value"),
                );
            } else if hint.is_none() {
                self.error(
                    Diagnostic::error(Code::TypeMismatch, "the type of this record cannot be known here")
                        .primary(span, "record value")
                        .help("record values are written where a record type is expected (an input's value, a list of loans)"),
                );
            }
            return error_expr(span);
        };
        let Some(rec) = self.prog.records.get(r as usize).cloned() else {
            return error_expr(span);
        };
        let mut values: Vec<Option<Expr>> = vec![None; rec.fields.len()];
        for (name, v) in fields {
            match rec.fields.iter().position(|f| f.name == name.name) {
                Some(i) => {
                    let fty = rec
                        .fields
                        .get(i)
                        .map(|f| f.ty.clone())
                        .unwrap_or(Type::Error);
                    let e = self.expr(v, Some(&fty));
                    self.expect_type(&e, &fty, "the field's type");
                    if let Some(slot) = values.get_mut(i) {
                        *slot = Some(e);
                    }
                }
                None => {
                    let names: Vec<&str> = rec.fields.iter().map(|f| f.name.as_str()).collect();
                    let mut d = Diagnostic::error(
                        Code::UnknownField,
                        format!("`{}` has no field `{}`", rec.name, name.name),
                    )
                    .primary(name.span, "unknown field");
                    if let Some(s) = suggest(&name.name, names) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    self.error(d);
                }
            }
        }
        let mut out = Vec::new();
        for (i, v) in values.into_iter().enumerate() {
            match v {
                Some(e) => out.push(e),
                None => {
                    let f = rec.fields.get(i);
                    let optional = f.is_some_and(|f| matches!(f.ty, Type::Optional(_)));
                    if optional {
                        out.push(mk(
                            ExprKind::Lit(Value::Absent),
                            f.map(|f| f.ty.clone()).unwrap_or(Type::Error),
                            span,
                        ));
                    } else {
                        let fname = f.map(|f| f.name.clone()).unwrap_or_default();
                        self.error(
                            Diagnostic::error(
                                Code::UnknownField,
                                format!("missing field `{fname}` of `{}`", rec.name),
                            )
                            .primary(span, "this record")
                            .help(format!("add `{fname}: ...`")),
                        );
                        out.push(error_expr(span));
                    }
                }
            }
        }
        mk(ExprKind::Record(out), Type::Record(r), span)
    }

    fn binary(
        &mut self,
        op: BinOp,
        l: &ast::Expr,
        r: &ast::Expr,
        span: Span,
        hint: Option<&Type>,
    ) -> Expr {
        match op {
            BinOp::And | BinOp::Or => {
                let a = self.expr(l, Some(&Type::Bool));
                let b = self.expr(r, Some(&Type::Bool));
                for x in [&a, &b] {
                    if !assignable(&Type::Bool, &x.ty) {
                        let n = self.type_name(&x.ty);
                        self.error(
                            Diagnostic::error(
                                Code::BadLogic,
                                format!("`{}` needs conditions, found {n}", op.symbol()),
                            )
                            .primary(x.span, format!("this is {n}"))
                            .help("`and` and `or` combine true/false conditions"),
                        );
                    }
                }
                mk(
                    ExprKind::Binary(op, Box::new(a), Box::new(b)),
                    Type::Bool,
                    span,
                )
            }
            BinOp::Coalesce => {
                let a = self.expr(l, hint);
                let inner = match &a.ty {
                    Type::Optional(t) => (**t).clone(),
                    Type::Error => Type::Error,
                    other => {
                        let n = self.type_name(other);
                        self.error(
                            Diagnostic::error(
                                Code::NotOptional,
                                format!("`??` needs an optional value, found {n}"),
                            )
                            .primary(a.span, "always has a value")
                            .help("remove `?? ...`: the fallback would never be used"),
                        );
                        other.clone()
                    }
                };
                let b = self.expr(r, Some(&inner));
                self.expect_type(&b, &inner, "the fallback");
                mk(ExprKind::Binary(op, Box::new(a), Box::new(b)), inner, span)
            }
            _ if op.is_comparison() => {
                let a = self.expr(l, None);
                let b = self.expr(r, Some(a.ty.strip()));
                // A bare variant on the left resolves against the right.
                let (lt, rt) = (a.ty.strip().clone(), b.ty.strip().clone());
                let names = (self.type_name(&lt), self.type_name(&rt));
                if let Err(e) = ops::compare(op, &lt, &rt, (&names.0, &names.1)) {
                    let unit = match (&lt, &rt) {
                        (Type::Money, _) | (_, Type::Money) => Some("万元"),
                        (Type::Rate, _) | (_, Type::Rate) => Some("%"),
                        (Type::Duration, _) | (_, Type::Duration) => Some(" years"),
                        _ => None,
                    };
                    let mut bare = Vec::new();
                    bare_numbers(&a, &mut bare, 0);
                    bare_numbers(&b, &mut bare, 0);
                    let help = match (e.code, bare.as_slice(), unit) {
                        (Code::BareNumber, [(n, _)], Some(u)) => {
                            format!("write the figure with its unit: `{n}{u}`")
                        }
                        (Code::BareNumber, [_, ..], Some(u)) => format!(
                            "write each figure with its unit: {}",
                            bare.iter()
                                .map(|(n, _)| format!("`{n}{u}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        _ => e.help,
                    };
                    let mut d = Diagnostic::error(e.code, e.label.clone())
                        .primary(span, format!("{} {} {}", names.0, op.symbol(), names.1))
                        .help(help);
                    if bare.len() > 1
                        || bare
                            .first()
                            .is_some_and(|(_, s)| *s != a.span && *s != b.span)
                    {
                        for (_, s) in &bare {
                            d = d.secondary(*s, "no unit");
                        }
                    }
                    self.error(d);
                }
                mk(
                    ExprKind::Binary(op, Box::new(a), Box::new(b)),
                    Type::Bool,
                    span,
                )
            }
            _ => {
                let a = self.expr(l, None);
                let b = self.expr(r, None);
                let (lt, rt) = (a.ty.strip().clone(), b.ty.strip().clone());
                let names = (self.type_name(&lt), self.type_name(&rt));
                match ops::arith(op, &lt, &rt, (&names.0, &names.1)) {
                    Ok(t) => mk(ExprKind::Binary(op, Box::new(a), Box::new(b)), t, span),
                    Err(e) => {
                        self.error(
                            Diagnostic::error(e.code, e.label.clone())
                                .primary(span, format!("{} {} {}", names.0, op.symbol(), names.1))
                                .help(e.help),
                        );
                        error_expr(span)
                    }
                }
            }
        }
    }

    fn call(
        &mut self,
        path: &ast::Path,
        args: &[ast::Arg],
        span: Span,
        hint: Option<&Type>,
    ) -> Expr {
        let name = path.text();
        let item = self.lookup_path(path);
        if let Some(item) = item {
            if !self.in_case {
                self.used.insert(item);
            }
        }
        match item {
            Some(Item::Fn(f)) => {
                self.add_dep(Node::Fn(f), span);
                let Some(def) = self.prog.fns.get(f as usize).cloned() else {
                    return error_expr(span);
                };
                if args.len() != def.params.len() {
                    self.check_args_loosely(args);
                    let sig = def
                        .params
                        .iter()
                        .map(|(p, t)| format!("{p}: {}", self.type_name(t)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.arg_count(&name, def.params.len(), args.len(), span);
                    if let Some(d) = self.diags.last_mut() {
                        d.help = Some(format!("`{name}` is declared as `{name}({sig})`"));
                    }
                    return error_expr(span);
                }
                let mut out: Vec<Option<Expr>> = vec![None; def.params.len()];
                for (i, a) in args.iter().enumerate() {
                    let idx = match &a.name {
                        Some(n) => match def.params.iter().position(|(p, _)| *p == n.name) {
                            Some(k) => k,
                            None => {
                                self.error(
                                    Diagnostic::error(
                                        Code::ArgCount,
                                        format!("`{name}` has no parameter `{}`", n.name),
                                    )
                                    .primary(n.span, "unknown parameter")
                                    .help(format!(
                                        "its parameters are: {}",
                                        def.params
                                            .iter()
                                            .map(|(p, _)| p.as_str())
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )),
                                );
                                return error_expr(span);
                            }
                        },
                        None => i,
                    };
                    let pty = def
                        .params
                        .get(idx)
                        .map(|(_, t)| t.clone())
                        .unwrap_or(Type::Error);
                    let e = self.expr(&a.value, Some(&pty));
                    self.expect_type(&e, &pty, "the parameter's type");
                    if let Some(slot) = out.get_mut(idx) {
                        *slot = Some(e);
                    }
                }
                let args: Vec<Expr> = out
                    .into_iter()
                    .map(|e| e.unwrap_or_else(|| error_expr(span)))
                    .collect();
                mk(ExprKind::Call(f, args), def.ret.clone(), span)
            }
            Some(Item::Series(sid)) => {
                let Some(def) = self.prog.series.get(sid as usize).cloned() else {
                    return error_expr(span);
                };
                let arg = match args {
                    [a] if a.name.as_ref().is_none_or(|n| n.name == "at") => a,
                    _ => {
                        self.check_args_loosely(args);
                        self.arg_count(&name, 1, args.len(), span);
                        if let Some(d) = self.diags.last_mut() {
                            d.help = Some(format!("a series takes the date to look up: `{name}(date)` or `{name}(at: date)`"));
                        }
                        return error_expr(span);
                    }
                };
                let e = self.expr(&arg.value, Some(&Type::Date));
                self.expect_type(&e, &Type::Date, "the date to look up");
                if let Some(Value::Date(d)) = crate::eval::constant(&self.prog, &e) {
                    if def.at(d).is_none() {
                        let first = def
                            .entries
                            .first()
                            .map(|(f, _)| f.to_string())
                            .unwrap_or_default();
                        let what = def.label.clone().unwrap_or_else(|| def.name.clone());
                        self.error(
                            Diagnostic::error(
                                Code::SeriesBefore,
                                format!("{what} has no value on {d}"),
                            )
                            .primary(e.span, format!("before the first value ({first})"))
                            .secondary(def.span, "the first value of the series")
                            .help(format!(
                                "the series starts on {first}: use a date on or after it"
                            )),
                        );
                    }
                }
                mk(ExprKind::Series(sid, Box::new(e)), def.ty.clone(), span)
            }
            Some(Item::Table(t)) => {
                self.add_dep(Node::Table(t), span);
                let Some(def) = self.prog.tables.get(t as usize).cloned() else {
                    return error_expr(span);
                };
                if args.len() != 1 {
                    self.check_args_loosely(args);
                    self.arg_count(&name, 1, args.len(), span);
                    if let Some(d) = self.diags.last_mut() {
                        d.help = Some(format!("a table takes one key: `{name}(key)`"));
                    }
                    return error_expr(span);
                }
                let Some(a) = args.first() else {
                    return error_expr(span);
                };
                let e = self.expr(&a.value, Some(&def.key));
                self.expect_type(&e, &def.key, "the table's key type");
                mk(ExprKind::Table(t, Box::new(e)), def.value.clone(), span)
            }
            Some(_) => {
                self.check_args_loosely(args);
                self.error(
                    Diagnostic::error(Code::NotCallable, format!("`{name}` is not a function"))
                        .primary(path.span, "cannot be called")
                        .help("only functions, tables and built-ins take `(...)`"),
                );
                error_expr(span)
            }
            None if path.segments.len() == 1 && BUILTINS.contains(&name.as_str()) => {
                self.builtin(&name, args, span, hint)
            }
            None => {
                let mut candidates: Vec<String> = BUILTINS.iter().map(|s| s.to_string()).collect();
                candidates.extend(
                    self.unit()
                        .scope
                        .iter()
                        .filter(|(_, (i, _))| matches!(i, Item::Fn(_) | Item::Table(_)))
                        .map(|(k, _)| k.clone()),
                );
                let mut d =
                    Diagnostic::error(Code::UnknownName, format!("unknown function `{name}`"))
                        .primary(path.span, "not declared");
                d = match suggest(&name, candidates.iter().map(|s| s.as_str())) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "declare it with `fn` or `table`, or import it with `use`; the built-ins are {}",
                        BUILTINS.join(", ")
                    )),
                };
                self.error(d);
                self.check_args_loosely(args);
                error_expr(span)
            }
        }
    }

    /// `interest(principal, rate, from, to, basis: 360)`: exact simple interest
    /// over the actual days, with the day-count basis a visible constant.
    fn interest(&mut self, args: &[ast::Arg], span: Span) -> Expr {
        const PARAMS: [&str; 5] = ["principal", "rate", "from", "to", "basis"];
        let mut slots: Vec<Option<&ast::Arg>> = vec![None; 5];
        for (i, a) in args.iter().enumerate() {
            let idx = match &a.name {
                Some(n) => match PARAMS.iter().position(|p| *p == n.name) {
                    Some(k) => k,
                    None => {
                        self.error(
                            Diagnostic::error(
                                Code::ArgCount,
                                format!("`interest` has no parameter `{}`", n.name),
                            )
                            .primary(n.span, "unknown parameter")
                            .help("interest(principal, rate, from, to, basis: 360)"),
                        );
                        return error_expr(span);
                    }
                },
                None => i,
            };
            match slots.get_mut(idx) {
                Some(slot) => *slot = Some(a),
                None => {
                    self.check_args_loosely(args);
                    self.arg_count("interest", 4, args.len(), span);
                    return error_expr(span);
                }
            }
        }
        if slots.iter().take(4).any(|s| s.is_none()) {
            self.check_args_loosely(args);
            self.error(
                Diagnostic::error(Code::ArgCount, "`interest` needs a principal, a rate and a period")
                    .primary(span, "missing arguments")
                    .help("interest(loan.amount, 2%, loan.disbursed_on, loan.repaid_on), with `basis: 365` for actual/365"),
            );
            return error_expr(span);
        }
        let types = [Type::Money, Type::Rate, Type::Date, Type::Date];
        let mut checked = Vec::new();
        for (slot, ty) in slots.iter().zip(types.iter()) {
            if let Some(a) = slot {
                let e = self.expr(&a.value, Some(ty));
                self.expect_type(&e, ty, "this argument of `interest`");
                checked.push(e);
            }
        }
        let mut basis = 360u32;
        if let Some(Some(a)) = slots.get(4) {
            let e = self.expr(&a.value, Some(&Type::Int));
            match crate::eval::constant(&self.prog, &e) {
                Some(Value::Int(360)) => basis = 360,
                Some(Value::Int(365)) => basis = 365,
                _ => self.error(
                    Diagnostic::error(Code::TypeMismatch, "the day-count basis is 360 or 365")
                        .primary(e.span, "not 360 or 365")
                        .help("`basis: 360` (actual/360, the default: 日利率 = 年利率 ÷ 360) or `basis: 365`"),
                ),
            }
        }
        mk(
            ExprKind::Builtin(Builtin::Interest { basis }, checked),
            Type::Money,
            span,
        )
    }

    /// Check arguments of a call that is already wrong, so errors inside them
    /// are still reported and the names they use count as used.
    fn check_args_loosely(&mut self, args: &[ast::Arg]) {
        for a in args {
            self.expr(&a.value, None);
        }
    }

    fn arg_count(&mut self, name: &str, want: usize, got: usize, span: Span) {
        self.error(
            Diagnostic::error(
                Code::ArgCount,
                format!(
                    "`{name}` takes {want} argument{}, but {got} {} given",
                    plural(want),
                    if got == 1 { "was" } else { "were" }
                ),
            )
            .primary(span, "this call"),
        );
    }

    fn builtin(&mut self, name: &str, args: &[ast::Arg], span: Span, hint: Option<&Type>) -> Expr {
        let list_form = matches!(name, "sum" | "count" | "any" | "all")
            || (matches!(name, "min" | "max") && args.len() == 1);
        if list_form {
            let Some(a) = args.first().filter(|_| args.len() == 1) else {
                self.arg_count(name, 1, args.len(), span);
                return error_expr(span);
            };
            let list = self.expr(&a.value, None);
            let slot = self.locals.len() as u32;
            let elem = match list.ty.strip() {
                Type::List(t) => (**t).clone(),
                Type::Error => Type::Error,
                other => {
                    let n = self.type_name(other);
                    self.error(
                        Diagnostic::error(
                            Code::BadAggregate,
                            format!("`{name}` needs a list, found {n}"),
                        )
                        .primary(list.span, format!("this is {n}"))
                        .help(format!(
                            "pass a list, or a comprehension: `{name}(for x in items => x.amount)`"
                        )),
                    );
                    return error_expr(span);
                }
            };
            return self.aggregate(name, list, slot, None, None, elem, span);
        }
        if name == "interest" {
            return self.interest(args, span);
        }
        let checked: Vec<Expr> = args.iter().map(|a| self.expr(&a.value, hint)).collect();
        let one = |c: &mut Self, want: usize| -> bool {
            if checked.len() != want {
                c.arg_count(name, want, checked.len(), span);
                false
            } else {
                true
            }
        };
        match name {
            "min" | "max" if checked.is_empty() => {
                self.error(
                    Diagnostic::error(
                        Code::ArgCount,
                        format!("`{name}` needs at least one argument"),
                    )
                    .primary(span, "nothing to compare")
                    .help(format!("write `{name}(a, b)` or `{name}(list)`")),
                );
                error_expr(span)
            }
            "min" | "max" => {
                let mut ty: Option<Type> = None;
                for e in &checked {
                    let t = e.ty.strip().clone();
                    let ok = matches!(
                        t,
                        Type::Money
                            | Type::Rate
                            | Type::Int
                            | Type::Decimal
                            | Type::Date
                            | Type::Duration
                            | Type::Error
                    );
                    if !ok {
                        let n = self.type_name(&t);
                        self.error(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                format!(
                                    "`{name}` compares amounts, rates, numbers or dates, found {n}"
                                ),
                            )
                            .primary(e.span, format!("this is {n}")),
                        );
                        return error_expr(span);
                    }
                    ty = match ty {
                        None => Some(t),
                        Some(prev) => match join(&prev, &t) {
                            Some(j) => Some(j),
                            None => {
                                let (a, b) = (self.type_name(&prev), self.type_name(&t));
                                let code = if (prev == Type::Money && t.is_numeric())
                                    || (t == Type::Money && prev.is_numeric())
                                {
                                    Code::BareNumber
                                } else {
                                    Code::TypeMismatch
                                };
                                self.error(
                                    Diagnostic::error(code, format!("`{name}` of {a} and {b}"))
                                        .primary(e.span, format!("this is {b}"))
                                        .help("all arguments must be of one kind: give amounts their unit, e.g. `min(x, 1000万元)`"),
                                );
                                return error_expr(span);
                            }
                        },
                    };
                }
                let b = if name == "min" {
                    Builtin::Min
                } else {
                    Builtin::Max
                };
                mk(
                    ExprKind::Builtin(b, checked),
                    ty.unwrap_or(Type::Error),
                    span,
                )
            }
            "abs" => {
                if !one(self, 1) {
                    return error_expr(span);
                }
                let t = checked
                    .first()
                    .map(|e| e.ty.strip().clone())
                    .unwrap_or(Type::Error);
                mk(ExprKind::Builtin(Builtin::Abs, checked), t, span)
            }
            "present" => {
                if !one(self, 1) {
                    return error_expr(span);
                }
                if let Some(e) = checked.first() {
                    if !matches!(e.ty, Type::Optional(_) | Type::Error) {
                        let n = self.type_name(&e.ty);
                        self.error(
                            Diagnostic::error(
                                Code::NotOptional,
                                format!("`present` needs an optional value, found {n}"),
                            )
                            .primary(e.span, "always present")
                            .help("`present(x)` tests an optional input (declared `T?`)"),
                        );
                    }
                }
                mk(
                    ExprKind::Builtin(Builtin::Present, checked),
                    Type::Bool,
                    span,
                )
            }
            "year" | "month" | "day" => {
                if !one(self, 1) {
                    return error_expr(span);
                }
                if let Some(e) = checked.first() {
                    if !assignable(&Type::Date, &e.ty) {
                        self.expect_type(e, &Type::Date, "the argument");
                    }
                }
                let b = match name {
                    "year" => Builtin::Year,
                    "month" => Builtin::Month,
                    _ => Builtin::Day,
                };
                mk(ExprKind::Builtin(b, checked), Type::Int, span)
            }
            "days" => {
                if !one(self, 1) {
                    return error_expr(span);
                }
                if let Some(e) = checked.first() {
                    self.expect_type(e, &Type::Duration, "the argument");
                }
                mk(ExprKind::Builtin(Builtin::Days, checked), Type::Int, span)
            }
            _ => error_expr(span),
        }
    }

    fn comprehension(&mut self, path: &ast::Path, comp: &ast::Comprehension, span: Span) -> Expr {
        let name = path.text();
        if !matches!(
            name.as_str(),
            "sum" | "count" | "any" | "all" | "min" | "max"
        ) {
            self.error(
                Diagnostic::error(
                    Code::BadAggregate,
                    format!("`{name}` does not take `for ... in ...`"),
                )
                .primary(path.span, "not a list operation")
                .help("comprehensions work with sum, count, any, all, min and max"),
            );
            return error_expr(span);
        }
        let list = self.expr(&comp.list, None);
        let elem = match list.ty.strip() {
            Type::List(t) => (**t).clone(),
            Type::Error => Type::Error,
            other => {
                let n = self.type_name(other);
                self.error(
                    Diagnostic::error(
                        Code::BadAggregate,
                        format!("`for ... in` needs a list, found {n}"),
                    )
                    .primary(list.span, format!("this is {n}")),
                );
                return error_expr(span);
            }
        };
        let slot = self.locals.len() as u32;
        self.locals.push((comp.var.name.clone(), elem.clone()));
        let filter = comp.filter.as_ref().map(|f| {
            let e = self.expr(f, Some(&Type::Bool));
            self.expect_bool(&e, "`where`");
            e
        });
        let map = comp.map.as_ref().map(|m| self.expr(m, None));
        self.locals.truncate(slot as usize);
        self.aggregate(&name, list, slot, filter, map, elem, span)
    }

    #[allow(clippy::too_many_arguments)]
    fn aggregate(
        &mut self,
        name: &str,
        list: Expr,
        slot: u32,
        filter: Option<Expr>,
        map: Option<Expr>,
        elem: Type,
        span: Span,
    ) -> Expr {
        let item_ty = map
            .as_ref()
            .map(|m| m.ty.strip().clone())
            .unwrap_or_else(|| elem.strip().clone());
        let item_span = map.as_ref().map(|m| m.span).unwrap_or(list.span);
        let (kind, ty) = match name {
            "sum" => {
                if !matches!(
                    item_ty,
                    Type::Money | Type::Rate | Type::Int | Type::Decimal | Type::Error
                ) {
                    let n = self.type_name(&item_ty);
                    self.error(
                        Diagnostic::error(
                            Code::BadAggregate,
                            format!("`sum` adds amounts, rates or numbers, found {n}"),
                        )
                        .primary(item_span, format!("these are {n}"))
                        .help("pick the field to add: `sum(for l in loans => l.amount)`"),
                    );
                    return error_expr(span);
                }
                (Aggregate::Sum, item_ty)
            }
            "count" => (Aggregate::Count, Type::Int),
            "any" | "all" => {
                if !assignable(&Type::Bool, &item_ty) {
                    let n = self.type_name(&item_ty);
                    self.error(
                        Diagnostic::error(
                            Code::BadAggregate,
                            format!("`{name}` needs conditions, found {n}"),
                        )
                        .primary(item_span, format!("these are {n}"))
                        .help(format!(
                            "write a condition: `{name}(for l in loans => l.amount > 0元)`"
                        )),
                    );
                    return error_expr(span);
                }
                (
                    if name == "any" {
                        Aggregate::Any
                    } else {
                        Aggregate::All
                    },
                    Type::Bool,
                )
            }
            _ => {
                if !matches!(
                    item_ty,
                    Type::Money
                        | Type::Rate
                        | Type::Int
                        | Type::Decimal
                        | Type::Date
                        | Type::Duration
                        | Type::Error
                ) {
                    let n = self.type_name(&item_ty);
                    self.error(
                        Diagnostic::error(
                            Code::BadAggregate,
                            format!("`{name}` needs amounts, rates, numbers or dates, found {n}"),
                        )
                        .primary(item_span, format!("these are {n}")),
                    );
                    return error_expr(span);
                }
                (
                    if name == "min" {
                        Aggregate::Min
                    } else {
                        Aggregate::Max
                    },
                    item_ty,
                )
            }
        };
        mk(
            ExprKind::Aggregate {
                kind,
                list: Box::new(list),
                slot,
                filter: filter.map(Box::new),
                map: map.map(Box::new),
            },
            ty,
            span,
        )
    }

    /// Check match or table arms against the scrutinee type, including
    /// exhaustiveness and unreachable arms.
    pub(super) fn arms(
        &mut self,
        arms: &[ast::Arm],
        sty: &Type,
        hint: Option<&Type>,
        whole: Span,
        what: &str,
    ) -> Vec<Arm> {
        let mut out = Vec::new();
        let mut covered: Vec<Value> = Vec::new();
        let mut wildcard: Option<Span> = None;
        let variants = match sty {
            Type::Enum(e) => self
                .prog
                .enums
                .get(*e as usize)
                .map(|en| en.variants.len())
                .unwrap_or(0),
            Type::Bool => 2,
            _ => 0,
        };
        for arm in arms {
            let mut pats = Vec::new();
            for p in &arm.patterns {
                let pspan = p.span();
                if let Some(w) = wildcard {
                    self.diags.push(
                        Diagnostic::warning(Code::UnreachableArm, "this pattern can never match")
                            .primary(pspan, "unreachable")
                            .secondary(w, "everything is already matched by this `_`")
                            .help("remove it, or move `_` to the last arm"),
                    );
                }
                let pat = match p {
                    ast::Pattern::Wildcard(s) => {
                        wildcard.get_or_insert(*s);
                        Some(Pat::Wildcard)
                    }
                    ast::Pattern::Lit(l, s) => {
                        let (v, t) = lit_value(l);
                        if !assignable(sty, &t) {
                            let (a, b) = (self.type_name(&t), self.type_name(sty));
                            self.error(
                                Diagnostic::error(
                                    Code::BadPattern,
                                    format!("a {a} pattern in a {what} on {b}"),
                                )
                                .primary(*s, format!("this is {a}"))
                                .help(format!("patterns must be {b} values")),
                            );
                            None
                        } else {
                            Some(Pat::Value(v))
                        }
                    }
                    ast::Pattern::Path(path) => self.variant_pattern(path, sty, what),
                };
                if let Some(Pat::Value(v)) = &pat {
                    if covered.contains(v) && wildcard.is_none() {
                        self.diags.push(
                            Diagnostic::warning(
                                Code::UnreachableArm,
                                "this pattern is already matched above",
                            )
                            .primary(pspan, "repeated")
                            .help("remove the repeated pattern"),
                        );
                    }
                    covered.push(v.clone());
                }
                if let Some(p) = pat {
                    pats.push(p);
                }
            }
            let body = self.expr(&arm.body, hint);
            out.push(Arm {
                patterns: pats,
                body,
                span: arm.span,
            });
        }
        if wildcard.is_none() && *sty != Type::Error {
            let mut distinct = covered.clone();
            distinct.dedup();
            let missing: Vec<String> = match sty {
                Type::Enum(e) => self
                    .prog
                    .enums
                    .get(*e as usize)
                    .map(|en| {
                        en.variants
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| !covered.contains(&Value::Enum(*e, *i as u32)))
                            .map(|(_, v)| v.name.clone())
                            .collect()
                    })
                    .unwrap_or_default(),
                Type::Bool => [true, false]
                    .iter()
                    .filter(|b| !covered.contains(&Value::Bool(**b)))
                    .map(|b| b.to_string())
                    .collect(),
                _ => vec!["_".to_string()],
            };
            if !missing.is_empty() && (variants > 0 || !missing.is_empty()) {
                let n = self.type_name(sty);
                let help = if variants > 0 {
                    format!(
                        "add arms for {}, or a `_ => ...` arm for the rest",
                        missing
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    format!("a {what} on {n} cannot list every value: add a `_ => ...` arm")
                };
                let msg = if variants > 0 {
                    format!("this {what} does not cover {}", missing.join(", "))
                } else {
                    format!("this {what} on {n} needs a `_` arm")
                };
                self.error(
                    Diagnostic::error(Code::NonExhaustive, msg)
                        .primary(whole, "not every value is covered")
                        .help(help),
                );
            }
        }
        out
    }

    fn variant_pattern(&mut self, path: &ast::Path, sty: &Type, what: &str) -> Option<Pat> {
        let name = path
            .segments
            .last()
            .map(|s| s.name.clone())
            .unwrap_or_default();
        match sty {
            Type::Enum(e) => {
                if path.segments.len() > 1 {
                    let prefix = ast::Path {
                        segments: path
                            .segments
                            .get(..path.segments.len() - 1)
                            .map(|s| s.to_vec())
                            .unwrap_or_default(),
                        span: path.span,
                    };
                    if self.lookup_path(&prefix) != Some(Item::Enum(*e)) {
                        let n = self.type_name(sty);
                        self.error(
                            Diagnostic::error(
                                Code::BadPattern,
                                format!("`{}` is not a variant of `{n}`", path.text()),
                            )
                            .primary(path.span, format!("the {what} is on `{n}`")),
                        );
                        return None;
                    }
                }
                let idx = self
                    .prog
                    .enums
                    .get(*e as usize)
                    .and_then(|en| en.variants.iter().position(|v| v.name == name));
                match idx {
                    Some(v) => Some(Pat::Value(Value::Enum(*e, v as u32))),
                    None => {
                        self.unknown_variant(*e, &name, path.span);
                        None
                    }
                }
            }
            Type::Error => None,
            other => {
                let n = self.type_name(other);
                self.error(
                    Diagnostic::error(
                        Code::BadPattern,
                        format!("`{}` is not a value of {n}", path.text()),
                    )
                    .primary(path.span, "not a pattern here")
                    .help(format!(
                        "a {what} on {n} uses literal patterns such as `500万元`, or `_`"
                    )),
                );
                None
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
