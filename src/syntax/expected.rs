//! Syntax errors in a drafter's words. pest reports the grammar rules it
//! would have accepted at the failure point; this module names each rule the
//! way the language reference does and adds a hint for the usual slips.

use super::Rule;
use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span};

/// What a rule is called in an error message; `None` hides rules that are
/// implementation details (a parent rule is always named too).
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "the end of the file",
        file | file_rules | item => "a declaration (policy, use, enum, record, input, let, fn, table, series, eligible, grant, pool, quota, case)",
        policy_block | kw_policy => "`policy`",
        use_decl | kw_use => "`use`",
        enum_decl | kw_enum => "`enum`",
        record_decl | kw_record => "`record`",
        input_block | kw_input => "`input`",
        let_decl | grant_let | kw_let => "`let`",
        fn_decl | kw_fn => "`fn`",
        table_decl | kw_table => "`table`",
        eligible_block | kw_eligible => "`eligible`",
        require_stmt | kw_require => "`require`",
        grant_decl | kw_grant => "`grant`",
        cap_stmt | kw_cap => "`cap`",
        floor_stmt | kw_floor => "`floor`",
        round_stmt | kw_round => "`round`",
        when_stmt | kw_when => "`when`",
        amount_stmt | kw_amount => "`amount = ...`",
        case_decl | kw_case => "`case`",
        case_given | kw_given => "`given { ... }`",
        case_expect | kw_expect => "`expect { ... }`",
        kw_then => "`then`",
        kw_else => "`else`",
        kw_in => "`in`",
        kw_where => "`where`",
        kw_and | kw_or => "an operator (`and`, `or`)",
        kw_not => "`not`",
        kw_for => "`for`",
        kw_match | match_expr => "`match`",
        kw_if | if_expr => "`if`",
        ident | path | path_or_call => "a name",
        string | string_inner | label => "a quoted text such as \"核定总投资\"",
        cite => "a citation such as @\"五（一）\"",
        type_expr | named_type | list_type => "a type (Money, Rate, Date, Bool, [Loan], Date?...)",
        optional_mark => "`?`",
        expr | or_expr | and_expr | not_expr | cmp_expr | add_expr | mul_expr | coalesce_expr
        | unary_expr | postfix_expr | paren_expr | list_expr | record_lit => {
            "an expression"
        }
        call_suffix => "`(` and the arguments",
        cmp_op => "a comparison (`>=`, `<`, `==`...)",
        add_op | mul_op | coalesce_op => "an operator (`+`, `-`, `*`, `/`)",
        neg_op => "`-`",
        field_access => "`.field`",
        money_lit | money_unit | grouped_num => "an amount such as 500万元",
        rate_lit | rate_unit => "a rate such as 5% or 100bp",
        date_lit => "a date such as 2026-03-31",
        duration_lit | dur_unit => "a duration such as 3 years",
        decimal_lit | plain_num | digits => "a number",
        int_lit => "a whole number",
        bool_lit => "true or false",
        arm => "a match arm `pattern => value`",
        pattern | wildcard => "a pattern (a variant, a literal or `_`)",
        record_field | case_field | case_key | field_decl => "a field `name: value`",
        enum_variant => "a variant name",
        input_decl => "an input `name: Type \"label\"`",
        param => "a parameter `name: Type`",
        policy_field | title_field | source_field | issuer_field | effective_field
        | article_field | exclusive_field => "a policy field (title, source, issuer, effective, article, exclusive)",
        exclusive_stmt => "`exclusive`",
        pool_decl | kw_pool => "`pool`",
        quota_decl | kw_quota => "`quota`",
        limit_stmt => "`limit AMOUNT`",
        grants_stmt => "`grants name, ...`",
        allocate_stmt => "`allocate pro_rata` or `allocate by KEY desc`",
        pro_rata => "`pro_rata`",
        by_key => "`by KEY`",
        order => "`desc` or `asc`",
        share_stmt => "`share 30%`",
        rank_stmt => "`rank by KEY desc`",
        pool_stmt => "a pool statement (limit, grants, allocate)",
        quota_stmt => "a quota statement (share, grants, rank by)",
        default_value => "`= default`",
        use_items => "`::{...}`",
        arg => "an argument",
        comprehension => "`for x in list`",
        round_unit => "a rounding unit (分, 角, 元, 百元, 千元, 万元, none)",
        round_mode => "a rounding mode (half_up, half_even, down, up)",
        literal | primary => "an expression",
        series_decl | kw_series => "`series`",
        series_entry => "a dated value `2026-01-20 => 3.00%`",
        tranche_stmt | kw_tranche => "`tranche`",
        kw_on => "`on` and the milestone",
        kw_pay => "`pay` and the amount (a share such as 50%, an amount, or `rest`)",
        pay_rest | kw_rest => "`rest`",
        tranche_paid | kw_paid | return_paid => "`paid`",
        halt_stmt | kw_halt => "`halt`",
        clawback_stmt | kw_clawback => "`clawback`",
        kw_return => "`return`",
        cap_unless | kw_unless => "`unless`",
        grant_stmt => "a grant statement (amount, cap, floor, round, let, require, when)",
        keyword | WHITESPACE | COMMENT | call_args | meta | case_skip | skip_block | skip_string
        | skip_comment => return None,
    })
}

