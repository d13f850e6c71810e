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
