//! Phase 2: syntax tree → checked `Program`. Resolves names (locals, the
//! file's declarations, `use`d stdlib modules), checks types and units,
//! checks `match` and table exhaustiveness, rejects recursion, lowers every
//! expression to the typed IR, and runs the lints. It never stops at the first
//! problem: a failed expression becomes `Type::Error`, which is compatible
//! with everything, so each mistake is reported once and the rest is checked.
//!
//! Stdlib modules are checked as units before the policy, into the same
//! `Program` tables; a unit's scope maps names to items of any unit.

mod expr;
mod lints;
mod ops;
#[cfg(test)]
mod tests;

use crate::diagnostics::{suggest, Code, Diagnostic};
use crate::program::*;
use crate::span::{Sources, Span};
use crate::syntax::ast;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One file to check: a stdlib module (`std::liaoning`) or the policy.
pub struct UnitSource<'a> {
    pub module: Option<String>,
    pub file: &'a ast::File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Item {
    Enum(EnumId),
    Record(RecordId),
    Input(u32),
    Global(u32),
    Fn(u32),
    Table(u32),
    Series(u32),
    Module(usize),
}

#[derive(Default)]
struct Unit {
    module: Option<String>,
    scope: HashMap<String, (Item, Span)>,
    /// Bare variant names visible in this unit.
    variants: HashMap<String, Vec<(EnumId, u32)>>,
}

/// Node of the dependency graph used to reject recursion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Node {
    Global(u32),
    Fn(u32),
    Table(u32),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum GlobalState {
    Pending,
    InProgress,
    Done,
}

