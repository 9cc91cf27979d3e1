#!/usr/bin/env bash
# Load benchmark of the real release server on loopback with wrk (Debian's
# `wrk` package): throughput and p50/p99 latency of GET /api/v1/evaluations
# and POST /api/v1/observations, on SQLite and on PostgreSQL, for two
# programmes: the starter (`clause9 init`: 5 measures, 12 months of sample
# values) and the demo organisation (`clause9 demo --no-serve`: 90 measures,
# 24 months, audits, nonconformities, reviews).
#
#   bench/server/run.sh [SECONDS]      (default 10 s per run)
#
# Needs: cargo, wrk, and for PostgreSQL a server at 127.0.0.1:5432 accepting
# the `postgres` user (set CLAUSE9_BENCH_PG_HOST to change the host; the
# database clause9_bench is dropped and created). Only loopback is used.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib/wrk.sh
seconds=${1:-10}
pg_host=${CLAUSE9_BENCH_PG_HOST:-127.0.0.1}
command -v wrk >/dev/null || { echo "error: install wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -p clause9-cli >/dev/null
bin=$PWD/target/release/clause9
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

run_backend() {
  local name=$1 url=$2 port=$3 programme=$4
  local dir=$work/$name
  local db_args=()
  [ -n "$url" ] && db_args=(--database-url "$url")
  local person=security_lead
  if [ "$programme" = demo ]; then
    "$bin" demo "$dir" --no-serve "${db_args[@]}" >/dev/null
    person=isms_manager
  else
    "$bin" init "$dir" "${db_args[@]}" >/dev/null
  fi
  echo "a benchmark password" | "$bin" user add "$dir" bench --person "$person" --role admin "${db_args[@]}" >/dev/null
  local token
  token=$("$bin" token create "$dir" bench "${db_args[@]}" 2>/dev/null)
  local period
  # the last complete month, as `clause9 evaluate` defaults to
  period=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
  CLAUSE9_LOG=warn "$bin" serve "$dir" --listen "127.0.0.1:$port" --no-scheduled-collection "${db_args[@]}" 2>"$work/$name.log" &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "== $name: GET /api/v1/evaluations?period=$period (2 threads, 8 connections, ${seconds}s)"
  wrk -t2 -c8 -d"${seconds}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/evaluations?period=$period" | summarise
  echo "== $name: POST /api/v1/observations (2 threads, 2 connections, ${seconds}s; every request stores a correction)"
  C9_TOKEN=$token C9_PERIOD=$period wrk -t2 -c2 -d"${seconds}s" --latency -s bench/server/post.lua \
    "http://127.0.0.1:$port" | summarise
  local stored
  stored=$("$bin" audit-log "$dir" --format json "${db_args[@]}" | grep -c '"observation.corrected"' || true)
  echo "   corrections stored: $stored; audit chain: $("$bin" audit-log verify "$dir" "${db_args[@]}")"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
}


echo "machine: $(nproc) cores, $(uname -sr)"
pg=
if psql -h "$pg_host" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then pg=1; fi
port=18181
for programme in starter demo; do
  run_backend "sqlite-$programme" "" "$port" "$programme"; port=$((port + 1))
  if [ -n "$pg" ]; then
    db=clause9_bench_$programme
    psql -h "$pg_host" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null
    psql -h "$pg_host" -U postgres -d postgres -qc "CREATE DATABASE $db" >/dev/null
    run_backend "postgres-$programme" "postgres://postgres@$pg_host:5432/$db" "$port" "$programme"; port=$((port + 1))
  else
    echo "== postgres-$programme: skipped (no server at $pg_host:5432)"
  fi
done
