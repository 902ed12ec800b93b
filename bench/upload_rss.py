#!/usr/bin/env python3
"""Peak memory (RSS) of `duikou serve` while it checks three 40 MB CSV imports (dry runs) and stores three 40 MB
document files at once (BENCHMARKS.md, "Uploads and imports: server memory").

    bench/upload_rss.py [BINARY]            # default target/debug/duikou; prints one Markdown table row

The server runs on a free loopback port with a scratch SQLite demo database. The script makes a 40 MB CSV of orgs
(unique names, valid kinds: every row is checked to the end) and a 40 MB binary file, then sends the three dry runs
at once, then the three uploads at once (the six together only measure SQLite's write lock), sampling the
server's RSS every 20 ms; VmHWM from /proc/PID/status is the peak of the whole run. Only loopback traffic; every request has a timeout.
"""

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZE = 40 * 1024 * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None, timeout=600):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def rss_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def csv_bytes():
    rows = ["名称,单位类型,备注"]
    size = len(rows[0]) + 1
    i = 0
    while size < SIZE:
        line = f"基准测试单位{i:08d},高校,第{i}行：用于测量导入检查时服务器的内存"
        rows.append(line)
        size += len(line.encode()) + 1
        i += 1
    return ("\n".join(rows) + "\n").encode(), i


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/debug/duikou"))
    scratch = tempfile.mkdtemp(prefix="duikou-rss-")
    port = free_port()
    env = dict(os.environ, DUIKOU_ADDR=f"127.0.0.1:{port}", DUIKOU_DATABASE_URL=os.path.join(scratch, "rss.db"),
               DUIKOU_LOG="warn")
    log = open(os.path.join(scratch, "server.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--demo"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                if request(port, "GET", "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("the server did not come up")
        s, v = request(port, "POST", "/api/v1/auth/token",
                       json.dumps({"username": "admin", "password": "duikou-demo"}),
                       {"content-type": "application/json"})
        token = json.loads(v)["token"]
        auth = {"authorization": f"Bearer {token}"}
        docs = []
        for n in range(3):
            s, v = request(port, "POST", "/api/v1/documents",
                           json.dumps({"kind": "other", "title": f"内存基准 {n}", "file_name": f"rss{n}.bin"}),
                           dict(auth, **{"content-type": "application/json"}))
            assert s == 201, v
            docs.append(json.loads(v)["id"])
        csv, rows = csv_bytes()
        blob = random.Random(7).randbytes(SIZE)
        idle = rss_kb(proc.pid, "VmRSS")
        results = {}

        def dry_run(n):
            results[f"csv{n}"] = request(port, "POST", f"/api/v1/imports/orgs?file_name=rss{n}.csv&dry_run=true", csv,
                                         dict(auth, **{"content-type": "text/csv"}))

        def upload(n):
            results[f"doc{n}"] = request(port, "PUT", f"/api/v1/documents/{docs[n]}/content", blob,
                                         dict(auth, **{"content-type": "application/octet-stream"}))

        row = [os.path.relpath(binary, ROOT), str(rows), f"{idle / 1024:.0f} MB"]
        for phase, job in (("three CSV dry runs", dry_run), ("three document uploads", upload)):
            threads = [threading.Thread(target=job, args=(n,)) for n in range(3)]
            started = time.monotonic()
            for t in threads:
                t.start()
            peak = 0
            while any(t.is_alive() for t in threads):
                peak = max(peak, rss_kb(proc.pid, "VmRSS"))
                time.sleep(0.02)
            for t in threads:
                t.join()
            row += [f"{peak / 1024:.0f} MB", f"{time.monotonic() - started:.1f} s"]
        row.append(f"{rss_kb(proc.pid, 'VmHWM') / 1024:.0f} MB")
        statuses = []
        for k, (s, v) in sorted(results.items()):
            statuses.append(f"{k} {s}")
            if k.startswith("csv") and s == 200:
                report = json.loads(v)
                assert report["rows"] == rows and not report["problems"], (report["rows"], report["problems"][:3])
        # a dry run waits for SQLite's write lock behind the others; past the busy timeout it is answered 500
        row.append(", ".join(statuses))
        print("| binary | CSV rows | idle RSS | peak RSS, 3 dry runs | time | peak RSS, 3 uploads | time | VmHWM | answers |")
        print("| " + " | ".join(row) + " |")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
