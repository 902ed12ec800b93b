#!/usr/bin/env bash
# The portal's first answer after an ordinary write (BENCHMARKS.md, "Portal"; brief "portal": no reader pays for a
# write), and the size of the program page.
#
# On a copy of a synthetic record (SQLite), adds a coordinator, publishes the program with the most pairings through the
# API (withdrawn first, so publishing is a write), reads each page once (the answers made after the publication), then,
# ROUNDS times: changes one confirmed activity of that program through the API (PATCH …/activities/{id}: an ordinary
# write; the changed fact goes back to pending, so the public figure moves), times the first answer of each page after
# it with curl, and then reads the program page until its ETag moves (the new answer kept), timing that too. Prints one
# Markdown row per page and round, with the load average before each round.
#
#   bench/portal-write.sh                                   # BIN=target/debug/duikou SRC=/work/portal-bench/nat005.db
#   BIN=/tmp/duikou-before LABEL=before bench/portal-write.sh
#
# Environment (defaults in brackets):
#   BIN [target/debug/duikou]  SRC [/work/portal-bench/nat005.db]: a record made by `duikou demo --scale 0.05`, never
#   written   DB [SRC with .copy.db]: the copy this script writes (made afresh from SRC on each run)   ROUNDS [3]
#   LABEL [the binary's name]: the first column of the rows   READERS [16]: readers at once after a last write
# Needs curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/debug/duikou}
SRC=${SRC:-/work/portal-bench/nat005.db}
DB=${DB:-${SRC%.db}.copy.db}
ROUNDS=${ROUNDS:-3}
LABEL=${LABEL:-$(basename "$BIN")}
log() { echo "[portal-write $(date -u +%H:%M:%S)] $*" >&2; }

rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.lock"
cp "$SRC" "$DB"
[ -s "$SRC-wal" ] && cp "$SRC-wal" "$DB-wal"
[ -f "$SRC.audit-key" ] && cp "$SRC.audit-key" "$DB.audit-key"
export DUIKOU_DATABASE_URL=$DB DUIKOU_LOG=${DUIKOU_LOG:-warn}

