//! pest parse tree → `ast`. The grammar guarantees the shape of each pair, so
//! this code walks children by rule; where a shape is ever not what it expects
//! it produces an `ExprKind::Error` node rather than panicking. Literal values
//! are interpreted here (units applied, dates validated) and reported as E0002
//! when out of range.

use super::ast::*;
use super::Rule;
use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span};
use crate::value::{Date, Duration};
use pest::iterators::{Pair, Pairs};
use rust_decimal::Decimal;

pub(super) struct Builder<'d> {
    file: FileId,
    offset: usize,
    diags: &'d mut Vec<Diagnostic>,
    /// Current expression nesting, to refuse trees deeper than later phases
    /// can walk recursively.
    depth: usize,
    too_deep_reported: bool,
    /// Bilingual labels met so far, handed to the file at the end.
    en_labels: Vec<(String, String)>,
}

/// Deepest expression tree accepted (nesting plus operator chains).
const MAX_EXPR_DEPTH: usize = 400;

type P<'i> = Pair<'i, Rule>;

impl<'d> Builder<'d> {
    pub(super) fn new(file: FileId, offset: usize, diags: &'d mut Vec<Diagnostic>) -> Self {
        Builder {
            file,
            offset,
            diags,
            depth: 0,
            too_deep_reported: false,
            en_labels: Vec::new(),
        }
    }

