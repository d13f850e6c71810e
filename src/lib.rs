//! polc: a typed language for subsidy policies. The pipeline, one module a
//! phase: `syntax` (text → AST) → `check` (names, types, units, lints → typed
//! program) → `eval` (applicant values → results with a trace). `data` reads
//! applicant JSON against a checked program's inputs; `driver` ties the phases
//! to files and the embedded stdlib. Only `main.rs` (the CLI) does I/O.

// Library code must not panic on any input: no unwrap/expect, no indexing
// that can go out of bounds. Tests may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod api;
pub mod diagnostics;
pub mod span;
pub mod syntax;
pub mod value;

pub mod batch;
pub mod check;
pub mod cohort;
pub mod coverage;
pub mod data;
pub mod diff;
pub mod driver;
pub mod eval;
pub mod explain;
pub mod matching;
pub mod program;
pub mod results;
pub mod stack;
pub mod stdlib;
pub mod testing;

pub use api::{input_type, Applicant, CompileError, Policy};
pub use explain::Lang;
pub use value::{Date, Value};
