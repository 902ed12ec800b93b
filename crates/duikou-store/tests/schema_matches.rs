//! The one schema against the databases the migrations make: a fresh store on each backend, its real columns read back
//! (SQLite `PRAGMA table_info`, PostgreSQL `information_schema.columns`) and compared with `duikou_domain::schema`
//! (every entity's fields, their companions and the system columns), and the two backends with each other (every
//! table's columns, types and nullability, and the indexes by name). Every difference is named (table, column, which
//! side); the differences that are meant are listed, each with its reason, in [`ALLOWED`] and [`INDEXES_APART`].

use duikou_domain::schema::{EntityDef, FieldKind, ENTITIES, SYSTEM_COLUMNS};
use duikou_store::db::Kind;
use duikou_store::testing::TestStore;
use duikou_store::Db;
use std::collections::{BTreeMap, BTreeSet};

/// Differences that are meant: (table, column, the difference as the test names it, why).
const ALLOWED: &[(&str, &str, &str, &str)] = &[
    (
        "outputs",
        "as_of",
        "nullability on",
        "the schema requires an output's date since migration 0015 (validation refuses a write without it), but rows \
         written before may have none and the database keeps them; making the column NOT NULL needs those rows dated \
         first and, on SQLite, the table rebuilt",
    ),
    (
        "pairings",
        "withheld",
        "nullability on",
        "NOT NULL DEFAULT FALSE: migration 0016 added it to existing rows, which needs the default; the schema's \
         default (false) fills it on every write, so the API never stores or answers null either",
    ),
    // SQLite lets a single-column PRIMARY KEY that is not the rowid (a TEXT or BIGINT key) hold NULL, a quirk it keeps
    // for compatibility; the migrations declare the same PRIMARY KEY on both backends and the store always writes it
    (
        "agg_pairing_scope",
        "pairing_id",
        "nullability: sqlite NULL",
        SQLITE_KEY,
    ),
    ("assessment_marks", "program_id", "nullability: sqlite NULL", SQLITE_KEY),
    (
        "assessment_status",
        "pairing_id",
        "nullability: sqlite NULL",
        SQLITE_KEY,
    ),
    ("audit_events", "seq", "nullability: sqlite NULL", SQLITE_KEY),
    ("form_submissions", "token", "nullability: sqlite NULL", SQLITE_KEY),
    ("row_counts", "entity", "nullability: sqlite NULL", SQLITE_KEY),
    ("sessions", "id", "nullability: sqlite NULL", SQLITE_KEY),
    ("staged_imports", "document_id", "nullability: sqlite NULL", SQLITE_KEY),
];

const SQLITE_KEY: &str = "SQLite's nullable non-rowid PRIMARY KEY (above)";

/// Indexes on one backend only, on purpose: (index name or name suffix `*_trgm`, the backend that has it, why).
const INDEXES_APART: &[(&str, &str, &str)] = &[
    (
        "*_trgm",
        "postgres",
        "search on PostgreSQL is a pg_trgm GIN index per searched column (0024); SQLite searches through one FTS5 \
         table per entity (`{entity}_search`, a virtual table, not an index)",
    ),
    (
        "*_pkey",
        "postgres",
        "PostgreSQL names the primary key's index; SQLite's INTEGER PRIMARY KEY is the rowid, with no index",
    ),
    (
        "*_key",
        "postgres",
        "PostgreSQL names a UNIQUE constraint's index `{table}_{column}_key`; SQLite names its own \
         `sqlite_autoindex_{table}_{n}`",
    ),
    (
        "sqlite_autoindex_*",
        "sqlite",
        "SQLite's index for a UNIQUE constraint or a primary key that is not the rowid; PostgreSQL's are `*_key`/`*_pkey`",
    ),
    (
        "projects_pairing_idx",
        "postgres",
        "(pairing_id, id) for a pairing's list in id order (0005); on SQLite `projects_pairing_id_idx` is already that, \
         as SQLite appends the rowid (the id) to every index",
    ),
    ("dispatches_pairing_idx", "postgres", "as projects_pairing_idx"),
    ("project_funding_pairing_idx", "postgres", "as projects_pairing_idx"),
    ("outputs_pairing_idx", "postgres", "as projects_pairing_idx"),
];