    /// The pair's span without the trailing whitespace and comments pest folds into it.
    fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        let trimmed = trimmed_len(s.as_str());
        Span::new(
            self.file,
            self.offset + s.start(),
            self.offset + s.start() + trimmed,
        )
    }

    fn ident(&self, p: P) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn text(&mut self, p: P) -> Text {
        // `label` wraps a `string` (and maybe its English form); `cite` wraps one.
        let span = self.span(&p);
        let mut strings = p
            .clone()
            .into_inner()
            .flatten()
            .filter(|i| i.as_rule() == Rule::string_inner)
            .map(|i| unescape(i.as_str()));
        let value = strings.next().unwrap_or_default();
        let en = strings.next();
        if let Some(en) = &en {
            self.en_labels.push((value.clone(), en.clone()));
        }
        Text { value, en, span }
    }

    fn path(&self, p: P) -> Path {
        let span = self.span(&p);
        let segments = p
            .into_inner()
            .filter(|c| c.as_rule() == Rule::ident)
            .map(|c| self.ident(c))
            .collect();
        Path { segments, span }
    }

    pub(super) fn file(&mut self, pairs: Pairs<Rule>, out: &mut File) {
        for p in pairs.filter(|p| matches!(p.as_rule(), Rule::file | Rule::file_rules)) {
            for item in p.into_inner() {
                self.item(item, out);
            }
        }
        out.en_labels.append(&mut self.en_labels);
    }

    fn item(&mut self, p: P, out: &mut File) {
        match p.as_rule() {
            Rule::policy_block => {
                let meta = self.policy(p);
                if out.policy.is_none() {
                    out.policy = Some(meta);
                } else {
                    out.extra_policies.push(meta);
                }
            }
            Rule::use_decl => out.uses.push(self.use_decl(p)),
            Rule::enum_decl => out.enums.push(self.enum_decl(p)),
            Rule::record_decl => out.records.push(self.record_decl(p)),
            Rule::input_block => {
                for c in p.into_inner() {
                    if c.as_rule() == Rule::input_decl {
                        let d = self.input_decl(c);
                        out.inputs.push(d);
                    }
                }
            }
            Rule::let_decl => out.lets.push(self.let_decl(p)),
            Rule::fn_decl => out.fns.push(self.fn_decl(p)),
            Rule::table_decl => out.tables.push(self.table_decl(p)),
            Rule::series_decl => out.series.push(self.series_decl(p)),
            Rule::eligible_block => out.eligible.push(self.eligible(p)),
            Rule::grant_decl => out.grants.push(self.grant(p)),
            Rule::case_decl => out.cases.push(self.case(p)),
            Rule::pool_decl | Rule::quota_decl => out.pools.push(self.pool(p)),
            _ => {}
        }
    }

    fn policy(&mut self, p: P) -> PolicyMeta {
        let span = self.span(&p);
        let mut meta = PolicyMeta {
            name: Ident {
                name: String::new(),
                span,
            },
            title: None,
            source: None,
            issuer: None,
            effective: None,
            articles: Vec::new(),
            exclusive: Vec::new(),
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => meta.name = self.ident(c),
                Rule::policy_field => {
                    for f in c.into_inner() {
                        let fspan = self.span(&f);
                        let rule = f.as_rule();
                        let mut inner = f.into_inner();
                        match rule {
                            Rule::title_field => meta.title = inner.next().map(|s| self.text(s)),
                            Rule::source_field => meta.source = inner.next().map(|s| self.text(s)),
                            Rule::issuer_field => meta.issuer = inner.next().map(|s| self.text(s)),
                            Rule::effective_field => {
                                let from = inner.next().and_then(|d| self.date(d));
                                let to = inner.next().and_then(|d| self.date(d));
                                if let Some(from) = from {
                                    meta.effective = Some((from, to, fspan));
                                }
                            }
                            Rule::exclusive_field => {
                                if let Some(t) = inner.next() {
                                    let t = self.text(t);
                                    meta.exclusive.push(t);
                                }
                            }
                            Rule::article_field => {
                                if let (Some(a), Some(b)) = (inner.next(), inner.next()) {
                                    let a = self.text(a);
                                    let b = self.text(b);
                                    meta.articles.push((a, b));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        meta
    }

    fn use_decl(&mut self, p: P) -> Use {
        let span = self.span(&p);
        let mut path = Path {
            segments: Vec::new(),
            span,
        };
        let mut items = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::path => path = self.path(c),
                Rule::use_items => {
                    items = c
                        .into_inner()
                        .filter(|i| i.as_rule() == Rule::ident)
                        .map(|i| self.ident(i))
                        .collect()
                }
                _ => {}
            }
        }
        Use { path, items, span }
    }

    fn enum_decl(&mut self, p: P) -> EnumDecl {
        let span = self.span(&p);
        let mut name = None;
        let mut label = None;
        let mut variants = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::label => label = Some(self.text(c)),
                Rule::enum_variant => {
                    let mut vname = None;
                    let mut vlabel = None;
                    for v in c.into_inner() {
                        match v.as_rule() {
                            Rule::ident => vname = Some(self.ident(v)),
                            Rule::label => vlabel = Some(self.text(v)),
                            _ => {}
                        }
                    }
                    if let Some(n) = vname {
                        variants.push(Variant {
                            name: n,
                            label: vlabel,
                        });
                    }
                }
                _ => {}
            }
        }
        EnumDecl {
            name: name.unwrap_or_else(|| missing_ident(span)),
            label,
            variants,
            span,
        }
    }

    fn record_decl(&mut self, p: P) -> RecordDecl {
        let span = self.span(&p);
        let mut name = None;
        let mut label = None;
        let mut fields = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::label => label = Some(self.text(c)),
                Rule::field_decl => {
                    let fspan = self.span(&c);
                    let mut fname = None;
                    let mut ty = None;
                    let mut flabel = None;
                    for f in c.into_inner() {
                        match f.as_rule() {
                            Rule::ident => fname = Some(self.ident(f)),
                            Rule::type_expr => ty = Some(self.type_expr(f)),
                            Rule::label => flabel = Some(self.text(f)),
                            _ => {}
                        }
                    }
                    if let (Some(n), Some(t)) = (fname, ty) {
                        fields.push(FieldDecl {
                            name: n,
                            ty: t,
                            label: flabel,
                        });
                    } else {
                        self.internal(fspan);
                    }
                }
                _ => {}
            }
        }
        RecordDecl {
            name: name.unwrap_or_else(|| missing_ident(span)),
            label,
            fields,
            span,
        }
    }

    fn input_decl(&mut self, p: P) -> InputDecl {
        let span = self.span(&p);
        let mut name = None;
        let mut ty = None;
        let mut default = None;
        let mut label = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::type_expr => ty = Some(self.type_expr(c)),
                Rule::default_value => default = c.into_inner().next().map(|e| self.expr(e)),
                Rule::label => label = Some(self.text(c)),
                _ => {}
            }
        }
        InputDecl {
            name: name.unwrap_or_else(|| missing_ident(span)),
            ty: ty.unwrap_or_else(|| missing_type(span)),
            default,
            label,
            span,
        }
    }

    fn type_expr(&mut self, p: P) -> TypeExpr {
        let span = self.span(&p);
        let mut kind = None;
        let mut optional = false;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::named_type => {
                    if let Some(path) = c.into_inner().next() {
                        kind = Some(TypeExprKind::Named(self.path(path)));
                    }
                }
                Rule::list_type => {
                    if let Some(inner) = c.into_inner().next() {
                        kind = Some(TypeExprKind::List(Box::new(self.type_expr(inner))));
                    }
                }
                Rule::optional_mark => optional = true,
                _ => {}
            }
        }
        match kind {
            Some(kind) => TypeExpr {
                kind,
                optional,
                span,
            },
            None => missing_type(span),
        }
    }

    fn let_decl(&mut self, p: P) -> LetDecl {
        let span = self.span(&p);
        let mut name = None;
        let mut ty = None;
        let mut value = None;
        let mut label = None;
        let mut cite = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::type_expr => ty = Some(self.type_expr(c)),
                Rule::expr => value = Some(self.expr(c)),
                Rule::label => label = Some(self.text(c)),
                Rule::cite => cite = Some(self.text(c)),
                _ => {}
            }
        }
        LetDecl {
            name: name.unwrap_or_else(|| missing_ident(span)),
            ty,
            value: value.unwrap_or_else(|| error_expr(span)),
            label,
            cite,
            span,
        }
    }

    fn fn_decl(&mut self, p: P) -> FnDecl {
        let span = self.span(&p);
        let mut name = None;
        let mut params = Vec::new();
        let mut ret = None;
        let mut body = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::param => {
                    let mut pn = None;
                    let mut pt = None;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::ident => pn = Some(self.ident(x)),
                            Rule::type_expr => pt = Some(self.type_expr(x)),
                            _ => {}
                        }
                    }
                    if let (Some(n), Some(t)) = (pn, pt) {
                        params.push((n, t));
                    }
                }
                Rule::type_expr => ret = Some(self.type_expr(c)),
                Rule::expr => body = Some(self.expr(c)),
                _ => {}
            }
        }
        FnDecl {
            name: name.unwrap_or_else(|| missing_ident(span)),
            params,
            ret: ret.unwrap_or_else(|| missing_type(span)),
            body: body.unwrap_or_else(|| error_expr(span)),
            span,
        }
    }

    fn table_decl(&mut self, p: P) -> TableDecl {
        let span = self.span(&p);
        let mut name = None;
        let mut types = Vec::new();
        let mut label = None;
        let mut cite = None;
        let mut arms = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::type_expr => types.push(self.type_expr(c)),
                Rule::label => label = Some(self.text(c)),
                Rule::cite => cite = Some(self.text(c)),
                Rule::arm => arms.push(self.arm(c)),
                _ => {}
            }
        }
        let mut types = types.into_iter();
        TableDecl {
            name: name.unwrap_or_else(|| missing_ident(span)),
            key: types.next().unwrap_or_else(|| missing_type(span)),
            value: types.next().unwrap_or_else(|| missing_type(span)),
            label,
            cite,
            arms,
            span,
        }
    }

    fn require(&mut self, p: P) -> Require {
        let span = self.span(&p);
        let mut cond = None;
        let mut cite = None;
        let mut label = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::expr => cond = Some(self.expr(c)),
                Rule::cite => cite = Some(self.text(c)),
                Rule::label => label = Some(self.text(c)),
                _ => {}
            }
        }
        Require {
            cond: cond.unwrap_or_else(|| error_expr(span)),
            cite,
            label,
            span,
        }
    }

    fn eligible(&mut self, p: P) -> EligibleBlock {
        let span = self.span(&p);
        let mut label = None;
        let mut requires = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::label => label = Some(self.text(c)),
                Rule::require_stmt => requires.push(self.require(c)),
                _ => {}
            }
        }
        EligibleBlock {
            label,
            requires,
            span,
        }
    }

    /// `expr label? cite?` tails shared by amount, cap and floor.
    fn valued(&mut self, p: P) -> (Expr, Option<Text>, Option<Text>, Span) {
        let span = self.span(&p);
        let mut value = None;
        let mut label = None;
        let mut cite = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::expr => value = Some(self.expr(c)),
                Rule::label => label = Some(self.text(c)),
                Rule::cite => cite = Some(self.text(c)),
                _ => {}
            }
        }
        (value.unwrap_or_else(|| error_expr(span)), label, cite, span)
    }

    /// `keyword (when expr)? meta?` where the expression may be absent.
    fn valued_opt(&mut self, p: P) -> (Option<Expr>, Option<Text>, Option<Text>, Span) {
        let span = self.span(&p);
        let mut value = None;
        let mut label = None;
        let mut cite = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::expr => value = Some(self.expr(c)),
                Rule::label => label = Some(self.text(c)),
                Rule::cite => cite = Some(self.text(c)),
                _ => {}
            }
        }
        (value, label, cite, span)
    }

    fn pool(&mut self, p: P) -> PoolDecl {
        let span = self.span(&p);
        let quota = p.as_rule() == Rule::quota_decl;
        let mut d = PoolDecl {
            quota,
            name: missing_ident(span),
            label: None,
            cite: None,
            limit: None,
            grants: Vec::new(),
            key: None,
            span,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => d.name = self.ident(c),
                Rule::label => d.label = Some(self.text(c)),
                Rule::cite => d.cite = Some(self.text(c)),
                Rule::limit_stmt | Rule::share_stmt => {
                    d.limit = c
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::expr)
                        .map(|x| self.expr(x));
                }
                Rule::grants_stmt => {
                    d.grants = c
                        .into_inner()
                        .filter(|x| x.as_rule() == Rule::ident)
                        .map(|x| self.ident(x))
                        .collect();
                }
                Rule::allocate_stmt | Rule::rank_stmt => {
                    for x in c.into_inner().flatten() {
                        if x.as_rule() == Rule::by_key {
                            let mut expr = None;
                            let mut desc = true;
                            for y in x.into_inner() {
                                match y.as_rule() {
                                    Rule::expr => expr = Some(self.expr(y)),
                                    Rule::order => desc = y.as_str() == "desc",
                                    _ => {}
                                }
                            }
                            d.key = expr.map(|e| (e, desc));
                        }
                    }
                }
                _ => {}
            }
        }
        d
    }

    fn series_decl(&mut self, p: P) -> SeriesDecl {
        let span = self.span(&p);
        let mut name = None;
        let mut ty = None;
        let mut label = None;
        let mut cite = None;
        let mut entries = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::type_expr => ty = Some(self.type_expr(c)),
                Rule::label => label = Some(self.text(c)),
                Rule::cite => cite = Some(self.text(c)),
                Rule::series_entry => {
                    let mut date = None;
                    let mut dspan = span;
                    let mut value = None;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::date_lit => {
                                dspan = self.span(&x);
                                date = self.date(x);
                            }
                            Rule::expr => value = Some(self.expr(x)),
                            _ => {}
                        }
                    }
                    if let (Some(d), Some(v)) = (date, value) {
                        entries.push((d, dspan, v));
                    }
                }
                _ => {}
            }
        }
        SeriesDecl {
            name: name.unwrap_or_else(|| missing_ident(span)),
            ty: ty.unwrap_or_else(|| missing_type(span)),
            label,
            cite,
            entries,
            span,
        }
    }

    fn grant(&mut self, p: P) -> GrantDecl {
        let span = self.span(&p);
        let mut name = None;
        let mut label = None;
        let mut cite = None;
        let mut body = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::label => label = Some(self.text(c)),
                Rule::cite => cite = Some(self.text(c)),
                Rule::when_stmt => {
                    let s = self.span(&c);
                    let e = c
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::expr)
                        .map(|x| self.expr(x))
                        .unwrap_or_else(|| error_expr(s));
                    body.push(GrantStmt::When(e));
                }
                Rule::require_stmt => body.push(GrantStmt::Require(self.require(c))),
                Rule::grant_let => body.push(GrantStmt::Let(self.let_decl(c))),
                Rule::amount_stmt => {
                    let (value, label, cite, span) = self.valued(c);
                    body.push(GrantStmt::Amount {
                        value,
                        label,
                        cite,
                        span,
                    });
                }
                Rule::cap_stmt => {
                    let unless = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::cap_unless)
                        .map(|u| {
                            let (cond, label, cite, _) = self.valued(u);
                            Unless { cond, label, cite }
                        });
                    let (limit, label, cite, span) = self.valued(c);
                    body.push(GrantStmt::Cap {
                        limit,
                        label,
                        cite,
                        unless,
                        span,
                    });
                }
                Rule::exclusive_stmt => {
                    if let Some(t) = c.into_inner().next() {
                        let t = self.text(t);
                        body.push(GrantStmt::Exclusive(t));
                    }
                }
                Rule::tranche_stmt => {
                    let span = self.span(&c);
                    let mut name = None;
                    let mut label = None;
                    let mut cite = None;
                    let mut exprs = Vec::new();
                    let mut rest = false;
                    let mut paid = None;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::ident => name = Some(self.ident(x)),
                            Rule::label => label = Some(self.text(x)),
                            Rule::cite => cite = Some(self.text(x)),
                            Rule::expr => exprs.push(self.expr(x)),
                            Rule::pay_rest => rest = true,
                            Rule::tranche_paid => {
                                paid = x
                                    .into_inner()
                                    .find(|e| e.as_rule() == Rule::expr)
                                    .map(|e| self.expr(e))
                            }
                            _ => {}
                        }
                    }
                    let mut exprs = exprs.into_iter();
                    let milestone = exprs.next().unwrap_or_else(|| error_expr(span));
                    let pay = if rest {
                        Pay::Rest
                    } else {
                        Pay::Expr(exprs.next().unwrap_or_else(|| error_expr(span)))
                    };
                    body.push(GrantStmt::Tranche(TrancheDecl {
                        name: name.unwrap_or_else(|| missing_ident(span)),
                        label,
                        cite,
                        milestone,
                        pay,
                        paid,
                        span,
                    }));
                }
                Rule::halt_stmt => {
                    let (cond, label, cite, span) = self.valued_opt(c);
                    body.push(GrantStmt::Halt {
                        cond,
                        label,
                        cite,
                        span,
                    });
                }
                Rule::clawback_stmt => {
                    let span = self.span(&c);
                    let mut cond = None;
                    let mut amount = None;
                    let mut label = None;
                    let mut cite = None;
                    let mut after_return = false;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::kw_return => after_return = true,
                            Rule::expr if after_return => amount = Some(self.expr(x)),
                            Rule::expr => cond = Some(self.expr(x)),
                            Rule::label => label = Some(self.text(x)),
                            Rule::cite => cite = Some(self.text(x)),
                            _ => {}
                        }
                    }
                    body.push(GrantStmt::Clawback {
                        cond,
                        amount,
                        label,
                        cite,
                        span,
                    });
                }
                Rule::floor_stmt => {
                    let (limit, label, cite, span) = self.valued(c);
                    body.push(GrantStmt::Floor {
                        limit,
                        label,
                        cite,
                        span,
                    });
                }
                Rule::round_stmt => {
                    let span = self.span(&c);
                    let mut unit = RoundUnit::Fen;
                    let mut mode = RoundMode::HalfUp;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::round_unit => {
                                unit = match x.as_str() {
                                    "角" => RoundUnit::Jiao,
                                    "元" => RoundUnit::Yuan,
                                    "百元" => RoundUnit::Bai,
                                    "千元" => RoundUnit::Qian,
                                    "万元" => RoundUnit::Wan,
                                    "none" => RoundUnit::None,
                                    _ => RoundUnit::Fen,
                                }
                            }
                            Rule::round_mode => {
                                mode = match x.as_str() {
                                    "half_even" => RoundMode::HalfEven,
                                    "down" => RoundMode::Down,
                                    "up" => RoundMode::Up,
                                    _ => RoundMode::HalfUp,
                                }
                            }
                            _ => {}
                        }
                    }
                    body.push(GrantStmt::Round { unit, mode, span });
                }
                _ => {}
            }
        }
        GrantDecl {
            name: name.unwrap_or_else(|| missing_ident(span)),
            label,
            cite,
            body,
            span,
        }
    }

    fn case(&mut self, p: P) -> CaseDecl {
        let span = self.span(&p);
        let mut name = Text {
            value: String::new(),
            en: None,
            span,
        };
        let mut given = Vec::new();
        let mut expect = Vec::new();
        let mut on = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::date_lit => on = self.date(c),
                Rule::string => {
                    let s = self.span(&c);
                    let raw = c
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::string_inner)
                        .map(|x| x.as_str())
                        .unwrap_or("");
                    name = Text {
                        value: unescape(raw),
                        en: None,
                        span: s,
                    };
                }
                Rule::case_given | Rule::case_expect => {
                    let target = if c.as_rule() == Rule::case_given {
                        &mut given
                    } else {
                        &mut expect
                    };
                    for f in c.into_inner().filter(|f| f.as_rule() == Rule::case_field) {
                        let fspan = self.span(&f);
                        let mut n = None;
                        let mut e = None;
                        for x in f.into_inner() {
                            match x.as_rule() {
                                Rule::case_key => n = Some(self.ident(x)),
                                Rule::expr => e = Some(self.expr(x)),
                                _ => {}
                            }
                        }
                        if let (Some(n), Some(e)) = (n, e) {
                            target.push((n, e));
                        } else {
                            self.internal(fspan);
                        }
                    }
                }
                _ => {}
            }
        }
        CaseDecl {
            name,
            on,
            given,
            expect,
            span,
        }
    }

    fn arm(&mut self, p: P) -> Arm {
        let span = self.span(&p);
        let mut patterns = Vec::new();
        let mut body = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::pattern => {
                    if let Some(x) = c.into_inner().next() {
                        let s = self.span(&x);
                        match x.as_rule() {
                            Rule::wildcard => patterns.push(Pattern::Wildcard(s)),
                            Rule::path => patterns.push(Pattern::Path(self.path(x))),
                            _ => {
                                if let Some(lit) = self.literal(x) {
                                    patterns.push(Pattern::Lit(lit, s));
                                }
                            }
                        }
                    }
                }
                Rule::expr => body = Some(self.expr(c)),
                _ => {}
            }
        }
        Arm {
            patterns,
            body: body.unwrap_or_else(|| error_expr(span)),
            span,
        }
    }

    // ------------------------------------------------------------ expressions

    pub(super) fn expr(&mut self, p: P) -> Expr {
        let span = self.span(&p);
        if self.depth > MAX_EXPR_DEPTH {
            self.too_deep(span);
            return error_expr(span);
        }
        self.depth += 1;
        let e = self.expr_inner(p, span);
        self.depth -= 1;
        e
    }

    fn too_deep(&mut self, span: Span) {
        if !self.too_deep_reported {
            self.too_deep_reported = true;
            self.diags.push(
                Diagnostic::error(Code::Syntax, "this expression is too deeply nested")
                    .primary(span, "too deep")
                    .help("split it into named steps with `let`"),
            );
        }
    }

    fn expr_inner(&mut self, p: P, span: Span) -> Expr {
        match p.as_rule() {
            Rule::expr | Rule::paren_expr => match p.into_inner().next() {
                Some(inner) => {
                    let mut e = self.expr(inner);
                    e.span = span;
                    e
                }
                None => error_expr(span),
            },
            Rule::or_expr
            | Rule::and_expr
            | Rule::add_expr
            | Rule::mul_expr
            | Rule::coalesce_expr
            | Rule::cmp_expr => self.binary_chain(p),
            Rule::not_expr => {
                let mut inner = p.into_inner();
                match inner.next() {
                    Some(first) if first.as_rule() == Rule::kw_not => match inner.next() {
                        Some(e) => Expr {
                            kind: ExprKind::Not(Box::new(self.expr(e))),
                            span,
                        },
                        None => error_expr(span),
                    },
                    Some(first) => self.expr(first),
                    None => error_expr(span),
                }
            }
            Rule::unary_expr => {
                let mut negs = 0usize;
                let mut operand = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::neg_op => negs += 1,
                        _ => operand = Some(self.expr(c)),
                    }
                }
                let operand = operand.unwrap_or_else(|| error_expr(span));
                if negs == 0 {
                    operand
                } else {
                    Expr {
                        kind: ExprKind::Unary {
                            neg: negs % 2 == 1,
                            expr: Box::new(operand),
                        },
                        span,
                    }
                }
            }
            Rule::postfix_expr => {
                let mut inner = p.into_inner();
                let mut e = match inner.next() {
                    Some(first) => self.expr(first),
                    None => return error_expr(span),
                };
                for f in inner {
                    let fspan = self.span(&f);
                    if let Some(id) = f.into_inner().next() {
                        let field = self.ident(id);
                        e = Expr {
                            span: e.span.to(fspan),
                            kind: ExprKind::Field(Box::new(e), field),
                        };
                    }
                }
                e
            }
            Rule::if_expr => {
                let parts: Vec<Expr> = p
                    .into_inner()
                    .filter(|c| c.as_rule() == Rule::expr)
                    .map(|c| self.expr(c))
                    .collect();
                let mut it = parts.into_iter();
                match (it.next(), it.next(), it.next()) {
                    (Some(c), Some(t), Some(e)) => Expr {
                        kind: ExprKind::If(Box::new(c), Box::new(t), Box::new(e)),
                        span,
                    },
                    _ => error_expr(span),
                }
            }
            Rule::match_expr => {
                let mut scrutinee = None;
                let mut arms = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::expr => scrutinee = Some(self.expr(c)),
                        Rule::arm => arms.push(self.arm(c)),
                        _ => {}
                    }
                }
                match scrutinee {
                    Some(s) => Expr {
                        kind: ExprKind::Match(Box::new(s), arms),
                        span,
                    },
                    None => error_expr(span),
                }
            }
            Rule::list_expr => Expr {
                kind: ExprKind::List(
                    p.into_inner()
                        .filter(|c| c.as_rule() == Rule::expr)
                        .map(|c| self.expr(c))
                        .collect(),
                ),
                span,
            },
            Rule::record_lit => {
                let mut fields = Vec::new();
                for f in p.into_inner().filter(|c| c.as_rule() == Rule::record_field) {
                    let mut n = None;
                    let mut v = None;
                    for x in f.into_inner() {
                        match x.as_rule() {
                            Rule::ident => n = Some(self.ident(x)),
                            Rule::expr => v = Some(self.expr(x)),
                            _ => {}
                        }
                    }
                    if let (Some(n), Some(v)) = (n, v) {
                        fields.push((n, v));
                    }
                }
                Expr {
                    kind: ExprKind::Record(fields),
                    span,
                }
            }
            Rule::path_or_call => {
                if p.clone()
                    .into_inner()
                    .any(|c| c.as_rule() == Rule::call_suffix)
                {
                    self.call(p)
                } else {
                    match p.into_inner().next() {
                        Some(path) => Expr {
                            kind: ExprKind::Path(self.path(path)),
                            span,
                        },
                        None => error_expr(span),
                    }
                }
            }
            _ => match self.literal(p) {
                Some(lit) => Expr {
                    kind: ExprKind::Lit(lit),
                    span,
                },
                None => error_expr(span),
            },
        }
    }

    fn binary_chain(&mut self, p: P) -> Expr {
        let mut inner = p.into_inner();
        let Some(first) = inner.next() else {
            return error_expr(Span::default());
        };
        let mut lhs = self.expr(first);
        let mut chain = 0usize;
        while let Some(op) = inner.next() {
            let bop = match (op.as_rule(), op.as_str()) {
                (Rule::kw_or, _) => BinOp::Or,
                (Rule::kw_and, _) => BinOp::And,
                (_, "+") => BinOp::Add,
                (_, "-") => BinOp::Sub,
                (_, "*") | (_, "×") => BinOp::Mul,
                (_, "/") | (_, "÷") => BinOp::Div,
                (_, "==") => BinOp::Eq,
                (_, "!=") | (_, "≠") => BinOp::Ne,
                (_, "<") => BinOp::Lt,
                (_, "<=") | (_, "≤") => BinOp::Le,
                (_, ">") => BinOp::Gt,
                (_, ">=") | (_, "≥") => BinOp::Ge,
                (_, "??") => BinOp::Coalesce,
                _ => break,
            };
            let Some(rhs) = inner.next() else {
                break;
            };
            // A chain `a + b + c ...` becomes a left-deep tree: count it as depth.
            chain += 1;
            if self.depth + chain > MAX_EXPR_DEPTH {
                let s = self.span(&rhs);
                self.too_deep(s);
                return error_expr(s);
            }
            let rhs = self.expr(rhs);
            lhs = Expr {
                span: lhs.span.to(rhs.span),
                kind: ExprKind::Binary(bop, Box::new(lhs), Box::new(rhs)),
            };
        }
        lhs
    }

    fn call(&mut self, p: P) -> Expr {
        let span = self.span(&p);
        let mut path = None;
        let mut args = Vec::new();
        let mut comp = None;
        // `path call_suffix(args...)`: the suffix's children are the arguments.
        let children = p.into_inner().flat_map(|c| {
            if c.as_rule() == Rule::call_suffix {
                c.into_inner().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        });
        for c in children {
            match c.as_rule() {
                Rule::path => path = Some(self.path(c)),
                Rule::arg => {
                    let mut name = None;
                    let mut value = None;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::ident => name = Some(self.ident(x)),
                            Rule::expr => value = Some(self.expr(x)),
                            _ => {}
                        }
                    }
                    if let Some(value) = value {
                        args.push(Arg { name, value });
                    }
                }
                Rule::comprehension => {
                    let mut var = None;
                    let mut list = None;
                    let mut filter = None;
                    let mut map = None;
                    // Each expression's role is given by the keyword before it.
                    let mut next_role = Rule::kw_in;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::ident => var = Some(self.ident(x)),
                            Rule::kw_in | Rule::kw_where => next_role = x.as_rule(),
                            Rule::expr => {
                                let e = Some(Box::new(self.expr(x)));
                                match next_role {
                                    Rule::kw_in => list = e,
                                    Rule::kw_where => filter = e,
                                    _ => map = e,
                                }
                                next_role = Rule::arg;
                            }
                            _ => {}
                        }
                    }
                    if let (Some(var), Some(list)) = (var, list) {
                        comp = Some(Comprehension {
                            var,
                            list,
                            filter,
                            map,
                        });
                    }
                }
                _ => {}
            }
        }
        let Some(path) = path else {
            return error_expr(span);
        };
        match comp {
            Some(c) => Expr {
                kind: ExprKind::Comprehension(path, c),
                span,
            },
            None => Expr {
                kind: ExprKind::Call(path, args),
                span,
            },
        }
    }

    // ------------------------------------------------------------ literals

    fn bad_literal(&mut self, span: Span, msg: String, help: &str) {
        self.diags.push(
            Diagnostic::error(Code::BadLiteral, msg)
                .primary(span, "this literal")
                .help(help),
        );
    }

    fn date(&mut self, p: P) -> Option<Date> {
        let span = self.span(&p);
        let d = Date::parse(p.as_str());
        if d.is_none() {
            let text = p.as_str().to_string();
            self.bad_literal(
                span,
                format!("`{text}` is not a calendar date"),
                "dates are written YYYY-MM-DD and must exist (2026-02-28, not 2026-02-30); years run from 0001 to 9999",
            );
        }
        d
    }

    fn number(&mut self, text: &str, span: Span) -> Option<Decimal> {
        let cleaned: String = text.chars().filter(|c| *c != ',').collect();
        match Decimal::from_str_exact(&cleaned) {
            Ok(d) => Some(d),
            Err(_) => {
                self.bad_literal(
                    span,
                    format!("the number `{text}` is too large or too precise to hold exactly"),
                    "amounts hold at most 28 significant digits; write the figure as the policy states it",
                );
                None
            }
        }
    }

    fn literal(&mut self, p: P) -> Option<Lit> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::date_lit => self.date(p).map(Lit::Date),
            Rule::money_lit => {
                let mut num = "";
                let mut unit = "元";
                for c in p.clone().into_inner() {
                    match c.as_rule() {
                        Rule::money_unit => unit = c.as_str(),
                        _ => num = c.as_str(),
                    }
                }
                let n = self.number(num, span)?;
                let factor = match unit {
                    "亿元" | "亿" => Decimal::from(100_000_000),
                    "万元" | "万" => Decimal::from(10_000),
                    _ => Decimal::ONE,
                };
                match n.checked_mul(factor) {
                    Some(v) => Some(Lit::Money(v)),
                    None => {
                        self.bad_literal(
                            span,
                            format!("the amount `{}` is too large", p.as_str()),
                            "amounts must stay below about 7.9 × 10^28 元",
                        );
                        None
                    }
                }
            }
            Rule::rate_lit => {
                let mut num = "";
                let mut unit = "%";
                for c in p.clone().into_inner() {
                    match c.as_rule() {
                        Rule::rate_unit => unit = c.as_str(),
                        _ => num = c.as_str(),
                    }
                }
                let n = self.number(num, span)?;
                let div = match unit {
                    "‰" => Decimal::from(1000),
                    "bp" | "BP" => Decimal::from(10_000),
                    _ => Decimal::ONE_HUNDRED,
                };
                match n.checked_div(div) {
                    Some(v) => Some(Lit::Rate(v)),
                    None => {
                        self.bad_literal(
                            span,
                            format!("the rate `{}` cannot be held exactly", p.as_str()),
                            "write the rate with fewer digits",
                        );
                        None
                    }
                }
            }
            Rule::duration_lit => {
                let mut n = "";
                let mut unit = "days";
                for c in p.clone().into_inner() {
                    match c.as_rule() {
                        Rule::digits => n = c.as_str(),
                        Rule::dur_unit => unit = c.as_str(),
                        _ => {}
                    }
                }
                let count: Option<i64> = n.parse().ok().filter(|v: &i64| *v <= 100_000);
                let Some(count) = count else {
                    self.bad_literal(
                        span,
                        format!("the duration `{}` is too long", p.as_str()),
                        "durations are limited to 100000 units",
                    );
                    return None;
                };
                Some(Lit::Duration(match unit {
                    "years" | "year" => Duration::months(count * 12),
                    "months" | "month" => Duration::months(count),
                    _ => Duration::days(count),
                }))
            }
            Rule::decimal_lit => self.number(p.as_str(), span).map(Lit::Decimal),
            Rule::int_lit => match p.as_str().parse::<i64>() {
                Ok(v) => Some(Lit::Int(v)),
                Err(_) => {
                    self.bad_literal(
                        span,
                        format!("the number `{}` is too large", p.as_str()),
                        "whole numbers must fit in 64 bits; for amounts use a unit: `500万元`",
                    );
                    None
                }
            },
            Rule::bool_lit => Some(Lit::Bool(p.as_str() == "true")),
            Rule::string => {
                let raw = p
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::string_inner)
                    .map(|x| x.as_str())
                    .unwrap_or("");
                Some(Lit::Text(unescape(raw)))
            }
            _ => None,
        }
    }

    fn internal(&mut self, span: Span) {
        self.diags.push(
            Diagnostic::error(Code::Syntax, "this declaration could not be read")
                .primary(span, "here"),
        );
    }
}

/// Length of `text` without trailing whitespace and `//` comments.
fn trimmed_len(text: &str) -> usize {
    // Most spans end on their last token: nothing to trim.
    if !text.ends_with(|c: char| c.is_whitespace()) {
        return text.len();
    }
    let mut t = text.trim_end();
    loop {
        let line_start = t.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let line = t.get(line_start..).unwrap_or("");
        match line_comment_start(line) {
            Some(c) if line_start + c > 0 => t = t.get(..line_start + c).unwrap_or(t).trim_end(),
            _ => return t.len(),
        }
    }
}

/// Where a `//` comment starts on a line, outside string literals.
fn line_comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    let mut prev_slash = false;
    for (i, c) in line.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if prev_slash => return Some(i - 1),
            _ => {}
        }
        prev_slash = c == '/';
    }
    None
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn missing_ident(span: Span) -> Ident {
    Ident {
        name: String::new(),
        span,
    }
}

fn missing_type(span: Span) -> TypeExpr {
    TypeExpr {
        kind: TypeExprKind::Named(Path {
            segments: Vec::new(),
            span,
        }),
        optional: false,
        span,
    }
}

fn error_expr(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Error,
        span,
    }
}
