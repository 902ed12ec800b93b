//! What a read covers: everything, a program, a pairing, or the pairings received in a region. The dashboards
//! ([`crate::aggregates`]) and the obligation status ([`crate::status`]) are both asked for one.

/// What a dashboard covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything.
    All,
    /// One program.
    Program(i64),
    /// One pairing.
    Pairing(i64),
    /// Pairings whose receiver lies in a region (county, prefecture or province code).
    Region(String),
}

impl Scope {
    /// Parses `all`, `program:<id>`, `pairing:<id>` or `region:<code>`.
    pub fn parse(s: &str) -> std::result::Result<Scope, String> {
        let s = s.trim();
        if s.is_empty() || s == "all" {
            return Ok(Scope::All);
        }
        let bad = || format!("范围（scope）无效：“{s}”，应为 all、program:<编号>、pairing:<编号> 或 region:<区划代码>");
        let (kind, key) = s.split_once(':').ok_or_else(bad)?;
        match kind {
            "program" => key.parse().map(Scope::Program).map_err(|_| bad()),
            "pairing" => key.parse().map(Scope::Pairing).map_err(|_| bad()),
            "region" if !key.is_empty() && key.len() <= 12 && key.chars().all(|c| c.is_ascii_digit()) => {
                Ok(Scope::Region(key.into()))
            }
            _ => Err(bad()),
        }
    }

    /// `(scope_kind, scope_key)`.
    pub fn key(&self) -> (&'static str, String) {
        match self {
            Scope::All => ("all", String::new()),
            Scope::Program(p) => ("program", p.to_string()),
            Scope::Pairing(p) => ("pairing", p.to_string()),
            Scope::Region(r) => ("region", r.clone()),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.key() {
            ("all", _) => write!(f, "all"),
            (k, v) => write!(f, "{k}:{v}"),
        }
    }
}
