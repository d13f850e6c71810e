//! `polc match`: one enterprise's profile against every policy of a library,
//! the way a "政策计算器" does it, but exact and explained.
//!
//! The pipeline: split the profile into applications (the enterprise, and
//! one per project when it lists several), evaluate every policy in force on
//! the date against the applications it concerns, sort each result into
//! qualified / needs data / not met, apply the 从高不重复 groups across the
//! qualified ones, and build a report (`MatchReport`, serialisable, rendered
//! by `matching/render.rs` as text, Markdown, HTML or JSON).
//!
//! Missing data is found, not guessed: a value the applicant did not give
//! stops the evaluation with E0803 naming the input or field; it is recorded,
//! a stand-in value is put in its place only so the evaluation can go on and
//! find the next one, and no figure computed from a stand-in is ever shown.
//! A condition counts as not met only when it failed on given data alone (it
//! reads no stand-in and no absent value); otherwise the policy needs data.

mod render;

pub use render::render;

use crate::data::json::{JsonKind, JsonValue};
use crate::data::DataError;
use crate::diagnostics::Code;
use crate::eval::{evaluate_on, in_effect, GrantStatus, Outcome};
use crate::explain::{self, Lang};
use crate::program::{Expr, ExprKind, Program, Ref, Type};
use crate::span::Sources;
use crate::value::{Date, Value};
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Arc;

/// Schema identifier written into every JSON match report.
pub const SCHEMA: &str = "https://polc.dev/schema/match/v1";

/// How many missing values one evaluation may discover before giving up.
const MAX_PROBES: usize = 64;

/// How many projects one profile may list (each is evaluated against every
/// project policy of the library).
pub const MAX_PROJECTS: usize = 1000;

/// One policy of the library, compiled.
pub struct LibraryPolicy<'a> {
    /// The file, as the user named it (shown in reports).
    pub file: String,
    pub program: &'a Program,
    pub sources: &'a Sources,
}

/// What an application is about: the enterprise as a whole, or one of its
/// projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Index in the profile's `projects` list (`None`: the single `project`).
    pub index: Option<usize>,
    /// The project's name as given, if any.
    pub name: Option<String>,
}

/// One application: the document a policy reads.
#[derive(Debug, Clone)]
pub struct Application {
    /// `None`: the enterprise (no project in view).
    pub subject: Option<Subject>,
    pub root: JsonValue,
    /// JSON path prefixes to rewrite in messages: the view's `$.project` is
    /// the profile's `$.projects[1]`.
    renames: Vec<(String, String)>,
}

impl Application {
    /// A path of the view as a path of the profile file.
    pub fn profile_path(&self, path: &str) -> String {
        for (from, to) in &self.renames {
            if let Some(rest) = path.strip_prefix(from.as_str()) {
                if rest.is_empty() || rest.starts_with(['.', '[']) {
                    return format!("{to}{rest}");
                }
            }
        }
        path.to_string()
    }
}

fn member<'j>(obj: &'j [(String, (usize, usize), JsonValue)], key: &str) -> Option<&'j JsonValue> {
    obj.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v)
}

fn error(path: &str, span: (usize, usize), message: &str, help: &str) -> DataError {
    DataError {
        path: path.to_string(),
        span: Some(span),
        message: message.to_string(),
        help: Some(help.to_string()),
        missing: false,
    }
}

/// Split a profile into applications. A profile is one JSON object in the
/// shared vocabulary; it gives either one `project` or a list `projects`,
/// each of which may carry its own `loans` (else the profile's `loans` are
/// read with every project).
///
/// Inside a project entry, a key that is not a field of the project but is
/// an input of some policy (`"project_class": "Xian"`) is that input for this
/// project only, over the profile's own.
pub fn applications(
    root: &JsonValue,
    project_fields: &[&str],
    input_names: &[&str],
) -> Result<Vec<Application>, Vec<DataError>> {
    let JsonKind::Object(members) = &root.kind else {
        return Err(vec![error(
            "$",
            root.span,
            "a profile must be a JSON object",
            "write the enterprise's data as {\"enterprise\": {...}, \"project\": {...}, ...}",
        )]);
    };
    let projects = member(members, "projects");
    let Some(projects) = projects else {
        let subject = member(members, "project").map(|p| Subject {
            index: None,
            name: project_name(p),
        });
        return Ok(vec![Application {
            subject,
            root: root.clone(),
            renames: Vec::new(),
        }]);
    };
    if member(members, "project").is_some() {
        return Err(vec![error(
            "$.projects",
            projects.span,
            "the profile gives both `project` and `projects`",
            "give one project as \"project\": {...}, or several as \"projects\": [{...}, {...}]",
        )]);
    }
    let JsonKind::Array(list) = &projects.kind else {
        return Err(vec![error(
            "$.projects",
            projects.span,
            "`projects` must be a list of projects",
            "write \"projects\": [{\"name\": \"…\", \"approved_investment\": \"1000万元\", …}, …]",
        )]);
    };
    if list.len() > MAX_PROJECTS {
        return Err(vec![error(
            "$.projects",
            projects.span,
            &format!(
                "the profile lists {} projects; a profile holds at most {MAX_PROJECTS}",
                list.len()
            ),
            "match the enterprise's projects in groups, or run the policies over them as a batch (polc run --batch)",
        )]);
    }
    let base: Vec<(String, (usize, usize), JsonValue)> = members
        .iter()
        .filter(|(k, _, _)| k != "projects")
        .cloned()
        .collect();
    let mut apps = vec![Application {
        subject: None,
        root: JsonValue {
            kind: JsonKind::Object(base.clone()),
            span: root.span,
        },
        renames: Vec::new(),
    }];
    let mut errors = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let JsonKind::Object(fields) = &p.kind else {
            errors.push(error(
                &format!("$.projects[{i}]"),
                p.span,
                "each entry of `projects` must be an object (one project)",
                "write {\"name\": \"…\", \"kind\": \"Renovation\", \"approved_investment\": \"1000万元\", …}",
            ));
            continue;
        };
        // The project's own fields, and the inputs it gives for itself.
        let is_field = |k: &str| project_fields.is_empty() || project_fields.contains(&k);
        let own: Vec<_> = fields
            .iter()
            .filter(|(k, _, _)| !is_field(k) && (k == "loans" || input_names.contains(&k.as_str())))
            .cloned()
            .collect();
        let project: Vec<_> = fields
            .iter()
            .filter(|(k, _, _)| !own.iter().any(|(o, _, _)| o == k))
            .cloned()
            .collect();
        let mut view: Vec<_> = base
            .iter()
            .filter(|(k, _, _)| !own.iter().any(|(o, _, _)| o == k))
            .cloned()
            .collect();
        view.push((
            "project".to_string(),
            p.span,
            JsonValue {
                kind: JsonKind::Object(project),
                span: p.span,
            },
        ));
        let mut renames = Vec::new();
        for (k, _, _) in &own {
            let from = crate::data::json::child_key("$", k);
            let to = crate::data::json::child_key(&format!("$.projects[{i}]"), k);
            renames.push((from, to));
        }
        view.extend(own);
        renames.push(("$.project".to_string(), format!("$.projects[{i}]")));
        apps.push(Application {
            subject: Some(Subject {
                index: Some(i),
                name: project_name(p),
            }),
            root: JsonValue {
                kind: JsonKind::Object(view),
                span: root.span,
            },
            renames,
        });
    }
    if errors.is_empty() {
        Ok(apps)
    } else {
        Err(errors)
    }
}

