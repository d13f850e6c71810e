//! Sample cohorts: realistic applicants for a policy, generated from its
//! input declarations, reproducible from a seed (the same seed, policy and
//! count give the same bytes on every machine). Used by the benchmarks, the
//! property tests and `polc diff` (docs/diff.md).
//!
//! Values are drawn to look like real applications rather than uniform noise:
//! amounts log-uniform between 10万元 and 10亿元 (three significant figures),
//! rates from 0.5% to 8%, dates from 2021 to 2026, yes/no answers true four
//! times out of five, counts skewed small, lists of zero to four items, enums
//! uniform. Records are complete unless asked otherwise: with
//! `missing_per_mille` (`polc cohort --missing 5`), each optional field is
//! left out or null that many times in a thousand, as incomplete applications
//! would be. Names carry what they mean:
//!
//! - a date pair named `…started_on` / `…completed_on` (or `disbursed_on` /
//!   `repaid_on`) is kept in order, a few months to four years apart, and a
//!   project's `first_stat_on` falls in its first half year;
//! - the parts of a project's investment follow its approved investment
//!   (equipment 30–80%, land up to 15%, buildings up to 25%, actual 85–110%);
//! - a county is one of the chosen city's (or `其他地区` half the time: a
//!   district of the city); outside the province, `其他地区`;
//! - answers that are exceptions in real files (declared before, supported
//!   by another fund, already subsidised, fraud, tranches already paid) are
//!   true one time in twenty;
//! - names read like names (`辽宁恒信精密制造有限公司`, `年产30万件轴承项目`).

use crate::program::{Program, Type};
use std::fmt::Write as _;

/// A small, fast, seedable generator (SplitMix64): reproducible everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
}

/// Days since 1970-01-01 of 2021-01-01 and the span to 2026-12-31.
const DAY_2021: i64 = 18_628;
const DAYS_TO_2027: i64 = 2_191;

fn date_string(days: i64) -> String {
    crate::value::Date::parse("1970-01-01")
        .and_then(|d| d.add_days(days))
        .map(|d| d.to_string())
        .unwrap_or_else(|| "2026-01-01".to_string())
}

/// A log-uniform amount over 10万元 .. 10亿元: a decade (10^5 .. 10^8 元) and
/// a mantissa 1.00 .. 9.99.
fn money_yuan(r: &mut Rng) -> u64 {
    let decade = 10u64.pow(3 + r.below(4) as u32);
    (100 + r.below(900)) * decade
}

/// An amount in 万元 with two decimals (to the hundred yuan).
fn write_money(yuan: u64, out: &mut String) {
    let yuan = yuan / 100 * 100;
    let _ = write!(out, "\"{}.{:02}万元\"", yuan / 10_000, yuan % 10_000 / 100);
}

fn money(r: &mut Rng, out: &mut String) {
    write_money(money_yuan(r), out);
}

/// Yes/no answers that are exceptions in real applications.
const EXCEPTIONS: &[&str] = &[
    "declared_before",
    "other_fund_support",
    "subsidised",
    "fraud",
    "already_supported",
    "interim_paid",
    "final_paid",
    "first_paid",
    "second_paid",
    "rest_paid",
];

/// The share (in percent, low..high) of a project's approved investment that
/// a part of it takes.
fn investment_share(name: &str) -> Option<(u64, u64)> {
    match name {
        "equipment_investment" => Some((30, 80)),
        "land_investment" => Some((0, 15)),
        "building_investment" => Some((0, 25)),
        "actual_investment" => Some((85, 110)),
        _ => None,
    }
}

const FIRMS: &[&str] = &[
    "恒信", "北方", "辽河", "盛京", "华晨", "东软", "远航", "金石", "瑞丰", "新松", "中科", "海川",
];
const TRADES: &[&str] = &[
    "精密制造",
    "装备",
    "新材料",
    "化工",
    "电子科技",
    "智能科技",
    "机械",
    "汽车零部件",
    "生物医药",
    "冶金",
];
const PRODUCTS: &[&str] = &[
    "轴承",
    "数控机床",
    "减速器",
    "传感器",
    "特种钢材",
    "精细化学品",
    "汽车电子",
    "锂电材料",
    "工业机器人",
    "医疗器械",
];

fn pick<'a>(r: &mut Rng, from: &[&'a str]) -> &'a str {
    from.get(r.below(from.len() as u64) as usize)
        .copied()
        .unwrap_or_default()
}