/// Turn a pest error into a diagnostic. `offset` is where the parsed text
/// starts in the file (non-zero after error recovery). Returns the error
/// position relative to `text`.
pub(super) fn syntax_diagnostic(
    file: FileId,
    offset: usize,
    text: &str,
    err: &pest::error::Error<Rule>,
) -> (Diagnostic, usize) {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut words: Vec<&'static str> = Vec::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &err.variant {
        for r in positives {
            if let Some(w) = describe(*r) {
                if !words.contains(&w) {
                    words.push(w);
                }
            }
        }
    }
    let words = condense(words);
    let found = describe_found(text, pos);
    let expected = match words.len() {
        0 => "something else".to_string(),
        1 => words.first().map(|w| w.to_string()).unwrap_or_default(),
        n => {
            let head = words.get(..n - 1).map(|h| h.join(", ")).unwrap_or_default();
            format!("{head} or {}", words.last().copied().unwrap_or_default())
        }
    };
    let len = text
        .get(pos..)
        .and_then(|r| r.chars().next())
        .map(|c| c.len_utf8())
        .unwrap_or(0);
    let span = Span::new(file, offset + pos, offset + pos + len);
    let label = if found == "the end of the file" {
        "the file ends here".to_string()
    } else {
        format!("unexpected {found}")
    };
    let mut d = Diagnostic::error(Code::Syntax, format!("expected {expected}, found {found}"))
        .primary(span, label);
    if text.get(pos..).is_some_and(|r| r.trim().is_empty()) {
        if let Some(open) = unclosed_brace(text) {
            d = d.secondary(
                Span::new(file, offset + open, offset + open + 1),
                "this `{` is never closed",
            );
        }
    }
    let word = found
        .trim_matches('`')
        .trim_end_matches([':', ',', '(', '{']);
    if is_keyword(word) && words.contains(&"a name") {
        d = d.note(format!(
            "`{word}` is a reserved word of the language and cannot be a name"
        ));
    }
    let hint = hint(text, pos).or_else(|| {
        words
            .contains(&"`then`")
            .then(|| "an `if` reads `if condition then value else other`".to_string())
    });
    if let Some(h) = hint {
        d = d.help(h);
    }
    (d, pos)
}

fn is_keyword(w: &str) -> bool {
    matches!(
        w,
        "policy"
            | "use"
            | "enum"
            | "record"
            | "input"
            | "let"
            | "fn"
            | "table"
            | "eligible"
            | "require"
            | "grant"
            | "cap"
            | "floor"
            | "round"
            | "when"
            | "case"
            | "expect"
            | "match"
            | "if"
            | "then"
            | "else"
            | "and"
            | "or"
            | "not"
            | "true"
            | "false"
            | "for"
            | "in"
            | "where"
    )
}

/// The offset of the last `{` that is never closed, outside strings and comments.
fn unclosed_brace(text: &str) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, d)) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == '"' || d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek().map(|(_, d)| *d) == Some('/') => {
                for (_, d) in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '{' => open.push(i),
            '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.last().copied()
}

/// Ways to continue an expression: listed one by one they drown the message.
const CONTINUATIONS: &[&str] = &[
    "an operator (`and`, `or`)",
    "a comparison (`>=`, `<`, `==`...)",
    "an operator (`+`, `-`, `*`, `/`)",
    "`.field`",
    "`(` and the arguments",
    "a duration such as 3 years",
];