/// A column as a backend reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    /// The declared type (SQLite, as written in the migration, upper case) or `data_type` (PostgreSQL, lower case).
    ty: String,
    nullable: bool,
}

/// Table → column → what the backend says, plus the index names.
#[derive(Default)]
struct Catalog {
    tables: BTreeMap<String, BTreeMap<String, Column>>,
    indexes: BTreeSet<String>,
}

async fn read_sqlite(db: &Db) -> Catalog {
    let mut out = Catalog::default();
    let rows = db
        .fetch(
            "SELECT name, type, COALESCE(sql, '') FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name",
            &[],
            &[Kind::Text, Kind::Text, Kind::Text],
        )
        .await
        .expect("sqlite_master");
    // FTS5 tables and their shadow tables (`{name}_data`, `{name}_idx` …) are SQLite's search, not part of the schema
    let virtual_tables: Vec<String> = rows
        .iter()
        .filter(|r| r[2].text().is_some_and(|s| s.starts_with("CREATE VIRTUAL TABLE")))
        .map(|r| r[0].text().unwrap_or_default().to_string())
        .collect();
    for r in &rows {
        let name = r[0].text().unwrap_or_default().to_string();
        if r[1].text() == Some("index") {
            out.indexes.insert(name);
            continue;
        }
        if name.starts_with("sqlite_")
            || name.starts_with("_sqlx")
            || virtual_tables
                .iter()
                .any(|v| name == *v || name.starts_with(&format!("{v}_")))
        {
            continue;
        }
        let cols = db
            .fetch(
                &format!("SELECT name, type, \"notnull\", pk FROM pragma_table_info('{name}')"),
                &[],
                &[Kind::Text, Kind::Text, Kind::Int, Kind::Int],
            )
            .await
            .expect("table_info");
        let cols = cols
            .into_iter()
            .map(|c| {
                let col = c[0].text().unwrap_or_default().to_string();
                let ty = c[1].text().unwrap_or_default().to_uppercase();
                // an INTEGER PRIMARY KEY is the rowid: never NULL, though table_info says notnull = 0
                let rowid = c[3].int() == Some(1) && ty == "INTEGER";
                let nullable = c[2].int() == Some(0) && !rowid;
                (col, Column { ty, nullable })
            })
            .collect();
        out.tables.insert(name, cols);
    }
    out
}

async fn read_postgres(db: &Db) -> Catalog {
    let mut out = Catalog::default();
    let rows = db
        .fetch(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%' \
             ORDER BY table_name, ordinal_position",
            &[],
            &[Kind::Text; 4],
        )
        .await
        .expect("information_schema.columns");
    for r in rows {
        let text = |i: usize| r[i].text().unwrap_or_default().to_string();
        out.tables.entry(text(0)).or_default().insert(
            text(1),
            Column {
                ty: text(2),
                nullable: text(3) == "YES",
            },
        );
    }
    let rows = db
        .fetch(
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\\_sqlx%'",
            &[],
            &[Kind::Text],
        )
        .await
        .expect("pg_indexes");
    out.indexes = rows
        .into_iter()
        .filter_map(|r| r[0].text().map(str::to_string))
        .collect();
    out
}

/// The types a backend may give a column of this kind (the first is what tests/gen_ddl.rs writes).
fn types_for(kind: FieldKind, backend: &str) -> &'static [&'static str] {
    let pg = backend == "postgres";
    match kind {
        FieldKind::Int | FieldKind::Money | FieldKind::Qty if pg => &["bigint"],
        // SQLite: INTEGER and BIGINT have the same (integer) affinity
        FieldKind::Int | FieldKind::Money | FieldKind::Qty => &["INTEGER", "BIGINT"],
        FieldKind::Date if pg => &["date"],
        FieldKind::Bool if pg => &["boolean"],
        FieldKind::Bool => &["BOOLEAN"],
        FieldKind::Json(_) if pg => &["jsonb"],
        _ if pg => &["text"],
        _ => &["TEXT"],
    }
}

