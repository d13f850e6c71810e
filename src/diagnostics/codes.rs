//! The stable diagnostic codes and their long explanations (`polc explain-code`).
//! A code, once published, keeps its meaning: reviewers cite them. Add new
//! codes at the end of their group.

macro_rules! codes {
    ($( $variant:ident = $code:literal, $title:literal, $text:literal; )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($variant),* }

        pub const ALL_CODES: &[Code] = &[$(Code::$variant),*];

        impl Code {
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title),* }
            }
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $text),* }
            }
            pub fn parse(s: &str) -> Option<Code> {
                let s = s.trim().to_ascii_uppercase();
                ALL_CODES.iter().copied().find(|c| c.as_str() == s)
            }
        }
    };
}

codes! {
    Syntax = "E0001", "syntax error",
"The text does not follow polc's grammar at the place shown. The message lists what
polc expected there in words (\"an expression\", \"an amount such as 500万元\").

Common causes: a missing closing brace `}`, a label string before the expression
(`require \"label\" x >= 1` instead of `require x >= 1 \"label\"`), a space inside
a literal (`500 万元` must be `500万元`), or a keyword used as a name.";

    BadLiteral = "E0002", "literal out of range or malformed",
"A literal has the right shape but no meaning: a date that does not exist
(`2026-02-30`), an amount too large to hold exactly (amounts are exact decimals
with at most 28 significant digits), or a duration that overflows.

Write the value as the policy text states it, e.g. `1.5亿元`, `2026-03-31`.";

    UnknownName = "E0101", "unknown name",
"A name is used that is not declared: not an input, a `let`, a function, a
table, an enum variant, or an item imported with `use`. Check the spelling (polc
suggests the closest declared name) or declare it in the `input` block.";

    Duplicate = "E0102", "duplicate declaration",
"Two declarations share a name in the same scope (two inputs, an input and a
`let`, two grants, two variants of one enum...). Every name must mean one thing;
rename one of them.";

    UnknownType = "E0103", "unknown type",
"A type name is not one of the built-in types (Money, Rate, Decimal, Int, Bool,
Date, Duration, Text) nor an enum or record declared in the file or imported
with `use`. Lists are written `[Loan]`, optionals `Date?`.";

    UnknownModule = "E0104", "unknown module or module item",
"`use` names a module that is not in the standard library, or an item the
module does not export. `polc explain-code E0104` lists nothing more: run
`polc stdlib` to see the modules and what each exports.";

    UnknownField = "E0105", "unknown record field",
"A field is read (`loan.amout`) or written in a record literal that the record
type does not declare. polc suggests the closest field name.";

    UnknownVariant = "E0106", "unknown enum variant",
"A qualified variant (`ProjectKind::Rebuild`) or a pattern names a variant the
enum does not have.";

    AmbiguousVariant = "E0107", "ambiguous variant name",
"A bare variant name belongs to more than one enum in scope. Qualify it with its
enum: `ProjectKind::NewBuild`.";

    Cycle = "E0108", "definition depends on itself",
"A `let`, a function or a table refers back to itself, directly or through
others. polc is a total language: every evaluation must end, so recursion is not
allowed. Write the value directly, or split the definition.";

    TypeMismatch = "E0201", "type mismatch",
"A value of one type is used where another is required: a Money input with a
default of `5%`, an `if` whose branches differ, a grant whose amount is not
Money. The message names both types.";

    NotBool = "E0202", "condition is not a Bool",
"`require`, `when`, `if` and `where` need a true/false condition. Compare the
value with something: `approved_investment >= 500万元`.";

    BareNumber = "E0203", "bare number where a unit is needed",
"A plain number is used where Money, a Rate or a Duration is expected. polc
never guesses units: write `500万元`, `5%` or `3 years`.";

    NotOptional = "E0204", "value is not optional",
"`??` and `present(...)` apply to optional values (types written `T?`). The
value here always exists, so the fallback would never be used.";

    BadMul = "E0301", "invalid multiplication",
