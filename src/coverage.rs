//! The coverage table (docs/coverage.md) against the policies, so the two
//! cannot drift. Each table row names a clause of a seed, the policy file and
//! the rules that encode it, and the cases that exercise it. `check` verifies
//! that every rule and case a row names exists, that every grant and every
//! requirement citation of every policy is named by some row, and that every
//! policy file appears in the table.
//!
//! Row format (Markdown): `| seed | guide | clause | text | policy | rules | cases |`,
//! rules `;`-separated: `grant NAME`, `require CITE`, `let NAME`, `cap GRANT`,
//! `tranche GRANT.NAME`, `halt GRANT`, `clawback GRANT`, `exclusive GROUP`,
//! `effective`, `pool`, `quota`; a clause that is not computable has
//! `not computable: REASON` as its policy and `—` as rules and cases.

use crate::program::Program;
use std::collections::{BTreeMap, BTreeSet};

/// One row of the table, with where it was read.
#[derive(Debug, Clone)]
pub struct Row {
    pub file: String,
    pub line: usize,
    pub seed: String,
    pub guide: String,
    pub clause: String,
    pub policy: String,
    pub rules: Vec<String>,
    pub cases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `docs/coverage.md:12`, or the policy file for an unnamed rule.
    pub place: String,
    pub message: String,
}

fn split_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => {
                cells.push(cur.trim().to_string());
                cur.clear();
            }
            c => cur.push(c),
        }
    }
    cells.push(cur.trim().to_string());
    cells
}

fn list(cell: &str) -> Vec<String> {
    let c = cell.trim();
    if c.is_empty() || c == "—" || c == "-" {
        return Vec::new();
    }
    c.split([';', '；'])
        .map(|s| s.trim().trim_matches('`').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Read the rows of every table in a Markdown text.
pub fn parse(file: &str, text: &str) -> Result<Vec<Row>, Problem> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if !t.starts_with('|') {
            continue;
        }
        let cells = split_cells(t);
        let first = cells.first().map(String::as_str).unwrap_or("");
        if first == "seed" || first.chars().all(|c| c == '-' || c == ':' || c == ' ') {
            continue;
        }
        if cells.len() != 7 {
            return Err(Problem {
                place: format!("{file}:{}", i + 1),
                message: format!(
                    "a coverage row has 7 cells (seed | guide | clause | text | policy | rules | cases), this one has {}",
                    cells.len()
                ),
            });
        }
        let cell = |k: usize| cells.get(k).cloned().unwrap_or_default();
        rows.push(Row {
            file: file.to_string(),
            line: i + 1,
            seed: cell(0),
            guide: cell(1),
            clause: cell(2),
            policy: cell(4).trim_matches('`').to_string(),
            rules: list(&cell(5)),
            cases: list(&cell(6)),
        });
    }
    Ok(rows)
}

fn grant_has(
    prog: &Program,
    grant: &str,
    what: impl Fn(&crate::program::GrantDef) -> bool,
) -> bool {
    prog.grants.iter().any(|g| g.name == grant && what(g))
}

/// Whether a rule reference names something the policy has.
fn rule_exists(prog: &Program, rule: &str) -> Result<(), String> {
    let (kind, arg) = match rule.split_once(' ') {
        Some((k, a)) => (k, a.trim()),
        None => (rule, ""),
    };
    let ok = match kind {
        "grant" => prog.grant_index(arg).is_some(),
        "require" => {
            prog.eligibility.iter().any(|r| r.cite.as_deref() == Some(arg))
                || prog
                    .grants
                    .iter()
                    .any(|g| g.requires.iter().any(|r| r.cite.as_deref() == Some(arg)))
        }
        "let" => {
            prog.globals.iter().any(|g| g.name == arg)
                || prog.grants.iter().any(|g| g.steps.iter().any(|s| s.name == arg))
        }
        "cap" => grant_has(prog, arg, |g| !g.caps.is_empty()),
        "halt" => grant_has(prog, arg, |g| !g.halts.is_empty()),
        "clawback" => grant_has(prog, arg, |g| !g.clawbacks.is_empty()),
        "tranche" => match arg.split_once('.') {
            Some((g, t)) => grant_has(prog, g, |gd| gd.tranches.iter().any(|x| x.name == t)),
            None => false,
        },
        "exclusive" => {
            prog.meta.exclusive.iter().any(|e| e == arg)
                || prog.grants.iter().any(|g| g.exclusive.as_deref() == Some(arg))
        }
        "effective" => prog.meta.effective_from.is_some() || prog.meta.effective_to.is_some(),
        "pool" | "quota" => true,
        _ => {
            return Err(format!(
                "`{rule}` is not a rule reference: write grant NAME, require CITE, let NAME, cap GRANT, \
                 tranche GRANT.NAME, halt GRANT, clawback GRANT, exclusive GROUP, effective, pool or quota"
            ))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("the policy has no `{rule}`"))
    }
}