/// The columns an entity's table must have, as the schema says: (name, the types allowed per backend, nullable).
fn expected(e: &EntityDef, backend: &str) -> Vec<(String, &'static [&'static str], bool)> {
    let pg = backend == "postgres";
    let int = types_for(FieldKind::Int, backend);
    let ts: &'static [&'static str] = if pg { &["timestamp with time zone"] } else { &["TEXT"] };
    let text = types_for(FieldKind::Text, backend);
    // the system columns every entity table has (migration 0001, tests/gen_ddl.rs)
    let mut out: Vec<_> = SYSTEM_COLUMNS
        .iter()
        .map(|c| (c.to_string(), if c.ends_with("_at") { ts } else { int }, false))
        .collect();
    for f in e.stored_fields() {
        out.push((f.name.to_string(), types_for(f.kind, backend), !f.required));
        if f.kind == FieldKind::Date {
            // the date's precision (migration 0015): NULL is a day
            out.push((f.precision_name(), text, true));
        }
    }
    // the schema's own list of the table's columns, which writers of rows take theirs from, is this one
    let names: Vec<String> = out.iter().map(|(n, _, _)| n.clone()).collect();
    assert_eq!(e.columns(), names, "{}: EntityDef::columns", e.name);
    out
}

fn allowed(table: &str, column: &str, what: &str) -> bool {
    ALLOWED
        .iter()
        .any(|(t, c, w, _)| *t == table && *c == column && what.starts_with(w))
}

fn index_apart(name: &str, backend: &str) -> bool {
    INDEXES_APART
        .iter()
        .any(|(pattern, b, _)| *b == backend && matches_pattern(name, pattern))
}

/// Every difference between the schema and a backend's entity tables: (table, column, what).
fn schema_differences(cat: &Catalog, backend: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for e in ENTITIES {
        let Some(cols) = cat.tables.get(e.name) else {
            out.push((e.name.into(), "*".into(), format!("table missing on {backend}")));
            continue;
        };
        let want = expected(e, backend);
        for (name, types, nullable) in &want {
            match cols.get(name) {
                None => out.push((
                    e.name.into(),
                    name.clone(),
                    format!("in the schema, missing on {backend}"),
                )),
                Some(c) => {
                    if !types.contains(&c.ty.as_str()) {
                        out.push((
                            e.name.into(),
                            name.clone(),
                            format!(
                                "type on {backend}: {} where the schema means {}",
                                c.ty,
                                types.join(" or ")
                            ),
                        ));
                    }
                    if c.nullable != *nullable {
                        let (is, should) = if c.nullable {
                            ("NULL", "NOT NULL")
                        } else {
                            ("NOT NULL", "NULL")
                        };
                        out.push((
                            e.name.into(),
                            name.clone(),
                            format!("nullability on {backend}: {is} where the schema means {should}"),
                        ));
                    }
                }
            }
        }
        for name in cols.keys() {
            if !want.iter().any(|(n, _, _)| n == name) {
                out.push((e.name.into(), name.clone(), format!("on {backend}, not in the schema")));
            }
        }
    }
    out
}

/// Every difference between the two backends' tables (all of them, not only the entities'): (table, column, what).
fn backend_differences(sqlite: &Catalog, pg: &Catalog) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let tables: BTreeSet<&String> = sqlite.tables.keys().chain(pg.tables.keys()).collect();
    for t in tables {
        let (Some(s), Some(p)) = (sqlite.tables.get(t), pg.tables.get(t)) else {
            let on = if sqlite.tables.contains_key(t) {
                "sqlite"
            } else {
                "postgres"
            };
            out.push((t.clone(), "*".into(), format!("table on {on} only")));
            continue;
        };
        let cols: BTreeSet<&String> = s.keys().chain(p.keys()).collect();
        for c in cols {
            match (s.get(c), p.get(c)) {
                (Some(_), None) => out.push((t.clone(), c.clone(), "column on sqlite only".into())),
                (None, Some(_)) => out.push((t.clone(), c.clone(), "column on postgres only".into())),
                (Some(a), Some(b)) => {
                    if a.nullable != b.nullable {
                        let n = |x: bool| if x { "NULL" } else { "NOT NULL" };
                        out.push((
                            t.clone(),
                            c.clone(),
                            format!("nullability: sqlite {}, postgres {}", n(a.nullable), n(b.nullable)),
                        ));
                    }
                    if !same_type(&a.ty, &b.ty) {
                        out.push((
                            t.clone(),
                            c.clone(),
                            format!("type: sqlite {}, postgres {}", a.ty, b.ty),
                        ));
                    }
                }
                (None, None) => {}
            }
        }
    }
    out
}

