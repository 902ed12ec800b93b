#!/usr/bin/env python3
"""Writes the current table at the top of BENCHMARKS.md (between `<!-- current:begin -->` and `<!-- current:end -->`)
from the JSON the benchmarks wrote in one session, so the table is never typed by hand:

    bench/current.py --api /work/bench-data/api_vs_bare.json --memory /work/bench-data/serve_memory.json \\
        --import /work/bench-data/import.json --dashboard /work/bench-data/results-sqlite-1.json [--write BENCHMARKS.md]

Without --write it prints the block. A file that is not given leaves its rows out (never an older figure in their
place). Python 3.9+ standard library only.
"""

import argparse
import json
import os
import re
import sys

BEGIN, END = "<!-- current:begin -->", "<!-- current:end -->"


def load(path):
    if not path:
        return None
    with open(path) as f:
        return json.load(f)


def ms(v):
    return "–" if v is None else (f"{v:.0f}" if v >= 100 else f"{v:.2f}")


def yes(b):
    return "yes" if b else "**no**"


def block(a):
    rows, machines = [], set()
    api = load(a.api)
    if api:
        machines.add(api["machine"])
        rows.append((
            f"JSON API `{api['path']}`, req/s (wrk -t2 -c64 -d10s), median of {api['starts']} fresh starts",
            f"bare axum handler, own process, same bytes: {api['bare_rps_median']:.0f} req/s",
            f"**{100 * api['ratio_median']:.0f} %** ({100 * api['ratio_min']:.0f}–{100 * api['ratio_max']:.0f} %; "
            f"duikou {api['api_rps_min']:.0f}–{api['api_rps_max']:.0f} req/s)",
            f"≥ 50 %: {yes(api['ratio_min'] >= 0.5)}",
            "`bench/api_vs_bare.py --db DB`", f"{api['load_max']:.1f}"))
        rows.append((
            f"JSON API `{api['path']}`, p99 under 64 connections (worst start)",
            "–", f"**{api['api_p99_ms_max']:.1f} ms** (median start {api['api_p99_ms_median']:.1f} ms)",
            f"≤ 20 ms: {yes(api['api_p99_ms_max'] <= 20)}", "`bench/api_vs_bare.py --db DB`", f"{api['load_max']:.1f}"))
    mem = load(a.memory)
    if mem:
        machines.add(mem["machine"])
        r = mem["runs"][-1]
        rows.append((
            f"`duikou serve` peak RSS through `GET {mem['path']}` ({r['bytes'] / 1e6:.0f} MB reply, "
            f"{r['items']} pairings), {len(mem['runs'])} requests",
            f"idle {mem['idle_rss_mib'] * 1.048576:.0f} MB",
            f"**{mem['peak_mb']:.0f} MB** peak; {mem['settled_mb']:.0f} MB after",
            f"≤ 200 MB: {yes(mem['peak_mb'] <= 200)}", "`bench/serve_memory.py --db DB`",
            f"{max(x['load'] for x in mem['runs']):.1f}"))
    imp = load(a.imp)
    if imp:
        rows.append((
            f"import of {imp['rows']:_} activity rows (CSV, checked and written), rows/s".replace("_", " "),
            f"one prepared INSERT in one transaction (rusqlite, same schema, indexes, triggers): "
            f"{imp['rows'] / imp['raw_rusqlite_s']:.0f} rows/s",
            f"**{100 * imp['ratio']:.0f} %** ({imp['rows'] / imp['import_s']:.0f} rows/s)",
            f"≥ 50 %: {yes(imp['ratio'] >= 0.5)}", f"`duikou-bench import --rows {imp['rows']}`",
            f"{imp.get('load', float('nan')):.1f}"))
    for path in a.dashboard or []:
        d = load(path)
        for s in d["scopes"]:
            if s.get("duckdb_p50_ms") is None:
                continue
            duck = s["duckdb_p50_ms"]
            rows.append((
                f"dashboard `{s['scope']}` ({d['label']}), as kept, p50",
                f"DuckDB scan of the base rows (Parquet): {ms(duck)} ms",
                f"**{ms(s['api_p50_ms'])} ms** (×{duck / s['api_p50_ms']:.0f} faster)",
                f"faster than DuckDB: {yes(s['api_p50_ms'] < duck)}", "`bench/run.sh`", f"{d.get('load', float('nan')):.1f}"))
            if s.get("rebuilt_p50_ms") is not None:
                rows.append((
                    f"dashboard `{s['scope']}` ({d['label']}), rebuilt after a write, p50 (the write: "
                    f"{ms(s['write_p50_ms'])} ms)",
                    f"DuckDB: {ms(duck)} ms",
                    f"**{ms(s['rebuilt_p50_ms'])} ms** (max {ms(s['rebuilt_max_ms'])}; "
                    f"{'×%.1f faster' % (duck / s['rebuilt_p50_ms']) if s['rebuilt_p50_ms'] < duck else '×%.1f slower' % (s['rebuilt_p50_ms'] / duck)})",
                    f"faster than DuckDB: {yes(s['rebuilt_p50_ms'] < duck)}", "`bench/run.sh`",
                    f"{d.get('load', float('nan')):.1f}"))
    out = [BEGIN, "", "## Current figures", "",
           "Written by `bench/current.py` from the benchmarks' JSON output of one session; every ratio is against a "
           "reference measured in the same run, throughput by an outside client (wrk) against a separate process.",
           ""]
    for m in sorted(machines):
        out.append(f"**Machine:** {m} (read by the scripts at the time of the run).")
    loaded = [r for r in rows if r[-1] != "nan" and float(r[-1]) > 2]
    if loaded:
        out.append("")
        out.append(f"{len(loaded)} of {len(rows)} rows were measured with the one-minute load average above 2 on a "
                   "2-core machine (other builds running): run them again on a quiet machine before taking them as "
                   "final.")
    out += ["", "| measure | reference | result | target | command | load avg |", "|---|---|---|---|---|---:|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    out += ["", END]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--api")
    ap.add_argument("--memory")
    ap.add_argument("--import", dest="imp")
    ap.add_argument("--dashboard", action="append")
    ap.add_argument("--write", help="the Markdown file whose marked block is replaced")
    a = ap.parse_args()
    text = block(a)
    if not a.write:
        print(text)
        return
    doc = open(a.write).read() if os.path.exists(a.write) else ""
    if BEGIN in doc and END in doc:
        doc = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: text, doc, flags=re.S)
    else:
        sys.exit(f"{a.write} has no {BEGIN} … {END} block")
    with open(a.write, "w") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
