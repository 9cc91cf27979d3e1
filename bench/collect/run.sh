#!/usr/bin/env bash
# The collect benchmark (not a test): 10 million synthetic security events as
# CSV and Parquet; `clause9 collect` (release build) for one month and for a
# twelve-month backfill on each, and the same queries in DuckDB, side by side.
# Wall time and peak memory come from /usr/bin/time -v. Results: data/results.md.
#   bench/collect/run.sh [ROWS]      (default 10000000)
#   RUNS="parquet-month parquet-backfill csv-month" bench/collect/run.sh   (a subset)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data=$here/data
rows=${1:-10000000}
mkdir -p "$data"

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [ ! -x "$data/venv/bin/python" ]; then
  python3 -m venv "$data/venv"
  "$data/venv/bin/pip" install -q duckdb
fi
py=$data/venv/bin/python
if [ ! -f "$data/events.parquet" ] || [ "$(cat "$data/rows" 2>/dev/null)" != "$rows" ]; then
  "$py" "$here/generate.py" "$rows"
  echo "$rows" > "$data/rows"
fi

(cd "$repo" && cargo build --release -p clause9-cli)
bin=$repo/target/release/clause9

for fmt in csv parquet; do
  prog=$data/programme-$fmt
  rm -rf "$prog"
  mkdir -p "$prog/evidence"
  cp -r "$here/programme/measures" "$prog/"
  ln -f "$data/events.$fmt" "$prog/evidence/events.$fmt" 2>/dev/null || cp "$data/events.$fmt" "$prog/evidence/"
  sed "s|TABLE|evidence/events.$fmt|" "$here/programme/clause9.toml.in" > "$prog/clause9.toml"
done

measure() { # label, command…  → "label | wall s | peak MiB"
  local label=$1; shift
  /usr/bin/time -v "$@" > "$data/$label.out" 2> "$data/$label.time"
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$data/$label.time" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep 'Maximum resident set size' "$data/$label.time" | awk '{printf "%.0f", $NF/1024}')
  echo "| $label | $wall | $rss |"
}

{
  echo "| run | wall (s) | peak RSS (MiB) |"
  echo "|---|---|---|"
  for run in ${RUNS:-parquet-month parquet-backfill csv-month csv-backfill}; do
    fmt=${run%-*}
    prog=$data/programme-$fmt
    rm -rf "$prog/.clause9"
    if [ "${run#*-}" = month ]; then
      measure "clause9-$run" "$bin" collect "$prog" --period 2025-06
      measure "duckdb-$run" "$py" "$here/queries.py" "$fmt" 6 6
    else
      measure "clause9-$run" "$bin" collect "$prog" --from 2025-01 --to 2025-12
      measure "duckdb-$run" "$py" "$here/queries.py" "$fmt" 1 12
    fi
  done
} | tee "$data/results.md"

# Rows the Parquet scans read in the backfill (after row-group pruning),
# from the provenance clause9 stored.
rm -rf "$data/programme-parquet/.clause9"
"$bin" collect "$data/programme-parquet" --from 2025-01 --to 2025-12 > /dev/null
"$bin" history "$data/programme-parquet" B-01 --format json \
  | "$py" -c 'import json,sys; h=json.load(sys.stdin); print("B-01 rows scanned per month (parquet):", [o["provenance"]["rows_scanned"] for o in h])' \
  | tee -a "$data/results.md"
"$bin" history "$data/programme-parquet" B-07 --format json \
  | "$py" -c 'import json,sys; h=json.load(sys.stdin); print("B-07 (backlog) rows scanned per month (parquet):", [o["provenance"]["rows_scanned"] for o in h])' \
  | tee -a "$data/results.md"
# The values agree: clause9's June against DuckDB's June.
"$bin" evaluate "$data/programme-parquet" --period 2025-06 --format json \
  | "$py" -c 'import json,sys; d=json.load(sys.stdin); print("clause9 2025-06:", {k: v for m in d["measures"] for k, v in m["base"].items()})' \
  | tee -a "$data/results.md"
"$py" "$here/queries.py" parquet 6 6 | grep '^2025-06' | tee -a "$data/results.md"