/// Whether a SQLite declared type and a PostgreSQL type hold the same values (SQLite keeps dates, timestamps and
/// JSON as text).
fn same_type(sqlite: &str, pg: &str) -> bool {
    match sqlite {
        "INTEGER" | "BIGINT" => pg == "bigint" || pg == "integer",
        "BOOLEAN" => pg == "boolean",
        "BLOB" => pg == "bytea",
        "TEXT" => matches!(pg, "text" | "date" | "timestamp with time zone" | "jsonb"),
        _ => false,
    }
}

fn report(title: &str, diffs: &[(String, String, String)]) -> String {
    let mut s = String::new();
    for (t, c, w) in diffs {
        s.push_str(&format!("{title}: {t}.{c}: {w}\n"));
    }
    s
}

#[tokio::test]
async fn the_schema_is_what_the_migrations_make_on_both_backends() {
    let mut catalogs = BTreeMap::new();
    for t in TestStore::all().await.expect("test stores") {
        let cat = match t.backend {
            "sqlite" => read_sqlite(t.store.db()).await,
            _ => read_postgres(t.store.db()).await,
        };
        catalogs.insert(t.backend, cat);
        t.finish().await.expect("cleanup");
    }
    let mut problems = String::new();
    let mut used = BTreeSet::new();
    for (backend, cat) in &catalogs {
        let diffs: Vec<_> = schema_differences(cat, backend)
            .into_iter()
            .filter(|(t, c, w)| {
                let ok = allowed(t, c, w);
                if ok {
                    used.insert((t.clone(), c.clone()));
                }
                !ok
            })
            .collect();
        problems.push_str(&report("schema vs database", &diffs));
    }
    if let (Some(s), Some(p)) = (catalogs.get("sqlite"), catalogs.get("postgres")) {
        let diffs: Vec<_> = backend_differences(s, p)
            .into_iter()
            .filter(|(t, c, w)| {
                let ok = allowed(t, c, w);
                if ok {
                    used.insert((t.clone(), c.clone()));
                }
                !ok
            })
            .collect();
        problems.push_str(&report("sqlite vs postgres", &diffs));
        for name in s.indexes.symmetric_difference(&p.indexes) {
            let on = if s.indexes.contains(name) { "sqlite" } else { "postgres" };
            if !index_apart(name, on) {
                problems.push_str(&format!("indexes: {name} on {on} only\n"));
            }
        }
        // an allowance nobody needs any more is a stale reason: it goes
        for (t, c, w, _) in ALLOWED {
            if !used.contains(&(t.to_string(), c.to_string())) {
                problems.push_str(&format!(
                    "allowed but not found (remove it from ALLOWED): {t}.{c}: {w}\n"
                ));
            }
        }
        for (name, on, _) in INDEXES_APART {
            let cat = if *on == "sqlite" { s } else { p };
            let other = if *on == "sqlite" { p } else { s };
            if !cat
                .indexes
                .iter()
                .any(|i| !other.indexes.contains(i) && matches_pattern(i, name))
            {
                problems.push_str(&format!(
                    "index difference listed but not found (remove it): {name} on {on}\n"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "the schema and the databases differ:\n{problems}");
}

fn matches_pattern(name: &str, pattern: &str) -> bool {
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(suffix), _) => name.ends_with(suffix),
        (_, Some(prefix)) => name.starts_with(prefix),
        _ => name == pattern,
    }
}
