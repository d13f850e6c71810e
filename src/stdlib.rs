//! The standard library: `.pol` modules embedded in the binary, so polc works
//! from any directory with nothing installed beside it.

/// (module path, source text), in an order where each module only uses
/// modules listed before it.
pub const MODULES: &[(&str, &str)] = &[
    ("std::liaoning", include_str!("../stdlib/liaoning.pol")),
    ("std::project", include_str!("../stdlib/project.pol")),
    ("std::enterprise", include_str!("../stdlib/enterprise.pol")),
    ("std::lpr", include_str!("../stdlib/lpr.pol")),
    ("std::loan", include_str!("../stdlib/loan.pol")),
];

pub fn module(path: &str) -> Option<&'static str> {
    MODULES.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}