fn project_name(p: &JsonValue) -> Option<String> {
    match &p.kind {
        JsonKind::Object(fields) => match member(fields, "name").map(|v| &v.kind) {
            Some(JsonKind::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a policy reads a project: it declares an input named `project`.
fn reads_project(p: &Program) -> bool {
    p.inputs.iter().any(|i| i.name == "project")
}

/// A value the applicant did not give that a policy needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// Where it goes in the profile file: `$.projects[1].approved_investment`.
    pub path: String,
    /// The input or field as the policy names it: `project.approved_investment`.
    pub name: String,
    pub label: Option<String>,
    /// What to write, e.g. `"1000万元"`.
    pub example: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Eligible, every value it needed was given, and something is payable.
    Qualified,
    /// Nothing failed on the data given, but values are missing.
    NeedsData,
    /// A condition fails on the data given (or nothing would be payable).
    NotMet,
    /// The evaluation stopped on an error other than missing data.
    Error,
}

/// One policy evaluated for one application.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the policy in the library.
    pub policy: usize,
    /// Index of the application.
    pub application: usize,
    pub verdict: Verdict,
    /// The values evaluated (with stand-ins where data was missing).
    pub values: Vec<Value>,
    /// The outcome of the policy alone (before 从高不重复); `None` when the
    /// evaluation stopped.
    pub outcome: Option<Outcome>,
    /// The policy's total on its own.
    pub computed: Decimal,
    /// What is paid: the total after 从高不重复 (zero when superseded).
    pub paid: Decimal,
    /// Data to add.
    pub needs: Vec<Need>,
    /// Requirements that failed on the data given: (grant index or `None` for
    /// the policy's conditions, requirement index).
    pub failed: Vec<(Option<usize>, usize)>,
    /// The error, for `Verdict::Error`.
    pub error: Option<String>,
    /// 从高不重复: (group, index of the finding paid instead).
    pub superseded_by: Option<(String, usize)>,
}

/// Every policy against every application it concerns.
#[derive(Debug, Clone)]
pub struct Matches {
    pub on: Date,
    pub applications: Vec<Application>,
    pub findings: Vec<Finding>,
    /// Policies not in force on the date (indexes into the library).
    pub not_in_force: Vec<usize>,
    /// 从高不重复 decisions: group, finding paid, findings superseded.
    pub groups: Vec<(String, usize, Vec<usize>)>,
    /// Top-level keys of the profile that no policy of the library reads.
    pub unread_keys: Vec<(String, Option<String>)>,
}

/// Evaluate a profile against a library. Errors are problems in the profile
/// itself (a value of the wrong kind, an unknown field): every one of them,
/// deduplicated across policies, with its place in the file.
pub fn run(
    library: &[LibraryPolicy<'_>],
    root: &JsonValue,
    on: Date,
) -> Result<Matches, Vec<DataError>> {
    let project_fields: Vec<&str> = library
        .iter()
        .find_map(|lp| {
            let input = lp.program.inputs.iter().find(|i| i.name == "project")?;
            match input.ty.strip() {
                Type::Record(r) => lp.program.records.get(*r as usize),
                _ => None,
            }
        })
        .map(|rec| rec.fields.iter().map(|f| f.name.as_str()).collect())
        .unwrap_or_default();
    let mut input_names: Vec<&str> = library
        .iter()
        .flat_map(|lp| lp.program.inputs.iter().map(|i| i.name.as_str()))
        .filter(|n| *n != "project")
        .collect();
    input_names.sort_unstable();
    input_names.dedup();
    let apps = applications(root, &project_fields, &input_names)?;
    let mut findings = Vec::new();
    let mut not_in_force = Vec::new();
    let mut errors: Vec<DataError> = Vec::new();
    let project_apps: Vec<usize> = (0..apps.len())
        .filter(|i| apps.get(*i).is_some_and(|a| a.subject.is_some()))
        .collect();
    for (pi, lp) in library.iter().enumerate() {
        let prog = lp.program;
        if in_effect(&prog.meta, on) == Some(false) {
            not_in_force.push(pi);
            continue;
        }
        // A project policy reads each project; without a project, it reads
        // the enterprise document (and says a project is needed).
        let targets: Vec<usize> = if reads_project(prog) && !project_apps.is_empty() {
            project_apps.clone()
        } else {
            vec![0]
        };
        for ai in targets {
            let Some(app) = apps.get(ai) else { continue };
            let (values, errs) = crate::data::decode_profile_partial(prog, &app.root);
            let mut needs = Vec::new();
            for e in errs {
                let path = app.profile_path(&e.path);
                if e.missing {
                    needs.push(need_from_error(prog, &path, &e));
                } else if !errors
                    .iter()
                    .any(|x| x.path == path && x.message == e.message)
                {
                    errors.push(DataError { path, ..e });
                }
            }
            findings.push(evaluate_one(prog, pi, ai, app, values, needs, on));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.span.map(|s| s.0));
        return Err(errors);
    }
    let groups = stack(library, &mut findings);
    let unread_keys = unread_keys(library, root);
    Ok(Matches {
        on,
        applications: apps,
        findings,
        not_in_force,
        groups,
        unread_keys,
    })
}

fn need_from_error(prog: &Program, path: &str, e: &DataError) -> Need {
    // The decoder's path names the input and field: `$.project.kind`.
    let name = e
        .path
        .trim_start_matches("$.")
        .trim_start_matches('$')
        .to_string();
    let (label, ty) = lookup_name(prog, &name);
    Need {
        path: path.to_string(),
        label,
        example: ty
            .map(|t| crate::data::example(prog, &t))
            .unwrap_or_else(|| "…".to_string()),
        name,
    }
}

/// The label and type of `input` or `input.field`.
fn lookup_name(prog: &Program, name: &str) -> (Option<String>, Option<Type>) {
    let (head, field) = match name.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (name, None),
    };
    let Some(input) = prog.inputs.iter().find(|i| i.name == head) else {
        return (None, None);
    };
    match field {
        None => (input.label.clone(), Some(input.ty.clone())),
        Some(f) => match input.ty.strip() {
            Type::Record(r) => prog
                .records
                .get(*r as usize)
                .and_then(|rec| rec.fields.iter().find(|fd| fd.name == f))
                .map(|fd| (fd.label.clone(), Some(fd.ty.clone())))
                .unwrap_or((None, None)),
            _ => (None, None),
        },
    }
}

fn need_from_ref(prog: &Program, app: &Application, r: Ref) -> Need {
    let (name, label) = prog.ref_name(r);
    let ty = prog.ref_type(r);
    Need {
        path: app.profile_path(&format!("$.{name}")),
        name,
        label,
        example: crate::data::example(prog, ty.strip()),
    }
}

/// A stand-in value of a type, only so an evaluation can go on past a
/// missing value (and find the next). Never shown.
fn stand_in(prog: &Program, ty: &Type, on: Date) -> Value {
    match ty.strip() {
        Type::Money => Value::Money(Decimal::from(1_000_000)),
        Type::Rate => Value::Rate(Decimal::new(5, 2)),
        Type::Decimal => Value::Decimal(Decimal::ONE),
        Type::Int => Value::Int(1),
        Type::Bool => Value::Bool(true),
        Type::Date => Value::Date(on),
        Type::Duration => Value::Duration(crate::value::Duration::months(12)),
        Type::Text => Value::Text(Arc::from("")),
        Type::Enum(e) => Value::Enum(*e, 0),
        Type::Record(r) => {
            let n = prog
                .records
                .get(*r as usize)
                .map_or(0, |rec| rec.fields.len());
            Value::Record(Arc::from(vec![Value::Absent; n]))
        }
        Type::List(_) => Value::List(Arc::from(Vec::new())),
        _ => Value::Absent,
    }
}

fn put(values: &mut [Value], prog: &Program, r: Ref, on: Date) -> bool {
    match r {
        Ref::Input(i) => match values.get_mut(i as usize) {
            Some(slot) => {
                *slot = stand_in(prog, &prog.ref_type(r), on);
                true
            }
            None => false,
        },
        Ref::Field(i, f) => {
            let ty = prog.ref_type(r);
            let v = stand_in(prog, &ty, on);
            let Some(Value::Record(fields)) = values.get_mut(i as usize) else {
                return false;
            };
            let mut fs: Vec<Value> = fields.to_vec();
            match fs.get_mut(f as usize) {
                Some(slot) => *slot = v,
                None => return false,
            }
            *fields = Arc::from(fs);
            true
        }
        Ref::Global(_) => false,
    }
}

fn evaluate_one(
    prog: &Program,
    pi: usize,
    ai: usize,
    app: &Application,
    mut values: Vec<Value>,
    mut needs: Vec<Need>,
    on: Date,
) -> Finding {
    // Inputs missing from the document are stand-ins from the start.
    let mut probed: Vec<Ref> = Vec::new();
    for n in &needs {
        if let Some(r) = ref_of_name(prog, &n.name) {
            if put(&mut values, prog, r, on) {
                probed.push(r);
            }
        }
    }
    let mut finding = Finding {
        policy: pi,
        application: ai,
        verdict: Verdict::Error,
        values: Vec::new(),
        outcome: None,
        computed: Decimal::ZERO,
        paid: Decimal::ZERO,
        needs: Vec::new(),
        failed: Vec::new(),
        error: None,
        superseded_by: None,
    };
    let outcome = loop {
        match evaluate_on(prog, &values, Some(on), true) {
            Ok(o) => break Some(o),
            Err(e) => match e.missing {
                Some(r)
                    if e.code == Code::MissingValue
                        && probed.len() < MAX_PROBES
                        && !probed.contains(&r) =>
                {
                    needs.push(need_from_ref(prog, app, r));
                    if !put(&mut values, prog, r, on) {
                        break None;
                    }
                    probed.push(r);
                }
                _ => {
                    if probed.is_empty() {
                        finding.error = Some(format!("{}: {}", e.code.as_str(), e.message));
                    }
                    break None;
                }
            },
        }
    };
    dedup_needs(&mut needs);
    let Some(out) = outcome else {
        finding.verdict = if finding.error.is_some() {
            Verdict::Error
        } else {
            Verdict::NeedsData
        };
        finding.values = values;
        finding.needs = needs;
        return finding;
    };
    // Which failed requirements failed on given data alone?
    let given = values.clone();
    let mut deps = Deps::new(prog);
    let mut absent_reads: Vec<Ref> = Vec::new();
    let mut check =
        |cond: &Expr, res: &crate::eval::RequirementResult, at: (Option<usize>, usize)| {
            if res.passed {
                return None;
            }
            let ds = deps.of(cond);
            let mut absent: Vec<Ref> = res
                .values
                .iter()
                .filter(|(r, v)| *v == Value::Absent && !matches!(r, Ref::Global(_)))
                .map(|(r, _)| *r)
                .collect();
            // Fields it reads that the applicant did not give (read as "not
            // met" through `??`): the condition is undecided, not failed.
            absent.extend(ds.iter().filter_map(|d| not_given(prog, &given, *d)));
            let reads_stand_in = ds.iter().any(|d| probed.iter().any(|p| d.covers(*p)));
            if reads_stand_in || !absent.is_empty() {
                absent_reads.append(&mut absent);
                None
            } else {
                Some(at)
            }
        };
    let mut failed = Vec::new();
    for (k, (r, res)) in prog.eligibility.iter().zip(&out.requirements).enumerate() {
        failed.extend(check(&r.cond, res, (None, k)));
    }
    for (gi, (g, gres)) in prog.grants.iter().zip(&out.grants).enumerate() {
        for (k, (r, res)) in g.requires.iter().zip(&gres.requirements).enumerate() {
            failed.extend(check(&r.cond, res, (Some(gi), k)));
        }
    }
    for r in absent_reads {
        needs.push(need_from_ref(prog, app, r));
    }
    dedup_needs(&mut needs);
    let policy_failed = failed.iter().any(|(g, _)| g.is_none());
    let any_granted = out
        .grants
        .iter()
        .any(|g| g.status == GrantStatus::Granted && !g.amount.is_zero());
    finding.verdict = if policy_failed || out.in_force == Some(false) {
        Verdict::NotMet
    } else if !needs.is_empty() {
        Verdict::NeedsData
    } else if out.eligible && any_granted {
        Verdict::Qualified
    } else {
        Verdict::NotMet
    };
    finding.computed = out.total;
    finding.paid = if finding.verdict == Verdict::Qualified {
        out.total
    } else {
        Decimal::ZERO
    };
    finding.outcome = Some(out);
    finding.values = values;
    finding.needs = needs;
    finding.failed = failed;
    finding
}

/// A dependency on a value the applicant did not give (and that has no
/// default): the input or field to ask for.
fn not_given(prog: &Program, values: &[Value], d: Dep) -> Option<Ref> {
    match d {
        Dep::Whole(i) => {
            let def = prog.inputs.get(i as usize)?;
            (def.default.is_none() && values.get(i as usize) == Some(&Value::Absent))
                .then_some(Ref::Input(i))
        }
        Dep::Field(i, f) => match values.get(i as usize)? {
            Value::Record(fields) => {
                (fields.get(f as usize) == Some(&Value::Absent)).then_some(Ref::Field(i, f))
            }
            Value::Absent if prog.inputs.get(i as usize)?.default.is_none() => {
                Some(Ref::Field(i, f))
            }
            _ => None,
        },
    }
}

/// One entry per path; a whole record is not listed when fields of it are.
fn dedup_needs(needs: &mut Vec<Need>) {
    let mut seen: Vec<String> = Vec::new();
    needs.retain(|n| {
        if seen.contains(&n.path) {
            false
        } else {
            seen.push(n.path.clone());
            true
        }
    });
    let paths: Vec<String> = needs.iter().map(|n| n.path.clone()).collect();
    needs.retain(|n| {
        !paths.iter().any(|p| {
            p.strip_prefix(n.path.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
        })
    });
}

fn ref_of_name(prog: &Program, name: &str) -> Option<Ref> {
    let (head, field) = match name.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (name, None),
    };
    let i = prog.inputs.iter().position(|d| d.name == head)?;
    let i = u32::try_from(i).ok()?;
    match field {
        None => Some(Ref::Input(i)),
        Some(f) => {
            let input = prog.inputs.get(i as usize)?;
            let Type::Record(r) = input.ty.strip() else {
                return None;
            };
            let k = prog
                .records
                .get(*r as usize)?
                .fields
                .iter()
                .position(|fd| fd.name == f)?;
            Some(Ref::Field(i, u32::try_from(k).ok()?))
        }
    }
}

/// What an expression depends on: whole inputs and input fields, through
/// definitions and function bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dep {
    Whole(u32),
    Field(u32, u32),
}

impl Dep {
    /// Whether a stand-in for `r` could change a value depending on this.
    fn covers(self, r: Ref) -> bool {
        match (self, r) {
            (Dep::Whole(i), Ref::Input(j) | Ref::Field(j, _)) => i == j,
            (Dep::Field(i, _), Ref::Input(j)) => i == j,
            (Dep::Field(i, f), Ref::Field(j, g)) => i == j && f == g,
            (_, Ref::Global(_)) => false,
        }
    }
}

fn dedup_deps(v: &mut Vec<Dep>) {
    let mut seen: Vec<Dep> = Vec::with_capacity(v.len());
    v.retain(|d| {
        if seen.contains(d) {
            false
        } else {
            seen.push(*d);
            true
        }
    });
}

struct Deps<'p> {
    prog: &'p Program,
    globals: Vec<Option<Vec<Dep>>>,
    /// A function body's dependencies for given parameter bindings (a chain
    /// of functions each calling the next twice is walked once per binding,
    /// not exponentially often).
    calls: std::collections::HashMap<(u32, Vec<Option<Dep>>), Vec<Dep>>,
}

