//! Results as data for other systems (JSON) and as a short human summary
//! (text). Both are built from the evaluator's `Outcome`; amounts are decimal
//! strings with two places (`"1000000.00"`), never JSON floats.

use crate::eval::{
    Event, GrantStatus, LimitResult, Outcome, RequirementResult, Schedule, TrancheStatus,
};
use crate::program::GrantDef;
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
    prog.ref_name(r)
}

/// A value as JSON, with record fields named (the type says which record).
pub fn typed_value_json(prog: &Program, ty: &crate::program::Type, v: &Value) -> J {
    use crate::program::Type;
    match (ty.strip(), v) {
        (Type::Record(r), Value::Record(fields)) => {
            let Some(rec) = prog.records.get(*r as usize) else {
                return value_json(prog, v);
            };
            let mut m = Map::new();
            for (fd, fv) in rec.fields.iter().zip(fields.iter()) {
                if *fv != Value::Absent {
                    m.insert(fd.name.clone(), typed_value_json(prog, &fd.ty, fv));
                }
            }
            J::Object(m)
        }
        (Type::List(t), Value::List(items)) => {
            J::Array(items.iter().map(|x| typed_value_json(prog, t, x)).collect())
        }
        _ => value_json(prog, v),
    }
}

fn requirement_json(prog: &Program, r: &Requirement, res: &RequirementResult) -> J {
    let mut values = Map::new();
    for (rf, v) in &res.values {
        values.insert(
            ref_name(prog, *rf).0,
            typed_value_json(prog, &prog.ref_type(*rf), v),
        );
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
                let mut j = json!({
                    "label": d.label,
                    "cite": d.cite,
                    "limit": money_string(r.value),
                    "bound": r.bound,
                });
                if let (Some(o), Some(obj)) = (&d.unless, j.as_object_mut()) {
                    obj.insert("lifted".into(), J::Bool(r.lifted));
                    obj.insert(
                        "lifted_by".into(),
                        json!({ "label": o.label, "cite": o.cite }),
                    );
                }
                j
            })
            .collect(),
    )
}

fn tranche_status_str(s: TrancheStatus) -> &'static str {
    match s {
        TrancheStatus::Paid => "paid",
        TrancheStatus::Payable => "payable",
        TrancheStatus::Waiting => "waiting",
        TrancheStatus::Cancelled => "cancelled",
    }
}

fn tranche_status_zh(s: TrancheStatus) -> &'static str {
    match s {
        TrancheStatus::Paid => "已拨付",
        TrancheStatus::Payable => "可拨付",
        TrancheStatus::Waiting => "待拨付",
        TrancheStatus::Cancelled => "停拨",
    }
}

/// A trace event as JSON: the fixing used, or the interest computed.
pub fn event_json(prog: &Program, e: &Event) -> J {
    match e {
        Event::Fixing {
            series,
            at,
            fixing,
            value,
            ..
        } => {
            let def = prog.series.get(*series as usize);
            json!({
                "kind": "fixing",
                "series": def.map(|d| d.name.clone()),
                "label": def.and_then(|d| d.label.clone()),
                "at": at.to_string(),
                "fixing_date": fixing.to_string(),
                "value": value_json(prog, value),
            })
        }
        Event::Interest {
            principal,
            rate,
            from,
            to,
            days,
            basis,
            amount,
            ..
        } => json!({
            "kind": "interest",
            "principal": money_string(*principal),
            "rate": rate_string(*rate),
            "from": from.to_string(),
            "to": to.to_string(),
            "days": days,
            "day_count": format!("actual/{basis}"),
            "amount": money_string(*amount),
        }),
    }
}

fn schedule_json(g: &GrantDef, s: &Schedule) -> J {
    let tranches: Vec<J> = g
        .tranches
        .iter()
        .zip(&s.tranches)
        .map(|(t, r)| {
            json!({
                "name": t.name,
                "label": t.label,
                "cite": t.cite,
                "amount": money_string(r.amount),
                "milestone_reached": r.milestone_reached,
                "status": tranche_status_str(r.status),
            })
        })
        .collect();
    let halts: Vec<J> = s
        .halted_by
        .iter()
        .filter_map(|i| g.halts.get(*i))
        .map(|h| json!({ "label": h.label, "cite": h.cite }))
        .collect();
    let clawbacks: Vec<J> = s
        .clawed_back_by
        .iter()
        .filter_map(|(i, amount)| g.clawbacks.get(*i).map(|c| (c, amount)))
        .map(|(c, amount)| json!({ "label": c.label, "cite": c.cite, "amount": money_string(*amount) }))
        .collect();
    json!({
        "tranches": tranches,
        "halted_by": halts,
        "clawed_back_by": clawbacks,
        "paid": money_string(s.paid),
        "payable": money_string(s.payable),
        "waiting": money_string(s.waiting),
        "cancelled": money_string(s.cancelled),
        "overpaid": money_string(s.overpaid),
        "to_return": money_string(s.to_return),
    })
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
        let mut gj = json!({
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
            "superseded_by": res.superseded_by.and_then(|i| prog.grants.get(i)).map(|w| w.name.clone()),
        });
        if let Some(obj) = gj.as_object_mut() {
            if let Some(sched) = &res.schedule {
                obj.insert("schedule".into(), schedule_json(g, sched));
            }
            if !res.events.is_empty() {
                obj.insert(
                    "lookups".into(),
                    J::Array(res.events.iter().map(|e| event_json(prog, e)).collect()),
                );
            }
        }
        grants.insert(g.name.clone(), gj);
    }
    json!({
        "policy": prog.meta.name,
        "title": prog.meta.title,
        "effective_from": prog.meta.effective_from.map(|d| d.to_string()),
        "effective_to": prog.meta.effective_to.map(|d| d.to_string()),
        "in_force": out.in_force,
        "superseded_by": out.superseded_by,
        "lookups_omitted": out.events_omitted,
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
    let any_granted = out.grants.iter().any(|g| g.status == GrantStatus::Granted);
    if out.in_force == Some(false) {
        let from = prog
            .meta
            .effective_from
            .map(|d| d.to_string())
            .unwrap_or_default();
        let to = prog
            .meta
            .effective_to
            .map(|d| d.to_string())
            .unwrap_or_default();
        s.push_str(&format!(
            "结论：不在政策有效期内（有效期 {from} 至 {to}），不予支持。\n"
        ));
    } else if !out.eligible {
        s.push_str("结论：不符合支持条件。\n");
    } else if !any_granted {
        s.push_str("结论：不符合所申报补助的条件。\n");
    } else {
        s.push_str("结论：符合支持条件。\n");
    }
    if !prog.eligibility.is_empty() {
        let label = prog
            .eligibility_label
            .clone()
            .unwrap_or_else(|| "支持条件".into());
        s.push_str(&format!("\n{label}\n"));
        for (r, res) in prog.eligibility.iter().zip(&out.requirements) {
            s.push_str(&requirement_line(prog, r, res));
        }
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
            GrantStatus::Granted => grant_text(prog, g, res, &mut s),
        }
    }
    s.push_str(&format!(
        "\n合计：{} 元（{}）\n",
        money_grouped(out.total),
        wan_string(out.total)
    ));
    s
}