struct Checker<'a> {
    sources: &'a Sources,
    prog: Program,
    diags: Vec<Diagnostic>,
    units: Vec<Unit>,
    cur: usize,
    /// Locals of the body being checked; a local's slot is its index.
    locals: Vec<(String, Type)>,
    global_ast: Vec<(usize, &'a ast::LetDecl)>,
    global_state: Vec<GlobalState>,
    fn_ast: Vec<(usize, &'a ast::FnDecl)>,
    table_ast: Vec<(usize, &'a ast::TableDecl)>,
    /// The definition whose body is being checked, for the dependency graph.
    current_node: Option<Node>,
    deps: BTreeMap<Node, Vec<(Node, Span)>>,
    /// Names read by the requirement being checked (for results).
    reads: Option<Vec<Ref>>,
    used: HashSet<Item>,
    /// Checking a test case's values: inputs and definitions are not visible.
    in_case: bool,
}

/// Check a policy and the stdlib modules it uses (given in dependency order).
/// Returns the program only if there is no error; warnings come either way.
pub fn check(sources: &Sources, units: &[UnitSource<'_>]) -> (Option<Program>, Vec<Diagnostic>) {
    let mut c = Checker {
        sources,
        prog: Program::default(),
        diags: Vec::new(),
        units: Vec::new(),
        cur: 0,
        locals: Vec::new(),
        global_ast: Vec::new(),
        global_state: Vec::new(),
        fn_ast: Vec::new(),
        table_ast: Vec::new(),
        current_node: None,
        deps: BTreeMap::new(),
        reads: None,
        used: HashSet::new(),
        in_case: false,
    };
    for u in units {
        c.declare_unit(u);
        c.prog.en_labels.extend(u.file.en_labels.iter().cloned());
    }
    c.check_bodies();
    c.check_cycles();
    let policy_unit = c.units.len().saturating_sub(1);
    if let Some(policy) = units.last().filter(|u| u.module.is_none()) {
        c.cur = policy_unit;
        c.policy_parts(policy.file);
        c.unused(policy_unit);
        lints::run(&mut c);
    }
    let mut diags = c.diags;
    crate::diagnostics::sort(&mut diags);
    if diags.iter().any(|d| d.is_error()) {
        (None, diags)
    } else {
        (Some(c.prog), diags)
    }
}

fn text(t: &Option<ast::Text>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

impl<'a> Checker<'a> {
    fn unit(&self) -> &Unit {
        // `cur` always indexes a unit pushed by `declare_unit`.
        self.units
            .get(self.cur)
            .unwrap_or_else(|| unreachable_unit())
    }

    fn source_text(&self, span: Span) -> String {
        self.sources.slice(span).to_string()
    }

    fn type_name(&self, t: &Type) -> String {
        let mut s = String::new();
        let _ = write_type(&mut s, t, &self.prog.enums, &self.prog.records);
        s
    }

    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Bind a name in the current unit, reporting a duplicate.
    /// Returns whether the name was bound (false for a duplicate).
    fn bind(&mut self, name: &ast::Ident, item: Item) -> bool {
        if name.name.is_empty() {
            return false;
        }
        let cur = self.cur;
        let prev = self
            .units
            .get(cur)
            .and_then(|u| u.scope.get(&name.name))
            .copied();
        if let Some((_, prev_span)) = prev {
            self.error(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("`{}` is declared twice", name.name),
                )
                .primary(name.span, "declared again here")
                .secondary(prev_span, "first declared here")
                .help("rename one of them: every name must mean one thing"),
            );
            return false;
        }
        if let Some(u) = self.units.get_mut(cur) {
            u.scope.insert(name.name.clone(), (item, name.span));
        }
        true
    }

    fn add_variants(&mut self, e: EnumId) {
        let names: Vec<String> = self
            .prog
            .enums
            .get(e as usize)
            .map(|en| en.variants.iter().map(|v| v.name.clone()).collect())
            .unwrap_or_default();
        let cur = self.cur;
        if let Some(u) = self.units.get_mut(cur) {
            for (i, n) in names.into_iter().enumerate() {
                let entry = u.variants.entry(n).or_default();
                let v = (e, i as u32);
                if !entry.contains(&v) {
                    entry.push(v);
                }
            }
        }
    }

    // ------------------------------------------------------------ declarations

    fn declare_unit(&mut self, src: &UnitSource<'a>) {
        self.units.push(Unit {
            module: src.module.clone(),
            ..Unit::default()
        });
        self.cur = self.units.len() - 1;
        let file = src.file;

        for u in &file.uses {
            self.use_decl(u);
        }
        for e in &file.enums {
            let id = self.prog.enums.len() as EnumId;
            let mut seen: HashMap<&str, Span> = HashMap::new();
            let mut variants = Vec::new();
            for v in &e.variants {
                if let Some(prev) = seen.get(v.name.name.as_str()) {
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!(
                                "variant `{}` is listed twice in `{}`",
                                v.name.name, e.name.name
                            ),
                        )
                        .primary(v.name.span, "listed again here")
                        .secondary(*prev, "first listed here")
                        .help("remove the repeated variant"),
                    );
                    continue;
                }
                seen.insert(&v.name.name, v.name.span);
                variants.push(VariantDef {
                    name: v.name.name.clone(),
                    label: text(&v.label),
                });
            }
            self.prog.enums.push(EnumDef {
                name: e.name.name.clone(),
                label: text(&e.label),
                variants,
                span: e.span,
            });
            if self.bind(&e.name, Item::Enum(id)) {
                self.add_variants(id);
            }
        }
        let first_record = self.prog.records.len();
        for r in &file.records {
            let id = self.prog.records.len() as RecordId;
            self.prog.records.push(RecordDef {
                name: r.name.name.clone(),
                label: text(&r.label),
                fields: Vec::new(),
                span: r.span,
            });
            let _ = self.bind(&r.name, Item::Record(id));
        }
        for (i, r) in file.records.iter().enumerate() {
            let mut fields = Vec::new();
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for f in &r.fields {
                if let Some(prev) = seen.get(f.name.name.as_str()) {
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!(
                                "field `{}` is declared twice in `{}`",
                                f.name.name, r.name.name
                            ),
                        )
                        .primary(f.name.span, "declared again here")
                        .secondary(*prev, "first declared here"),
                    );
                    continue;
                }
                seen.insert(&f.name.name, f.name.span);
                let ty = self.resolve_type(&f.ty);
                fields.push(FieldDef {
                    name: f.name.name.clone(),
                    ty,
                    label: text(&f.label),
                });
            }
            if let Some(def) = self.prog.records.get_mut(first_record + i) {
                def.fields = fields;
            }
        }
        if src.module.is_some() && !file.inputs.is_empty() {
            if let Some(i) = file.inputs.first() {
                self.error(
                    Diagnostic::error(Code::Duplicate, "a stdlib module cannot declare inputs")
                        .primary(i.span, "input in a module"),
                );
            }
        } else {
            for i in &file.inputs {
                let id = self.prog.inputs.len() as u32;
                let ty = self.resolve_type(&i.ty);
                self.prog.inputs.push(InputDef {
                    name: i.name.name.clone(),
                    ty,
                    label: text(&i.label),
                    default: None,
                    span: i.span,
                });
                let _ = self.bind(&i.name, Item::Input(id));
            }
        }
        for l in &file.lets {
            let id = self.prog.globals.len() as u32;
            let ty = match &l.ty {
                Some(t) => self.resolve_type(t),
                None => Type::Error,
            };
            self.prog.globals.push(GlobalDef {
                name: l.name.name.clone(),
                ty,
                expr: placeholder(l.span),
                label: text(&l.label),
                cite: text(&l.cite),
                span: l.span,
            });
            self.global_ast.push((self.cur, l));
            self.global_state.push(GlobalState::Pending);
            let _ = self.bind(&l.name, Item::Global(id));
        }
        for f in &file.fns {
            let id = self.prog.fns.len() as u32;
            let params = f
                .params
                .iter()
                .map(|(n, t)| (n.name.clone(), self.resolve_type(t)))
                .collect();
            let ret = self.resolve_type(&f.ret);
            self.prog.fns.push(FnDef {
                name: f.name.name.clone(),
                params,
                ret,
                body: placeholder(f.span),
                span: f.span,
            });
            self.fn_ast.push((self.cur, f));
            let _ = self.bind(&f.name, Item::Fn(id));
        }
        for t in &file.tables {
            let id = self.prog.tables.len() as u32;
            let key = self.resolve_type(&t.key);
            let value = self.resolve_type(&t.value);
            self.prog.tables.push(TableDef {
                name: t.name.name.clone(),
                key,
                value,
                arms: Vec::new(),
                label: text(&t.label),
                cite: text(&t.cite),
                span: t.span,
            });
            self.table_ast.push((self.cur, t));
            let _ = self.bind(&t.name, Item::Table(id));
        }
        for sd in &file.series {
            let id = self.prog.series.len() as u32;
            let ty = self.resolve_type(&sd.ty);
            let mut entries = Vec::new();
            let mut prev: Option<(crate::value::Date, Span)> = None;
            for (date, dspan, value) in &sd.entries {
                let e = self.expr(value, Some(&ty));
                self.expect_type(&e, &ty, "the series' type");
                if let Some((p, pspan)) = prev {
                    if *date <= p {
                        self.error(
                            Diagnostic::error(
                                Code::SeriesOrder,
                                format!("{date} does not come after {p}"),
                            )
                            .primary(*dspan, "out of order")
                            .secondary(pspan, "the entry before")
                            .help("list the values by increasing date, one per date"),
                        );
                    }
                }
                prev = Some((*date, *dspan));
                match crate::eval::constant(&self.prog, &e) {
                    Some(v) => entries.push((*date, v)),
                    None if e.ty == Type::Error => {}
                    None => self.error(
                        Diagnostic::error(Code::TypeMismatch, "a series holds constant values")
                            .primary(value.span, "not a constant")
                            .help("write the published figure itself, e.g. `3.00%`"),
                    ),
                }
            }
            self.prog.series.push(SeriesDef {
                name: sd.name.name.clone(),
                ty,
                label: text(&sd.label),
                cite: text(&sd.cite),
                entries,
                // Diagnostics about the series' range point at its first value.
                span: sd
                    .entries
                    .first()
                    .map(|(_, sp, _)| *sp)
                    .unwrap_or(sd.name.span),
            });
            let _ = self.bind(&sd.name, Item::Series(id));
        }
        if src.module.is_some() {
            let stray = file
                .grants
                .first()
                .map(|g| g.span)
                .or_else(|| file.eligible.first().map(|e| e.span))
                .or_else(|| file.cases.first().map(|c| c.span));
            if let Some(span) = stray {
                self.error(
                    Diagnostic::error(
                        Code::NoPolicy,
                        "a stdlib module holds only types, functions, tables and definitions",
                    )
                    .primary(span, "not allowed in a module"),
                );
            }
        }
    }

    fn use_decl(&mut self, u: &ast::Use) {
        let path = u.path.text();
        let found = self
            .units
            .iter()
            .position(|x| x.module.as_deref() == Some(path.as_str()));
        let Some(unit) = found else {
            // `use std::loan::Loan`: a module and one of its items, without braces.
            if let Some((module, item)) = path.rsplit_once("::") {
                let m = self
                    .units
                    .iter()
                    .position(|x| x.module.as_deref() == Some(module));
                if let Some(m) = m {
                    let has = self
                        .units
                        .get(m)
                        .is_some_and(|x| x.scope.contains_key(item));
                    if has {
                        self.error(
                            Diagnostic::error(
                                Code::UnknownModule,
                                format!("`{path}` is an item of `{module}`, not a module"),
                            )
                            .primary(u.path.span, "an item, not a module")
                            .help(format!(
                                "import items in braces: `use {module}::{{{item}}}`"
                            )),
                        );
                        // Import it anyway, so the rest of the file checks normally.
                        let ident = u.path.segments.last().cloned();
                        let it = self
                            .units
                            .get(m)
                            .and_then(|x| x.scope.get(item))
                            .map(|(i, _)| *i);
                        if let (Some(ident), Some(it)) = (ident, it) {
                            if self.bind(&ident, it) {
                                if let Item::Enum(e) = it {
                                    self.add_variants(e);
                                }
                            }
                        }
                        return;
                    }
                }
            }
            let known: Vec<String> = crate::stdlib::MODULES
                .iter()
                .map(|(n, _)| n.to_string())
                .collect();
            let mut d = Diagnostic::error(Code::UnknownModule, format!("no module `{path}`"))
                .primary(u.path.span, "not a stdlib module");
            if let Some(s) = suggest(&path, known.iter().map(|s| s.as_str())) {
                d = d.help(format!("did you mean `{s}`?"));
            } else {
                d = d.help(format!(
                    "the stdlib modules are: {}",
                    crate::stdlib::MODULES
                        .iter()
                        .map(|(n, _)| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            self.error(d);
            return;
        };
        if u.items.is_empty() {
            if let Some(last) = u.path.segments.last() {
                let alias = last.clone();
                let _ = self.bind(&alias, Item::Module(unit));
            }
            return;
        }
        for item in &u.items {
            let found = self
                .units
                .get(unit)
                .and_then(|m| m.scope.get(&item.name))
                .map(|(i, _)| *i);
            match found {
                Some(it) => {
                    if self.bind(item, it) {
                        if let Item::Enum(e) = it {
                            self.add_variants(e);
                        }
                    }
                }
                None => {
                    let names: Vec<String> = self
                        .units
                        .get(unit)
                        .map(|m| m.scope.keys().cloned().collect())
                        .unwrap_or_default();
                    let mut d = Diagnostic::error(
                        Code::UnknownModule,
                        format!("module `{path}` has no item `{}`", item.name),
                    )
                    .primary(item.span, "not in the module");
                    if let Some(s) = suggest(&item.name, names.iter().map(|s| s.as_str())) {
                        d = d.help(format!("did you mean `{s}`?"));
                    } else {
                        let mut names = names;
                        names.sort();
                        d = d.help(format!("`{path}` exports: {}", names.join(", ")));
                    }
                    self.error(d);
                }
            }
        }
    }

    fn resolve_type(&mut self, t: &ast::TypeExpr) -> Type {
        let inner = match &t.kind {
            ast::TypeExprKind::List(inner) => Type::List(Box::new(self.resolve_type(inner))),
            ast::TypeExprKind::Named(path) => self.resolve_named_type(path),
        };
        if t.optional {
            Type::Optional(Box::new(inner))
        } else {
            inner
        }
    }

    fn resolve_named_type(&mut self, path: &ast::Path) -> Type {
        if path.segments.is_empty() {
            return Type::Error;
        }
        if path.segments.len() == 1 {
            let name = path.segments.first().map(|s| s.name.as_str()).unwrap_or("");
            let builtin = match name {
                "Money" => Some(Type::Money),
                "Rate" => Some(Type::Rate),
                "Decimal" => Some(Type::Decimal),
                "Int" => Some(Type::Int),
                "Bool" => Some(Type::Bool),
                "Date" => Some(Type::Date),
                "Duration" => Some(Type::Duration),
                "Text" => Some(Type::Text),
                _ => None,
            };
            if let Some(b) = builtin {
                return b;
            }
        }
        match self.lookup_path(path) {
            Some(Item::Enum(e)) => Type::Enum(e),
            Some(Item::Record(r)) => Type::Record(r),
            _ => {
                let name = path.text();
                let mut candidates: Vec<String> = [
                    "Money", "Rate", "Decimal", "Int", "Bool", "Date", "Duration", "Text",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect();
                candidates.extend(
                    self.unit()
                        .scope
                        .iter()
                        .filter(|(_, (it, _))| matches!(it, Item::Enum(_) | Item::Record(_)))
                        .map(|(k, _)| k.clone()),
                );
                let mut d = Diagnostic::error(Code::UnknownType, format!("unknown type `{name}`"))
                    .primary(path.span, "not a type");
                d = match suggest(&name, candidates.iter().map(|s| s.as_str())) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(
                        "the built-in types are Money, Rate, Decimal, Int, Bool, Date, Duration and Text; \
                         declare an `enum` or `record`, or import one with `use`",
                    ),
                };
                self.error(d);
                Type::Error
            }
        }
    }

    /// Resolve a (possibly qualified) path to an item, without reporting.
    fn lookup_path(&self, path: &ast::Path) -> Option<Item> {
        let mut segs = path.segments.iter();
        let first = segs.next()?;
        let mut item = self.unit().scope.get(&first.name).map(|(i, _)| *i)?;
        for seg in segs {
            match item {
                Item::Module(u) => {
                    item = self.units.get(u)?.scope.get(&seg.name).map(|(i, _)| *i)?;
                }
                _ => return None,
            }
        }
        Some(item)
    }

    // ------------------------------------------------------------ bodies

    fn check_bodies(&mut self) {
        for id in 0..self.global_ast.len() {
            self.ensure_global(id as u32);
        }
        for id in 0..self.fn_ast.len() {
            let Some(&(unit, f)) = self.fn_ast.get(id) else {
                continue;
            };
            self.cur = unit;
            let params: Vec<(String, Type)> = self
                .prog
                .fns
                .get(id)
                .map(|d| d.params.clone())
                .unwrap_or_default();
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for (n, _) in &f.params {
                if let Some(prev) = seen.get(n.name.as_str()) {
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!("parameter `{}` is declared twice", n.name),
                        )
                        .primary(n.span, "declared again here")
                        .secondary(*prev, "first declared here"),
                    );
                }
                seen.insert(&n.name, n.span);
            }
            let ret = self
                .prog
                .fns
                .get(id)
                .map(|d| d.ret.clone())
                .unwrap_or(Type::Error);
            self.locals = params;
            self.current_node = Some(Node::Fn(id as u32));
            let body = self.expr(&f.body, Some(&ret));
            self.expect_type(&body, &ret, "the function's declared result");
            self.current_node = None;
            self.locals.clear();
            if let Some(d) = self.prog.fns.get_mut(id) {
                d.body = body;
            }
        }
        for id in 0..self.table_ast.len() {
            let Some(&(unit, t)) = self.table_ast.get(id) else {
                continue;
            };
            self.cur = unit;
            let (key, value) = match self.prog.tables.get(id) {
                Some(d) => (d.key.clone(), d.value.clone()),
                None => continue,
            };
            self.current_node = Some(Node::Table(id as u32));
            let arms = self.arms(&t.arms, &key, Some(&value), t.name.span, "table");
            for a in &arms {
                self.expect_type(&a.body, &value, "the table's value type");
            }
            self.current_node = None;
            if let Some(d) = self.prog.tables.get_mut(id) {
                d.arms = arms;
            }
        }
    }

    /// Check a global definition's body now if it has not been (on demand,
    /// so definitions can be used before they are written).
    fn ensure_global(&mut self, id: u32) -> Type {
        let state = self.global_state.get(id as usize).copied();
        match state {
            Some(GlobalState::Pending) => {}
            Some(GlobalState::InProgress) => {
                // A cycle: reported by `check_cycles`; the declared type (or
                // Error) keeps checking going.
                return self
                    .prog
                    .globals
                    .get(id as usize)
                    .map(|g| g.ty.clone())
                    .unwrap_or(Type::Error);
            }
            _ => {
                return self
                    .prog
                    .globals
                    .get(id as usize)
                    .map(|g| g.ty.clone())
                    .unwrap_or(Type::Error)
            }
        }
        let Some(&(unit, decl)) = self.global_ast.get(id as usize) else {
            return Type::Error;
        };
        if let Some(s) = self.global_state.get_mut(id as usize) {
            *s = GlobalState::InProgress;
        }
        // Save the context of whatever body asked for this one.
        let saved_cur = self.cur;
        let saved_locals = std::mem::take(&mut self.locals);
        let saved_node = self.current_node.replace(Node::Global(id));
        let saved_reads = self.reads.take();
        let saved_case = std::mem::replace(&mut self.in_case, false);
        self.cur = unit;
        let declared = decl.ty.as_ref().map(|_| {
            self.prog
                .globals
                .get(id as usize)
                .map(|g| g.ty.clone())
                .unwrap_or(Type::Error)
        });
        let body = self.expr(&decl.value, declared.as_ref());
        let ty = match &declared {
            Some(t) => {
                self.expect_type(&body, t, "the declared type");
                t.clone()
            }
            None => body.ty.clone(),
        };
        if let Some(g) = self.prog.globals.get_mut(id as usize) {
            g.expr = body;
            g.ty = ty.clone();
        }
        if let Some(s) = self.global_state.get_mut(id as usize) {
            *s = GlobalState::Done;
        }
        self.cur = saved_cur;
        self.locals = saved_locals;
        self.current_node = saved_node;
        self.reads = saved_reads;
        self.in_case = saved_case;
        ty
    }

    fn check_cycles(&mut self) {
        // Depth-first search for a back edge; each cycle reported once.
        let nodes: Vec<Node> = self.deps.keys().copied().collect();
        let mut done: HashSet<Node> = HashSet::new();
        let mut reported: HashSet<Node> = HashSet::new();
        for start in nodes {
            let mut stack: Vec<(Node, usize)> = vec![(start, 0)];
            let mut on_path: Vec<Node> = vec![start];
            while let Some((node, idx)) = stack.pop() {
                let edges = self.deps.get(&node).cloned().unwrap_or_default();
                if let Some(&(next, span)) = edges.get(idx) {
                    stack.push((node, idx + 1));
                    if let Some(pos) = on_path.iter().position(|n| *n == next) {
                        let cycle: Vec<Node> =
                            on_path.get(pos..).map(|s| s.to_vec()).unwrap_or_default();
                        if cycle.iter().all(|n| !reported.contains(n)) {
                            reported.extend(cycle.iter().copied());
                            let names: Vec<String> =
                                cycle.iter().map(|n| self.node_name(*n)).collect();
                            let first = names.first().cloned().unwrap_or_default();
                            self.error(
                                Diagnostic::error(
                                    Code::Cycle,
                                    format!("`{}` depends on itself", node_name_or(&first)),
                                )
                                .primary(span, "this use closes the cycle")
                                .note(format!("cycle: {} → {}", names.join(" → "), first))
                                .help("polc is total: no definition may depend on itself; write the value directly"),
                            );
                        }
                    } else if !done.contains(&next) {
                        stack.push((next, 0));
                        on_path.push(next);
                    }
                } else {
                    done.insert(node);
                    on_path.pop();
                }
            }
        }
    }

    fn node_name(&self, n: Node) -> String {
        match n {
            Node::Global(i) => self.prog.globals.get(i as usize).map(|g| g.name.clone()),
            Node::Fn(i) => self.prog.fns.get(i as usize).map(|g| g.name.clone()),
            Node::Table(i) => self.prog.tables.get(i as usize).map(|g| g.name.clone()),
        }
        .unwrap_or_default()
    }

    fn add_dep(&mut self, to: Node, span: Span) {
        if let Some(from) = self.current_node {
            self.deps.entry(from).or_default().push((to, span));
        }
    }

    // ------------------------------------------------------------ policy parts

    fn policy_parts(&mut self, file: &'a ast::File) {
        self.meta(file);
        // Input defaults: constants of the input's type.
        for (i, decl) in file.inputs.iter().enumerate() {
            if let Some(d) = &decl.default {
                let ty = self
                    .prog
                    .inputs
                    .get(i)
                    .map(|x| x.ty.clone())
                    .unwrap_or(Type::Error);
                let e = self.expr(d, Some(&ty));
                self.expect_type(&e, &ty, "the input's type");
                if let Some(inp) = self.prog.inputs.get_mut(i) {
                    inp.default = Some(e);
                }
            }
        }
        let mut eligibility = Vec::new();
        for (i, block) in file.eligible.iter().enumerate() {
            if i == 0 {
                self.prog.eligibility_label = text(&block.label);
            }
            for r in &block.requires {
                eligibility.push(self.requirement(r));
            }
        }
        self.prog.eligibility = eligibility;
        let mut names: HashMap<&str, Span> = HashMap::new();
        for g in &file.grants {
            if let Some(prev) = names.get(g.name.name.as_str()) {
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("grant `{}` is declared twice", g.name.name),
                    )
                    .primary(g.name.span, "declared again here")
                    .secondary(*prev, "first declared here")
                    .help("give each grant its own name: results and test cases refer to grants by name"),
                );
            }
            names.insert(&g.name.name, g.name.span);
            let def = self.grant(g);
            self.prog.grants.push(def);
        }
        for pd in &file.pools {
            if let Some(def) = self.pool(pd) {
                self.prog.pools.push(def);
            }
        }
        for c in &file.cases {
            let case = self.case(c);
            self.prog.cases.push(case);
        }
    }

    fn meta(&mut self, file: &ast::File) {
        match &file.policy {
            None => {
                let span = file
                    .inputs
                    .first()
                    .map(|i| i.span)
                    .or_else(|| file.grants.first().map(|g| g.span))
                    .unwrap_or_default();
                self.error(
                    Diagnostic::error(Code::NoPolicy, "this file has no `policy` header")
                        .primary(span, "a policy starts with its header")
                        .help("add `policy name { title \"...\" source \"...\" effective 2026-01-01 .. 2026-12-31 }` at the top"),
                );
            }
            Some(p) => {
                let eff = p.effective;
                if let Some((from, Some(to), span)) = eff {
                    if to < from {
                        self.error(
                            Diagnostic::error(
                                Code::BadEffective,
                                format!(
                                    "the effective period ends ({to}) before it starts ({from})"
                                ),
                            )
                            .primary(span, "period ends before it starts")
                            .help("write `effective FROM .. TO` with FROM on or before TO"),
                        );
                    }
                }
                self.prog.meta = Meta {
                    name: p.name.name.clone(),
                    title: text(&p.title),
                    source: text(&p.source),
                    issuer: text(&p.issuer),
                    effective_from: eff.map(|(f, _, _)| f),
                    effective_to: eff.and_then(|(_, t, _)| t),
                    articles: p
                        .articles
                        .iter()
                        .map(|(a, b)| (a.value.clone(), b.value.clone()))
                        .collect(),
                    exclusive: p.exclusive.iter().map(|t| t.value.clone()).collect(),
                };
            }
        }
        for extra in &file.extra_policies {
            self.error(
                Diagnostic::error(Code::NoPolicy, "a file holds one policy")
                    .primary(extra.span, "second policy header")
                    .help("put each policy in its own file"),
            );
        }
    }

    fn requirement(&mut self, r: &ast::Require) -> Requirement {
        self.reads = Some(Vec::new());
        let cond = self.expr(&r.cond, Some(&Type::Bool));
        self.expect_bool(&cond, "`require`");
        let mut reads = self.reads.take().unwrap_or_default();
        reads.sort();
        reads.dedup();
        Requirement {
            cond,
            label: text(&r.label),
            cite: text(&r.cite),
            source: self.source_text(r.cond.span),
            reads,
            span: r.span,
        }
    }

    fn grant(&mut self, g: &ast::GrantDecl) -> GrantDef {
        self.locals.clear();
        let mut when = None;
        let mut requires = Vec::new();
        let mut steps = Vec::new();
        let mut amount: Option<(Expr, Option<String>)> = None;
        let mut amount_span: Option<Span> = None;
        let mut amount_reads: Vec<Ref> = Vec::new();
        let mut caps = Vec::new();
        let mut floors = Vec::new();
        let mut tranches: Vec<Tranche> = Vec::new();
        let mut exclusive: Option<String> = None;
        let mut require_after: Vec<u32> = Vec::new();
        let mut halts = Vec::new();
        let mut clawbacks = Vec::new();
        let mut rounding: Option<(Rounding, Span)> = None;
        let mut step_names: HashMap<String, Span> = HashMap::new();
        for stmt in &g.body {
            match stmt {
                ast::GrantStmt::When(e) => {
                    let c = self.expr(e, Some(&Type::Bool));
                    self.expect_bool(&c, "`when`");
                    if when.is_some() {
                        self.error(
                            Diagnostic::error(
                                Code::DuplicateStmt,
                                "a grant has one `when` condition",
                            )
                            .primary(e.span, "second `when`")
                            .help("combine the conditions with `and`"),
                        );
                    }
                    when = Some(c);
                }
                ast::GrantStmt::Require(r) => {
                    require_after.push(self.locals.len() as u32);
                    requires.push(self.requirement(r));
                }
                ast::GrantStmt::Let(l) => {
                    let declared = l.ty.as_ref().map(|t| self.resolve_type(t));
                    let saved = self.reads.replace(Vec::new());
                    let e = self.expr(&l.value, declared.as_ref());
                    let mut reads = std::mem::replace(&mut self.reads, saved).unwrap_or_default();
                    reads.sort();
                    reads.dedup();
                    let ty = match declared {
                        Some(t) => {
                            self.expect_type(&e, &t, "the declared type");
                            t
                        }
                        None => e.ty.clone(),
                    };
                    if let Some(prev) = step_names.get(&l.name.name) {
                        self.error(
                            Diagnostic::error(
                                Code::Duplicate,
                                format!("`{}` is declared twice in this grant", l.name.name),
                            )
                            .primary(l.name.span, "declared again here")
                            .secondary(*prev, "first declared here"),
                        );
                    }
                    step_names.insert(l.name.name.clone(), l.name.span);
                    let slot = self.locals.len() as u32;
                    self.locals.push((l.name.name.clone(), ty));
                    steps.push(Step {
                        name: l.name.name.clone(),
                        slot,
                        expr: e,
                        reads,
                        label: text(&l.label),
                        cite: text(&l.cite),
                        span: l.span,
                    });
                }
                ast::GrantStmt::Amount {
                    value, label, span, ..
                } => {
                    let saved = self.reads.replace(Vec::new());
                    let e = self.expr(value, Some(&Type::Money));
                    let mut reads = std::mem::replace(&mut self.reads, saved).unwrap_or_default();
                    reads.sort();
                    reads.dedup();
                    amount_reads = reads;
                    self.expect_money(&e, "a grant's amount");
                    if let Some(first) = amount_span {
                        self.error(
                            Diagnostic::error(Code::DuplicateStmt, "a grant has one `amount` line")
                                .primary(*span, "second `amount`")
                                .secondary(first, "first `amount`")
                                .help("compute intermediate values with `let`, then one `amount = ...`"),
                        );
                    } else {
                        amount_span = Some(*span);
                    }
                    amount = Some((e, text(label)));
                }
                ast::GrantStmt::Cap {
                    limit,
                    label,
                    cite,
                    unless,
                    span,
                } => {
                    let e = self.expr(limit, Some(&Type::Money));
                    self.expect_money(&e, "a cap");
                    let unless = unless.as_ref().map(|u| {
                        let c = self.expr(&u.cond, Some(&Type::Bool));
                        self.expect_bool(&c, "`unless`");
                        Override {
                            cond: c,
                            label: text(&u.label),
                            cite: text(&u.cite),
                        }
                    });
                    caps.push(Limit {
                        expr: e,
                        label: text(label),
                        cite: text(cite),
                        unless,
                        span: *span,
                    });
                }
                ast::GrantStmt::Tranche(t) => tranches.push(self.tranche(t)),
                ast::GrantStmt::Exclusive(t) => {
                    if exclusive.is_some() {
                        self.error(
                            Diagnostic::error(
                                Code::DuplicateStmt,
                                "a grant belongs to one `exclusive` group",
                            )
                            .primary(t.span, "second group")
                            .help("put every grant of one 就高不重复 rule in the same group"),
                        );
                    }
                    exclusive = Some(t.value.clone());
                }
                ast::GrantStmt::Halt {
                    cond,
                    label,
                    cite,
                    span,
                } => {
                    let cond = self.milestone_condition(cond.as_ref(), *span, "halt");
                    halts.push(Halt {
                        cond,
                        label: text(label),
                        cite: text(cite),
                        span: *span,
                    });
                }
                ast::GrantStmt::Clawback {
                    cond,
                    amount,
                    label,
                    cite,
                    span,
                } => {
                    let cond = self.milestone_condition(cond.as_ref(), *span, "clawback");
                    let amount = amount.as_ref().map(|a| {
                        let e = self.expr(a, Some(&Type::Money));
                        self.expect_money(&e, "the amount to return");
                        e
                    });
                    clawbacks.push(Clawback {
                        cond,
                        amount,
                        label: text(label),
                        cite: text(cite),
                        span: *span,
                    });
                }
                ast::GrantStmt::Floor {
                    limit,
                    label,
                    cite,
                    span,
                } => {
                    let e = self.expr(limit, Some(&Type::Money));
                    self.expect_money(&e, "a floor");
                    floors.push(Limit {
                        expr: e,
                        label: text(label),
                        cite: text(cite),
                        unless: None,
                        span: *span,
                    });
                }
                ast::GrantStmt::Round { unit, mode, span } => {
                    if rounding.is_some() {
                        self.error(
                            Diagnostic::error(Code::DuplicateStmt, "a grant has one `round` line")
                                .primary(*span, "second `round`"),
                        );
                    }
                    rounding = Some((
                        Rounding {
                            unit: *unit,
                            mode: *mode,
                        },
                        *span,
                    ));
                }
            }
        }
        self.locals.clear();
        let (amount, amount_label) = match amount {
            Some(a) => a,
            None => {
                self.error(
                    Diagnostic::error(
                        Code::NoAmount,
                        format!("grant `{}` has no `amount`", g.name.name),
                    )
                    .primary(g.name.span, "this grant computes nothing")
                    .help("add a line `amount = base * rate` (the amount before caps)"),
                );
                (placeholder(g.span), None)
            }
        };
        self.check_tranches(&tranches, &caps);
        GrantDef {
            header: Span {
                end: g.name.span.end,
                ..g.span
            },
            name: g.name.name.clone(),
            label: text(&g.label),
            cite: text(&g.cite),
            when,
            requires,
            require_after,
            steps,
            amount,
            amount_label,
            amount_reads,
            caps,
            floors,
            rounding: rounding.map(|(r, _)| r).unwrap_or_default(),
            exclusive,
            tranches,
            halts,
            clawbacks,
            span: g.span,
        }
    }

    /// Shares above 100%, tranches after `pay rest` (errors), and tranches
    /// that cannot add up to the grant (warnings).
    fn check_tranches(&mut self, tranches: &[Tranche], caps: &[Limit]) {
        if tranches.is_empty() {
            return;
        }
        let mut shares = rust_decimal::Decimal::ZERO;
        let mut all_constant_shares = true;
        let mut fixed = rust_decimal::Decimal::ZERO;
        let mut rest_at: Option<Span> = None;
        let mut reported_over = false;
        for t in tranches {
            if let Some(r) = rest_at {
                self.error(
                    Diagnostic::error(
                        Code::TranchesOver,
                        format!("tranche `{}` comes after `pay rest`", t.name),
                    )
                    .primary(t.span, "nothing is left to pay")
                    .secondary(r, "`rest` already pays everything that is left")
                    .help("put the `pay rest` tranche last"),
                );
            }
            match &t.pay {
                Pay::Rest => rest_at = Some(t.span),
                Pay::Share(e) => match crate::eval::constant(&self.prog, e) {
                    Some(crate::value::Value::Rate(r)) => {
                        shares = shares.checked_add(r).unwrap_or(rust_decimal::Decimal::MAX);
                        if shares > rust_decimal::Decimal::ONE && !reported_over {
                            reported_over = true;
                            self.error(
                                Diagnostic::error(
                                    Code::TranchesOver,
                                    format!("the tranches pay {} of the grant", crate::value::rate_string(shares)),
                                )
                                .primary(e.span, "the shares pass 100% here")
                                .help("the shares of a grant add up to at most 100%: check them against the text, or pay the last one as `pay rest`"),
                            );
                        }
                    }
                    _ => all_constant_shares = false,
                },
                Pay::Amount(e) => {
                    all_constant_shares = false;
                    if let Some(crate::value::Value::Money(m)) =
                        crate::eval::constant(&self.prog, e)
                    {
                        fixed = fixed.checked_add(m).unwrap_or(rust_decimal::Decimal::MAX);
                    }
                }
            }
        }
        let all_shares = tranches.iter().all(|t| matches!(t.pay, Pay::Share(_)));
        if all_shares && all_constant_shares && shares < rust_decimal::Decimal::ONE {
            if let Some(last) = tranches.last() {
                self.diags.push(
                    Diagnostic::warning(
                        Code::TrancheExceeds,
                        format!(
                            "the tranches pay only {} of the grant",
                            crate::value::rate_string(shares)
                        ),
                    )
                    .primary(last.span, "the last tranche")
                    .help(
                        "pay the last tranche as `pay rest`, or check the shares against the text",
                    ),
                );
            }
        }
        let min_cap = caps
            .iter()
            .filter(|c| c.unless.is_none())
            .filter_map(|c| match crate::eval::constant(&self.prog, &c.expr) {
                Some(crate::value::Value::Money(m)) => Some((m, c.span)),
                _ => None,
            })
            .min_by_key(|(m, _)| *m);
        if let (Some((cap, cap_span)), Some(first)) = (min_cap, tranches.first()) {
            if fixed > cap {
                self.diags.push(
                    Diagnostic::warning(
                        Code::TrancheExceeds,
                        format!(
                            "the fixed tranches add up to {} 元, more than the grant's cap of {} 元",
                            crate::value::money_grouped(fixed),
                            crate::value::money_grouped(cap)
                        ),
                    )
                    .primary(first.span, "fixed amounts")
                    .secondary(cap_span, "the cap")
                    .help("check the amounts against the text; the excess would have to be returned"),
                );
            }
        }
    }

    /// `grant.tranche: amount`, `grant.tranche.status: "paid"`, `grant.to_return: amount`.
    fn schedule_expectation(&mut self, key: &ast::Ident, value: &ast::Expr) -> Option<Expectation> {
        let parts: Vec<&str> = key.name.split('.').collect();
        let bad = |c: &mut Self, msg: String, help: String| {
            c.error(
                Diagnostic::error(Code::CaseExpect, msg)
                    .primary(key.span, "unknown expectation")
                    .help(help),
            );
            None
        };
        let gname = parts.first().copied().unwrap_or("");
        let Some(g) = self.prog.grant_index(gname) else {
            return bad(
                self,
                format!("`{gname}` is not a grant"),
                "write `grant.tranche: amount` or `grant.to_return: amount`".into(),
            );
        };
        let grant = self.prog.grants.get(g).cloned()?;
        let money = |c: &mut Self| -> Option<rust_decimal::Decimal> {
            let e = c.expr(value, Some(&Type::Money));
            c.expect_money(&e, "an expected amount");
            match crate::eval::constant(&c.prog, &e) {
                Some(crate::value::Value::Money(m)) => Some(m),
                _ => None,
            }
        };
        match parts.as_slice() {
            [_, field] if ScheduleField::parse(field).is_some() => {
                let f = ScheduleField::parse(field)?;
                money(self).map(|m| Expectation::ScheduleTotal(g as u32, f, m))
            }
            [_, t] | [_, t, "status"] => {
                let Some(ti) = grant.tranches.iter().position(|x| x.name == *t) else {
                    let names: Vec<&str> = grant.tranches.iter().map(|x| x.name.as_str()).collect();
                    let help = match suggest(t, names.iter().copied()) {
                        Some(s) => format!("did you mean `{gname}.{s}`?"),
                        None => format!(
                            "`{gname}` has the tranches {} and the totals paid, payable, waiting, cancelled, to_return",
                            names.join(", ")
                        ),
                    };
                    return bad(self, format!("`{gname}` has no tranche `{t}`"), help);
                };
                if parts.len() == 3 {
                    let e = self.expr(value, Some(&Type::Text));
                    self.expect_type(&e, &Type::Text, "a tranche status");
                    match crate::eval::constant(&self.prog, &e) {
                        Some(crate::value::Value::Text(s))
                            if matches!(&*s, "paid" | "payable" | "waiting" | "cancelled") =>
                        {
                            Some(Expectation::TrancheStatus(g as u32, ti as u32, s.to_string()))
                        }
                        _ => {
                            self.error(
                                Diagnostic::error(Code::CaseExpect, "a tranche status is \"paid\", \"payable\", \"waiting\" or \"cancelled\"")
                                    .primary(value.span, "not a status"),
                            );
                            None
                        }
                    }
                } else {
                    money(self).map(|m| Expectation::TrancheAmount(g as u32, ti as u32, m))
                }
            }
            _ => bad(
                self,
                format!("`{}` is not a result", key.name),
                "write `grant.tranche`, `grant.tranche.status` or `grant.paid|payable|waiting|cancelled|to_return`".into(),
            ),
        }
    }

    fn pool(&mut self, pd: &ast::PoolDecl) -> Option<PoolDef> {
        let what = if pd.quota { "quota" } else { "pool" };
        let bad = |c: &mut Self, span: Span, msg: String, help: &str| {
            c.error(
                Diagnostic::error(Code::BadPool, msg)
                    .primary(span, "here")
                    .help(help.to_string()),
            );
        };
        let want = if pd.quota { Type::Rate } else { Type::Money };
        let limit = match &pd.limit {
            None => {
                let help = if pd.quota {
                    "add `share 30%`"
                } else {
                    "add `limit 500万元`"
                };
                bad(
                    self,
                    pd.name.span,
                    format!("{what} `{}` states no limit", pd.name.name),
                    help,
                );
                None
            }
            Some(e) => {
                let x = self.expr(e, Some(&want));
                self.expect_type(&x, &want, &format!("a {what}'s limit"));
                match crate::eval::constant(&self.prog, &x) {
                    Some(crate::value::Value::Money(m)) if !pd.quota => Some(m),
                    Some(crate::value::Value::Rate(r))
                        if pd.quota
                            && r >= rust_decimal::Decimal::ZERO
                            && r <= rust_decimal::Decimal::ONE =>
                    {
                        Some(r)
                    }
                    _ => {
                        bad(
                            self,
                            e.span,
                            format!("the {what}'s limit must be a constant"),
                            "write the figure the text gives: `500万元`, `30%`",
                        );
                        None
                    }
                }
            }
        };
        let mut grants = Vec::new();
        for g in &pd.grants {
            match self.prog.grant_index(&g.name) {
                Some(i) => grants.push(i as u32),
                None => {
                    let names: Vec<&str> =
                        self.prog.grants.iter().map(|g| g.name.as_str()).collect();
                    let help = match suggest(&g.name, names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "name grants declared in this policy".to_string(),
                    };
                    bad(self, g.span, format!("no grant `{}`", g.name), &help);
                }
            }
        }
        if grants.is_empty() {
            grants = (0..self.prog.grants.len() as u32).collect();
        }
        let key = match &pd.key {
            Some((e, desc)) => {
                self.locals.clear();
                let x = self.expr(e, None);
                if !matches!(
                    x.ty.strip(),
                    Type::Money | Type::Rate | Type::Int | Type::Decimal | Type::Date | Type::Error
                ) {
                    let n = self.type_name(&x.ty);
                    bad(
                        self,
                        e.span,
                        format!("a {what} ranks by a number, amount, rate or date, found {n}"),
                        "rank by a score, an amount or a date: `rank by score desc`",
                    );
                }
                Some((x, *desc))
            }
            None if pd.quota => {
                bad(
                    self,
                    pd.name.span,
                    format!("quota `{}` has no ranking", pd.name.name),
                    "add `rank by score desc`: who keeps the award when there are too many",
                );
                None
            }
            None => None,
        };
        let limit = limit?;
        Some(PoolDef {
            name: pd.name.name.clone(),
            label: text(&pd.label),
            cite: text(&pd.cite),
            quota: pd.quota,
            limit,
            grants,
            key,
            span: pd.span,
        })
    }

    fn tranche(&mut self, t: &ast::TrancheDecl) -> Tranche {
        let milestone = self.expr(&t.milestone, Some(&Type::Bool));
        match &milestone.ty {
            Type::Bool | Type::Error => {}
            Type::Optional(inner) if **inner == Type::Date || **inner == Type::Bool => {}
            other => {
                let n = self.type_name(other);
                self.error(
                    Diagnostic::error(Code::NotBool, format!("a milestone is a condition or an optional date, found {n}"))
                        .primary(milestone.span, format!("this is {n}"))
                        .help("write `on accepted` (a Bool input) or `on acceptance_date` (a `Date?` input: reached when given)"),
                );
            }
        }
        let pay = match &t.pay {
            ast::Pay::Rest => Pay::Rest,
            ast::Pay::Expr(e) => {
                let x = self.expr(e, None);
                match x.ty.strip() {
                    Type::Rate => Pay::Share(x),
                    Type::Money | Type::Error => Pay::Amount(x),
                    other => {
                        let n = self.type_name(other);
                        self.error(
                            Diagnostic::error(Code::TypeMismatch, format!("a tranche pays a share or an amount, found {n}"))
                                .primary(x.span, format!("this is {n}"))
                                .help("write `pay 50%` (a share of the grant), `pay 100万元`, or `pay rest`"),
                        );
                        Pay::Amount(x)
                    }
                }
            }
        };
        // `paid FLAG` (Bool) or `paid AMOUNT` (Money, or Money? where absent
        // means not paid yet): what was actually disbursed.
        let paid = t.paid.as_ref().map(|p| {
            let e = self.expr(p, None);
            match e.ty.strip() {
                Type::Bool | Type::Money | Type::Error => {}
                other => {
                    let n = self.type_name(other);
                    self.error(
                        Diagnostic::error(Code::TypeMismatch, format!("`paid` takes a condition or the amount disbursed, found {n}"))
                            .primary(e.span, format!("this is {n}"))
                            .help("write `paid first_paid` (a Bool input) or `paid first_paid_amount` (a `Money?` input: the amount actually disbursed)"),
                    );
                }
            }
            e
        });
        Tranche {
            name: t.name.name.clone(),
            label: text(&t.label),
            cite: text(&t.cite),
            milestone,
            pay,
            paid,
            span: t.span,
        }
    }

    /// The condition of a halt or clawback: present, a Bool, and reading the
    /// applicant's data (a milestone), else E0606.
    fn milestone_condition(&mut self, cond: Option<&ast::Expr>, span: Span, what: &str) -> Expr {
        let Some(cond) = cond else {
            self.error(
                Diagnostic::error(Code::NoMilestone, format!("this {what} names no milestone"))
                    .primary(span, format!("when does this {what} apply?"))
                    .help(format!(
                        "add the triggering event: `{what} when not accepted ...`"
                    )),
            );
            return placeholder(span);
        };
        let saved = self.reads.replace(Vec::new());
        let e = self.expr(cond, Some(&Type::Bool));
        let reads = std::mem::replace(&mut self.reads, saved).unwrap_or_default();
        self.expect_bool(&e, &format!("`{what} when`"));
        if reads.is_empty() && e.ty != Type::Error {
            self.error(
                Diagnostic::error(Code::NoMilestone, format!("this {what} names no milestone"))
                    .primary(e.span, "reads none of the applicant's data")
                    .help(format!("a {what} is triggered by an event: write a condition on an input, e.g. `{what} when midterm_failed`")),
            );
        }
        e
    }

    fn case(&mut self, c: &ast::CaseDecl) -> Case {
        self.in_case = true;
        let mut given = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for (name, value) in &c.given {
            if let Some(prev) = seen.get(name.name.as_str()) {
                self.error(
                    Diagnostic::error(Code::CaseInput, format!("`{}` is given twice", name.name))
                        .primary(name.span, "given again here")
                        .secondary(*prev, "first given here"),
                );
                continue;
            }
            seen.insert(&name.name, name.span);
            match self.prog.input_index(&name.name) {
                Some(i) => {
                    let ty = self
                        .prog
                        .inputs
                        .get(i)
                        .map(|x| x.ty.clone())
                        .unwrap_or(Type::Error);
                    let e = self.expr(value, Some(&ty));
                    self.expect_type(&e, &ty, "the input's type");
                    if let Some(v) = crate::eval::constant(&self.prog, &e) {
                        given.push((i as u32, v, value.span));
                    } else if !expr::has_error(&e) {
                        self.error(
                            Diagnostic::error(Code::CaseInput, "a case gives constant values")
                                .primary(value.span, "not a constant")
                                .help(
                                    "write the value itself: `800万元`, `2026-03-31`, `NewBuild`",
                                ),
                        );
                    }
                }
                None => {
                    let names: Vec<&str> =
                        self.prog.inputs.iter().map(|i| i.name.as_str()).collect();
                    let mut d = Diagnostic::error(
                        Code::CaseInput,
                        format!("`{}` is not an input", name.name),
                    )
                    .primary(name.span, "no input of this name");
                    if let Some(s) = suggest(&name.name, names) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    self.error(d);
                }
            }
        }
        for inp in &self.prog.inputs.clone() {
            let optional = matches!(inp.ty, Type::Optional(_));
            if !seen.contains_key(inp.name.as_str()) && inp.default.is_none() && !optional {
                let label = inp
                    .label
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                self.error(
                    Diagnostic::error(
                        Code::CaseInput,
                        format!(
                            "case \"{}\" does not give input `{}`{label}",
                            c.name.value, inp.name
                        ),
                    )
                    .primary(c.name.span, "this case")
                    .help(format!("add `{}: ...` to its `given` block", inp.name)),
                );
            }
        }
        let mut expect = Vec::new();
        for (name, value) in &c.expect {
            let e = match name.name.as_str() {
                "eligible" => {
                    let e = self.expr(value, Some(&Type::Bool));
                    self.expect_bool(&e, "`eligible`");
                    match crate::eval::constant(&self.prog, &e) {
                        Some(crate::value::Value::Bool(b)) => Some(Expectation::Eligible(b)),
                        _ => None,
                    }
                }
                "in_force" => {
                    let e = self.expr(value, Some(&Type::Bool));
                    self.expect_bool(&e, "`in_force`");
                    match crate::eval::constant(&self.prog, &e) {
                        Some(crate::value::Value::Bool(b)) => Some(Expectation::InForce(b)),
                        _ => None,
                    }
                }
                "failed" => {
                    let ty = Type::List(Box::new(Type::Text));
                    let e = self.expr(value, Some(&ty));
                    self.expect_type(&e, &ty, "`failed` (a list of citations or labels)");
                    match crate::eval::constant(&self.prog, &e) {
                        Some(crate::value::Value::List(items)) => Some(Expectation::Failed(
                            items
                                .iter()
                                .filter_map(|v| match v {
                                    crate::value::Value::Text(t) => Some(t.to_string()),
                                    _ => None,
                                })
                                .collect(),
                        )),
                        _ => None,
                    }
                }
                dotted if dotted.contains('.') => self.schedule_expectation(name, value),
                other => {
                    let grant = if other == "total" {
                        None
                    } else {
                        match self.prog.grant_index(other) {
                            Some(g) => Some(g as u32),
                            None => {
                                let mut names: Vec<&str> =
                                    self.prog.grants.iter().map(|g| g.name.as_str()).collect();
                                names.extend(["eligible", "failed", "total"]);
                                let mut d = Diagnostic::error(
                                    Code::CaseExpect,
                                    format!("`{other}` is not a grant or a result"),
                                )
                                .primary(name.span, "unknown expectation");
                                d = match suggest(other, names) {
                                    Some(s) => d.help(format!("did you mean `{s}`?")),
                                    None => d.help(
                                        "expect `eligible`, `failed`, `total` or a grant's name",
                                    ),
                                };
                                self.error(d);
                                continue;
                            }
                        }
                    };
                    let e = self.expr(value, Some(&Type::Money));
                    self.expect_money(&e, "an expected amount");
                    match crate::eval::constant(&self.prog, &e) {
                        Some(crate::value::Value::Money(m)) => Some(match grant {
                            Some(g) => Expectation::Grant(g, m),
                            None => Expectation::Total(m),
                        }),
                        _ => None,
                    }
                }
            };
            if let Some(x) = e {
                expect.push((x, value.span));
            }
        }
        self.in_case = false;
        Case {
            name: c.name.value.clone(),
            on: c.on,
            given,
            expect,
            span: c.span,
        }
    }

    // ------------------------------------------------------------ warnings

    fn unused(&mut self, unit: usize) {
        let Some(u) = self.units.get(unit) else {
            return;
        };
        let mut items: Vec<(String, Item, Span)> = u
            .scope
            .iter()
            .map(|(n, (i, s))| (n.clone(), *i, *s))
            .collect();
        items.sort_by_key(|(_, _, s)| (s.start, s.end));
        for (name, item, span) in items {
            if self.used.contains(&item) || name.starts_with('_') {
                continue;
            }
            let (code, what) = match item {
                Item::Input(_) => (Code::UnusedInput, "input"),
                Item::Global(_) => (Code::UnusedDefinition, "definition"),
                Item::Fn(_) => (Code::UnusedDefinition, "function"),
                Item::Table(_) => (Code::UnusedDefinition, "table"),
                Item::Series(_) => (Code::UnusedDefinition, "series"),
                _ => continue,
            };
            // An imported item lives in another unit: only own declarations count.
            let own = match item {
                Item::Input(_) => true,
                Item::Global(i) => self.global_ast.get(i as usize).map(|(u, _)| *u) == Some(unit),
                Item::Fn(i) => self.fn_ast.get(i as usize).map(|(u, _)| *u) == Some(unit),
                Item::Table(i) => self.table_ast.get(i as usize).map(|(u, _)| *u) == Some(unit),
                Item::Series(_) => self.units.get(unit).is_some_and(|u| u.module.is_none()),
                _ => false,
            };
            if !own {
                continue;
            }
            let help = if matches!(item, Item::Input(_)) {
                "no rule reads it: either a rule is missing or the input can go (prefix it with `_` to keep it deliberately)"
            } else {
                "remove it, or prefix its name with `_` to keep it deliberately"
            };
            self.diags.push(
                Diagnostic::warning(code, format!("{what} `{name}` is never used"))
                    .primary(span, "declared here")
                    .help(help),
            );
        }
    }
}

fn node_name_or(s: &str) -> &str {
    if s.is_empty() {
        "definition"
    } else {
        s
    }
}

fn placeholder(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Error,
        ty: Type::Error,
        span,
    }
}

#[cold]
fn unreachable_unit() -> &'static Unit {
    static EMPTY: std::sync::OnceLock<Unit> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Unit::default)
}
