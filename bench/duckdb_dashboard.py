#!/usr/bin/env python3
"""DuckDB reference for the dashboard benchmark (BENCHMARKS.md, "Dashboard at national scale").

    duckdb_dashboard.py export --db nat1.db|postgres://… --out DIR
        writes the base rows the dashboard counts (pairings, orgs, projects, transactions, dispatches, activities;
        only the columns it reads) to DIR/<table>.parquet. SQLite is read with Python's sqlite3 module, PostgreSQL
        with `psql \\copy … TO STDOUT (FORMAT csv)`; DuckDB writes the Parquet files.
    duckdb_dashboard.py query --dir DIR --scope all --scope program:3 … [--runs 10]
        computes each scope's figures with GROUP BY over the Parquet files (the same shape as the API's figures)
        and prints one JSON object: {"duckdb": "<version>", "threads": n, "scopes": {scope: {"times_ms": [...],
        "figures": {...}}}}.

duikou-bench dashboard runs `query` itself and checks its figures equal the API's and the plain SQL GROUP BY's.
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

import duckdb

# table → (columns, DuckDB types); dates are exported as 'YYYY-MM-DD' text on both backends.
TABLES = {
    "orgs": [("id", "BIGINT"), ("region_code", "VARCHAR")],
    "pairings": [("id", "BIGINT"), ("program_id", "BIGINT"), ("receiver_org_id", "BIGINT")],
    "projects": [
        ("id", "BIGINT"),
        ("pairing_id", "BIGINT"),
        ("category", "VARCHAR"),
        ("started_on", "VARCHAR"),
        ("completed_on", "VARCHAR"),
        ("total_investment", "BIGINT"),
    ],
    "transactions": [
        ("id", "BIGINT"),
        ("project_id", "BIGINT"),
        ("pairing_id", "BIGINT"),
        ("kind", "VARCHAR"),
        ("source", "VARCHAR"),
        ("amount", "BIGINT"),
        ("date", "VARCHAR"),
        ("confirmation", "VARCHAR"),
    ],
    "dispatches": [
        ("id", "BIGINT"),
        ("pairing_id", "BIGINT"),
        ("role", "VARCHAR"),
        ("batch", "BIGINT"),
        ("confirmation", "VARCHAR"),
    ],
    "activities": [
        ("id", "BIGINT"),
        ("pairing_id", "BIGINT"),
        ("kind", "VARCHAR"),
        ("start_date", "VARCHAR"),
        ("person_times", "BIGINT"),
        ("sessions", "BIGINT"),
        ("courses", "BIGINT"),
        ("hours", "BIGINT"),
        ("items", "BIGINT"),
        ("amount", "BIGINT"),
        ("confirmation", "VARCHAR"),
    ],
}


def export(db, out):
    os.makedirs(out, exist_ok=True)
    con = duckdb.connect()
    for table, cols in TABLES.items():
        t = time.time()
        names = ", ".join(c for c, _ in cols)
        types = ", ".join(f"'{c}': '{ty}'" for c, ty in cols)
        with tempfile.NamedTemporaryFile(suffix=".csv", dir=out, delete=False) as f:
            path = f.name
        try:
            if db.startswith("postgres://") or db.startswith("postgresql://"):
                sel = ", ".join(f"{c}::text" if c in ("date", "start_date", "started_on", "completed_on") else c
                                for c, _ in cols)
                subprocess.run(
                    ["psql", db, "-v", "ON_ERROR_STOP=1", "-qc",
                     f"\\copy (SELECT {sel} FROM {table}) TO '{path}' (FORMAT csv)"],
                    check=True,
                )
            else:
                src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                import csv

                with open(path, "w", newline="") as f:
                    w = csv.writer(f)
                    cur = src.execute(f"SELECT {names} FROM {table}")
                    while True:
                        rows = cur.fetchmany(100_000)
                        if not rows:
                            break
                        w.writerows(rows)
                src.close()
            dest = os.path.join(out, f"{table}.parquet")
            con.execute(
                f"COPY (SELECT * FROM read_csv('{path}', header = false, columns = {{{types}}}, nullstr = '')) "
                f"TO '{dest}' (FORMAT parquet)"
            )
            n = con.execute(f"SELECT COUNT(*) FROM '{dest}'").fetchone()[0]
            print(f"{table}: {n} rows in {time.time() - t:.1f} s", file=sys.stderr)
        finally:
            os.unlink(path)


def scope_filter(scope):
    """SQL condition on the pairing `pr` and its receiver `o`, and its parameters."""
    if scope == "all":
        return "TRUE", []
    kind, key = scope.split(":", 1)
    if kind == "program":
        return "pr.program_id = ?", [int(key)]
    if kind == "pairing":
        return "pr.id = ?", [int(key)]
    if kind == "region":
        return (
            "(o.region_code = ? OR (length(o.region_code) = 6 AND "
            "(substr(o.region_code, 1, 4) || '00' = ? OR substr(o.region_code, 1, 2) || '0000' = ?)))",
            [key, key, key],
        )
    raise SystemExit(f"bad scope {scope}")


def conf(col):
    return f"CASE WHEN {col} = 'confirmed' THEN 1 ELSE 0 END"


def queries(d):
    """The dashboard's figures, in the shape duikou-bench compares (see its `figures` docs)."""
    t = lambda name: f"read_parquet('{os.path.join(d, name + '.parquet')}')"  # noqa: E731
    pairings = f"{t('pairings')} pr JOIN {t('orgs')} o ON o.id = pr.receiver_org_id"

    def scoped(col):
        return f"JOIN {t('pairings')} pr ON pr.id = {col} JOIN {t('orgs')} o ON o.id = pr.receiver_org_id"

    return {
        "pairings": f"SELECT COUNT(*) FROM {pairings} WHERE {{cond}}",
        "money": f"SELECT CAST(substr(x.date, 1, 4) AS BIGINT), x.source, p.category, x.kind, COUNT(*), "
        f"COALESCE(SUM(x.amount), 0), COALESCE(SUM(CASE WHEN x.confirmation = 'confirmed' THEN x.amount ELSE 0 END), 0) "
        f"FROM {t('transactions')} x JOIN {t('projects')} p ON p.id = x.project_id "
        f"{scoped('x.pairing_id')} WHERE {{cond}} GROUP BY 1, 2, 3, 4",
        "projects": f"SELECT p.category, COUNT(*), "
        f"SUM(CASE WHEN p.started_on IS NULL AND p.completed_on IS NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN p.started_on IS NOT NULL AND p.completed_on IS NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN p.completed_on IS NOT NULL THEN 1 ELSE 0 END), COALESCE(SUM(p.total_investment), 0) "
        f"FROM {t('projects')} p {scoped('p.pairing_id')} WHERE {{cond}} GROUP BY 1",
        "people": f"SELECT d.role, COALESCE(d.batch, 0), COUNT(*), SUM({conf('d.confirmation')}) "
        f"FROM {t('dispatches')} d {scoped('d.pairing_id')} WHERE {{cond}} GROUP BY 1, 2",
        "activities": f"SELECT a.kind, substr(a.start_date, 1, 7), COUNT(*), SUM({conf('a.confirmation')}), "
        + ", ".join(f"COALESCE(SUM(a.{c}), 0)" for c in ("person_times", "sessions", "courses", "hours", "items", "amount"))
        + f" FROM {t('activities')} a {scoped('a.pairing_id')} WHERE {{cond}} GROUP BY 1, 2",
    }


