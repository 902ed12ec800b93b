"""What the outside-client benchmarks share (bench/api_vs_bare.py, bench/serve_memory.py): the machine line, the load
average, a `duikou serve` or `bare` child process on a free port, an API token, and wrk's output read.

Python 3.9+ standard library only. wrk: `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`.
"""

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def machine():
    """One line naming the machine, read now (never an older machine's name for a new figure)."""
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")), "")
    except OSError:
        pass
    mem = 0
    with open("/proc/meminfo") as f:
        for ln in f:
            if ln.startswith("MemTotal:"):
                mem = int(ln.split()[1]) / 1024 / 1024
    return f"{model or 'unknown CPU'}, {os.cpu_count()} cores, {mem:.0f} GiB, {os.uname().sysname} {os.uname().release}"


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binaries(bin_dir=None):
    """duikou, bare and duikou-bench: from BIN_DIR, else target/release (built by the caller)."""
    d = bin_dir or os.environ.get("BIN_DIR") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release")
    out = {n: os.path.join(d, n) for n in ("duikou", "bare", "duikou-bench")}
    for n, p in out.items():
        if not os.access(p, os.X_OK):
            sys.exit(f"{p} is missing: cargo build --release -p duikou-cli -p duikou-bench (or set BIN_DIR)")
    return out


def need(tool, how):
    if shutil.which(tool) is None:
        sys.exit(f"{tool} is not installed: {how}")


def wait_ready(url, proc, seconds=300):
    t = time.time()
    while time.time() - t < seconds:
        if proc.poll() is not None:
            sys.exit(f"the server exited ({proc.returncode}) before it answered {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return time.time() - t
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit(f"{url} did not answer within {seconds} s")


class Child:
    """A server child process on a free loopback port, stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, argv, ready_path, env=None):
        self.port = free_port()
        self.addr = f"127.0.0.1:{self.port}"
        argv = [a.replace("{addr}", self.addr) for a in argv]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})})
        self.started = wait_ready(f"http://{self.addr}{ready_path}", self.proc)

    @property
    def pid(self):
        return self.proc.pid

    def rss_mib(self):
        """(VmRSS, VmHWM) in MiB."""
        vals = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for ln in f:
                k, _, v = ln.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    vals[k] = int(v.split()[0]) / 1024
        return vals.get("VmRSS"), vals.get("VmHWM")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def duikou_serve(bins, db, env=None):
    return Child([bins["duikou"], "--database", db, "--log", "warn", "serve", "--addr", "{addr}"], "/healthz", env)


def token(bins, db, username="bench-api"):
    """An administrator's API token on `db` (the user is made the first time; each call issues a new token)."""
    users = subprocess.run([bins["duikou"], "--database", db, "user", "list"], capture_output=True, text=True)
    if username not in users.stdout:
        subprocess.run([bins["duikou"], "--database", db, "user", "add", username, "--role", "admin"],
                       check=True, capture_output=True, env={**os.environ, "DUIKOU_PASSWORD": "bench-password-1"})
    out = subprocess.run([bins["duikou"], "--database", db, "user", "token", username, "--name", "bench", "--days", "2"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def get(url, tok=None):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {tok}"} if tok else {})
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.status, r.read()


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(url, threads, connections, seconds, tok=None, headers=()):
    """Runs wrk with its latency distribution; returns req/s, p50/p90/p99 ms and the count of failed replies."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if tok:
        argv += ["-H", f"Authorization: Bearer {tok}"]
    for h in headers:
        argv += ["-H", h]
    out = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout

    def lat(q):
        m = re.search(rf"^\s*{q}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else None

    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    reqs = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "requests": reqs, "p50_ms": lat(50), "p90_ms": lat(90), "p99_ms": lat(99),
            "failed": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(0) if errors else None}


def write_json(path, value):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)


def session(base, username, password):
    """Signs in through the login form as a browser does; answers the session cookie (name=value)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login", timeout=60).read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf": csrf, "next": "/"})
    opener.open(f"{base}/login", data=form.encode(), timeout=60).read()
    got = [f"{c.name}={c.value}" for c in jar if c.name == "duikou_session"]
    if not got:
        raise SystemExit(f"could not sign in as {username}")
    return got[0]


class Sampler:
    """Samples a child's VmRSS (MiB) every 10 ms while in a `with` block; `samples` holds what it read."""

    def __init__(self, child):
        self.child, self.samples, self._stop = child, [], threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self):
        while not self._stop.is_set():
            self.samples.append(self.child.rss_mib()[0])
            time.sleep(0.01)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
