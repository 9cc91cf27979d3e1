#!/usr/bin/env bash
# Load benchmark of the real release server on loopback with wrk (Debian's
# `wrk` package): throughput and p50/p99 latency of GET /api/v1/evaluations
# and POST /api/v1/observations, on SQLite and on PostgreSQL.
#
#   bench/server/run.sh [SECONDS]      (default 10 s per run)
#
# Needs: cargo, wrk, and for PostgreSQL a server at 127.0.0.1:5432 accepting
# the `postgres` user (set CLAUSE9_BENCH_PG_HOST to change the host; the
# database clause9_bench is dropped and created). Only loopback is used.
set -euo pipefail
cd "$(dirname "$0")/../.."
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
  local name=$1 url=$2 port=$3
  local dir=$work/$name
  local db_args=()
  [ -n "$url" ] && db_args=(--database-url "$url")
  "$bin" init "$dir" "${db_args[@]}" >/dev/null
  echo "a benchmark password" | "$bin" user add "$dir" bench --person security_lead --role admin "${db_args[@]}" >/dev/null
  local token
  token=$("$bin" token create "$dir" bench "${db_args[@]}" 2>/dev/null)
  local period
  period=$("$bin" evaluate "$dir" --format json "${db_args[@]}" | sed -n 's/.*"period": *"\([^"]*\)".*/\1/p' | head -1)
  CLAUSE9_LOG=warn "$bin" serve "$dir" --listen "127.0.0.1:$port" "${db_args[@]}" 2>"$work/$name.log" &
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

summarise() {
  awk '/Requests\/sec/ {print "   throughput: " $2 " requests/s"}
       /^ +50%/ {print "   p50: " $2}
       /^ +99%/ {print "   p99: " $2}
       /requests in/ {print "   " $0}
       /Non-2xx/ {print "   " $0}
       /Socket errors/ {print "   " $0}'
}

echo "machine: $(nproc) cores, $(uname -sr)"
run_backend sqlite "" 18181
if psql -h "$pg_host" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
  psql -h "$pg_host" -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS clause9_bench' >/dev/null
  psql -h "$pg_host" -U postgres -d postgres -qc 'CREATE DATABASE clause9_bench' >/dev/null
  run_backend postgres "postgres://postgres@$pg_host:5432/clause9_bench" 18182
else
  echo "== postgres: skipped (no server at $pg_host:5432)"
fi
