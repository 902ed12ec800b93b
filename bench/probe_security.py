#!/usr/bin/env python3
"""The outside tester's probes of issue 21, run again against a built `duikou` binary on SQLite or PostgreSQL.

Usage: python3 bench/probe_security.py [BINARY] [--postgres URL_OF_A_SERVER]

Starts `BINARY serve --demo` on a free port with a scratch database (SQLite in a temporary directory, or a fresh
PostgreSQL database created on the given server and dropped afterwards), then tries, as an attacker and a careless
user would: overflowing amounts and counts, a coordinator widening its scope by re-parenting an org, cycles in the org
tree, links between other pairings' records, the period parser with multibyte input (1 000 times), a NUL in a query,
200 wrong passwords, weak passwords, revoked and outlived tokens, a deactivated user, an open redirect after login,
security headers, deleting a referenced region, `restore` while the server runs, the `.db` file alone after a
clean stop, and (SQLite) four tamperings of the stopped database that `audit verify` must name. Prints one line per
probe (expected, seen, ok) and exits non-zero if any probe fails. Standard library only.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

BIN = next((a for a in sys.argv[1:] if not a.startswith("--") and not a.startswith("postgres")), "target/release/duikou")
PG = sys.argv[sys.argv.index("--postgres") + 1] if "--postgres" in sys.argv else None
PASSWORD = "duikou-demo"
results = []


def probe(name, expected, seen, ok):
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: expected {expected}; seen {seen}", flush=True)


class Client:
    def __init__(self, port, token=None):
        self.port, self.token = port, token

    def send(self, method, path, body=None, headers=None, raw=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        text = r.read()
        c.close()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text.decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in r.getheaders()}
        # every cookie set, as a Cookie header would send them back
        headers["cookies"] = "; ".join(v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie")
        return r.status, parsed, headers

    def get(self, path):
        return self.send("GET", path)

    def post(self, path, body):
        return self.send("POST", path, body)

    def patch(self, path, body):
        return self.send("PATCH", path, body)


def token(port, user, password=PASSWORD):
    s, v, _ = Client(port).post("/api/v1/auth/token", {"username": user, "password": password, "name": "probe"})
    return v["token"] if s in (200, 201) else None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start(env, log):
    proc = subprocess.Popen([BIN, "serve", "--demo"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    port = int(env["DUIKOU_ADDR"].split(":")[1])
    for _ in range(600):
        try:
            if Client(port).get("/healthz")[0] == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            sys.exit("the server stopped; see its log")
        time.sleep(0.5)
    sys.exit("the server did not come up")


def stop(proc):
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)


def first_id(c, entity, query):
    s, v, _ = c.get(f"/api/v1/{entity}?{urllib.parse.urlencode(query)}")
    items = v.get("items", v) if isinstance(v, dict) else v
    return items[0]["id"] if s == 200 and items else None


def main():
    scratch = tempfile.mkdtemp(prefix="duikou-probe-")
    port = free_port()
    env = dict(os.environ, DUIKOU_ADDR=f"127.0.0.1:{port}", DUIKOU_LOG="warn")
    pg_db = None
    if PG:
        pg_db = f"probe_{os.getpid()}"
        subprocess.run(["psql", PG, "-qc", f"CREATE DATABASE {pg_db}"], check=True)
        env["DUIKOU_DATABASE_URL"] = PG.rsplit("/", 1)[0] + "/" + pg_db
        env["DUIKOU_AUDIT_KEY"] = "probe-key-" + "k" * 40
    else:
        env["DUIKOU_DATABASE_URL"] = os.path.join(scratch, "probe.db")
    backend = "PostgreSQL" if PG else "SQLite"
    print(f"# {BIN} on {backend}", flush=True)
    log = open(os.path.join(scratch, "server.log"), "w")
    proc = start(env, log)
    try:
        run_live(port, env, backend)
    finally:
        stop(proc)
    log.close()
    server_log = open(os.path.join(scratch, "server.log")).read()
    probe("no panic in the server log", "none", f"{server_log.count('panicked')} panics", "panicked" not in server_log)
    if not PG:
        run_stopped(env)
    else:
        subprocess.run(["psql", PG, "-qc", f"DROP DATABASE {pg_db}"], check=False)
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"# {sum(results)} of {len(results)} probes as expected on {backend}")
    sys.exit(0 if all(results) else 1)


def run_live(port, env, backend):
    admin = Client(port, token(port, "admin"))
    # 1. overflow
    pairing = first_id(admin, "pairings", {"per_page": 1})
    act = {"pairing_id": pairing, "kind": "training", "title": "探测", "start_date": "2014-07-02"}
    for field, value in [("amount", "92233720368547758.07"), ("person_times", 2**63 - 1), ("hours", 2**63 - 1)]:
        s, v, _ = admin.post("/api/v1/activities", dict(act, **{field: value}))
        named = isinstance(v, dict) and v.get("error", {}).get("field") == field
        probe(f"overflow {field}={value}", "422 naming the field", f"{s} {v.get('error', {}).get('field') if isinstance(v, dict) else v}", s == 422 and named)
    s, v, _ = admin.post("/api/v1/activities", dict(act, amount="1万亿", person_times=10**9))
    probe("a record at the ceilings", "201", s, s == 201)
    bad = [u for u in ["/api/v1/dashboard", "/", "/dashboard"] if admin.get(u)[0] >= 500]
    probe("reads after a record at the ceilings", "no 5xx", bad or "none", not bad)
    # 2. scope: a scoped coordinator re-parents an org outside its scope under its own
    jiaoyubu = Client(port, token(port, "jiaoyubu"))
    own = first_id(admin, "orgs", {"name": "教育部"})
    other = first_id(admin, "orgs", {"name": "湖南省"})
    s, v, _ = jiaoyubu.patch(f"/api/v1/orgs/{other}", {"parent_id": own})
    probe("scoped coordinator re-parents an outside org under its own", "403", s, s == 403)
    s, _, _ = admin.patch(f"/api/v1/orgs/{own}", {"parent_id": own})
    probe("an org as its own parent", "422", s, s == 422)
    child = first_id(admin, "orgs", {"parent_id": own})
    if child:
        s, _, _ = admin.patch(f"/api/v1/orgs/{own}", {"parent_id": child})
        probe("a cycle in the org tree", "422", s, s == 422)
    # 4. links: a supporter's editor links a document to another pairing's record
    nanjing = Client(port, token(port, "nanjing"))
    hunan_act = first_id(Client(port, token(port, "hunan")), "activities", {"per_page": 1})
    doc = first_id(nanjing, "documents", {"per_page": 1}) or first_id(admin, "documents", {"per_page": 1})
    s, v, _ = nanjing.post("/api/v1/document_links", {"document_id": doc, "entity": "activities", "entity_id": hunan_act})
    probe("an editor links a document to another pairing's activity", "403", s, s == 403)
    # 5. the period parser with multibyte input, 1 000 times, as a viewer
    guest = Client(port, token(port, "guest"))
    t0 = time.time()
    statuses = {}
    for _ in range(1000):
        s = guest.get("/api/v1/activities?period=" + urllib.parse.quote("12中456789"))[0]
        statuses[s] = statuses.get(s, 0) + 1
    one = sum(statuses.values()) == 1000 and len(statuses) == 1 and next(iter(statuses)) in (400, 422)
    probe("?period=12中456789 × 1000", "all 400/422", f"{statuses} in {time.time() - t0:.1f} s", one)
    s = guest.get("/api/v1/activities?q=%00")[0]
    probe("a NUL in a query parameter", "400", s, s == 400)
    # 6. accounts
    seen = {}
    for _ in range(200):
        s = Client(port).post("/api/v1/auth/token", {"username": "xinnong", "password": "wrong-password"})[0]
        seen[s] = seen.get(s, 0) + 1
    probe("200 wrong passwords for one account", "401 then 429", seen, seen.get(429, 0) >= 190 and 500 not in seen)
    for pw in ["12345678", "password", "probeuser"]:
        s, v, _ = admin.post("/api/v1/users", {"username": "probeuser", "password": pw, "role": "viewer"})
        probe(f"a new user's password {pw!r}", "422", s, s == 422)
    s, v, _ = admin.post("/api/v1/users", {"username": "probeuser", "password": "Zhi-yuan 2014 秋", "role": "viewer"})
    probe("a new user with a sound password", "201", s, s in (200, 201))
    user_id = v.get("id") if isinstance(v, dict) else None
    t1 = token(port, "probeuser", "Zhi-yuan 2014 秋")
    c1 = Client(port, t1)
    s, tokens, _ = c1.get("/api/v1/auth/tokens")
    probe("tokens are listed", "200 with the token and its expiry", s, s == 200 and "expires" in json.dumps(tokens))
    tid = (tokens.get("items", tokens) if isinstance(tokens, dict) else tokens)[0]["id"]
    s = c1.send("DELETE", f"/api/v1/auth/tokens/{tid}")[0]
    s2 = c1.get("/api/v1/auth/me")[0]
    probe("a revoked token", "204 then 401", f"{s} then {s2}", s in (200, 204) and s2 == 401)
    c2 = Client(port, token(port, "probeuser", "Zhi-yuan 2014 秋"))
    s = c2.post("/api/v1/auth/password", {"current_password": "Zhi-yuan 2014 秋", "new_password": "Xin-nong 2015 春"})[0]
    s2 = c2.get("/api/v1/auth/me")[0]
    probe("a token after a password change", "401", f"{s} then {s2}", s2 == 401)
    c3 = Client(port, token(port, "probeuser", "Xin-nong 2015 春"))
    s = admin.post(f"/api/v1/users/{user_id}/deactivate", {})[0]
    s2 = c3.get("/api/v1/auth/me")[0]
    s3 = Client(port).post("/api/v1/auth/token", {"username": "probeuser", "password": "Xin-nong 2015 春"})[0]
    probe("a deactivated user's token and login", "401 and 401/403", f"{s}: {s2}, {s3}", s2 == 401 and s3 in (401, 403))
    # open redirect after login: the form's next is only ever a local path
    s, body, h = Client(port).get("/login?next=" + urllib.parse.quote("/\\evil.example"))
    csrf = re.search(r'name="csrf" value="([^"]+)"', body or "")
    cookie = h["cookies"]
    if csrf:
        form = urllib.parse.urlencode({"username": "guest", "password": PASSWORD, "csrf": csrf.group(1), "next": "/\\evil.example"})
        s, _, h = Client(port).send("POST", "/login", raw=form.encode(), headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        loc = h.get("location", "")
        probe("login with next=/\\evil.example", "a redirect to a local path", f"{s} → {loc}", s in (302, 303) and loc.startswith("/") and not loc.startswith("//") and "\\" not in loc and "evil" not in loc)
    else:
        probe("login form carries a CSRF token", "a csrf field", "none", False)
    # 8. headers, a referenced region, restore while in use
    for path in ["/", "/login", "/api/v1/openapi.json"]:
        _, _, h = Client(port).get(path)
        have = [k for k in ["content-security-policy", "x-frame-options", "x-content-type-options"] if k in h]
        probe(f"security headers on {path}", "CSP, X-Frame-Options, nosniff", have, len(have) == 3)
    region = first_id(admin, "regions", {"code": "650000"})
    s, v, _ = admin.send("DELETE", f"/api/v1/regions/{region}")
    probe("deleting a referenced region", "409", s, s == 409)
    if not PG:
        backup = env["DUIKOU_DATABASE_URL"] + ".bak"
        subprocess.run([BIN, "backup", backup], env=env, capture_output=True)
        r = subprocess.run([BIN, "restore", backup, "--force"], env=env, capture_output=True, text=True)
        probe("restore --force while the server runs", "refused", f"exit {r.returncode}: {r.stderr.strip()[:80]}", r.returncode != 0)
        probe("the server after the refused restore", "200", admin.get("/api/v1/dashboard")[0], admin.get("/api/v1/dashboard")[0] == 200)


def run_stopped(env):
    db = env["DUIKOU_DATABASE_URL"]
    lone = tempfile.mkdtemp(prefix="duikou-lone-")
    shutil.copy(db, os.path.join(lone, "alone.db"))
    n = sqlite3.connect(os.path.join(lone, "alone.db")).execute("select count(*) from activities").fetchone()[0]
    probe("the .db file alone after a clean stop", "all activities", f"{n} activities, -wal present: {os.path.exists(db + '-wal')}", n > 0)
    head = subprocess.run([BIN, "audit", "head"], env=env, capture_output=True, text=True).stdout.strip()
    r = subprocess.run([BIN, "audit", "verify", "--expect", head], env=env, capture_output=True, text=True)
    probe("audit verify of the untouched database", "clean", f"exit {r.returncode}", r.returncode == 0)
    tamperings = [
        ("a changed amount", "update project_funding set amount = amount + 100 where id = (select min(id) from project_funding)", "project_funding"),
        ("a deleted row", "delete from stints where id = (select max(id) from stints)", "stints"),
        ("facts flipped to confirmed", "update activities set confirmation = 'confirmed' where confirmation <> 'confirmed'", "activities"),
        ("a truncated log, its head rewound",
         "delete from audit_events where seq > (select max(seq) - 5 from audit_events);"
         " update audit_head set seq = (select max(seq) from audit_events),"
         " hash = (select hash from audit_events where seq = (select max(seq) from audit_events))", "审计日志"),
    ]
    for name, sql, table in tamperings:
        copy = os.path.join(lone, "t.db")
        shutil.copy(db, copy)
        if os.path.exists(db + ".audit-key"):
            shutil.copy(db + ".audit-key", copy + ".audit-key")
        con = sqlite3.connect(copy)
        try:
            before = con.total_changes
            con.executescript(sql)
            changed = con.total_changes - before
        except sqlite3.Error as e:
            probe(f"tamper: {name}", "detected", f"could not tamper: {e}", False)
            continue
        con.close()
        r = subprocess.run([BIN, "audit", "verify", "--expect", head], env=dict(env, DUIKOU_DATABASE_URL=copy), capture_output=True, text=True)
        out = (r.stdout + r.stderr).strip().replace("\n", " ")
        probe(f"tamper: {name} ({changed} rows)", f"verify fails naming {table}", f"exit {r.returncode}: {out[:110]}", r.returncode != 0 and table in out)
    shutil.rmtree(lone, ignore_errors=True)


if __name__ == "__main__":
    main()
