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


def short(machine):
    """The CPU and cores of a machine line ("Intel Xeon Processor, 2 cores")."""
    return ", ".join(machine.split(", ")[:2]) if machine else "–"


def block(a):
    rows, machines = [], set()

    def add(source, row):
        m = source.get("machine") if isinstance(source, dict) else None
        if m:
            machines.add(m)
        rows.append(row[:-1] + (short(m), row[-1]))

    api = load(a.api)
    if api:
        add(api, (
            f"JSON API `{api['path']}`, req/s (wrk -t2 -c64 -d10s), median of {api['starts']} fresh starts",
            f"bare axum handler, own process, same bytes: {api['bare_rps_median']:.0f} req/s",
            f"**{100 * api['ratio_median']:.0f} %** ({100 * api['ratio_min']:.0f}–{100 * api['ratio_max']:.0f} %; "
            f"duikou {api['api_rps_min']:.0f}–{api['api_rps_max']:.0f} req/s)",
            f"≥ 50 %: {yes(api['ratio_min'] >= 0.5)}",
            "`bench/api_vs_bare.py --db DB`", f"{api['load_max']:.1f}"))
        add(api, (
            f"JSON API `{api['path']}`, p99 under 64 connections (worst start)",
            "–", f"**{api['api_p99_ms_max']:.1f} ms** (median start {api['api_p99_ms_median']:.1f} ms)",
            f"≤ 20 ms: {yes(api['api_p99_ms_max'] <= 20)}", "`bench/api_vs_bare.py --db DB`", f"{api['load_max']:.1f}"))
    mem = load(a.memory)
    if mem:
        r = mem["runs"][-1]
        add(mem, (
            f"`duikou serve` peak RSS through `GET {mem['path']}` ({r['bytes'] / 1e6:.0f} MB reply, "
            f"{r['items']} pairings), {len(mem['runs'])} requests",
            f"idle {mem['idle_rss_mib'] * 1.048576:.0f} MB",
            f"**{mem['peak_mb']:.0f} MB** peak; {mem['settled_mb']:.0f} MB after",
            f"≤ 200 MB: {yes(mem['peak_mb'] <= 200)}", "`bench/serve_memory.py --db DB`",
            f"{max(x['load'] for x in mem['runs']):.1f}"))
    imp = load(a.imp)
    if imp:
        add(imp, (
            f"import of {imp['rows']:_} activity rows (CSV, checked and written), rows/s".replace("_", " "),
            f"one prepared INSERT in one transaction (rusqlite, same schema, indexes, triggers): "
            f"{imp['rows'] / imp['raw_rusqlite_s']:.0f} rows/s",
            f"**{100 * imp['ratio']:.0f} %** ({imp['rows'] / imp['import_s']:.0f} rows/s)",
            f"≥ 50 %: {yes(imp['ratio'] >= 0.5)}", f"`duikou-bench import --rows {imp['rows']}`",
            f"{imp.get('load', float('nan')):.1f}"))
    heavy = load(a.heavy)
    if heavy:
        mb = 1.048576
        worst = max(heavy["rows"], key=lambda r: r["hwm_mib"])
        add(heavy, (
            f"`duikou serve` peak RSS through each of the {len(heavy['rows'])} heaviest single requests, each alone "
            "on a fresh start (details below)",
            f"idle {min(r['idle_mib'] for r in heavy['rows']) * mb:.0f}–"
            f"{max(r['idle_mib'] for r in heavy['rows']) * mb:.0f} MB",
            f"**{worst['hwm_mib'] * mb:.0f} MB** at most (`{worst['path']}`)",
            f"≤ 200 MB: {yes(worst['hwm_mib'] * mb <= 200)}", "`bench/heavy_requests.py --db DB`",
            f"{max(r['load'] for r in heavy['rows']):.1f}"))
        page = next((r for r in heavy["rows"] if r["name"] == "program_page"), None)
        if page:
            add(heavy, (
                f"first view of the largest program's page after a start (`{page['path']}`, "
                f"{heavy['facts']['pairings']} pairings)", "–", f"**{page['seconds']:.2f} s**",
                f"≤ 1 s: {yes(page['seconds'] <= 1)}", "`bench/heavy_requests.py --db DB`", f"{page['load']:.1f}"))
    impmem = load(a.import_memory)
    if impmem:
        add(impmem, (
            f"`duikou import` of {impmem['rows']:_} activity rows (CSV, {impmem['csv_bytes'] / 1e6:.0f} MB), peak RSS"
            .replace("_", " "), "–",
            f"**{impmem['peak_mb']:.0f} MB** ({impmem['seconds']:.0f} s)", f"≤ 300 MB: {yes(impmem['peak_mb'] <= 300)}",
            f"`bench/import_memory.py --rows {impmem['rows']}`", f"{impmem['load']:.1f}"))
    assess = load(a.assess)
    if assess:
        add(assess, (
            f"assessing every pairing of every program ({assess['pairings']} pairings, {assess['programs']} programs), "
            f"median of {len(assess['runs'])} runs", "2.4–2.5 s measured when issue #22 was filed",
            f"**{assess['median_s']:.2f} s**", f"≤ 1 s: {yes(assess['median_s'] <= 1)}",
            "`duikou-bench assess --db DB`", f"{assess['load']:.1f}"))
    summ = load(a.summary)
    if summ:
        add(summ, (
            f"work summary of the largest program ({summ['pairings']} pairings, period {summ['period']}) to .docx, "
            f"median of {len(summ['runs'])} runs", "0.47 s measured when issue #22 was filed",
            f"**{summ['median_s']:.2f} s**", f"≤ 0.3 s: {yes(summ['median_s'] <= 0.3)}",
            "`duikou-bench summary --db DB`", f"{summ['load']:.1f}"))
    for path in a.dashboard or []:
        d = load(path)
        for s in d["scopes"]:
            if s.get("duckdb_p50_ms") is None:
                continue
            duck = s["duckdb_p50_ms"]
            add(d, (
                f"dashboard `{s['scope']}` ({d['label']}), as kept, p50",
                f"DuckDB scan of the base rows (Parquet): {ms(duck)} ms",
                f"**{ms(s['api_p50_ms'])} ms** (×{duck / s['api_p50_ms']:.0f} faster)",
                f"faster than DuckDB: {yes(s['api_p50_ms'] < duck)}", "`bench/run.sh`", f"{d.get('load', float('nan')):.1f}"))
            if s.get("rebuilt_p50_ms") is not None:
                add(d, (
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
                   "2-core machine. A throughput run keeps about four threads busy by itself (the server's two "
                   "workers and wrk's two), so its own load is above 2; any other row above 2 had other work beside "
                   "it: run it again on a quiet machine before taking it as final.")
    out += ["", "| measure | reference | result | target | command | machine | load avg |", "|---|---|---|---|---|---|---:|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    if heavy:
        mb = 1.048576
        out += ["", "Each of the heaviest requests alone on a freshly started `duikou serve` "
                "(`bench/heavy_requests.py`):", "",
                "| request | what | status | reply | seconds | peak MB | 5 s later MB |", "|---|---|---:|---:|---:|---:|---:|"]
        for r in heavy["rows"]:
            size = f"{r['bytes'] / 1e6:.1f} MB" if r["bytes"] >= 1e5 else f"{r['bytes'] / 1e3:.1f} KB"
            out.append(f"| `{r['path']}` | {r['what']} | {r['status']} | {size} | {r['seconds']:.2f} | "
                       f"{r['hwm_mib'] * mb:.0f} | {r['settled_mib'] * mb:.0f} |")
    out += ["", END]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--api")
    ap.add_argument("--memory")
    ap.add_argument("--import", dest="imp")
    ap.add_argument("--dashboard", action="append")
    ap.add_argument("--heavy", help="bench/heavy_requests.py's JSON")
    ap.add_argument("--import-memory", dest="import_memory", help="bench/import_memory.py's JSON")
    ap.add_argument("--assess", help="duikou-bench assess --json-out")
    ap.add_argument("--summary", help="duikou-bench summary --json-out")
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
