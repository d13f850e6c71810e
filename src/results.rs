//! Results as data for other systems (JSON) and as a short human summary
//! (text). Both are built from the evaluator's `Outcome`; amounts are decimal
//! strings with two places (`"1000000.00"`), never JSON floats.

use crate::eval::{GrantStatus, LimitResult, Outcome, RequirementResult};
use crate::program::{Program, Ref, Requirement, Rounding};
use crate::syntax::ast::{RoundMode, RoundUnit};
use crate::value::{money_grouped, money_string, rate_string, wan_string, Value};
use serde_json::{json, Map, Value as J};

/// A value as the reports print it.
pub fn format_value(prog: &Program, v: &Value) -> String {
    match v {
        Value::Money(m) => format!("{}元", money_grouped(*m)),
        Value::Rate(r) => rate_string(*r),
        Value::Decimal(d) => d.normalize().to_string(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Duration(d) => d.to_string(),
        Value::Text(t) => t.to_string(),
        Value::Enum(e, i) => prog.variant_label(*e, *i),
        Value::Record(fields) => {
            let parts: Vec<String> = fields.iter().map(|f| format_value(prog, f)).collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::List(items) => {
            let parts: Vec<String> = items.iter().map(|f| format_value(prog, f)).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Absent => "（未提供）".to_string(),
    }
}

/// A value as JSON: amounts and rates as exact strings, enums by variant name.
pub fn value_json(prog: &Program, v: &Value) -> J {
    match v {
        Value::Money(m) => J::String(money_string(*m)),
        Value::Rate(r) => J::String(rate_string(*r)),
        Value::Decimal(d) => J::String(d.normalize().to_string()),
        Value::Int(i) => json!(i),
        Value::Bool(b) => J::Bool(*b),
        Value::Date(d) => J::String(d.to_string()),
        Value::Duration(d) => J::String(d.to_string()),
        Value::Text(t) => J::String(t.to_string()),
        Value::Enum(e, i) => J::String(prog.variant_name(*e, *i)),
        Value::Record(fields) => J::Array(fields.iter().map(|f| value_json(prog, f)).collect()),
        Value::List(items) => J::Array(items.iter().map(|f| value_json(prog, f)).collect()),
        Value::Absent => J::Null,
    }
}

fn ref_name(prog: &Program, r: Ref) -> (String, Option<String>) {
    match r {
        Ref::Input(i) => prog
            .inputs
            .get(i as usize)
            .map(|d| (d.name.clone(), d.label.clone()))
            .unwrap_or_default(),
        Ref::Global(g) => prog
            .globals
            .get(g as usize)
            .map(|d| (d.name.clone(), d.label.clone()))
            .unwrap_or_default(),
    }
}

fn requirement_json(prog: &Program, r: &Requirement, res: &RequirementResult) -> J {
    let mut values = Map::new();
    for (rf, v) in &res.values {
        values.insert(ref_name(prog, *rf).0, value_json(prog, v));
    }
    json!({
        "cite": r.cite,
        "label": r.label,
        "condition": r.source,
        "passed": res.passed,
        "values": values,
    })
}

pub fn rounding_text(r: Rounding) -> String {
    let unit = match r.unit {
        RoundUnit::Fen => "分",
        RoundUnit::Jiao => "角",
        RoundUnit::Yuan => "元",
        RoundUnit::Bai => "百元",
        RoundUnit::Qian => "千元",
        RoundUnit::Wan => "万元",
        RoundUnit::None => "none",
    };
    let mode = match r.mode {
        RoundMode::HalfUp => "half_up",
        RoundMode::HalfEven => "half_even",
        RoundMode::Down => "down",
        RoundMode::Up => "up",
    };
    format!("{unit} {mode}")
}

fn limits_json(defs: &[crate::program::Limit], res: &[LimitResult]) -> J {
    J::Array(
        defs.iter()
            .zip(res)
            .map(|(d, r)| {
                json!({
                    "label": d.label,
                    "cite": d.cite,
                    "limit": money_string(r.value),
                    "bound": r.bound,
                })
            })
            .collect(),
    )
}

fn status_str(s: GrantStatus) -> &'static str {
    match s {
        GrantStatus::Granted => "granted",
        GrantStatus::NotApplicable => "not_applicable",
        GrantStatus::Ineligible => "ineligible",
    }
}

/// The JSON result of `polc run`.
pub fn to_json(prog: &Program, out: &Outcome) -> J {
    let mut failed = Vec::new();
    let mut requirements = Vec::new();
    for (r, res) in prog.eligibility.iter().zip(&out.requirements) {
        let j = requirement_json(prog, r, res);
        if !res.passed {
            failed.push(j.clone());
        }
        requirements.push(j);
    }
    let mut grants = Map::new();
    for (g, res) in prog.grants.iter().zip(&out.grants) {
        let mut greqs = Vec::new();
        for (r, rr) in g.requires.iter().zip(&res.requirements) {
            let j = requirement_json(prog, r, rr);
            if !rr.passed {
                failed.push(j.clone());
            }
            greqs.push(j);
        }
        let steps: Map<String, J> = g
            .steps
            .iter()
            .zip(&res.steps)
            .map(|(s, v)| (s.name.clone(), value_json(prog, v)))
            .collect();
        grants.insert(
            g.name.clone(),
            json!({
                "label": g.label,
                "cite": g.cite,
                "status": status_str(res.status),
                "requirements": greqs,
                "steps": steps,
                "before_caps": money_string(res.before_limits),
                "caps": limits_json(&g.caps, &res.caps),
                "floors": limits_json(&g.floors, &res.floors),
                "after_caps": money_string(res.after_limits),
                "rounding": rounding_text(g.rounding),
                "amount": money_string(res.amount),
            }),
        );
    }
    json!({
        "policy": prog.meta.name,
        "title": prog.meta.title,
        "eligible": out.eligible,
        "failed": failed,
        "requirements": requirements,
        "grants": grants,
        "total": money_string(out.total),
    })
}

/// A short human summary of a result (the full report is `polc explain`).
pub fn to_text(prog: &Program, out: &Outcome) -> String {
    let mut s = String::new();
    let title = prog
        .meta
        .title
        .clone()
        .unwrap_or_else(|| prog.meta.name.clone());
    s.push_str(&format!("{title}\n"));
    if let Some(src) = &prog.meta.source {
        s.push_str(&format!("{src}\n"));
    }
    s.push('\n');
    if out.eligible {
        s.push_str("结论：符合支持条件。\n");
    } else {
        s.push_str("结论：不符合支持条件。\n");
    }
    let label = prog
        .eligibility_label
        .clone()
        .unwrap_or_else(|| "支持条件".into());
    s.push_str(&format!("\n{label}\n"));
    for (r, res) in prog.eligibility.iter().zip(&out.requirements) {
        s.push_str(&requirement_line(prog, r, res));
    }
    for (g, res) in prog.grants.iter().zip(&out.grants) {
        let name = g.label.clone().unwrap_or_else(|| g.name.clone());
        let cite = g
            .cite
            .as_deref()
            .map(|c| format!("（{c}）"))
            .unwrap_or_default();
        s.push_str(&format!("\n{name}{cite}\n"));
        for (r, rr) in g.requires.iter().zip(&res.requirements) {
            s.push_str(&requirement_line(prog, r, rr));
        }
        match res.status {
            GrantStatus::NotApplicable => s.push_str("  不适用于本申报。\n"),
            GrantStatus::Ineligible => s.push_str("  不符合条件，补助 0.00 元。\n"),
            GrantStatus::Granted => {
                for (st, v) in g.steps.iter().zip(&res.steps) {
                    let l = st.label.clone().unwrap_or_else(|| st.name.clone());
                    s.push_str(&format!("  {l}：{}\n", format_value(prog, v)));
                }
                s.push_str(&format!(
                    "  测算金额：{}元\n",
                    money_grouped(res.before_limits)
                ));
                for (c, cr) in g.caps.iter().zip(&res.caps) {
                    let l = c.label.clone().unwrap_or_else(|| "上限".into());
                    let mark = if cr.bound {
                        "，按此上限核定"
                    } else {
                        "，未超过"
                    };
                    s.push_str(&format!("  {l}：{}元{mark}\n", money_grouped(cr.value)));
                }
                for (c, cr) in g.floors.iter().zip(&res.floors) {
                    let l = c.label.clone().unwrap_or_else(|| "下限".into());
                    let mark = if cr.bound {
                        "，按此下限核定"
                    } else {
                        ""
                    };
                    s.push_str(&format!("  {l}：{}元{mark}\n", money_grouped(cr.value)));
                }
                if res.after_limits != res.amount {
                    s.push_str(&format!(
                        "  {}：{}元 → {}元\n",
                        rounding_words(g.rounding),
                        money_grouped(res.after_limits),
                        money_grouped(res.amount)
                    ));
                }
                if res.clamped_to_zero {
                    s.push_str("  测算金额为负，按 0 元计。\n");
                }
                s.push_str(&format!(
                    "  补助金额：{} 元（{}）\n",
                    money_grouped(res.amount),
                    wan_string(res.amount)
                ));
            }
        }
    }
    s.push_str(&format!(
        "\n合计：{} 元（{}）\n",
        money_grouped(out.total),
        wan_string(out.total)
    ));
    s
}

/// The rounding rule in words, as the summary and reports say it.
pub fn rounding_words(r: Rounding) -> String {
    let unit = match r.unit {
        RoundUnit::Fen => "分",
        RoundUnit::Jiao => "角",
        RoundUnit::Yuan => "元",
        RoundUnit::Bai => "百元",
        RoundUnit::Qian => "千元",
        RoundUnit::Wan => "万元",
        RoundUnit::None => return "不取整".to_string(),
    };
    let mode = match r.mode {
        RoundMode::HalfUp => "四舍五入",
        RoundMode::HalfEven => "四舍六入五成双",
        RoundMode::Down => "舍去",
        RoundMode::Up => "进位",
    };
    format!("按{unit}{mode}")
}

fn requirement_line(prog: &Program, r: &Requirement, res: &RequirementResult) -> String {
    let mark = if res.passed { "✔" } else { "✘" };
    let label = r.label.clone().unwrap_or_else(|| r.source.clone());
    let cite = r
        .cite
        .as_deref()
        .map(|c| format!("（{c}）"))
        .unwrap_or_default();
    let mut vals: Vec<String> = res
        .values
        .iter()
        .map(|(rf, v)| {
            let (name, l) = ref_name(prog, *rf);
            format!("{} {}", l.unwrap_or(name), format_value(prog, v))
        })
        .collect();
    vals.dedup();
    let detail = if vals.is_empty() {
        String::new()
    } else {
        format!("：{}", vals.join("，"))
    };
    format!("  {mark} {label}{cite}{detail}\n")
}