const GRANT_STATEMENTS: &[&str] = &[
    "`let`",
    "`require`",
    "`cap`",
    "`floor`",
    "`round`",
    "`when`",
    "`amount = ...`",
    "`tranche`",
    "`halt`",
    "`clawback`",
];

/// Shorten pest's list of alternatives: a run of grant statements becomes one
/// entry, and expression continuations fold into "the rest of the expression"
/// when something more telling is expected too.
fn condense(words: Vec<&'static str>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let grant_stmts = words
        .iter()
        .filter(|w| GRANT_STATEMENTS.contains(w))
        .count();
    let structural = words
        .iter()
        .filter(|w| !CONTINUATIONS.contains(w) && !GRANT_STATEMENTS.contains(w))
        .count();
    let mut continued = false;
    for w in &words {
        if GRANT_STATEMENTS.contains(w) && grant_stmts >= 3 {
            continue;
        }
        if CONTINUATIONS.contains(w) && (structural > 0 || grant_stmts > 0) {
            continued = true;
            continue;
        }
        out.push(w);
    }
    if continued {
        out.insert(0, "the rest of the expression");
    }
    if grant_stmts >= 3 {
        out.push("another grant statement (let, require, amount, cap, floor, round, when, tranche, halt, clawback) or `}`");
    }
    out
}

fn describe_found(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some(c) if c.is_whitespace() => "a space".to_string(),
        Some(_) => {
            let word: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace())
                .take(24)
                .collect();
            format!("`{word}`")
        }
    }
}

/// Hints for the slips drafters make most.
fn hint(text: &str, pos: usize) -> Option<String> {
    let before = text.get(..pos).unwrap_or("");
    let rest = text.get(pos..).unwrap_or("");
    let prev = before.trim_end_matches([' ', '\t']);
    let rest_of_line = rest.split('\n').next().unwrap_or("");
    if rest.starts_with('"') && !rest_of_line.get(1..).unwrap_or("").contains('"') {
        return Some("this text has no closing `\"` on its line".into());
    }
    let at_line_start = before.ends_with('\n') || before.is_empty();
    if at_line_start {
        if let Some(kw) = super::RESUME_KEYWORDS.iter().find(|k| rest.starts_with(*k)) {
            if pos > 0 {
                return Some(format!(
                    "the block before this line is not closed: add `}}` before `{kw}`"
                ));
            }
        }
    }
    if rest.starts_with(':') && prev.ends_with("amount") {
        return Some("an amount is written `amount = expression`".into());
    }
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_so_far = before.get(line_start..).unwrap_or("");
    let starts_cmp = ["<", ">", "==", "!=", "≤", "≥", "≠"]
        .iter()
        .any(|o| rest.starts_with(o));
    let has_cmp = ["<", ">", "==", "!=", "≤", "≥", "≠"]
        .iter()
        .any(|o| line_so_far.contains(o));
    if starts_cmp && has_cmp {
        return Some("comparisons do not chain: write `a <= x and x <= b`".into());
    }
    if prev.ends_with(|c: char| c.is_ascii_digit())
        && (rest.starts_with('万')
            || rest.starts_with('元')
            || rest.starts_with('亿')
            || rest.starts_with('%'))
        && before.ends_with([' ', '\t'])
    {
        return Some(
            "write a unit right after its number, without a space: `500万元`, `5%`".into(),
        );
    }
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = before.get(line_start..).unwrap_or("").trim_start();
    if (line.starts_with("require \"")
        || line.starts_with("cap \"")
        || line.starts_with("floor \""))
        && prev.ends_with('"')
    {
        return Some(
            "the condition comes first, then the citation and the label: `require x >= 1 @\"三（一）\" \"label\"`"
                .into(),
        );
    }
    if rest.starts_with('"') && prev.ends_with(|c: char| c == 'e' || c.is_alphanumeric()) {
        return Some(
            "labels and citations come after the rule: `require x >= 1 @\"三（一）\" \"label\"`"
                .into(),
        );
    }
    if rest.is_empty() {
        return Some("a block is not closed: check that every `{` has its `}`".into());
    }
    if rest.starts_with('（') || rest.starts_with('）') || rest.starts_with('，') {
        return Some("full-width punctuation is only allowed inside quoted text".into());
    }
    if rest.starts_with('=')
        && !rest.starts_with("==")
        && prev.ends_with(|c: char| c.is_alphanumeric())
    {
        return Some("to compare, write `==`".into());
    }
    None
}
