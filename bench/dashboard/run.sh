#!/usr/bin/env bash
# Page weight and server time of the web pages for the demo organisation:
# the release binary writes `clause9 demo`, serves it on loopback, signs in
# as an administrator, then
#   - weighs the dashboard: its HTML and every asset it references (bytes as
#     sent, and gzip-compressed for comparison), and counts the requests;
#   - times the server: the first (cold) request of each page, then wrk on
#     the dashboard and on one measure page (throughput, p50, p99);
#   - times a PDF performance report issued from the reports page.
#
#   bench/dashboard/run.sh [SECONDS]      (default 10 s per wrk run)
#
# Needs: cargo, curl, wrk, gzip. Only loopback is used.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib/wrk.sh
seconds=${1:-10}
command -v wrk >/dev/null || { echo "error: install wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -p clause9-cli >/dev/null
bin=$PWD/target/release/clause9
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=${CLAUSE9_BENCH_PORT:-18190}
base="http://127.0.0.1:$port"

echo "machine: $(nproc) cores, $(uname -sr)"
start=$(date +%s%N)
"$bin" demo "$work/demo" --no-serve >/dev/null
echo "clause9 demo --no-serve: $((($(date +%s%N) - start) / 1000000)) ms"
password="a benchmark password"
echo "$password" | "$bin" user add "$work/demo" bench --person isms_manager --role admin >/dev/null
CLAUSE9_LOG=warn "$bin" serve "$work/demo" --listen "127.0.0.1:$port" --insecure-cookies \
  --no-scheduled-collection 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

# sign in through the form, as a browser does
jar=$work/cookies
curl -fsS -c "$jar" -b "$jar" "$base/sign-in" -o "$work/sign-in.html"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/sign-in.html" | sed -n 1p)
curl -fsS -c "$jar" -b "$jar" -o /dev/null \
  --data-urlencode "username=bench" --data-urlencode "password=$password" \
  --data-urlencode "csrf=$csrf" "$base/sign-in"
cookie=$(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$jar")

get() { curl -fsS -H "Cookie: $cookie" "$@"; }

# the first request of each page after start (nothing cached yet)
cold() {
  local path=$1
  get -o /dev/null -w "   cold $path: %{time_total} s, %{size_download} bytes\n" "$base$path"
}
echo "== first requests (cold)"
cold /
get "$base/" -o "$work/dashboard.html"
measure=$(grep -o 'href="/measures/[^"]*"' "$work/dashboard.html" | sed -n '1s/href="\(.*\)"/\1/p')
cold "$measure"
cold /audits
cold /reviews
cold /nonconformities

echo "== dashboard page weight"
get "$base/" -o "$work/dashboard.html"
html=$(wc -c <"$work/dashboard.html")
html_gz=$(gzip -9c "$work/dashboard.html" | wc -c)
total=$html total_gz=$html_gz requests=1
printf '   %-40s %8d bytes (gzip %d)\n' "/ (HTML)" "$html" "$html_gz"
for asset in $(grep -oE '(href|src)="/assets/[^"]+"' "$work/dashboard.html" | sed -E 's/^(href|src)="([^"]+)"$/\2/' | sort -u); do
  get "$base$asset" -o "$work/asset"
  size=$(wc -c <"$work/asset")
  gz=$(gzip -9c "$work/asset" | wc -c)
  printf '   %-40s %8d bytes (gzip %d)\n' "$asset" "$size" "$gz"
  total=$((total + size)); total_gz=$((total_gz + gz)); requests=$((requests + 1))
done
echo "   total: $total bytes in $requests requests (gzip $total_gz bytes); inline SVG charts: $(grep -o '<svg' "$work/dashboard.html" | wc -l)"

echo "== GET / (dashboard; 2 threads, 4 connections, ${seconds}s)"
wrk -t2 -c4 -d"${seconds}s" --latency -H "Cookie: $cookie" "$base/" | summarise
echo "== GET $measure (measure page; 2 threads, 4 connections, ${seconds}s)"
wrk -t2 -c4 -d"${seconds}s" --latency -H "Cookie: $cookie" "$base$measure" | summarise

echo "== performance report from the reports page (one request each)"
get "$base/reports" -o "$work/reports.html"
period=$(sed -n 's/.*name="period"[^>]*value="\([^"]*\)".*/\1/p' "$work/reports.html" | sed -n 1p)
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$work/reports.html" | sed -n 1p)
for format in html pdf xlsx; do
  get -o "$work/report.$format" -w "   $format ($period): %{time_total} s, %{size_download} bytes, HTTP %{http_code}\n" \
    --data-urlencode "csrf=$csrf" --data-urlencode "period=$period" --data-urlencode "audience=" \
    --data-urlencode "format=$format" "$base/reports"
done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
