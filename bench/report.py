#!/usr/bin/env python3
"""Summarises the results of `duikou-bench dashboard --json-out` (one file per backend and scale, as bench/run.sh
writes them) against the targets of issue #7, as Markdown:

- p50 ≤ 50 ms at N=1 (one connection);
- ×4 data → ≤ ×1.5 time (p50 at N=4 over p50 at N=1, same backend and scope);
- faster than DuckDB's scan of the same rows (API p50 < DuckDB p50);
- under 64 connections ≥ 50 % of the bare axum handler's requests/s and p99 ≤ 20 ms;
- peak RSS of `duikou serve` ≤ 200 MB at N=1.
"""

import json
import re
import sys


def ms(v):
    if v is None:
        return "–"
    return f"{v:.0f}" if v >= 100 else f"{v:.2f}"


def main(paths):
    runs = [json.load(open(p)) for p in paths]
    by = {}
    for r in runs:
        m = re.search(r"N=(\S+)", r["label"])
        n = m.group(1) if m else r["label"]
        r["n"] = n
        by[(r["backend"], n)] = r

    def scope_kind(s):
        return s.split(":")[0]

    print("\n### Summary against the targets\n")
    print("| backend | N | scope | API p50 ms | ≤ 50 ms | vs N=1 | ≤ ×1.5 | DuckDB p50 ms | faster | "
          "GROUP BY p50 ms | req/s vs bare | ≥ 50 % | p99 ms @64 | ≤ 20 ms |")
    print("|---|---:|---|---:|:-:|---:|:-:|---:|:-:|---:|---:|:-:|---:|:-:|")
    yes = lambda b: "yes" if b else "**no**"  # noqa: E731
    for r in runs:
        base = by.get((r["backend"], "1"))
        for s in r["scopes"]:
            ratio = None
            if base is not None and r["n"] != "1":
                # the same kind of scope at N=1 (ids of the largest program or pairing may differ between scales)
                b = next((x for x in base["scopes"] if scope_kind(x["scope"]) == scope_kind(s["scope"])), None)
                if b:
                    ratio = s["api_p50_ms"] / b["api_p50_ms"]
            rel = s["api_rps"] / r["bare_rps"]
            d = s.get("duckdb_p50_ms")
            print(
                f"| {r['backend']} | {r['n']} | `{s['scope']}` | {ms(s['api_p50_ms'])} | "
                f"{yes(s['api_p50_ms'] <= 50) if r['n'] == '1' else ''} | "
                f"{'' if ratio is None else f'×{ratio:.2f}'} | {'' if ratio is None else yes(ratio <= 1.5)} | "
                f"{ms(d)} | {'' if d is None else yes(s['api_p50_ms'] < d)} | {ms(s['group_by_p50_ms'])} | "
                f"{100 * rel:.1f} % | {yes(rel >= 0.5)} | {ms(s['api_p99_ms_n'])} | {yes(s['api_p99_ms_n'] <= 20)} |"
            )
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