def query(d, scopes, runs):
    con = duckdb.connect()
    qs = queries(d)
    out = {
        "duckdb": duckdb.__version__,
        "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
        "scopes": {},
    }
    for scope in scopes:
        cond, params = scope_filter(scope)
        times, figures = [], None
        for run in range(runs + 1):  # the first run warms the file cache and is not counted
            t = time.perf_counter()
            figs = {}
            for name, sql in qs.items():
                rows = con.execute(sql.replace("{cond}", cond), params * sql.count("{cond}")).fetchall()
                figs[name] = rows
            if run > 0:
                times.append((time.perf_counter() - t) * 1000.0)
            figures = figs
        figures["pairings"] = int(figures["pairings"][0][0])
        for k in ("money", "projects", "people", "activities"):
            figures[k] = sorted([[int(v) if isinstance(v, (int, float)) else v for v in r] for r in figures[k]],
                                key=lambda r: json.dumps(r, ensure_ascii=False))
        out["scopes"][scope] = {"times_ms": times, "figures": figures}
    print(json.dumps(out, ensure_ascii=False))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("--db", required=True)
    e.add_argument("--out", required=True)
    q = sub.add_parser("query")
    q.add_argument("--dir", required=True)
    q.add_argument("--scope", action="append", default=[])
    q.add_argument("--runs", type=int, default=10)
    a = ap.parse_args()
    if a.cmd == "export":
        export(a.db, a.out)
    else:
        query(a.dir, a.scope or ["all"], a.runs)


if __name__ == "__main__":
    main()
