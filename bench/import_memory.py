#!/usr/bin/env python3
"""The memory of `duikou import` through a large activity CSV (issue #23 item 2: ≤ 300 MB for 1 M rows).

Makes a scratch database with the demo record (`duikou demo`), writes a CSV of ROWS activities spread over the demo's
pairings that a name picks out without ambiguity (`结对,活动类型,标题,开始日期,人次,课时`, as a user fills the import
template), then runs `duikou import activities FILE` as a child process and reads its peak resident memory from the
kernel (`getrusage(RUSAGE_CHILDREN).ru_maxrss`, the same figure as `/usr/bin/time -v`). Checks that every row was
written. The import is the same function the web's import wizard and `POST /api/v1/imports/activities` call.

    cargo build --release -p duikou-cli
    bench/import_memory.py [--rows 1000000] [--dir /work/bench-data]

Python 3.9+ standard library only.
"""

import argparse
import csv
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

import common

# runs argv[1:], exits with its status, and prints its peak resident memory in KiB (ru_maxrss) as the last line
MEASURE = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(r.returncode)\n"
)


def pairing_names(db):
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT s.name || '→' || r.name, count(*) FROM pairings p JOIN orgs s ON s.id = p.supporter_org_id "
        "JOIN orgs r ON r.id = p.receiver_org_id GROUP BY 1 HAVING count(*) = 1").fetchall()
    con.close()
    return [r[0] for r in rows]


def count(db):
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM activities").fetchone()[0]
    con.close()
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", default="/work/bench-data")
    ap.add_argument("--json-out", default="/work/bench-data/import_memory.json")
    a = ap.parse_args()
    bins = common.binaries()
    os.makedirs(a.dir, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=a.dir) as scratch:
        db = os.path.join(scratch, "import.db")
        subprocess.run([bins["duikou"], "--database", db, "--log", "warn", "demo"], check=True,
                       stdout=subprocess.DEVNULL)
        names = pairing_names(db)
        if not names:
            sys.exit("the demo record has no pairing a name picks out")
        before = count(db)
        path = os.path.join(scratch, "activities.csv")
        rnd = random.Random(20261207)
        kinds = ["培训", "互访", "会议", "授课", "交流"]
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["结对", "活动类型", "标题", "开始日期", "人次", "课时"])
            for i in range(a.rows):
                w.writerow([names[i % len(names)], kinds[i % len(kinds)], f"基准导入活动第{i + 1}次",
                            f"{2015 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}", rnd.randint(1, 500),
                            rnd.randint(1, 40)])
        size = os.path.getsize(path)
        common.log(f"{a.rows} rows, {size / 1e6:.0f} MB over {len(names)} pairings; importing")
        load = common.loadavg()
        t = time.monotonic()
        # the import is the only child of a Python of its own, whose RUSAGE_CHILDREN is then the import's alone
        # (this script's own figure would include `duikou demo` above)
        done = subprocess.run([sys.executable, "-c", MEASURE, bins["duikou"], "--database", db, "--log", "warn",
                               "import", "activities", path], capture_output=True, text=True)
        took = time.monotonic() - t
        if done.returncode != 0:
            sys.exit(f"import failed ({done.returncode}): {done.stderr[-2000:]}")
        peak_mb = int(done.stdout.strip().splitlines()[-1]) * 1024 / 1e6
        written = count(db) - before
        if written != a.rows:
            sys.exit(f"{written} rows written, {a.rows} in the file")
    out = {"machine": common.machine(), "rows": a.rows, "csv_bytes": size, "seconds": took, "peak_mb": peak_mb,
           "load": load}
    print(f"\n{out['machine']}\n")
    print("| rows | CSV MB | seconds | rows/s | peak RSS MB | ≤ 300 MB | load |")
    print("|---:|---:|---:|---:|---:|:-:|---:|")
    print(f"| {a.rows:,} | {size / 1e6:.0f} | {took:.1f} | {a.rows / took:,.0f} | {peak_mb:.0f} | "
          f"{'yes' if peak_mb <= 300 else '**no**'} | {load:.2f} |")
    common.write_json(a.json_out, out)


if __name__ == "__main__":
    main()
