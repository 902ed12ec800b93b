#!/usr/bin/env bash
# Every figure of BENCHMARKS.md's current table, measured in one run and written into the table by bench/current.py
# (never typed by hand). Run it on a quiet machine: each figure carries the load average read while it was taken.
#
#   bench/current.sh                  # about 40 min on 2 cores once the national record exists (+10 min to make it)
#   ONLY="api heavy" bench/current.sh # some of the parts: api memory heavy import_memory import assess summary dashboard
#
# Environment (defaults in brackets):
#   DATA [/work/bench-data]: results (JSON) and the benchmarks' copy of the record
#   NAT [$DATA/nat1.db]: the national record (`duikou demo --scale 1`), made when missing; never written to — the
#     benchmarks work on a copy, because they add a user and API tokens
#   WRITE [BENCHMARKS.md]: the file whose marked block is replaced (empty: print the block only)
#   BIN_DIR: take duikou, duikou-bench and bare from there instead of building
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-/work/bench-data}
NAT=${NAT:-$DATA/nat1.db}
WRITE=${WRITE-BENCHMARKS.md}
ONLY=${ONLY:-"api memory heavy import_memory import assess summary dashboard"}
mkdir -p "$DATA"
log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }
want() { [[ " $ONLY " == *" $1 "* ]]; }

if [ -z "${BIN_DIR:-}" ]; then
    log "building release"
    cargo build --release -p duikou-cli -p duikou-bench >&2
    BIN_DIR=${CARGO_TARGET_DIR:-target}/release
fi
export BIN_DIR
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk (brew install wrk)" >&2; exit 1; }
if [ ! -f "$NAT" ]; then
    log "making the national record $NAT (duikou demo --scale 1)"
    "$BIN_DIR/duikou" --database "$NAT" --log warn demo --scale 1 >&2
fi
DB=$DATA/nat1-bench.db
if [ ! -f "$DB" ] || [ "$NAT" -nt "$DB" ]; then
    log "copying the record to $DB"
    cp "$NAT" "$DB"
    [ -f "$NAT.audit-key" ] && cp "$NAT.audit-key" "$DB.audit-key"
fi

args=()
if want api; then
    bench/api_vs_bare.py --db "$DB" --starts 5 --json-out "$DATA/api_vs_bare.json"
    args+=(--api "$DATA/api_vs_bare.json")
fi
if want memory; then
    bench/serve_memory.py --db "$DB" --json-out "$DATA/serve_memory.json"
    args+=(--memory "$DATA/serve_memory.json")
fi
if want heavy; then
    bench/heavy_requests.py --db "$DB" --json-out "$DATA/heavy_requests.json"
    args+=(--heavy "$DATA/heavy_requests.json")
fi
if want import_memory; then
    bench/import_memory.py --rows 1000000 --dir "$DATA" --json-out "$DATA/import_memory.json"
    args+=(--import-memory "$DATA/import_memory.json")
fi
if want import; then
    "$BIN_DIR/duikou-bench" import --rows 1000000 --dir "$DATA" --json-out "$DATA/import.json"
    args+=(--import "$DATA/import.json")
fi
if want assess; then
    "$BIN_DIR/duikou-bench" assess --db "$DB" --runs 3 --json-out "$DATA/assess.json"
    args+=(--assess "$DATA/assess.json")
fi
if want summary; then
    "$BIN_DIR/duikou-bench" summary --db "$DB" --runs 5 --json-out "$DATA/summary.json"
    args+=(--summary "$DATA/summary.json")
fi
if want dashboard; then
    SCALES=1 BACKENDS=sqlite SQLITE_1="$DB" bench/run.sh
    args+=(--dashboard "$DATA/results-sqlite-1.json")
fi
if [ -n "$WRITE" ]; then
    bench/current.py "${args[@]}" --write "$WRITE"
    log "wrote the current table into $WRITE"
else
    bench/current.py "${args[@]}"
fi
