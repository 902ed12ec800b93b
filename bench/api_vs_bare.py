#!/usr/bin/env python3
"""The JSON API against a bare axum handler, both measured from outside (issue #23, item 1).

For each of STARTS fresh starts: `duikou serve` on the database and `bare` (crates/duikou-bench/src/bin/bare.rs, same
tokio, axum and allocator, answering the same JSON bytes duikou answered) are started as processes of their own, and
wrk drives each in turn (`wrk -t2 -c64 -d10s --latency`, after a 2 s warm-up). Prints each start's req/s, p50 and
p99 and the ratio, then the median and the spread across starts, and writes them as JSON for bench/report.py.

    cargo build --release -p duikou-cli -p duikou-bench
    apt-get install -y wrk          # or: brew install wrk
    bench/api_vs_bare.py --db /work/bench-data/nat1-bench.db [--starts 5] [--path /api/v1/pairings/1]

The database gets an administrator `bench-api` and an API token (use a copy of a database that is not yours).
"""

import argparse
import statistics
import sys

import common


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="SQLite file or postgres:// URL (gets a user and a token)")
    ap.add_argument("--path", default="/api/v1/pairings/1")
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--json-out", default="/work/bench-data/api_vs_bare.json")
    ap.add_argument("--label", default="")
    ap.add_argument("--serve-env", action="append", default=[], metavar="K=V",
                    help="environment of `duikou serve` only, e.g. GLIBC_TUNABLES=glibc.malloc.trim_threshold=67108864")
    a = ap.parse_args()
    common.need("wrk", "apt-get install -y wrk")
    bins = common.binaries()
    tok = common.token(bins, a.db)
    body_file = "/tmp/duikou-api-reply.json"
    rows = []
    for i in range(1, a.starts + 1):
        row = {"start": i}
        with common.duikou_serve(bins, a.db, dict(kv.split("=", 1) for kv in a.serve_env)) as serve:
            status, body = common.get(f"http://{serve.addr}{a.path}", tok)
            if status != 200:
                sys.exit(f"{a.path} answered {status}")
            with open(body_file, "wb") as f:
                f.write(body)
            row["bytes"] = len(body)
            row["load_before"] = common.loadavg()
            url = f"http://{serve.addr}{a.path}"
            common.wrk(url, a.threads, a.connections, a.warmup, tok)
            row["api"] = common.wrk(url, a.threads, a.connections, a.seconds, tok)
            row["api"]["rss_mib"] = serve.rss_mib()[0]
        with common.Child([bins["bare"], "--addr", "{addr}", "--body", body_file], "/bare") as bare:
            url = f"http://{bare.addr}/bare"
            common.wrk(url, a.threads, a.connections, a.warmup)
            row["bare"] = common.wrk(url, a.threads, a.connections, a.seconds)
        row["load_after"] = common.loadavg()
        row["ratio"] = row["api"]["rps"] / row["bare"]["rps"]
        for side in ("api", "bare"):
            if row[side]["failed"] or row[side]["socket_errors"]:
                sys.exit(f"start {i}, {side}: {row[side]['failed']} failed replies; {row[side]['socket_errors']}")
        rows.append(row)
        common.log(f"start {i}: api {row['api']['rps']:.0f} req/s, bare {row['bare']['rps']:.0f} req/s, "
                   f"{100 * row['ratio']:.1f} %, api p99 {row['api']['p99_ms']:.2f} ms, load {row['load_before']:.2f}")

    print(f"\n`{a.path}` ({rows[0]['bytes']} bytes of JSON) against the bare axum handler answering the same bytes; "
          f"wrk -t{a.threads} -c{a.connections} -d{a.seconds}s, a fresh start of each server per row\n")
    print(f"Machine: {common.machine()}\n")
    print("| start | load avg | duikou req/s | p50 ms | p99 ms | bare req/s | p50 ms | p99 ms | duikou / bare |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        p, b = r["api"], r["bare"]
        print(f"| {r['start']} | {r['load_before']:.2f} | {p['rps']:.0f} | {p['p50_ms']:.2f} | {p['p99_ms']:.2f} | "
              f"{b['rps']:.0f} | {b['p50_ms']:.2f} | {b['p99_ms']:.2f} | {100 * r['ratio']:.1f} % |")
    ratios = [r["ratio"] for r in rows]
    api = [r["api"]["rps"] for r in rows]
    p99 = [r["api"]["p99_ms"] for r in rows]
    summary = {
        "label": a.label, "serve_env": a.serve_env, "path": a.path, "machine": common.machine(), "starts": len(rows),
        "ratio_median": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
        "api_rps_median": statistics.median(api), "api_rps_min": min(api), "api_rps_max": max(api),
        "bare_rps_median": statistics.median(r["bare"]["rps"] for r in rows),
        "api_p99_ms_max": max(p99), "api_p99_ms_median": statistics.median(p99),
        "load_max": max(max(r["load_before"], r["load_after"]) for r in rows),
        "command": f"bench/api_vs_bare.py --db DB --starts {a.starts}", "rows": rows,
    }
    print(f"\nmedian {100 * summary['ratio_median']:.1f} % of bare (spread {100 * min(ratios):.1f}–"
          f"{100 * max(ratios):.1f} % over {len(rows)} starts); duikou {min(api):.0f}–{max(api):.0f} req/s "
          f"(spread ±{50 * (max(api) - min(api)) / statistics.median(api):.1f} % of the median); "
          f"p99 ≤ {max(p99):.2f} ms; targets ≥ 50 %, p99 ≤ 20 ms")
    common.write_json(a.json_out, summary)


if __name__ == "__main__":
    main()