impl<'p> Deps<'p> {
    fn new(prog: &'p Program) -> Self {
        Deps {
            prog,
            globals: vec![None; prog.globals.len()],
            calls: std::collections::HashMap::new(),
        }
    }

    fn of(&mut self, e: &Expr) -> Vec<Dep> {
        let mut out = Vec::new();
        self.walk(e, &mut out, 0, &[]);
        out.sort_by_key(|d| match *d {
            Dep::Whole(i) => (i, None),
            Dep::Field(i, f) => (i, Some(f)),
        });
        out.dedup();
        out
    }

    /// What a local is bound to in a function body: the applicant's input or
    /// input field passed for the parameter, if it was one.
    fn bind(&self, e: &Expr, binds: &[Option<Dep>]) -> Option<Dep> {
        match &e.kind {
            ExprKind::Input(i) => Some(Dep::Whole(*i)),
            ExprKind::Local(k) => binds.get(*k as usize).copied().flatten(),
            ExprKind::Field(base, f) => match self.bind(base, binds)? {
                Dep::Whole(i) => Some(Dep::Field(i, *f)),
                // A field of a record field: depend on the outer field.
                d @ Dep::Field(..) => Some(d),
            },
            _ => None,
        }
    }

    fn walk(&mut self, e: &Expr, out: &mut Vec<Dep>, depth: usize, binds: &[Option<Dep>]) {
        if depth > 200 {
            return;
        }
        let d = depth + 1;
        match &e.kind {
            ExprKind::Input(_) | ExprKind::Local(_) | ExprKind::Field(..)
                if self.bind(e, binds).is_some() =>
            {
                out.extend(self.bind(e, binds));
            }
            ExprKind::Field(base, _) => self.walk(base, out, d, binds),
            ExprKind::Global(g) => {
                let g = *g as usize;
                if let Some(Some(cached)) = self.globals.get(g) {
                    out.extend(cached.iter().copied());
                    return;
                }
                // Mark as in progress (definitions do not recurse; guard anyway).
                if let Some(slot) = self.globals.get_mut(g) {
                    *slot = Some(Vec::new());
                }
                let mut inner = Vec::new();
                if let Some(def) = self.prog.globals.get(g) {
                    self.walk(&def.expr, &mut inner, d, &[]);
                }
                dedup_deps(&mut inner);
                out.extend(inner.iter().copied());
                if let Some(slot) = self.globals.get_mut(g) {
                    *slot = Some(inner);
                }
            }
            ExprKind::Call(f, args) => {
                // A parameter bound to the applicant's input counts only where
                // the body reads it (and only the fields it reads); any other
                // argument counts with everything it reads.
                let mut inner: Vec<Option<Dep>> = Vec::with_capacity(args.len());
                for a in args {
                    let b = self.bind(a, binds);
                    if b.is_none() {
                        self.walk(a, out, d, binds);
                    }
                    inner.push(b);
                }
                let key = (*f, inner);
                if let Some(cached) = self.calls.get(&key) {
                    out.extend(cached.iter().copied());
                    return;
                }
                // In progress: empty (functions do not recurse; guard anyway).
                self.calls.insert(key.clone(), Vec::new());
                let mut found = Vec::new();
                if let Some(def) = self.prog.fns.get(*f as usize) {
                    self.walk(&def.body, &mut found, d, &key.1);
                }
                // Each dependency once: a body that calls the same function
                // twice would otherwise double the list at every level.
                dedup_deps(&mut found);
                out.extend(found.iter().copied());
                self.calls.insert(key, found);
            }
            ExprKind::Lit(_) | ExprKind::Input(_) | ExprKind::Local(_) | ExprKind::Error => {}
            ExprKind::Neg(a)
            | ExprKind::Not(a)
            | ExprKind::Table(_, a)
            | ExprKind::Series(_, a) => self.walk(a, out, d, binds),
            ExprKind::Binary(_, a, b) => {
                self.walk(a, out, d, binds);
                self.walk(b, out, d, binds);
            }
            ExprKind::If(a, b, c) => {
                self.walk(a, out, d, binds);
                self.walk(b, out, d, binds);
                self.walk(c, out, d, binds);
            }
            ExprKind::Match(s, arms) => {
                self.walk(s, out, d, binds);
                for arm in arms {
                    self.walk(&arm.body, out, d, binds);
                }
            }
            ExprKind::List(xs) | ExprKind::Record(xs) | ExprKind::Builtin(_, xs) => {
                for x in xs {
                    self.walk(x, out, d, binds);
                }
            }
            ExprKind::Aggregate {
                list, filter, map, ..
            } => {
                self.walk(list, out, d, binds);
                if let Some(f) = filter {
                    self.walk(f, out, d, binds);
                }
                if let Some(m) = map {
                    self.walk(m, out, d, binds);
                }
            }
        }
    }
}

