#!/usr/bin/env python3
"""`duikou serve`'s memory and time through each of the heaviest single requests a user can make (issue #23 item 2:
≤ 200 MB resident through any single request at national scale, returned afterwards; issue #22 item 6: the first
view of a program page after a restart ≤ 1 s).

For each request below, a fresh `duikou serve` is started on the database (so a figure is that request's alone, from
a cold start: nothing kept yet), its idle memory read, then the request made once while VmRSS is sampled every 10 ms;
the script reports the status, the reply's size and time, the peak (VmHWM) and the memory 5 s after the reply.

The requests, drawn from the database (the largest program P, its busiest pairing B, the last whole year Y of P —
a school year where P's records start in September):
  - the whole assessment of P as JSON (`/api/v1/programs/P/obligations`);
  - the export of every activity (`/api/v1/exports/activities`: at scale 1 more rows than a worksheet holds) and of
    B's activities (`?pairing_id=B`);
  - P's work summary for Y and for its whole term, as .docx (`/api/v1/report`);
  - P's program page and the dashboard, signed in through the login form;
  - the largest page of the activity list (`/api/v1/activities?per_page=500`), the latest 1 000 audit events and
    the check of the whole audit chain (`/api/v1/audit/verify`).

    cargo build --release -p duikou-cli -p duikou-bench
    bench/heavy_requests.py --db /work/bench-data/nat1-bench.db [--only obligations,program_page]

The database gets an administrator `bench-api` (use a copy of a database that is not yours). Python 3.9+ stdlib only.
"""

import argparse
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request

import common

PASSWORD = "bench-password-1"  # common.token's user


def facts(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    prog = con.execute("SELECT program_id, count(*) FROM pairings GROUP BY program_id ORDER BY 2 DESC LIMIT 1").fetchone()
    busiest = con.execute(
        "SELECT a.pairing_id, count(*) FROM activities a JOIN pairings p ON p.id = a.pairing_id "
        "WHERE p.program_id = ? GROUP BY a.pairing_id ORDER BY 2 DESC LIMIT 1", (prog[0],)).fetchone()
    first, last = con.execute(
        "SELECT min(a.start_date), max(a.start_date) FROM activities a JOIN pairings p ON p.id = a.pairing_id "
        "WHERE p.program_id = ?", (prog[0],)).fetchone()
    con.close()
    return {"program": prog[0], "pairings": prog[1], "pairing": busiest[0], "pairing_activities": busiest[1],
            "first": first, "last": last}


def requests_of(f):
    p, b = f["program"], f["pairing"]
    # the last whole year of records: a school year where the records start in September, else a calendar year
    last = int(f["last"][:4])
    year = f"{last - 1}-{last}" if f["first"][5:7] == "09" else str(last - 1)
    term = f"{f['first']}..{f['last']}"
    q = urllib.parse.quote
    return [
        ("obligations", "api", f"/api/v1/programs/{p}/obligations", f"program {p}'s whole assessment, JSON"),
        ("export_all", "api", "/api/v1/exports/activities", "every activity as .xlsx"),
        ("export_pairing", "api", f"/api/v1/exports/activities?pairing_id={b}",
         f"pairing {b}'s {f['pairing_activities']} activities as .xlsx"),
        ("summary_year", "api", f"/api/v1/report?scope=program:{p}&period={year}&format=docx",
         f"program {p}'s work summary for {year}, .docx"),
        ("summary_term", "api", f"/api/v1/report?scope=program:{p}&period={q(term)}&format=docx",
         f"program {p}'s work summary for {term}, .docx"),
        ("program_page", "page", f"/programs/{p}", f"program {p}'s page, first view after a start"),
        ("dashboard", "page", "/dashboard", "the dashboard, first view after a start"),
        ("activities_page", "api", "/api/v1/activities?per_page=500", "the activity list, 500 a page"),
        ("audit_recent", "api", "/api/v1/audit?limit=1000", "the latest 1 000 audit events"),
        ("audit_verify", "api", "/api/v1/audit/verify", "the whole audit chain and every table checked"),
    ]


def measure(bins, db, tok, kind, path, settle):
    with common.duikou_serve(bins, db) as serve:
        base = f"http://{serve.addr}"
        if kind == "api":
            headers = {"Authorization": f"Bearer {tok}"}
        else:
            headers = {"Cookie": common.session(base, "bench-api", PASSWORD)}
        time.sleep(1)
        idle = serve.rss_mib()[0]
        load = common.loadavg()
        with common.Sampler(serve) as sampler:
            t = time.monotonic()
            try:
                with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=3600) as r:
                    status, size, kind_of = r.status, len(r.read()), r.headers.get("Content-Type", "")
            except urllib.error.HTTPError as e:
                body = e.read()
                status, size, kind_of = e.code, len(body), e.headers.get("Content-Type", "")
                common.log(f"{path}: {e.code} {body[:300].decode(errors='replace')}")
            took = time.monotonic() - t
        time.sleep(settle)
        settled, hwm = serve.rss_mib()
        return {"status": status, "bytes": size, "content_type": kind_of.split(";")[0], "seconds": took,
                "idle_mib": idle, "peak_sampled_mib": max(sampler.samples), "hwm_mib": hwm, "settled_mib": settled,
                "load": load}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a SQLite database (a copy: a user is added)")
    ap.add_argument("--only", help="comma-separated names of the requests to make (default: all)")
    ap.add_argument("--settle", type=float, default=5.0)
    ap.add_argument("--json-out", default="/work/bench-data/heavy_requests.json")
    a = ap.parse_args()
    bins = common.binaries()
    tok = common.token(bins, a.db)
    f = facts(a.db)
    reqs = requests_of(f)
    if a.only:
        names = set(a.only.split(","))
        reqs = [r for r in reqs if r[0] in names]
    out = {"machine": common.machine(), "facts": f, "rows": []}
    mb = 1.048576
    print(f"\n{out['machine']}; each request alone on a freshly started `duikou serve`\n")
    print("| request | what | status | reply | seconds | idle MB | peak MB (VmHWM) | 5 s later MB | ≤ 200 MB | load |")
    print("|---|---|---:|---:|---:|---:|---:|---:|:-:|---:|")
    for name, kind, path, what in reqs:
        r = measure(bins, a.db, tok, kind, path, a.settle)
        r.update({"name": name, "path": urllib.parse.unquote(path), "what": what})
        out["rows"].append(r)
        size = f"{r['bytes'] / 1e6:.1f} MB" if r["bytes"] >= 1e5 else f"{r['bytes'] / 1e3:.1f} KB"
        print(f"| `{r['path']}` | {what} | {r['status']} | {size} | {r['seconds']:.2f} | {r['idle_mib'] * mb:.0f} | "
              f"{r['hwm_mib'] * mb:.0f} | {r['settled_mib'] * mb:.0f} | "
              f"{'yes' if r['hwm_mib'] * mb <= 200 else '**no**'} | {r['load']:.2f} |", flush=True)
    common.write_json(a.json_out, out)


if __name__ == "__main__":
    main()
