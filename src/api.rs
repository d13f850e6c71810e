//! The embedding API: compile a policy once, then evaluate any number of
//! applicants from typed values (or JSON) without parsing again.
//!
//! ```
//! use polc::{Policy, Value};
//! use rust_decimal::Decimal;
//!
//! let policy = Policy::compile("demo.pol", r#"
//!     policy demo { title "示例" }
//!     input { investment: Money "核定总投资"  new_build: Bool "新建项目" }
//!     grant direct "直接补助" @"五" {
//!       amount = investment * (if new_build then 10% else 5%)
//!       cap 1000万元 "单项补助上限"
//!     }
//! "#).expect("the policy compiles");
//!
//! let mut a = policy.applicant();
//! a.set("investment", Value::Money(Decimal::from(8_000_000))).unwrap();
//! a.set("new_build", Value::Bool(true)).unwrap();
//! let out = policy.evaluate(&a).unwrap();
//! assert_eq!(out.total, Decimal::from(800_000)); // 800万元 × 10%
//! ```

use crate::diagnostics::Diagnostic;
use crate::eval::{Outcome, RuntimeError};
use crate::explain::{Lang, Report};
use crate::program::{Program, Type};
use crate::span::Sources;
use crate::value::{Date, Value};

/// A checked policy, ready to evaluate. Cheap to share across threads.
pub struct Policy {
    program: Program,
    sources: Sources,
}

/// The inputs of one applicant, in the policy's input order (inputs not set
/// are "not given": defaults apply, optional ones stay absent).
#[derive(Debug, Clone)]
pub struct Applicant {
    values: Vec<Value>,
    names: Vec<String>,
}

/// Why a policy did not compile: the diagnostics, and their rendering.
#[derive(Debug, Clone)]
pub struct CompileError {
    pub diagnostics: Vec<Diagnostic>,
    pub rendered: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl std::error::Error for CompileError {}

impl Policy {
    /// Compile a policy's text, test cases included.
    pub fn compile(name: &str, text: &str) -> Result<Policy, CompileError> {
        let mut sources = Sources::new();
        let id = sources.add(name, text);
        Self::from(crate::driver::compile(sources, id))
    }

    /// Compile a policy's rules only (its test cases are skipped unread): faster.
    pub fn compile_rules(name: &str, text: &str) -> Result<Policy, CompileError> {
        let mut sources = Sources::new();
        let id = sources.add(name, text);
        Self::from(crate::driver::compile_rules(sources, id))
    }

    fn from(c: crate::driver::Compiled) -> Result<Policy, CompileError> {
        match c.program {
            Some(program) => Ok(Policy {
                program,
                sources: c.sources,
            }),
            None => Err(CompileError {
                rendered: crate::diagnostics::render_plain(&c.sources, &c.diagnostics),
                diagnostics: c.diagnostics,
            }),
        }
    }

    /// The checked program (inputs, grants, cases...).
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// An applicant with nothing set yet.
    pub fn applicant(&self) -> Applicant {
        Applicant {
            values: vec![Value::Absent; self.program.inputs.len()],
            names: self.program.inputs.iter().map(|i| i.name.clone()).collect(),
        }
    }

    /// An applicant from a JSON document (every problem reported at once).
    pub fn applicant_from_json(
        &self,
        text: &str,
    ) -> Result<Applicant, Vec<crate::data::DataError>> {
        let values = crate::data::decode_applicant(&self.program, text)?;
        Ok(Applicant {
            values,
            names: self.program.inputs.iter().map(|i| i.name.clone()).collect(),
        })
    }

    /// A record value built by field names, for inputs of record type
    /// (`policy.record("Project", &[("approved_investment", Value::Money(..))])`);
    /// fields not given are absent.
    pub fn record(&self, record: &str, fields: &[(&str, Value)]) -> Result<Value, String> {
        let def = self
            .program
            .records
            .iter()
            .find(|r| r.name == record)
            .ok_or_else(|| format!("no record `{record}` in this policy"))?;
        let mut values = vec![Value::Absent; def.fields.len()];
        for (name, v) in fields {
            let i = def
                .fields
                .iter()
                .position(|f| f.name == *name)
                .ok_or_else(|| format!("`{record}` has no field `{name}`"))?;
            if let Some(slot) = values.get_mut(i) {
                *slot = v.clone();
            }
        }
        Ok(Value::Record(values.into()))
    }

    /// An enum value by variant name (`policy.variant("ProjectKind", "NewBuild")`).
    pub fn variant(&self, enumeration: &str, variant: &str) -> Result<Value, String> {
        let (e, def) = self
            .program
            .enums
            .iter()
            .enumerate()
            .find(|(_, d)| d.name == enumeration)
            .ok_or_else(|| format!("no enum `{enumeration}` in this policy"))?;
        let v = def
            .variants
            .iter()
            .position(|v| v.name == variant)
            .ok_or_else(|| format!("`{enumeration}` has no variant `{variant}`"))?;
        Ok(Value::Enum(e as u32, v as u32))
    }

    /// Evaluate (the fast path: no trace).
    pub fn evaluate(&self, a: &Applicant) -> Result<Outcome, RuntimeError> {
        crate::eval::evaluate(&self.program, &a.values, false)
    }

    /// Evaluate as of a date (validity), optionally with the trace reports need.
    pub fn evaluate_on(
        &self,
        a: &Applicant,
        on: Option<Date>,
        trace: bool,
    ) -> Result<Outcome, RuntimeError> {
        crate::eval::evaluate_on(&self.program, &a.values, on, trace)
    }

    /// Evaluate with the trace and build the explanation report.
    pub fn explain(&self, a: &Applicant, lang: Lang) -> Result<Report, RuntimeError> {
        let out = crate::eval::evaluate(&self.program, &a.values, true)?;
        Ok(crate::explain::build(
            &self.program,
            &self.sources,
            &a.values,
            &out,
            lang,
        ))
    }
}

impl Applicant {
    /// Set an input by name. The value's kind is not checked against the
    /// declaration here; `evaluate` reports a mismatch as an error.
    pub fn set(&mut self, name: &str, value: Value) -> Result<(), String> {
        let i = self
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| format!("no input `{name}`"))?;
        match self.values.get_mut(i) {
            Some(slot) => {
                *slot = value;
                Ok(())
            }
            None => Err(format!("no input `{name}`")),
        }
    }

    /// The values in input order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

/// The type of an input, for callers that build values generically.
pub fn input_type<'p>(policy: &'p Policy, name: &str) -> Option<&'p Type> {
    policy
        .program
        .inputs
        .iter()
        .find(|i| i.name == name)
        .map(|i| &i.ty)
}
