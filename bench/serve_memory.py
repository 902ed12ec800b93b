#!/usr/bin/env python3
"""`duikou serve`'s memory through one large request and after it (issue #23, item 2).

Starts `duikou serve` on the database, reads its resident memory when idle, then asks for PATH (by default the
largest program's whole assessment, `GET /api/v1/programs/<largest>/obligations`, 57 MB of JSON at scale 1) REPEAT
times while sampling VmRSS every 10 ms; reports the peak (VmHWM), the memory right after each reply and SETTLE seconds
later, the reply's size and time, and checks the reply is whole JSON with one item per pairing of the program.

    cargo build --release -p duikou-cli -p duikou-bench
    bench/serve_memory.py --db /work/bench-data/nat1-bench.db [--path /api/v1/programs/4/obligations]

Target: ≤ 200 MB resident through the request, returned afterwards. The database gets an administrator `bench-api`
and an API token (use a copy of a database that is not yours). Python 3.9+ standard library only.
"""

import argparse
import json
import sqlite3
import time
import urllib.request

import common


def largest_program(db):
    if db.startswith("postgres"):
        return None
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    row = con.execute("SELECT program_id, count(*) FROM pairings GROUP BY program_id ORDER BY 2 DESC LIMIT 1").fetchone()
    con.close()
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--path", help="default: the largest program's /api/v1/programs/<id>/obligations")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--settle", type=float, default=5.0)
    ap.add_argument("--json-out", default="/work/bench-data/serve_memory.json")
    ap.add_argument("--serve-env", action="append", default=[], metavar="K=V",
                    help="environment of `duikou serve` only, e.g. MIMALLOC_PURGE_DELAY=0")
    a = ap.parse_args()
    bins = common.binaries()
    tok = common.token(bins, a.db)
    expected = None
    path = a.path
    if path is None:
        prog = largest_program(a.db)
        if prog is None:
            raise SystemExit("--path is needed for a PostgreSQL database")
        path, expected = f"/api/v1/programs/{prog[0]}/obligations", prog[1]
    out = {"path": path, "machine": common.machine(), "runs": []}
    out["serve_env"] = a.serve_env
    with common.duikou_serve(bins, a.db, dict(kv.split("=", 1) for kv in a.serve_env)) as serve:
        time.sleep(1)
        idle = serve.rss_mib()[0]
        out["idle_rss_mib"] = idle
        common.log(f"serve idle: {idle:.0f} MiB")
        for i in range(1, a.repeat + 1):
            load = common.loadavg()
            with common.Sampler(serve) as sampler:
                t = time.time()
                req = urllib.request.Request(f"http://{serve.addr}{path}", headers={"Authorization": f"Bearer {tok}"})
                with urllib.request.urlopen(req, timeout=3600) as r:
                    body = r.read()
                took = time.time() - t
            samples = sampler.samples
            right_after = serve.rss_mib()[0]
            time.sleep(a.settle)
            settled, hwm = serve.rss_mib()
            items = json.loads(body)["items"]
            if expected is not None and len(items) != expected:
                raise SystemExit(f"{len(items)} items in the reply, the program has {expected} pairings")
            results = sum(len(x["results"]) for x in items)
            run = {"run": i, "bytes": len(body), "seconds": took, "items": len(items), "results": results,
                   "peak_sampled_mib": max(samples), "hwm_mib": hwm, "right_after_mib": right_after,
                   "settled_mib": settled, "load": load}
            out["runs"].append(run)
            common.log(f"run {i}: {len(body) / 1e6:.1f} MB in {took:.2f} s, {len(items)} pairings; RSS peak "
                       f"{max(samples):.0f} MiB (VmHWM {hwm:.0f}), right after {right_after:.0f}, "
                       f"{a.settle:.0f} s later {settled:.0f} MiB")
            del body, items
    mb = 1.048576
    hwm = max(r["hwm_mib"] for r in out["runs"])
    out["peak_mb"] = hwm * mb
    out["settled_mb"] = out["runs"][-1]["settled_mib"] * mb
    print(f"\n`GET {path}` on `duikou serve`, {a.repeat} times; Machine: {out['machine']}\n")
    print("| run | load avg | reply MB | pairings | results | seconds | RSS peak MB (sampled) | right after MB | "
          f"{a.settle:.0f} s later MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in out["runs"]:
        print(f"| {r['run']} | {r['load']:.2f} | {r['bytes'] / 1e6:.1f} | {r['items']} | {r['results']} | "
              f"{r['seconds']:.2f} | {r['peak_sampled_mib'] * mb:.0f} | {r['right_after_mib'] * mb:.0f} | "
              f"{r['settled_mib'] * mb:.0f} |")
    print(f"\nidle {idle * mb:.0f} MB; peak (VmHWM over all runs) {hwm * mb:.0f} MB — target ≤ 200 MB: "
          f"{'yes' if hwm * mb <= 200 else 'no'}; {out['settled_mb']:.0f} MB {a.settle:.0f} s after the last reply")
    common.write_json(a.json_out, out)


if __name__ == "__main__":
    main()