"The two sides of `*` have units that do not multiply to anything meaningful:
Money × Money, Date × anything, Rate × Duration. A grant is usually an amount
times a rate (`approved_investment * 5%`) or a count times an amount
(`firms * 5万元`).";

    BadAdd = "E0302", "invalid addition or subtraction",
"`+` and `-` need operands of the same kind: Money ± Money, Rate ± Rate, Date ±
Duration, Date − Date (a Duration). Money + Rate usually means \"the amount plus
a percentage of it\": write `x + x * 5%`.";

    BadDiv = "E0303", "invalid division",
"Money ÷ Money is a Decimal ratio, Money ÷ number is Money, Rate ÷ Rate a Decimal.
Dividing a number by Money, or anything by a Date or a Bool, has no meaning.";

    BadCompare = "E0304", "values cannot be compared",
"Comparisons are within one kind: Money with Money, Rate with Rate, Date with
Date, Duration with Duration, numbers with numbers. `==` also works on Bool,
Text and enums. To compare an amount with a threshold, write the threshold with
its unit: `approved_investment >= 500万元`.";

    BadLogic = "E0305", "invalid logical operand",
"`and`, `or` and `not` combine true/false conditions only.";

    BadNeg = "E0306", "invalid negation",
"Only numbers, Money, Rates and Durations can be negated.";

    NonExhaustive = "E0401", "match is not exhaustive",
"A `match` or a table over an enum (or Bool) does not cover every variant, so
some applicant would get no value. Add the missing variants, or a `_ =>` arm
for the rest. A match on numbers, amounts, dates or text always needs `_`.";

    UnreachableArm = "W0402", "unreachable match arm",
"An arm can never be chosen: its pattern repeats an earlier one, or it follows a
`_` arm. Remove it, or move `_` to the end.";

    BadPattern = "E0403", "pattern does not fit the matched value",
"A pattern's type differs from the value being matched (a Money literal in a
match on an enum, a variant of another enum...).";

    ArgCount = "E0501", "wrong number of arguments",
"A function or table is called with more or fewer arguments than it declares.";

    NotCallable = "E0502", "not a function",
"Only functions, tables and built-ins (min, max, sum, count, any, all, present,
round, year...) can be called with `(...)`.";

    BadAggregate = "E0503", "invalid list operation",
"`sum`, `count`, `any`, `all`, `min` and `max` take a list, or a comprehension
`sum(for l in loans where l.eligible => l.amount)`. `sum` needs numbers or
Money; `any`/`all` need Bool items.";

    NoField = "E0504", "field access on a non-record",
"`.name` reads a field of a record value; this value is not a record.";

    NoAmount = "E0601", "grant without amount",
"Every grant needs exactly one `amount = ...` line: the computation before caps.";

    DuplicateStmt = "E0602", "repeated grant statement",
"A grant has two `amount` lines, two `round` lines or two `when` lines. Keep one;
write several caps as several `cap` lines.";

    NoPolicy = "E0603", "missing or repeated policy header",
"A policy file starts with one `policy name { title \"...\" source \"...\" ... }`
block giving its title, source document and effective period.";

    BadEffective = "E0604", "effective period ends before it starts",
"`effective FROM .. TO` needs FROM ≤ TO.";

    TranchesOver = "E0605", "tranches pay more than the grant",
"The shares of a grant's tranches add up to more than 100%, or a tranche follows
`pay rest` (the rest is already everything that is left). Check the shares
against the text: \"分两期拨付 ... 50% ... 50%\" is `pay 50%` then `pay rest`.";

    NoMilestone = "E0606", "halt or clawback names no milestone",
"A `halt` or `clawback` must say which event triggers it, with a condition on
the applicant's data: `clawback when not accepted return paid \"未通过验收，全额返还\"`.
A condition that reads no input would trigger for everyone or no one.";

    SeriesBefore = "E0607", "no value of the series at that date",
"A series (such as the LPR) has no value before its first entry: the LPR series
starts on 2019-08-20. Check the date, or add the earlier values to the series.";

    SeriesOrder = "E0608", "series dates out of order",
"A series lists its values by strictly increasing date, one value per date, so
that the value in force at any date is unambiguous.";

    BadPool = "E0609", "malformed pool or quota",
