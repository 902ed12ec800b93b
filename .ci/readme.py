#!/usr/bin/env python3
"""README.md's two commands, read from README.md itself so that CI runs exactly what a newcomer types.

  readme.py test-command   print the command under "## Test it"
  readme.py run-command    print the command under "## Run it"
  readme.py run-check      run the run command with DUIKOU_ADDR / DUIKOU_DATABASE_URL on a free port and a scratch
                           file, wait for /healthz, fetch / and /login, log in as a demo account, stop it
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the release build of a fresh clone comes first: ~6 min on 2 cores; leave room, but not forever
BUILD_AND_START_LIMIT_S = 30 * 60


def command_under(heading):
    """The first command line of the first ```sh block under `## heading`."""
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = re.search(r"^## " + re.escape(heading) + r"\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not section:
        sys.exit(f"README.md has no section '## {heading}'")
    block = re.search(r"^```sh\s*$(.*?)^```", section.group(1), re.M | re.S)
    if not block:
        sys.exit(f"README.md's '## {heading}' has no ```sh block")
    lines = [l.strip() for l in block.group(1).splitlines() if l.strip() and not l.strip().startswith("#")]
    if not lines:
        sys.exit(f"README.md's '## {heading}' block has no command")
    return lines[0]


def fail(msg, log=None):
    print(f"README run check FAILED: {msg}", file=sys.stderr)
    if log and os.path.exists(log):
        tail = open(log, encoding="utf-8", errors="replace").read()[-4000:]
        print("--- the command's last output ---\n" + tail, file=sys.stderr)
    sys.exit(1)


def get(url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", errors="replace")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_check():
    cmd = command_under("Run it")
    scratch = tempfile.mkdtemp(prefix="duikou-readme-")
    db = os.path.join(scratch, "duikou.db")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = os.path.join(scratch, "run.log")
    env = dict(os.environ, DUIKOU_ADDR=f"127.0.0.1:{port}", DUIKOU_DATABASE_URL=db)
    print(f"README run check: `{cmd}` on {base}, database {db}", flush=True)
    started = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, shell=True, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        while True:
            if proc.poll() is not None:
                fail(f"the command exited with {proc.returncode} before /healthz answered", log)
            if time.monotonic() - started > BUILD_AND_START_LIMIT_S:
                fail(f"/healthz did not answer within {BUILD_AND_START_LIMIT_S} s", log)
            try:
                status, _ = get(base + "/healthz")
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(1)
        print(f"  /healthz answered after {time.monotonic() - started:.0f} s (build included)", flush=True)

        status, home = get(base + "/")
        if status != 200:
            fail(f"GET / answered {status}", log)
        if "对口" not in home or 'href="/login"' not in home or "登录" not in home:
            fail("GET / is not the Chinese home page with a 登录 link to /login", log)
        status, login = get(base + "/login")
        if status != 200 or "登录" not in login:
            fail(f"GET /login answered {status} without the Chinese login form", log)
        print("  / and /login: 200, Chinese, with a 登录 link", flush=True)

        body = json.dumps({"username": "admin", "password": "duikou-demo"}).encode()
        status, reply = get(base + "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"})
        if status != 201:
            fail(f"logging in as the demo account admin answered {status}: {reply[:300]}", log)
        token = json.loads(reply)["token"]
        status, me = get(base + "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        if status != 200 or json.loads(me).get("username") != "admin":
            fail(f"/api/v1/auth/me with the demo token answered {status}: {me[:300]}", log)
        print("  logged in through the API as the demo account admin", flush=True)
    finally:
        if proc.poll() is None:
            # Ctrl-C, as a person stops it: the server shuts down cleanly
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    if not os.path.exists(db):
        fail(f"the database {db} was not written", log)
    print(f"README run check passed in {time.monotonic() - started:.0f} s", flush=True)


def main():
    verb = sys.argv[1] if len(sys.argv) > 1 else ""
    if verb == "test-command":
        print(command_under("Test it"))
    elif verb == "run-command":
        print(command_under("Run it"))
    elif verb == "run-check":
        run_check()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
