#!/usr/bin/env bash
# The public portal under 64 connections at national scale (BENCHMARKS.md, "Portal"; issue #20 item 1: p99 ≤ 50 ms).
#
# Takes a copy of the scale-1 national record (SQLite), adds a coordinator, publishes the program with the most
# pairings through the API as a coordinator would (PATCH /api/v1/programs/{id} {"published": true}), starts a release
# `duikou serve` on a free port, times the first answer of each page after that write (a publication: the answer is
# made then and every reader waits for it; after an ordinary write the kept one is served, see bench/portal-write.sh),
# then drives each page with wrk (an outside client) and prints one Markdown row per page, with /healthz as the
# reference in the same run and the load average before each run.
#
#   bench/portal.sh                       # release build, /work/nat1.db copied to /work/nat1-portal.db
#   DURATION=10s CONNECTIONS=64 bench/portal.sh
#
# Environment (defaults in brackets):
#   BIN [target/release/duikou]   SRC [/work/nat1.db]: the scale-1 record (`duikou demo --scale 1`), never written
#   DB [/work/nat1-portal.db]: the copy this script writes (made from SRC when missing)
#   CONNECTIONS [64]  THREADS [2]  DURATION [30s]
# Needs wrk (Debian package `wrk`), curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/duikou}
SRC=${SRC:-/work/nat1.db}
DB=${DB:-/work/nat1-portal.db}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-30s}
log() { echo "[portal $(date -u +%H:%M:%S)] $*" >&2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
[ -x "$BIN" ] || { log "building release"; cargo build --release -p duikou-cli >&2; }

if [ ! -s "$DB" ]; then
    log "copying $SRC to $DB"
    cp "$SRC" "$DB"
    [ -s "$SRC-wal" ] && cp "$SRC-wal" "$DB-wal"
    [ -f "$SRC.audit-key" ] && cp "$SRC.audit-key" "$DB.audit-key"
fi
export DUIKOU_DATABASE_URL=$DB DUIKOU_LOG=${DUIKOU_LOG:-warn}

# the program with the most pairings, and its pairing with the most confirmed activities (read-only look-up)
read -r PROGRAM PAIRING PAIRINGS < <(python3 - "$DB" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
program, n = db.execute("SELECT program_id, COUNT(*) FROM pairings GROUP BY program_id ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
pairing = db.execute("""SELECT p.id FROM pairings p LEFT JOIN activities a ON a.pairing_id = p.id AND a.confirmation = 'confirmed'
                        WHERE p.program_id = ? GROUP BY p.id ORDER BY COUNT(a.id) DESC, p.id LIMIT 1""", (program,)).fetchone()[0]
print(program, pairing, n)
EOF
)
log "program $PROGRAM ($PAIRINGS pairings), pairing $PAIRING"

# a coordinator and its API token (made once)
if ! "$BIN" user list 2>/dev/null | grep -q portal-bench; then
    DUIKOU_PASSWORD="Kq7-$(date +%s%N)-zw" "$BIN" user add portal-bench --role coordinator --name 基准测试协调员 >&2
fi
TOKEN=$("$BIN" user token portal-bench --name portal-bench --days 1 2>/dev/null | tail -n1)

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
DUIKOU_ADDR=127.0.0.1:$PORT "$BIN" serve >"/tmp/portal-bench-serve.$$.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.5; done
curl -fs "$BASE/healthz" >/dev/null || { cat "/tmp/portal-bench-serve.$$.log" >&2; exit 1; }

# publish (withdrawn first when the record already has it public, so publishing is a write: each publication is an
# audit event, and every kept answer is made again on its first read)
for published in false true; do
    curl -fs -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d "{\"published\": $published}" "$BASE/api/v1/programs/$PROGRAM" >/dev/null
done
log "published program $PROGRAM through the API; the audit log's last events: $(python3 -c '
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("SELECT group_concat(action || \" \" || entity || \" \" || entity_id, \", \") FROM (SELECT * FROM audit_events ORDER BY seq DESC LIMIT 2)").fetchone()[0])' "$DB")"

PAGES=("/healthz" "/" "/public/programs/$PROGRAM" "/public/pairings/$PAIRING")
echo
echo "First answer after the publication (made then; every reader waits for it):"
echo
echo "| page | status | bytes | first answer (s) |"
echo "|---|---:|---:|---:|"
for page in "${PAGES[@]}"; do
    curl -s -o /tmp/portal-bench-page.$$ -w "| \`$page\` | %{http_code} | %{size_download} | %{time_total} |\n" "$BASE$page"
done
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (server and client on the same $(nproc)-core machine):"
echo
echo "| page | requests/s | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | non-2xx | load average before |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for page in "${PAGES[@]}"; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$page" >/tmp/portal-bench-wrk.$$ 2>&1
    python3 - "$page" "$load" /tmp/portal-bench-wrk.$$ <<'EOF'
import re, sys
page, load, path = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
def ms(s):
    v, unit = re.match(r"([\d.]+)(us|ms|s|m)", s).groups()
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
lat = {p: ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", text, re.M)}
mx = ms(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
print(f"| `{page}` | {rps:,.0f} | {lat['50']:.2f} | {lat['90']:.2f} | {lat['99']:.2f} | {mx:.1f} | "
      f"{bad.group(1) if bad else 0}{' (' + errors.group(0) + ')' if errors else ''} | {load} |")
EOF
done
rm -f /tmp/portal-bench-page.$$ /tmp/portal-bench-wrk.$$
