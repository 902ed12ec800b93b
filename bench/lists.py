#!/usr/bin/env python3
"""The workplace's list pages under 64 connections at national scale (issue #19 item 8: p99 ≤ 50 ms).

Starts a release `duikou serve` on the database, signs in through the login form as a coordinator of every program
(made the first time, `bench-lists`), checks each page answers 200 with its table, then drives each page with wrk (an
outside client, its own process) with the session cookie, and `/healthz` in the same run as the reference of what the
machine itself adds. A list is kept as shown until the next write: the first view of each page (made then, one
connection, timed by this script) is what a reader pays after a write; wrk's figures are the kept page's. Prints one Markdown row per page and writes the figures as JSON.

    cargo build --release -p duikou-cli -p duikou-bench
    bench/lists.py --db /work/bench-data/nat1-bench.db [--seconds 20] [--connections 64]

The pages: the largest lists a coordinator pages through (activities, 5 M rows at scale 1; people; projects;
transactions; needs), a filtered list (one pairing's activities), a search answered by the trigram index and a
search that finds nothing. Use a copy of a database that is not yours (a user is added). Python 3.9+ stdlib only.
"""

import argparse
import os
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request

import common

PASSWORD = "Lb7-quiet-harbour-92"


def user(bins, db):
    users = subprocess.run([bins["duikou"], "--database", db, "user", "list"], capture_output=True, text=True)
    if "bench-lists" not in users.stdout:
        subprocess.run([bins["duikou"], "--database", db, "user", "add", "bench-lists", "--role", "coordinator",
                        "--name", "列表基准协调员"], check=True, capture_output=True,
                       env={**os.environ, "DUIKOU_PASSWORD": PASSWORD})


def busiest_pairing(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    row = con.execute("SELECT pairing_id FROM activities GROUP BY pairing_id ORDER BY count(*) DESC LIMIT 1").fetchone()
    con.close()
    return row[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a SQLite database (a copy: a user is added)")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json-out", default="/work/bench-data/lists.json")
    a = ap.parse_args()
    common.need("wrk", "apt-get install -y wrk")
    bins = common.binaries()
    user(bins, a.db)
    pairing = busiest_pairing(a.db)
    q = urllib.parse.quote
    pages = [
        "/healthz",
        "/records/activities",
        f"/records/activities?pairing_id={pairing}",
        f"/records/activities?q={q('电子商务')}",
        f"/records/activities?q={q('吐鲁番市高昌区')}",
        "/records/people",
        "/records/projects",
        "/records/transactions",
        "/records/needs",
    ]
    out = {"machine": common.machine(), "connections": a.connections, "seconds": a.seconds, "rows": []}
    with common.duikou_serve(bins, a.db) as serve:
        base = f"http://{serve.addr}"
        cookie = common.session(base, "bench-lists", PASSWORD)
        print(f"\n{out['machine']}; wrk -t{a.threads} -c{a.connections} -d{a.seconds}s --latency, "
              f"server and client on the same machine\n")
        print("| page | bytes | first view (ms) | requests/s | p50 (ms) | p90 (ms) | p99 (ms) | failed | load average before |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for page in pages:
            req = urllib.request.Request(base + page, headers={"Cookie": cookie})
            started = time.monotonic()
            with urllib.request.urlopen(req, timeout=600) as r:
                body = r.read()
                if r.status != 200 or (page != "/healthz" and b"<table" not in body and "暂无".encode() not in body):
                    raise SystemExit(f"{page}: {r.status}, no table: {body[:300]!r}")
            first_ms = (time.monotonic() - started) * 1000
            load = common.loadavg()
            res = common.wrk(base + page, a.threads, a.connections, a.seconds, headers=[f"Cookie: {cookie}"])
            row = {"page": urllib.parse.unquote(page), "bytes": len(body), "first_ms": first_ms, "load": load, **res}
            out["rows"].append(row)
            print(f"| `{row['page']}` | {len(body):,} | {first_ms:.1f} | {res['rps']:,.0f} | {res['p50_ms']:.2f} | {res['p90_ms']:.2f} | "
                  f"{res['p99_ms']:.2f} | {res['failed']} | {load} |", flush=True)
    common.write_json(a.json_out, out)


if __name__ == "__main__":
    main()