fn grant_text(prog: &Program, g: &GrantDef, res: &crate::eval::GrantResult, s: &mut String) {
    for (st, v) in g.steps.iter().zip(&res.steps) {
        let l = st.label.clone().unwrap_or_else(|| st.name.clone());
        s.push_str(&format!("  {l}：{}\n", format_value(prog, v)));
    }
    for e in &res.events {
        s.push_str(&format!("  {}\n", event_text(prog, e)));
    }
    s.push_str(&format!(
        "  测算金额：{}元\n",
        money_display(res.before_limits)
    ));
    for (c, cr) in g.caps.iter().zip(&res.caps) {
        let l = c.label.clone().unwrap_or_else(|| "上限".into());
        let mark = if cr.lifted {
            let why = c
                .unless
                .as_ref()
                .and_then(|o| o.label.clone())
                .unwrap_or_default();
            format!("，已突破（{why}）")
        } else if cr.bound {
            "，按此上限核定".to_string()
        } else {
            "，未超过".to_string()
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
    if res.clamped_to_zero {
        s.push_str("  测算金额为负，按 0 元计。\n");
    }
    if res.after_limits != res.amount {
        s.push_str(&format!(
            "  {}：{}元 → {}元\n",
            rounding_words(g.rounding),
            money_display(res.after_limits),
            money_grouped(res.amount)
        ));
    }
    s.push_str(&format!(
        "  补助金额：{} 元（{}）\n",
        money_grouped(res.amount),
        wan_string(res.amount)
    ));
    if let Some(sched) = &res.schedule {
        s.push_str(&schedule_text(g, sched));
    }
}

/// An intermediate amount for people: exact up to four decimals, then cut
/// with an ellipsis (a repeating decimal from a division has no exact form).
pub fn money_display(d: rust_decimal::Decimal) -> String {
    if d.normalize().scale() <= 4 {
        return money_grouped(d);
    }
    let cut = d.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::ToZero);
    format!("{}…", money_grouped(cut))
}

/// A fixing or interest computation in words.
pub fn event_text(prog: &Program, e: &Event) -> String {
    match e {
        Event::Fixing {
            series,
            at,
            fixing,
            value,
            ..
        } => {
            let name = prog
                .series
                .get(*series as usize)
                .map(|d| d.label.clone().unwrap_or_else(|| d.name.clone()))
                .unwrap_or_default();
            format!(
                "{at} 适用{name} {}（{fixing} 发布）",
                format_value(prog, value)
            )
        }
        Event::Interest {
            principal,
            rate,
            from,
            to,
            days,
            basis,
            amount,
            ..
        } => format!(
            "利息：{}元 × {} × {days}天 ÷ {basis}（{from} 至 {to}）= {}元",
            money_grouped(*principal),
            rate_string(*rate),
            money_display(*amount)
        ),
    }
}

fn schedule_text(g: &GrantDef, s: &Schedule) -> String {
    let mut out = String::new();
    for (t, r) in g.tranches.iter().zip(&s.tranches) {
        let l = t.label.clone().unwrap_or_else(|| t.name.clone());
        out.push_str(&format!(
            "  · {l}：{}元，{}\n",
            money_grouped(r.amount),
            tranche_status_zh(r.status)
        ));
    }
    for i in &s.halted_by {
        if let Some(h) = g.halts.get(*i) {
            let l = h.label.clone().unwrap_or_default();
            out.push_str(&format!("  停拨：{l}\n"));
        }
    }
    for (i, amount) in &s.clawed_back_by {
        if let Some(c) = g.clawbacks.get(*i) {
            let l = c.label.clone().unwrap_or_default();
            out.push_str(&format!("  收回：{l}，{}元\n", money_grouped(*amount)));
        }
    }
    if !s.overpaid.is_zero() {
        out.push_str(&format!(
            "  已拨付超出核定补助：{}元\n",
            money_grouped(s.overpaid)
        ));
    }
    out.push_str(&format!(
        "  已拨付 {}元，可拨付 {}元，待拨付 {}元，停拨 {}元，应退回 {}元\n",
        money_grouped(s.paid),
        money_grouped(s.payable),
        money_grouped(s.waiting),
        money_grouped(s.cancelled),
        money_grouped(s.to_return)
    ));
    out
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