/// Apply the 从高不重复 groups over the qualified findings. The applicant is
/// the enterprise: one group pays one policy (for one project), the highest;
/// ties go to the policy listed first.
fn stack(
    library: &[LibraryPolicy<'_>],
    findings: &mut [Finding],
) -> Vec<(String, usize, Vec<usize>)> {
    let idx: Vec<usize> = (0..findings.len())
        .filter(|i| {
            findings
                .get(*i)
                .is_some_and(|f| f.verdict == Verdict::Qualified && f.outcome.is_some())
        })
        .collect();
    let progs: Vec<&Program> = idx
        .iter()
        .filter_map(|i| findings.get(*i))
        .filter_map(|f| library.get(f.policy).map(|lp| lp.program))
        .collect();
    let mut outs: Vec<Outcome> = idx
        .iter()
        .filter_map(|i| findings.get(*i).and_then(|f| f.outcome.clone()))
        .collect();
    if progs.len() != outs.len() {
        return Vec::new();
    }
    let decisions = crate::stack::apply(&progs, &mut outs);
    for (k, o) in outs.iter().enumerate() {
        if let Some(f) = idx.get(k).and_then(|i| findings.get_mut(*i)) {
            f.paid = o.total;
        }
    }
    let mut groups = Vec::new();
    for d in decisions {
        let Some(winner) = idx.get(d.winner).copied() else {
            continue;
        };
        let losers: Vec<usize> = d
            .superseded
            .iter()
            .filter_map(|k| idx.get(*k).copied())
            .collect();
        for l in &losers {
            if let Some(f) = findings.get_mut(*l) {
                f.superseded_by = Some((d.group.clone(), winner));
            }
        }
        groups.push((d.group, winner, losers));
    }
    groups
}

/// Top-level keys no policy reads, each with the closest name a policy does.
fn unread_keys(library: &[LibraryPolicy<'_>], root: &JsonValue) -> Vec<(String, Option<String>)> {
    let JsonKind::Object(members) = &root.kind else {
        return Vec::new();
    };
    let mut known: Vec<&str> = library
        .iter()
        .flat_map(|lp| lp.program.inputs.iter().map(|i| i.name.as_str()))
        .collect();
    known.push("projects");
    known.sort_unstable();
    known.dedup();
    members
        .iter()
        .filter(|(k, _, _)| !known.contains(&k.as_str()))
        .map(|(k, _, _)| {
            (
                k.clone(),
                crate::diagnostics::suggest(k, known.iter().copied()).map(|s| s.to_string()),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The report

#[derive(Debug, Clone, Serialize)]
pub struct MatchReport {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub lang: &'static str,
    /// The enterprise's name, when the profile gives one.
    pub enterprise: Option<String>,
    pub projects: Vec<String>,
    pub evaluated_on: String,
    /// Policies in the library, and how many are in force on the date.
    pub policies: usize,
    pub in_force: usize,
    /// Everything the qualified policies pay (after 从高不重复).
    pub total: explain::Amount,
    pub summary: String,
    pub qualified: Vec<QualifiedItem>,
    pub needs_data: Vec<NeedsItem>,
    pub not_met: Vec<NotMetItem>,
    pub stacking: Vec<GroupItem>,
    pub not_in_force: Vec<PolicyRef>,
    pub errors: Vec<ErrorItem>,
    /// Keys of the profile no policy reads (a misspelling?), with a suggestion.
    pub unread_keys: Vec<UnreadKey>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyRef {
    pub name: String,
    pub title: String,
    pub source: Option<String>,
    pub file: String,
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantAmount {
    pub name: String,
    pub label: String,
    pub amount: explain::Amount,
    /// Caps that bound, in words.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QualifiedItem {
    pub policy: PolicyRef,
    /// The project it is for, when the policy reads one.
    pub project: Option<String>,
    /// What is paid (zero when superseded).
    pub amount: explain::Amount,
    /// What the policy alone gives.
    pub computed: explain::Amount,
    pub grants: Vec<GrantAmount>,
    /// 从高不重复: the policy paid instead, and the group.
    pub superseded_by: Option<String>,
    pub group: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NeedItem {
    pub path: String,
    pub name: String,
    pub label: String,
    pub example: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NeedsItem {
    pub policy: PolicyRef,
    pub project: Option<String>,
    pub fields: Vec<NeedItem>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConditionItem {
    pub grant: Option<String>,
    pub label: String,
    pub cite: Option<String>,
    pub text: String,
    /// What would have to change ("核定总投资需不低于 1,000.00 万元，尚差 200.00 万元").
    pub hints: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotMetItem {
    pub policy: PolicyRef,
    pub project: Option<String>,
    pub conditions: Vec<ConditionItem>,
    /// The closest gap: the first hint of the condition nearest to passing.
    pub closest: Option<String>,
    /// Data that is also missing.
    pub also_needs: Vec<NeedItem>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupItem {
    pub group: String,
    pub paid: String,
    pub amount: explain::Amount,
    pub superseded: Vec<(String, explain::Amount)>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorItem {
    pub policy: PolicyRef,
    pub project: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnreadKey {
    pub key: String,
    pub suggestion: Option<String>,
}

struct Words {
    zh: bool,
}

impl Words {
    fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.zh {
            zh
        } else {
            en
        }
    }
}

fn policy_ref(lp: &LibraryPolicy<'_>, lang: Lang) -> PolicyRef {
    let m = &lp.program.meta;
    let title = m.title.clone().unwrap_or_else(|| m.name.clone());
    let title = match lang {
        Lang::En => lp.program.en_labels.get(&title).cloned().unwrap_or(title),
        Lang::Zh => title,
    };
    PolicyRef {
        name: m.name.clone(),
        title,
        source: m.source.clone(),
        file: lp.file.clone(),
        effective_from: m.effective_from.map(|d| d.to_string()),
        effective_to: m.effective_to.map(|d| d.to_string()),
    }
}

fn label_in(prog: &Program, lang: Lang, label: &Option<String>, fallback: &str) -> String {
    match (label, lang) {
        (Some(l), Lang::En) => prog.en_labels.get(l).cloned().unwrap_or_else(|| l.clone()),
        (Some(l), Lang::Zh) => l.clone(),
        (None, _) => fallback.to_string(),
    }
}

fn subject_name(apps: &[Application], ai: usize, w: &Words) -> Option<String> {
    let s = apps.get(ai)?.subject.as_ref()?;
    Some(match (&s.name, s.index) {
        (Some(n), _) => n.clone(),
        (None, Some(i)) => {
            if w.zh {
                format!("项目 {}", i + 1)
            } else {
                format!("project {}", i + 1)
            }
        }
        (None, None) => w.t("申报项目", "the project").to_string(),
    })
}

fn need_item(prog: &Program, n: &Need, lang: Lang) -> NeedItem {
    NeedItem {
        path: n.path.clone(),
        name: n.name.clone(),
        label: label_in(prog, lang, &n.label, &n.name),
        example: n.example.clone(),
    }
}

/// Build the report of a match, in one language.
pub fn report(library: &[LibraryPolicy<'_>], m: &Matches, lang: Lang) -> MatchReport {
    let w = Words {
        zh: lang == Lang::Zh,
    };
    let name_of = |f: &Finding| -> String {
        let Some(lp) = library.get(f.policy) else {
            return String::new();
        };
        let title = policy_ref(lp, lang).title;
        let subject = if reads_project(lp.program) {
            subject_name(&m.applications, f.application, &w)
        } else {
            None
        };
        match subject {
            Some(p) if w.zh => format!("{title}（{p}）"),
            Some(p) => format!("{title} ({p})"),
            None => title,
        }
    };
    let mut qualified = Vec::new();
    let mut needs_data = Vec::new();
    let mut not_met = Vec::new();
    let mut errors = Vec::new();
    for (fi, f) in m.findings.iter().enumerate() {
        let Some(lp) = library.get(f.policy) else {
            continue;
        };
        let prog = lp.program;
        let project = if reads_project(prog) {
            subject_name(&m.applications, f.application, &w)
        } else {
            None
        };
        let pref = policy_ref(lp, lang);
        match f.verdict {
            Verdict::Qualified => {
                let Some(out) = &f.outcome else { continue };
                let rep = explain::build_on(prog, lp.sources, &f.values, out, lang, Some(m.on));
                let grants: Vec<GrantAmount> = rep
                    .grants
                    .iter()
                    .filter(|g| g.status == "granted")
                    .map(|g| GrantAmount {
                        name: g.name.clone(),
                        label: g.label.clone(),
                        amount: g.amount.clone(),
                        notes: g.notes.clone(),
                    })
                    .collect();
                let superseded_by = f
                    .superseded_by
                    .as_ref()
                    .and_then(|(_, k)| m.findings.get(*k).map(&name_of));
                let paid = f.paid;
                let parts: Vec<String> = grants
                    .iter()
                    .filter(|g| g.amount.yuan != "0.00")
                    .map(|g| format!("{} {}", g.label, g.amount.wan_text()))
                    .collect();
                let text = match (&superseded_by, w.zh) {
                    (Some(s), true) => format!(
                        "按本政策可获 {}（{}），但按从高不重复原则由「{s}」支持，本政策不再支持",
                        explain::Amount::of(f.computed).wan_text(),
                        parts.join("、")
                    ),
                    (Some(s), false) => format!(
                        "{} under this policy ({}), but by 从高不重复 it is paid under “{s}” instead",
                        explain::Amount::of(f.computed).wan_text(),
                        parts.join(", ")
                    ),
                    (None, true) => parts.join("、"),
                    (None, false) => parts.join(", "),
                };
                qualified.push((
                    paid,
                    f.computed,
                    QualifiedItem {
                        policy: pref,
                        project,
                        amount: explain::Amount::of(paid),
                        computed: explain::Amount::of(f.computed),
                        grants,
                        superseded_by,
                        group: f
                            .superseded_by
                            .as_ref()
                            .map(|(g, _)| g.clone())
                            .or_else(|| {
                                m.groups
                                    .iter()
                                    .find(|(_, win, _)| *win == fi)
                                    .map(|(g, _, _)| g.clone())
                            }),
                        text,
                    },
                ));
            }
            Verdict::NeedsData => {
                let fields: Vec<NeedItem> =
                    f.needs.iter().map(|n| need_item(prog, n, lang)).collect();
                let list: Vec<String> = fields
                    .iter()
                    .map(|n| format!("{}（{}）", n.label, n.path))
                    .collect();
                let text = if w.zh {
                    format!("按已给数据未见不符合的条件；需补充：{}", list.join("、"))
                } else {
                    let list: Vec<String> = fields
                        .iter()
                        .map(|n| format!("{} ({})", n.label, n.path))
                        .collect();
                    format!(
                        "No condition fails on the data given; add: {}",
                        list.join(", ")
                    )
                };
                needs_data.push(NeedsItem {
                    policy: pref,
                    project,
                    fields,
                    text,
                });
            }
            Verdict::NotMet => {
                let mut conditions = Vec::new();
                if let Some(out) = &f.outcome {
                    let rep = explain::build_on(prog, lp.sources, &f.values, out, lang, Some(m.on));
                    // The report lists the policy's conditions, then each grant's.
                    let mut positions: Vec<(Option<usize>, usize)> = Vec::new();
                    for k in 0..prog.eligibility.len() {
                        positions.push((None, k));
                    }
                    for (gi, g) in prog.grants.iter().enumerate() {
                        for k in 0..g.requires.len() {
                            positions.push((Some(gi), k));
                        }
                    }
                    for (pos, item) in positions.iter().zip(&rep.requirements) {
                        if f.failed.contains(pos) {
                            conditions.push(ConditionItem {
                                grant: item.grant.clone(),
                                label: item.label.clone(),
                                cite: item.cite.clone(),
                                text: item.text.clone(),
                                hints: item.hints.clone(),
                            });
                        }
                    }
                    if conditions.is_empty() && out.in_force != Some(false) {
                        // Eligible, but nothing is payable: say why, grant by grant.
                        let parts: Vec<String> = prog
                            .grants
                            .iter()
                            .zip(&out.grants)
                            .map(|(g, gr)| {
                                let label = label_in(prog, lang, &g.label, &g.name);
                                let when = g.when.as_ref().map(|e| {
                                    lp.sources
                                        .slice(e.span)
                                        .split_whitespace()
                                        .collect::<Vec<_>>()
                                        .join(" ")
                                });
                                match (gr.status, when, w.zh) {
                                    (GrantStatus::NotApplicable, Some(c), true) => {
                                        format!("{label}不适用（适用情形 `{c}` 不成立）")
                                    }
                                    (GrantStatus::NotApplicable, Some(c), false) => {
                                        format!("{label} does not apply (`{c}` does not hold)")
                                    }
                                    (_, _, true) => format!("{label}按所给数据为 0 元"),
                                    (_, _, false) => {
                                        format!("{label} comes to 0 元 on the data given")
                                    }
                                }
                            })
                            .collect();
                        conditions.push(ConditionItem {
                            grant: None,
                            label: w
                                .t("没有适用于本申请的补助", "no grant applies")
                                .to_string(),
                            cite: None,
                            text: if w.zh {
                                format!(
                                    "✘ 符合总体条件，但没有适用于本申请的补助：{}",
                                    parts.join("；")
                                )
                            } else {
                                format!(
                                    "✘ The general conditions are met, but no grant applies: {}",
                                    parts.join("; ")
                                )
                            },
                            hints: Vec::new(),
                        });
                    }
                }
                let closest = conditions
                    .iter()
                    .flat_map(|c| c.hints.iter())
                    .next()
                    .cloned();
                let also_needs: Vec<NeedItem> =
                    f.needs.iter().map(|n| need_item(prog, n, lang)).collect();
                let labels: Vec<String> = conditions
                    .iter()
                    .map(|c| match (&c.cite, w.zh) {
                        (Some(ci), true) => format!("{}（{ci}）", c.label),
                        (Some(ci), false) => format!("{} ({ci})", c.label),
                        (None, _) => c.label.clone(),
                    })
                    .collect();
                let text = if w.zh {
                    format!("不满足：{}", labels.join("；"))
                } else {
                    format!("Not met: {}", labels.join("; "))
                };
                not_met.push(NotMetItem {
                    policy: pref,
                    project,
                    conditions,
                    closest,
                    also_needs,
                    text,
                });
            }
            Verdict::Error => errors.push(ErrorItem {
                policy: pref,
                project,
                message: f.error.clone().unwrap_or_default(),
            }),
        }
    }
    // Qualified: by what is paid, then what the policy alone gives.
    qualified.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let total: Decimal = qualified
        .iter()
        .fold(Decimal::ZERO, |s, (p, _, _)| s.checked_add(*p).unwrap_or(s));
    let qualified: Vec<QualifiedItem> = qualified.into_iter().map(|(_, _, q)| q).collect();
    // Needs data: fewest fields first. Not met: fewest failed conditions first.
    needs_data.sort_by_key(|n| n.fields.len());
    not_met.sort_by_key(|n| (n.conditions.len(), n.closest.is_none()));
    let stacking: Vec<GroupItem> = m
        .groups
        .iter()
        .filter_map(|(g, win, losers)| {
            let wf = m.findings.get(*win)?;
            let paid = name_of(wf);
            let amt = wf.paid;
            let superseded: Vec<(String, explain::Amount)> = losers
                .iter()
                .filter_map(|l| m.findings.get(*l))
                .map(|f| (name_of(f), explain::Amount::of(f.computed)))
                .collect();
            let list: Vec<String> = superseded
                .iter()
                .map(|(n, a)| {
                    if w.zh {
                        format!("「{n}」（{}）", a.wan_text())
                    } else {
                        format!("“{n}” ({})", a.wan_text())
                    }
                })
                .collect();
            let text = if w.zh {
                format!(
                    "从高不重复「{g}」：按「{paid}」支持 {}，{}不再支持",
                    explain::Amount::of(amt).wan_text(),
                    list.join("、")
                )
            } else {
                format!(
                    "从高不重复 “{g}”: paid under “{paid}” ({}); not paid: {}",
                    explain::Amount::of(amt).wan_text(),
                    list.join(", ")
                )
            };
            Some(GroupItem {
                group: g.clone(),
                paid,
                amount: explain::Amount::of(amt),
                superseded,
                text,
            })
        })
        .collect();
    let not_in_force: Vec<PolicyRef> = m
        .not_in_force
        .iter()
        .filter_map(|i| library.get(*i))
        .map(|lp| policy_ref(lp, lang))
        .collect();
    let enterprise = m.applications.first().and_then(|a| match &a.root.kind {
        JsonKind::Object(ms) => match member(ms, "enterprise").map(|e| &e.kind) {
            Some(JsonKind::Object(fs)) => match member(fs, "name").map(|n| &n.kind) {
                Some(JsonKind::String(s)) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    });
    let projects: Vec<String> = (0..m.applications.len())
        .filter_map(|i| subject_name(&m.applications, i, &w))
        .collect();
    let in_force = library.len().saturating_sub(m.not_in_force.len());
    let paid_count = qualified
        .iter()
        .filter(|q| q.superseded_by.is_none())
        .count();
    let summary = if w.zh {
        format!(
            "按 {} 在施的 {in_force} 项政策（政策库共 {} 项）：可享受 {paid_count} 项，合计 {}；需补充数据 {} 项；不符合 {} 项。",
            m.on,
            library.len(),
            explain::Amount::of(total).wan_text(),
            needs_data.len(),
            not_met.len()
        )
    } else {
        format!(
            "Of the {in_force} policies in force on {} ({} in the library): {paid_count} {}, {} in all; {} need more data; {} are not met.",
            m.on,
            library.len(),
            if paid_count == 1 { "pays" } else { "pay" },
            explain::Amount::of(total).wan_text(),
            needs_data.len(),
            not_met.len()
        )
    };
    MatchReport {
        schema: SCHEMA,
        lang: lang.code(),
        enterprise,
        projects,
        evaluated_on: m.on.to_string(),
        policies: library.len(),
        in_force,
        total: explain::Amount::of(total),
        summary,
        qualified,
        needs_data,
        not_met,
        stacking,
        not_in_force,
        errors,
        unread_keys: m
            .unread_keys
            .iter()
            .map(|(k, s)| UnreadKey {
                key: k.clone(),
                suggestion: s.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
