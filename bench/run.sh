#!/usr/bin/env bash
# The dashboard benchmark at national scale (BENCHMARKS.md, "Dashboard at national scale"):
# builds release, generates the synthetic national record at each scale on SQLite and PostgreSQL (skipped when it is
# already there), exports each database's base rows to Parquet for DuckDB, runs `duikou-bench dashboard` on each
# (API via a `duikou serve` child process, plain GROUP BY in the same database, DuckDB over the Parquet files,
# figures checked equal) and prints the Markdown tables and a summary against the targets.
#
#   bench/run.sh                      # scales 1 and 4, SQLite and PostgreSQL
#   SCALES=1 BACKENDS=sqlite bench/run.sh
#
# Environment (defaults in brackets):
#   SCALES ["1 4"]  BACKENDS ["sqlite postgres"]  DATA [/work/bench-data]: Parquet, results, venv, SQLite copies
#   PG [postgres://postgres@127.0.0.1:5432]: server where databases nat<N> (nat0_25 for 0.25) are made (createdb, trust auth)
#   SQLITE_<N> [/work/nat<N>.db]: SQLite file of scale N (a point written as _: SQLITE_0_25 for 0.25); those of the scales in COPY_SQLITE [""] (files that
#     are not ours) are copied first, because the benchmark writes a user and an API token
#   VENV [$DATA/venv]: Python venv with duckdb (made when missing)
#   SECONDS_PER [5]  CONNECTIONS [64]  REF_RUNS [3]  DUCKDB_RUNS [10]
#   CARGO_TARGET_DIR [target]; BIN_DIR: take duikou and duikou-bench from there instead of building
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCALES=${SCALES:-"1 4"}
BACKENDS=${BACKENDS:-"sqlite postgres"}
DATA=${DATA:-/work/bench-data}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
SECONDS_PER=${SECONDS_PER:-5}
CONNECTIONS=${CONNECTIONS:-64}
REF_RUNS=${REF_RUNS:-3}
DUCKDB_RUNS=${DUCKDB_RUNS:-10}
TARGET=${CARGO_TARGET_DIR:-target}
mkdir -p "$DATA"
log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

if [ -n "${BIN_DIR:-}" ]; then
    DUIKOU=$BIN_DIR/duikou BENCH=$BIN_DIR/duikou-bench
else
    log "building release"
    cargo build --release -p duikou-cli -p duikou-bench >&2
    DUIKOU=$TARGET/release/duikou BENCH=$TARGET/release/duikou-bench
fi

VENV=${VENV:-$DATA/venv}
if ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
    log "installing duckdb into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q duckdb >&2
fi
PY=$VENV/bin/python

# the database of one backend and scale, generated when missing
database() {
    local backend=$1 n=$2
    if [ "$backend" = sqlite ]; then
        # a scale may have a point (0.25): its variable is SQLITE_0_25
        local var=SQLITE_${n//./_} file
        file=${!var:-/work/nat$n.db}
        if [ ! -s "$file" ]; then
            log "generating $file (scale $n)"
            nice "$DUIKOU" --database "$file" demo --scale "$n" >&2
        fi
        if [[ " ${COPY_SQLITE:-} " == *" $n "* ]]; then
            local copy=$DATA/nat$n-copy.db
            if [ ! -s "$copy" ]; then
                log "copying $file to $copy (the benchmark writes a user and a token)"
                sqlite3 "$file" ".backup '$copy'"
            fi
            file=$copy
        fi
        echo "$file"
    else
        # a database name has no point: nat0_25 for scale 0.25
        local name=nat${n//./_}
        local url=$PG/$name
        if ! psql "$url" -Atqc 'SELECT 1 FROM pairings LIMIT 1' 2>/dev/null | grep -q 1; then
            log "generating $url (scale $n)"
            psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $name" >&2
            psql "$PG/postgres" -qc "CREATE DATABASE $name" >&2
            nice "$DUIKOU" --database "$url" demo --scale "$n" >&2
        fi
        echo "$url"
    fi
}

{
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores," \
        "$(free -g | awk '/^Mem:/ {print $2}') GiB; $(uname -sr); $(rustc --version | cut -d' ' -f1-2);" \
        "$(psql "$PG/postgres" -Atqc 'SHOW server_version' 2>/dev/null | sed 's/^/PostgreSQL /' || true);" \
        "DuckDB $("$PY" -c 'import duckdb; print(duckdb.__version__)'); $(date -u '+%Y-%m-%d %H:%M UTC')"
} | tee "$DATA/machine.txt"

results=()
for n in $SCALES; do
    for backend in $BACKENDS; do
        db=$(database "$backend" "$n")
        parquet=$DATA/parquet-$backend-$n
        if [ ! -s "$parquet/activities.parquet" ]; then
            log "exporting $backend scale $n to $parquet"
            "$PY" bench/duckdb_dashboard.py export --db "$db" --out "$parquet"
        fi
        case $backend in sqlite) name=SQLite ;; *) name=PostgreSQL ;; esac
        log "benchmarking $name N=$n"
        "$BENCH" dashboard --db "$db" --label "$name N=$n" --serve "$DUIKOU" \
            --connections "$CONNECTIONS" --seconds "$SECONDS_PER" --ref-runs "$REF_RUNS" \
            --duckdb-dir "$parquet" --python "$PY" --script "$ROOT/bench/duckdb_dashboard.py" \
            --duckdb-runs "$DUCKDB_RUNS" --json-out "$DATA/results-$backend-$n.json"
        results+=("$DATA/results-$backend-$n.json")
    done
done

"$PY" bench/report.py "${results[@]}"
