//! Lints: what a careful reviewer would flag in a policy that type-checks.
//! Each is a warning with its own code; `polc check --deny warnings` makes
//! them fail the check.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::program::{ExprKind, Limit};
use crate::value::{money_grouped, Value};
use rust_decimal::Decimal;

pub(super) fn run(c: &mut Checker<'_>) {
    let mut found = Vec::new();
    for g in &c.prog.grants {
        // A constant cap above another constant cap can never bind: the
        // smaller one always wins. Usually a typo in one of the figures.
        // A cap an override can lift is not always in force: leave it out.
        let consts: Vec<(&Limit, Decimal)> = g
            .caps
            .iter()
            .filter(|l| l.unless.is_none())
            .filter_map(|l| match crate::eval::constant(&c.prog, &l.expr) {
                Some(Value::Money(m)) => Some((l, m)),
                _ => None,
            })
            .collect();
        if let Some((min_cap, min)) = consts.iter().min_by_key(|(_, m)| *m) {
            for (l, m) in &consts {
                if m > min {
                    found.push(
                        Diagnostic::warning(
                            Code::CapNeverBinds,
                            format!("this cap of {} 元 can never bind", money_grouped(*m)),
                        )
                        .primary(l.span, "never the smallest")
                        .secondary(min_cap.span, format!("this cap of {} 元 is always lower", money_grouped(*min)))
                        .help("check both figures against the policy text; remove the cap that cannot apply"),
                    );
                }
            }
        }
        // A constant amount already at or below a constant cap.
        if let Some(Value::Money(amount)) = crate::eval::constant(&c.prog, &g.amount) {
            for (l, m) in &consts {
                if amount <= *m {
                    found.push(
                        Diagnostic::warning(
                            Code::CapNeverBinds,
                            format!(
                                "the amount is always {} 元, so this cap of {} 元 never binds",
                                money_grouped(amount),
                                money_grouped(*m)
                            ),
                        )
                        .primary(l.span, "never binds")
                        .secondary(g.amount.span, "a constant amount")
                        .help("a fixed award needs no cap; remove it, or check the figures"),
                    );
                }
            }
        }
        if g.cite.is_none() {
            found.push(
                Diagnostic::warning(Code::MissingCite, format!("grant `{}` cites no article", g.name))
                    .primary(g.header, "no `@\"...\"` citation")
                    .help("add the article it encodes, e.g. `grant direct \"直接补助\" @\"五（一）\" { ... }`"),
            );
        }
    }
    // An amount times a bare number: `x * 5` where 5% was meant.
    for g in &c.prog.grants {
        let mut exprs: Vec<&crate::program::Expr> = vec![&g.amount];
        exprs.extend(g.steps.iter().map(|s| &s.expr));
        exprs.extend(g.caps.iter().chain(&g.floors).map(|l| &l.expr));
        for e in exprs {
            money_times_number(c, e, &mut found, 0);
        }
    }
    for d in &c.prog.globals {
        money_times_number(c, &d.expr, &mut found, 0);
    }
    for r in c
        .prog
        .eligibility
        .iter()
        .chain(c.prog.grants.iter().flat_map(|g| g.requires.iter()))
    {
        if r.cite.is_none() {
            found.push(
                Diagnostic::warning(Code::MissingCite, "requirement cites no article")
                    .primary(r.span, "no `@\"...\"` citation")
                    .help("add the article it encodes: `require ... @\"三（一）\" \"label\"`"),
            );
        }
        threshold_units(c, &r.cond, &mut found);
    }
    c.diags.extend(found);
}

/// `Money * 5` (or `5 * Money`, `Money * 0.05`): a number without its unit
/// multiplying an amount. `* 1` (a 1:1 match) is left alone.
fn money_times_number(
    c: &Checker<'_>,
    e: &crate::program::Expr,
    out: &mut Vec<Diagnostic>,
    depth: usize,
) {
    use crate::program::Type;
    use crate::syntax::ast::BinOp;
    if depth > 200 {
        return;
    }
    let d = depth + 1;
    match &e.kind {
        ExprKind::Binary(op, a, b) => {
            if *op == BinOp::Mul {
                for (money, num) in [(a, b), (b, a)] {
                    let n = match &num.kind {
                        ExprKind::Lit(Value::Int(i)) => Some(Decimal::from(*i)),
                        ExprKind::Lit(Value::Decimal(x)) => Some(*x),
                        _ => None,
                    };
                    let Some(n) = n.filter(|n| *n != Decimal::ONE) else {
                        continue;
                    };
                    if !matches!(money.ty.strip(), Type::Money) {
                        continue;
                    }
                    let src = c.sources.slice(num.span).to_string();
                    let pct = n.checked_mul(Decimal::ONE_HUNDRED).map(|p| p.normalize());
                    let help = match pct {
                        Some(p) if n < Decimal::ONE => {
                            format!("if this is a rate, write it as one: `{p}%`")
                        }
                        _ => format!(
                            "if the text gives a percentage, write `{src}%`; if it means {src} times the amount, name the factor: `let multiple = {src} \"倍数\"`"
                        ),
                    };
                    out.push(
                        Diagnostic::warning(
                            Code::MoneyTimesNumber,
                            format!("an amount multiplied by the bare number {src}"),
                        )
                        .primary(num.span, "no unit")
                        .secondary(money.span, "an amount")
                        .help(help),
                    );
                }
            }
            money_times_number(c, a, out, d);
            money_times_number(c, b, out, d);
        }
        ExprKind::Neg(x) | ExprKind::Not(x) => money_times_number(c, x, out, d),
        ExprKind::If(x, y, z) => {
            for x in [x, y, z] {
                money_times_number(c, x, out, d);
            }
        }
        ExprKind::Match(x, arms) => {
            money_times_number(c, x, out, d);
            for arm in arms {
                money_times_number(c, &arm.body, out, d);
            }
        }
        ExprKind::List(xs)
        | ExprKind::Record(xs)
        | ExprKind::Builtin(_, xs)
        | ExprKind::Call(_, xs) => {
            for x in xs {
                money_times_number(c, x, out, d);
            }
        }
        ExprKind::Aggregate {
            list, filter, map, ..
        } => {
            money_times_number(c, list, out, d);
            for x in filter.iter().chain(map.iter()) {
                money_times_number(c, x, out, d);
            }
        }
        _ => {}
    }
}

/// `x >= 500元` where x is Money and the policy's other thresholds are in
/// 万元: flag literals under 100 元 compared with Money (a unit slip).
fn threshold_units(c: &Checker<'_>, e: &crate::program::Expr, out: &mut Vec<Diagnostic>) {
    if let ExprKind::Binary(op, a, b) = &e.kind {
        if op.is_comparison() {
            for side in [a, b] {
                if let ExprKind::Lit(Value::Money(m)) = &side.kind {
                    if *m > Decimal::ZERO && *m < Decimal::ONE_HUNDRED {
                        let src = c.sources.slice(side.span).to_string();
                        out.push(
                            Diagnostic::warning(
                                Code::ThresholdUnit,
                                format!("a threshold of {src} looks off by a unit"),
                            )
                            .primary(side.span, "under 100 元")
                            .help(format!(
                                "subsidy thresholds are usually in 万元: did you mean `{}万元`?",
                                m.normalize()
                            )),
                        );
                    }
                }
            }
        } else {
            threshold_units(c, a, out);
            threshold_units(c, b, out);
        }
    } else if let ExprKind::Not(inner) = &e.kind {
        threshold_units(c, inner, out);
    }
}