/// Check the rows against the policies (keyed by their path under policies/).
pub fn check(rows: &[Row], policies: &BTreeMap<String, Program>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut named_grants: BTreeSet<(String, String)> = BTreeSet::new();
    let mut named_cites: BTreeSet<(String, String)> = BTreeSet::new();
    let mut mentioned: BTreeSet<String> = BTreeSet::new();
    for row in rows {
        let place = format!("{}:{}", row.file, row.line);
        if row.policy.starts_with("not computable") {
            if !row.rules.is_empty() {
                problems.push(Problem {
                    place,
                    message:
                        "a clause marked not computable names no rules: write — in the rules cell"
                            .into(),
                });
            }
            continue;
        }
        let Some(prog) = policies.get(&row.policy) else {
            problems.push(Problem {
                place,
                message: format!(
                    "no policy `{}` under policies/ (or it does not compile); write its path under policies/, \
                     or `not computable: REASON`",
                    row.policy
                ),
            });
            continue;
        };
        mentioned.insert(row.policy.clone());
        if row.rules.is_empty() {
            problems.push(Problem {
                place: place.clone(),
                message: format!(
                    "{} {}: the row names no rule of {}",
                    row.guide, row.clause, row.policy
                ),
            });
        }
        for rule in &row.rules {
            if let Err(m) = rule_exists(prog, rule) {
                problems.push(Problem {
                    place: place.clone(),
                    message: format!("{} {}: {m} ({})", row.guide, row.clause, row.policy),
                });
            }
            if let Some(g) = rule.strip_prefix("grant ") {
                named_grants.insert((row.policy.clone(), g.trim().to_string()));
            }
            if let Some(c) = rule.strip_prefix("require ") {
                named_cites.insert((row.policy.clone(), c.trim().to_string()));
            }
        }
        // Metadata rules (term, cross-policy groups, batch limits) are not
        // exercised by one applicant's case.
        let rule_only = row.rules.iter().all(|r| {
            r == "effective" || r == "pool" || r == "quota" || r.starts_with("exclusive ")
        });
        if row.cases.is_empty() && !rule_only {
            problems.push(Problem {
                place: place.clone(),
                message: format!(
                    "{} {}: name the cases that exercise this clause",
                    row.guide, row.clause
                ),
            });
        }
        for case in &row.cases {
            if !prog.cases.iter().any(|c| c.name == *case) {
                problems.push(Problem {
                    place: place.clone(),
                    message: format!(
                        "{} {}: {} has no case \"{case}\"",
                        row.guide, row.clause, row.policy
                    ),
                });
            }
        }
    }
    for (path, prog) in policies {
        if !mentioned.contains(path) {
            problems.push(Problem {
                place: path.clone(),
                message: "this policy appears in no row of the coverage table".into(),
            });
            continue;
        }
        for g in &prog.grants {
            if !named_grants.contains(&(path.clone(), g.name.clone())) {
                problems.push(Problem {
                    place: path.clone(),
                    message: format!(
                        "grant `{}` is named by no row (add `grant {}` to the row of its clause)",
                        g.name, g.name
                    ),
                });
            }
        }
        let cites: BTreeSet<String> = prog
            .eligibility
            .iter()
            .chain(prog.grants.iter().flat_map(|g| g.requires.iter()))
            .filter_map(|r| r.cite.clone())
            .collect();
        for c in cites {
            if !named_cites.contains(&(path.clone(), c.clone())) {
                problems.push(Problem {
                    place: path.clone(),
                    message: format!(
                        "requirements citing {c} are named by no row (add `require {c}`)"
                    ),
                });
            }
        }
    }
    problems
}
