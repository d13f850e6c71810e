//! 从高不重复 across policies: when several policies of one `exclusive` group
//! are evaluated for the same applicant, only the one paying most is paid.
//! The others keep their computed figures for the explanation but are marked
//! superseded, with their totals set to zero.

use crate::eval::Outcome;
use crate::program::Program;
use rust_decimal::Decimal;

/// One group's decision: which policy is paid and which are not.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub group: String,
    /// Index (into the evaluated set) of the policy paid.
    pub winner: usize,
    /// Indexes of the policies superseded by it.
    pub superseded: Vec<usize>,
}

/// Apply every exclusive group to a set of outcomes (one per program, same
/// applicant). Ties go to the policy listed first.
pub fn apply(programs: &[&Program], outcomes: &mut [Outcome]) -> Vec<Decision> {
    let mut groups: Vec<String> = programs
        .iter()
        .flat_map(|p| p.meta.exclusive.iter().cloned())
        .collect();
    groups.sort();
    groups.dedup();
    let mut decisions = Vec::new();
    for group in groups {
        let members: Vec<usize> = programs
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                p.meta.exclusive.contains(&group)
                    && outcomes
                        .get(*i)
                        .is_some_and(|o| o.eligible && !o.total.is_zero())
            })
            .map(|(i, _)| i)
            .collect();
        if members.len() < 2 {
            continue;
        }
        let mut winner = members.first().copied().unwrap_or_default();
        let mut best = Decimal::MIN;
        for &i in &members {
            let t = outcomes.get(i).map(|o| o.total).unwrap_or_default();
            if t > best {
                best = t;
                winner = i;
            }
        }
        let superseded: Vec<usize> = members.iter().copied().filter(|i| *i != winner).collect();
        let winner_name = programs
            .get(winner)
            .map(|p| p.meta.name.clone())
            .unwrap_or_default();
        for &i in &superseded {
            if let Some(o) = outcomes.get_mut(i) {
                o.superseded_by = Some(winner_name.clone());
                o.total = Decimal::ZERO;
                for g in &mut o.grants {
                    g.amount = Decimal::ZERO;
                }
            }
        }
        decisions.push(Decision {
            group,
            winner,
            superseded,
        });
    }
    decisions
}
