//! Units: which operator applies to which types, and what to tell the drafter
//! when one does not. All the wording for unit errors is here so it can be
//! reviewed together.

use crate::diagnostics::Code;
use crate::program::Type;
use crate::syntax::ast::BinOp;

/// Why an operation is not allowed: a code, a short label and a help line.
pub struct OpError {
    pub code: Code,
    pub label: String,
    pub help: String,
}

fn err(code: Code, label: impl Into<String>, help: impl Into<String>) -> OpError {
    OpError {
        code,
        label: label.into(),
        help: help.into(),
    }
}

fn numeric_join(l: &Type, r: &Type) -> Type {
    if *l == Type::Int && *r == Type::Int {
        Type::Int
    } else {
        Type::Decimal
    }
}

/// The result type of `l op r` for arithmetic operators, with `names` the
/// display names of the two types.
pub fn arith(op: BinOp, l: &Type, r: &Type, names: (&str, &str)) -> Result<Type, OpError> {
    use Type::*;
    let (ln, rn) = names;
    if *l == Error || *r == Error {
        return Ok(Error);
    }
    match op {
        BinOp::Add | BinOp::Sub => {
            let word = if op == BinOp::Add { "add" } else { "subtract" };
            match (l, r) {
                (Money, Money) => Ok(Money),
                (Rate, Rate) => Ok(Rate),
                (a, b) if a.is_numeric() && b.is_numeric() => Ok(numeric_join(a, b)),
                (Date, Date) if op == BinOp::Sub => Ok(Duration),
                (Date, Duration) => Ok(Date),
                (Duration, Date) if op == BinOp::Add => Ok(Date),
                (Duration, Duration) => Ok(Duration),
                (Money, n) | (n, Money) if n.is_numeric() => Err(err(
                    Code::BareNumber,
                    format!("cannot {word} a plain number and Money"),
                    "give the number its unit, e.g. `500万元` or `12,000元`",
                )),
                (Money, Rate) | (Rate, Money) => Err(err(
                    Code::BadAdd,
                    format!("cannot {word} Money and a Rate"),
                    "to add a percentage of an amount, multiply first: `x + x * 5%`",
                )),
                (Rate, n) | (n, Rate) if n.is_numeric() => Err(err(
                    Code::BareNumber,
                    format!("cannot {word} a plain number and a Rate"),
                    "write the number as a rate: `1%`, `100bp`",
                )),
                (Date, Date) => Err(err(
                    Code::BadAdd,
                    "cannot add two dates",
                    "subtract them to get a Duration, or add a Duration to a date: `start + 3 years`",
                )),
                (Date, n) | (n, Date) if n.is_numeric() => Err(err(
                    Code::BareNumber,
                    format!("cannot {word} a plain number and a Date"),
                    "give the number a unit: `90 days`, `12 months`, `3 years`",
                )),
                _ => Err(err(
                    Code::BadAdd,
                    format!("cannot {word} {ln} and {rn}"),
                    "`+` and `-` take Money ± Money, Rate ± Rate, numbers, Date ± Duration or Date − Date",
                )),
            }
        }
        BinOp::Mul => match (l, r) {
            (Money, Rate) | (Rate, Money) => Ok(Money),
            (Money, n) | (n, Money) if n.is_numeric() => Ok(Money),
            (Rate, Rate) => Ok(Rate),
            (Rate, n) | (n, Rate) if n.is_numeric() => Ok(Rate),
            (a, b) if a.is_numeric() && b.is_numeric() => Ok(numeric_join(a, b)),
            (Duration, Int) | (Int, Duration) => Ok(Duration),
            (Money, Money) => Err(err(
                Code::BadMul,
                "Money × Money has no meaning here",
                "a grant is usually a base amount times a Rate, e.g. `approved_investment * 5%`",
            )),
            _ => Err(err(
                Code::BadMul,
                format!("cannot multiply {ln} by {rn}"),
                "`*` takes Money × Rate, Money × number, Rate × Rate, numbers, or Duration × Int",
            )),
        },
        BinOp::Div => match (l, r) {
            (Money, Money) => Ok(Decimal),
            (Money, n) if n.is_numeric() => Ok(Money),
            (Money, Rate) => Ok(Money),
            (Rate, Rate) => Ok(Decimal),
            (Rate, n) if n.is_numeric() => Ok(Rate),
            (a, b) if a.is_numeric() && b.is_numeric() => Ok(Decimal),
            (n, Money) if n.is_numeric() => Err(err(
                Code::BadDiv,
                "cannot divide a number by Money",
                "to count per amount, divide by Money over a unit: `employees / (investment / 1万元)`",
            )),
            _ => Err(err(
                Code::BadDiv,
                format!("cannot divide {ln} by {rn}"),
                "`/` takes Money ÷ Money (a ratio), Money ÷ number, Money ÷ Rate, Rate ÷ Rate or numbers",
            )),
        },
        _ => Err(err(Code::BadAdd, "not an arithmetic operator", "")),
    }
}

/// Whether `l op r` is a valid comparison.
pub fn compare(op: BinOp, l: &Type, r: &Type, names: (&str, &str)) -> Result<(), OpError> {
    use Type::*;
    let (ln, rn) = names;
    let equality = matches!(op, BinOp::Eq | BinOp::Ne);
    match (l, r) {
        (Error, _) | (_, Error) => Ok(()),
        (a, b) if a.is_numeric() && b.is_numeric() => Ok(()),
        (Money, Money) | (Rate, Rate) | (Date, Date) | (Duration, Duration) => Ok(()),
        (Bool, Bool) | (Text, Text) if equality => Ok(()),
        (Enum(a), Enum(b)) if a == b && equality => Ok(()),
        (Bool, Bool) | (Text, Text) | (Enum(_), Enum(_)) if !equality => Err(err(
            Code::BadCompare,
            format!("{ln} values have no order"),
            "use `==` or `!=`, or a `match` on the value",
        )),
        (Money, n) | (n, Money) if n.is_numeric() => Err(err(
            Code::BareNumber,
            "cannot compare Money with a plain number",
            "write the threshold with its unit: `500万元`",
        )),
        (Rate, n) | (n, Rate) if n.is_numeric() => Err(err(
            Code::BareNumber,
            "cannot compare a Rate with a plain number",
            "write the number as a rate: `10%`",
        )),
        (Duration, n) | (n, Duration) if n.is_numeric() => Err(err(
            Code::BareNumber,
            "cannot compare a Duration with a plain number",
            "give the number a unit: `3 years`, `12 months`, `90 days`",
        )),
        _ => Err(err(
            Code::BadCompare,
            format!("cannot compare {ln} with {rn}"),
            "compare values of the same kind: Money with Money, Date with Date, a Rate with a Rate",
        )),
    }
}
