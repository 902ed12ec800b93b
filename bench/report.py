#!/usr/bin/env python3
"""Summarises the results of `duikou-bench dashboard --json-out` (one file per backend and scale, as bench/run.sh
writes them) against the targets of issue #7, as Markdown:

- p50 ≤ 50 ms at N=1 (one connection);
- ×4 data → ≤ ×1.5 time, for every pair of scales of a backend (same kind of scope; ×1.5 per further ×4);
- faster than DuckDB's scan of the same rows (API p50 < DuckDB p50);
- under 64 connections ≥ 50 % of the bare axum handler's requests/s and p99 ≤ 20 ms;
- peak RSS of `duikou serve` ≤ 200 MB at N=1.
"""

import json
import math
import re
import sys


def ms(v):
    if v is None:
        return "–"
    return f"{v:.0f}" if v >= 100 else f"{v:.2f}"


def scale(n):
    try:
        return float(n)
    except ValueError:
        return None


def allowed(data_ratio):
    """The time ratio allowed for data `data_ratio` times larger: ×1.5 up to ×4 data, and ×1.5 for each further ×4
    (time growing as data^0.29 at most)."""
    return max(1.5, 1.5 ** (math.log(data_ratio) / math.log(4)))


def flatness(runs, yes):
    """API p50 of every pair of scales of one backend, the same kind of scope (ids of the largest program or pairing
    may differ between scales)."""
    rows = []
    for a in runs:
        for b in runs:
            sa, sb = scale(a["n"]), scale(b["n"])
            if a["backend"] != b["backend"] or sa is None or sb is None or not sa < sb:
                continue
            for s in b["scopes"]:
                kind = s["scope"].split(":")[0]
                base = next((x for x in a["scopes"] if x["scope"].split(":")[0] == kind), None)
                if base is None or not base["api_p50_ms"]:
                    continue
                ratio = s["api_p50_ms"] / base["api_p50_ms"]
                rows.append((a["backend"], a["n"], b["n"], kind, sb / sa, base["api_p50_ms"], s["api_p50_ms"], ratio))
    if not rows:
        return
    print("\n### Flatness: every pair of scales (target: ≤ ×1.5 time for up to ×4 data, ×1.5 per further ×4)\n")
    print("| backend | from N | to N | scope | data × | p50 ms from | p50 ms to | time × | allowed | flat |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|:-:|")
    for backend, na, nb, kind, dr, pa, pb, ratio in sorted(rows, key=lambda r: (r[0], scale(r[1]), scale(r[2]), r[3])):
        print(f"| {backend} | {na} | {nb} | {kind} | ×{dr:.2f} | {ms(pa)} | {ms(pb)} | ×{ratio:.2f} | "
              f"×{allowed(dr):.2f} | {yes(ratio <= allowed(dr))} |")


def main(paths):
    runs = [json.load(open(p)) for p in paths]
    for r in runs:
        m = re.search(r"N=(\S+)", r["label"])
        r["n"] = m.group(1) if m else r["label"]

    print("\n### Summary against the targets\n")
    print("| backend | N | scope | API p50 ms | ≤ 50 ms | DuckDB p50 ms | faster | "
          "GROUP BY p50 ms | req/s vs bare (in-process client) | ≥ 50 % | p99 ms @64 | ≤ 20 ms |")
    print("|---|---:|---|---:|:-:|---:|:-:|---:|---:|:-:|---:|:-:|")
    yes = lambda b: "yes" if b else "**no**"  # noqa: E731
    for r in runs:
        for s in r["scopes"]:
            rel = s["api_rps"] / r["bare_rps"]
            d = s.get("duckdb_p50_ms")
            print(
                f"| {r['backend']} | {r['n']} | `{s['scope']}` | {ms(s['api_p50_ms'])} | "
                f"{yes(s['api_p50_ms'] <= 50) if r['n'] == '1' else ''} | "
                f"{ms(d)} | {'' if d is None else yes(s['api_p50_ms'] < d)} | {ms(s['group_by_p50_ms'])} | "
                f"{100 * rel:.1f} % | {yes(rel >= 0.5)} | {ms(s['api_p99_ms_n'])} | {yes(s['api_p99_ms_n'] <= 20)} |"
            )
    flatness(runs, yes)
    print()
    for r in runs:
        if r.get("serve_peak_rss_mib") is not None:
            peak = r["serve_peak_rss_mib"] * 1.048576  # MiB → MB
            print(
                f"- {r['label']}: `duikou serve` peak RSS {peak:.0f} MB (idle {r['serve_idle_rss_mib'] * 1.048576:.0f} MB)"
                + (f" — target ≤ 200 MB: {yes(peak <= 200)}" if r["n"] == "1" else "")
            )


if __name__ == "__main__":
    main(sys.argv[1:])
