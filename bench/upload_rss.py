#!/usr/bin/env python3
"""Peak memory (RSS) of `duikou serve` while it checks three 40 MB CSV imports (dry runs) and stores three 40 MB
document files at once (BENCHMARKS.md, "Uploads and imports: server memory").

    bench/upload_rss.py [BINARY] [--xlsx N]   # default target/debug/duikou; prints one Markdown table row

The server runs on a free loopback port with a scratch SQLite demo database. The script makes a 40 MB CSV of orgs
(unique names, valid kinds: every row is checked to the end) and a 40 MB binary file, then sends the three dry runs
at once, then the three uploads at once (the six together only measure SQLite's write lock), sampling the
server's RSS every 20 ms; VmHWM from /proc/PID/status is the peak of the whole run. With `--xlsx N` it then sends N
dry runs of a 40 MB .xlsx of orgs at once (970 000 rows, distinct texts kept as shared strings, as Excel writes
them) and reports their peak too. Only loopback traffic; every request has a timeout.
"""

import http.client
import json
import os
import random
import shutil
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


XLSX_ROWS = 970_000


def xlsx_bytes():
    """A 40 MB workbook of orgs written the way Excel writes one: every text in the shared strings."""
    import io
    import zipfile
    rnd = random.Random(7)
    out = io.BytesIO()
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}">'
                   '<sheets><sheet name="单位" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                   f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        strings = ["名称", "单位类型", "备注", "高校"]
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'.encode())
            f.write(b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>')
            buf = []
            for i in range(XLSX_ROWS):
                r = i + 2
                strings.append(f"基准测试单位{i:08d}")
                strings.append(f"第{i}行：{rnd.getrandbits(64):016x}{rnd.getrandbits(64):016x}")
                a, c = len(strings) - 2, len(strings) - 1
                buf.append(f'<row r="{r}"><c r="A{r}" t="s"><v>{a}</v></c><c r="B{r}" t="s"><v>3</v></c>'
                           f'<c r="C{r}" t="s"><v>{c}</v></c></row>')
                if len(buf) >= 10000:
                    f.write("".join(buf).encode())
                    buf = []
            f.write("".join(buf).encode())
            f.write(b"</sheetData></worksheet>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">'.encode())
            for k in range(0, len(strings), 10000):
                f.write("".join(f"<si><t>{t}</t></si>" for t in strings[k:k + 10000]).encode())
            f.write(b"</sst>")
    return out.getvalue()


def main():
    args = sys.argv[1:]
    xlsx_runs = 0
    if "--xlsx" in args:
        at = args.index("--xlsx")
        xlsx_runs = int(args[at + 1])
        del args[at:at + 2]
    binary = os.path.abspath(args[0] if args else os.path.join(ROOT, "target/debug/duikou"))
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

        workbook = xlsx_bytes() if xlsx_runs else b""

        def xlsx_dry_run(n):
            results[f"xlsx{n}"] = request(port, "POST", f"/api/v1/imports/orgs?file_name=rss{n}.xlsx&dry_run=true",
                                          workbook, dict(auth, **{"content-type": "application/octet-stream"}),
                                          timeout=3600)

        row = [os.path.relpath(binary, ROOT), str(rows), f"{idle / 1024:.0f} MB"]
        phases = [(3, dry_run), (3, upload)] + ([(xlsx_runs, xlsx_dry_run)] if xlsx_runs else [])
        for count, job in phases:
            threads = [threading.Thread(target=job, args=(n,)) for n in range(count)]
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
            if k.startswith("xlsx") and s == 200:
                report = json.loads(v)
                assert report["rows"] == XLSX_ROWS and not report["problems"], (report["rows"], report["problems"][:3])
        row.append(", ".join(statuses))
        head = "| binary | CSV rows | idle RSS | peak RSS, 3 dry runs | time | peak RSS, 3 uploads | time |"
        if xlsx_runs:
            head += f" peak RSS, {xlsx_runs} xlsx dry runs | time |"
        print(head + " VmHWM | answers |")
        print("| " + " | ".join(row) + " |")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