# the program with the most pairings, its pairing with the most confirmed activities, and ROUNDS of those activities
read -r PROGRAM PAIRING PAIRINGS ACTIVITIES < <(python3 - "$DB" "$ROUNDS" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
program, n = db.execute("SELECT program_id, COUNT(*) FROM pairings GROUP BY program_id ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
pairing = db.execute("""SELECT p.id FROM pairings p LEFT JOIN activities a ON a.pairing_id = p.id AND a.confirmation = 'confirmed'
                        WHERE p.program_id = ? GROUP BY p.id ORDER BY COUNT(a.id) DESC, p.id LIMIT 1""", (program,)).fetchone()[0]
acts = [str(r[0]) for r in db.execute("""SELECT id FROM activities WHERE pairing_id = ? AND confirmation = 'confirmed' AND kind = 'training'
                        AND person_times > 0 ORDER BY id LIMIT ?""", (pairing, int(sys.argv[2])))]
print(program, pairing, n, ",".join(acts))
EOF
)
log "program $PROGRAM ($PAIRINGS pairings), pairing $PAIRING, activities changed: $ACTIVITIES"

DUIKOU_PASSWORD="Kq7-$(date +%s%N)-zw" "$BIN" user add portal-bench --role coordinator --name 基准测试协调员 >/dev/null 2>&1
TOKEN=$("$BIN" user token portal-bench --name portal-bench --days 1 2>/dev/null | tail -n1)

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
DUIKOU_ADDR=127.0.0.1:$PORT "$BIN" serve >"/tmp/portal-write-serve.$$.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -f /tmp/portal-write-*.$$' EXIT
for _ in $(seq 1 240); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.5; done
curl -fs "$BASE/healthz" >/dev/null || { cat "/tmp/portal-write-serve.$$.log" >&2; exit 1; }
api() { curl -fs -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$3" "$BASE$2" >/dev/null; }
for published in false true; do api PATCH "/api/v1/programs/$PROGRAM" "{\"published\": $published}"; done

PAGES=("/" "/public/programs/$PROGRAM" "/api/v1/public/programs/$PROGRAM" "/public/pairings/$PAIRING")
# a page's answer: status, bytes, seconds, ETag
fetch() {
    curl -s -D "/tmp/portal-write-h.$$" -o "/tmp/portal-write-b.$$" -w "%{http_code} %{size_download} %{time_total}" "$BASE$1"
    echo " $(grep -i '^etag:' "/tmp/portal-write-h.$$" | tr -d '\r' | cut -d' ' -f2)"
}
figure() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["figures"]["training_person_times"])' "/tmp/portal-write-b.$$"; }

echo
echo "First answers after the publication (made then, every reader waits for them; by design):"
echo
echo "| binary | page | status | bytes | first answer (s) |"
echo "|---|---|---:|---:|---:|"
for page in "${PAGES[@]}"; do
    read -r status bytes secs _ < <(fetch "$page")
    echo "| $LABEL | \`$page\` | $status | $bytes | $secs |"
done

echo
echo "After an ordinary write (one confirmed activity changed, so it is pending again and the figure moves):"
echo
echo "| binary | round | page | status | bytes | first answer (s) | served | new answer kept after (s) | load average before |"
echo "|---|---:|---|---:|---:|---:|---|---:|---|"
round=0
for act in ${ACTIVITIES//,/ }; do
    round=$((round + 1))
    declare -A before_tag=()
    for page in "${PAGES[@]}"; do
        read -r _ _ _ tag < <(fetch "$page")
        before_tag[$page]=$tag
    done
    read -r _ _ _ _ < <(fetch "/api/v1/public/programs/$PROGRAM")
    old_figure=$(figure)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    api PATCH "/api/v1/activities/$act" "{\"person_times\": 1}"
    start=$(date +%s.%N)
    for page in "${PAGES[@]}"; do
        read -r status bytes secs tag < <(fetch "$page")
        served=$([ "$tag" = "${before_tag[$page]}" ] && echo "kept" || echo "new")
        if [ "$page" = "/api/v1/public/programs/$PROGRAM" ]; then served="$served ($(figure), was $old_figure)"; fi
        # then until the new one is kept (bounded: 600 reads)
        fresh=""
        for _ in $(seq 1 600); do
            read -r _ _ _ now_tag < <(fetch "$page")
            if [ "$now_tag" != "${before_tag[$page]}" ]; then
                fresh=$(python3 -c "import time,sys; print(f'{time.time() - float(sys.argv[1]):.2f}')" "$start")
                break
            fi
            sleep 0.1
        done
        echo "| $LABEL | $round | \`$page\` | $status | $bytes | $secs | $served | ${fresh:-not within 600 reads} | $load |"
    done
done

# readers who come together right after a write: READERS at once on each page
READERS=${READERS:-16}
extra=$(python3 - "$DB" "$PAIRING" "$ACTIVITIES" <<'EOF2'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
done = sys.argv[3].split(",")
for (i,) in db.execute("""SELECT id FROM activities WHERE pairing_id = ? AND confirmation = 'confirmed' AND kind = 'training'
                          AND person_times > 1 ORDER BY id LIMIT 50""", (sys.argv[2],)):
    if str(i) not in done:
        print(i)
        break
EOF2
)
if [ -n "$extra" ]; then
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    api PATCH "/api/v1/activities/$extra" "{\"person_times\": 1}"
    echo
    echo "$READERS readers at once on each page, right after one more write (seconds; load average before: $load):"
    echo
    echo "| binary | page | p50 | max |"
    echo "|---|---|---:|---:|"
    for page in "${PAGES[@]}"; do
        seq 1 "$READERS" | xargs -P "$READERS" -I{} curl -s -o /dev/null -w "%{time_total}\n" "$BASE$page" |
            sort -n | awk -v l="$LABEL" -v p="$page" '{t[NR]=$1} END {printf "| %s | `%s` | %.3f | %.3f |\n", l, p, t[int((NR+1)/2)], t[NR]}'
    done
fi

echo
echo "Program page size:"
echo
echo "| binary | page | status | bytes |"
echo "|---|---|---:|---:|"
for q in "" "?page=2" "?page=999" "?page=abc"; do
    read -r status bytes _ _ < <(fetch "/public/programs/$PROGRAM$q")
    echo "| $LABEL | \`/public/programs/$PROGRAM$q\` | $status | $bytes |"
done