struct Gen<'p> {
    prog: &'p Program,
    rng: Rng,
    /// The input or field whose object is being written (`project`).
    owner: String,
    /// How many optional fields in a thousand are left out or null.
    missing: u64,
}

impl Gen<'_> {
    fn value(&mut self, name: &str, ty: &Type, out: &mut String, depth: usize) {
        match ty {
            Type::Optional(inner) => {
                if self.missing == 0 || self.rng.chance(1000 - self.missing.div_ceil(2), 1000) {
                    self.value(name, inner, out, depth);
                } else {
                    out.push_str("null");
                }
            }
            Type::Money => money(&mut self.rng, out),
            Type::Rate => {
                let bp = 50 + self.rng.below(751);
                let _ = write!(out, "\"{}.{:02}%\"", bp / 100, bp % 100);
            }
            Type::Decimal => {
                let v = self.rng.below(100_000);
                let _ = write!(out, "\"{}.{:02}\"", v / 100, v % 100);
            }
            Type::Int => {
                // Mostly small counts, sometimes larger.
                let v = if self.rng.chance(3, 4) {
                    self.rng.below(12)
                } else {
                    self.rng.below(200)
                };
                let _ = write!(out, "{v}");
            }
            Type::Bool if EXCEPTIONS.contains(&name) => out.push_str(if self.rng.chance(1, 20) {
                "true"
            } else {
                "false"
            }),
            Type::Bool => out.push_str(if self.rng.chance(4, 5) {
                "true"
            } else {
                "false"
            }),
            Type::Date => {
                let d = DAY_2021 + self.rng.below(DAYS_TO_2027 as u64) as i64;
                let _ = write!(out, "\"{}\"", date_string(d));
            }
            Type::Duration => {
                let m = 1 + self.rng.below(48);
                let _ = write!(out, "\"{m} months\"");
            }
            Type::Text => {
                let text = match (name, self.owner.as_str()) {
                    ("name", o) if o.contains("project") => format!(
                        "年产{}万件{}项目",
                        10 * (1 + self.rng.below(50)),
                        pick(&mut self.rng, PRODUCTS)
                    ),
                    ("name", _) => format!(
                        "辽宁{}{}有限公司",
                        pick(&mut self.rng, FIRMS),
                        pick(&mut self.rng, TRADES)
                    ),
                    _ => format!("{name}-{}", self.rng.below(10_000)),
                };
                let _ = write!(out, "{}", serde_json::Value::String(text));
            }
            Type::Enum(e) => {
                let variants = self
                    .prog
                    .enums
                    .get(*e as usize)
                    .map(|en| en.variants.len())
                    .unwrap_or(0);
                let pick = self.rng.below(variants.max(1) as u64) as usize;
                let v = self
                    .prog
                    .enums
                    .get(*e as usize)
                    .and_then(|en| en.variants.get(pick))
                    .map(|v| v.name.clone())
                    .unwrap_or_default();
                let _ = write!(out, "{}", serde_json::Value::String(v));
            }
            Type::Record(r) => {
                let fields = self
                    .prog
                    .records
                    .get(*r as usize)
                    .map(|rec| rec.fields.clone())
                    .unwrap_or_default();
                let saved = std::mem::replace(&mut self.owner, name.to_string());
                self.object(
                    &fields
                        .iter()
                        .map(|f| (f.name.clone(), f.ty.clone()))
                        .collect::<Vec<_>>(),
                    out,
                    depth + 1,
                );
                self.owner = saved;
            }
            Type::List(inner) => {
                out.push('[');
                let n = if depth > 3 { 0 } else { self.rng.below(5) };
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    self.value(name, inner, out, depth + 1);
                }
                out.push(']');
            }
            Type::Error => out.push_str("null"),
        }
    }

    /// An object; start/end date pairs are kept in order.
    fn object(&mut self, fields: &[(String, Type)], out: &mut String, depth: usize) {
        out.push('{');
        let mut start: Option<i64> = None;
        let mut approved: Option<u64> = None;
        let mut city: Option<String> = None;
        let mut first = true;
        for (name, ty) in fields {
            // Optional fields are sometimes left out altogether.
            if self.missing > 0
                && matches!(ty, Type::Optional(_))
                && self.rng.chance(self.missing / 2, 1000)
            {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "{}:", serde_json::Value::String(name.clone()));
            let is_date = matches!(ty.strip(), Type::Date);
            let starts =
                name.contains("start") || name.contains("from") || name.contains("disbursed");
            let ends = name.contains("complet")
                || name.contains("end")
                || name.contains("repaid")
                || name.ends_with("_to");
            let inner = ty.strip();
            if let (Type::Money, Some((lo, hi)), Some(base)) =
                (inner, investment_share(name), approved)
            {
                let pct = lo + self.rng.below(hi - lo + 1);
                write_money(base / 100 * pct, out);
                continue;
            }
            if matches!(inner, Type::Money) && name == "approved_investment" {
                let yuan = money_yuan(&mut self.rng);
                approved = Some(yuan);
                write_money(yuan, out);
                continue;
            }
            // A city, then a county of that city (or 其他地区: a district of
            // the city, or outside the province). Each takes exactly the
            // draws any other enum would, so the rest of the record is the
            // same whatever the county.
            if let Type::Enum(e) = inner {
                if name == "city" || name == "county" {
                    if matches!(ty, Type::Optional(_))
                        && self.missing > 0
                        && !self.rng.chance(1000 - self.missing.div_ceil(2), 1000)
                    {
                        out.push_str("null");
                        continue;
                    }
                    let variants = self
                        .prog
                        .enums
                        .get(*e as usize)
                        .map(|en| en.variants.clone())
                        .unwrap_or_default();
                    let label = |v: &crate::program::VariantDef| {
                        v.label.clone().unwrap_or_else(|| v.name.clone())
                    };
                    let pick = if name == "city" {
                        let k = self.rng.below(variants.len().max(1) as u64) as usize;
                        city = variants.get(k).map(label);
                        variants.get(k)
                    } else {
                        let of_city: Vec<&crate::program::VariantDef> = match &city {
                            Some(c) => variants
                                .iter()
                                .filter(|v| {
                                    v.label
                                        .as_deref()
                                        .is_some_and(|l| l.ends_with(&format!("（{c}）")))
                                })
                                .collect(),
                            None => variants.iter().collect(),
                        };
                        // One draw: half the time one of the city's counties.
                        let n = of_city.len() as u64;
                        let x = self.rng.below((2 * n).max(1));
                        match of_city.get(x as usize) {
                            Some(v) if city.is_none() || x < n => Some(*v),
                            _ => variants
                                .iter()
                                .find(|v| v.name == "其他地区")
                                .or(variants.last()),
                        }
                    };
                    let v = pick.map(|v| v.name.clone()).unwrap_or_default();
                    let _ = write!(out, "{}", serde_json::Value::String(v));
                    continue;
                }
            }
            if let (true, Some(s)) = (is_date && name.contains("first_stat"), start) {
                let d = s + self.rng.below(180) as i64;
                let _ = write!(out, "\"{}\"", date_string(d));
                continue;
            }
            match (is_date, starts, ends, start) {
                (true, true, _, _) => {
                    let d = DAY_2021 + self.rng.below((DAYS_TO_2027 - 400) as u64) as i64;
                    start = Some(d);
                    let _ = write!(out, "\"{}\"", date_string(d));
                }
                (true, _, true, Some(s)) => {
                    let d = s + 90 + self.rng.below(1_400) as i64;
                    let _ = write!(out, "\"{}\"", date_string(d));
                }
                _ => self.value(name, ty, out, depth),
            }
        }
        out.push('}');
    }
}

/// Write `count` complete applicants for `prog` as JSON Lines, reproducibly
/// from `seed`.
pub fn generate(
    prog: &Program,
    count: u64,
    seed: u64,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    generate_with(prog, count, seed, 0, out)
}

/// As [`generate`], with each optional field left out or null
/// `missing_per_mille` times in a thousand (incomplete applications).
pub fn generate_with(
    prog: &Program,
    count: u64,
    seed: u64,
    missing_per_mille: u64,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let mut g = Gen {
        prog,
        rng: Rng::new(seed),
        owner: String::new(),
        missing: missing_per_mille.min(1000),
    };
    let inputs: Vec<(String, Type)> = prog
        .inputs
        .iter()
        .map(|i| (i.name.clone(), i.ty.clone()))
        .collect();
    let mut line = String::with_capacity(512);
    for _ in 0..count {
        line.clear();
        g.object(&inputs, &mut line, 0);
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}