"A `pool` needs a constant `limit` in money and may name the grants that draw on
it and an allocation (`allocate pro_rata`, or `allocate by KEY desc` to pay in
order of a key until the budget runs out). A `quota` needs a constant `share`
(a rate between 0% and 100% of the applicants in the batch) and a ranking
(`rank by score desc`). The key is an expression over the applicant's inputs.";

    CaseInput = "E0701", "test case input does not fit the inputs",
"A `case` gives a value for a name that is not an input, gives one input twice,
gives a value that is not a constant, or leaves out an input that has no
default and is not optional. (A value of the wrong type is reported as a type
error: E0201, or E0203 for a number without its unit.)";

    CaseExpect = "E0702", "test case expectation is not a result",
"`expect` names `eligible` (Bool), `failed` (a list of citations or labels of the
failed requirements), `total` (Money), or a grant name (Money).";

    Overflow = "E0801", "arithmetic overflow",
"A computation produced a number too large to hold exactly (amounts hold 28
significant digits, whole numbers 64 bits). polc stops rather than wrap or
round silently. Check the applicant's figures for a unit slip (元 given as 万元).";

    DivZero = "E0802", "division by zero",
"A division's right side was zero for this applicant. Guard it with a condition:
`if total > 0元 then part / total else 0`.";

    MissingValue = "E0803", "optional value not given",
"An optional input (declared `T?`) was used, but the applicant did not give it.
Give the value in the applicant data, or make the policy handle its absence:
`x ?? 0元`, or `if present(x) then ... else ...`.";

    EmptyList = "E0804", "min or max of an empty list",
"`min` and `max` over a list need at least one item. Guard with
`count(...) > 0`, or use `sum`, which is zero for an empty list.";

    DateRange = "E0805", "date out of range",
"Date arithmetic left the calendar polc supports (years 0001 to 9999).";

    Incomparable = "E0806", "durations cannot be compared",
"A duration in months was compared with one in days, and neither came from
subtracting two dates, so there is no start date to lay them from. Compare
dates instead: `end <= start + 3 years`.";

    UnusedInput = "W0001", "unused input",
"An input is declared but nothing reads it. Either a rule is missing (the policy
text uses the figure) or the input can go. Applicants would be asked for data
that changes nothing.";

    UnusedDefinition = "W0002", "unused definition",
"A `let`, function or table is declared but never used.";

    CapNeverBinds = "W0003", "cap can never bind",
"Both the amount and the cap are constants and the amount is already below the
cap, or the cap is larger than any amount the formula can produce, so the cap
changes nothing. Check the figures against the policy text.";

    MissingCite = "W0004", "rule without citation",
"A requirement or grant has no `@\"article\"` citation. Reports cite the article
behind each step; without one, the applicant cannot check it against the text.";

    TrancheExceeds = "W0006", "tranches can exceed the grant",
"Fixed-amount tranches add up to more than the grant's cap, or shares add up to
less than 100% with no `pay rest`, so the tranches and the grant disagree for
some applicants. Check the figures against the text.";

    MoneyTimesNumber = "W0007", "amount multiplied by a bare number",
"An amount is multiplied by a plain number other than 1: `approved_investment * 5`
is five times the investment, not 5%. If the text gives a percentage, write it
as one (`5%`); if it really means a multiple (\"按两倍给予\"), name the factor
with a label so a reviewer sees it is meant: `let multiple = 2 \"倍数\"`.";

    ThresholdUnit = "W0005", "threshold looks off by a unit",
"A threshold under 100 元 is compared with an amount: `50元` where `50万元` was
meant is the usual cause, since subsidy thresholds are stated in 万元. If the
small figure is really meant, write it with decimals (`50.00元`) to say so.";
}

/// The long explanation of a code, formatted for the terminal.
pub fn explain(code: &str) -> Option<String> {
    let c = Code::parse(code)?;
    Some(format!(
        "{}: {}\n\n{}\n",
        c.as_str(),
        c.title(),
        c.explanation()
    ))
}
