#!/usr/bin/env bash
# Browser tests: for each DAY given (YYYY-MM-DD), a fresh
# `clause9 demo --no-serve` directory with users made by the CLI, the real
# `clause9` binary serving it on a free loopback port, and headless Chromium
# driven by playwright-core (run.mjs). Every process runs as if today were
# DAY (CLAUSE9_TODAY moves clause9's one clock; run.mjs takes its dates from
# TODAY), so a run on one day gives what it gives on any other.
# Needs Debian's chromium and node/npm; `npm ci` installs the pinned packages.
#
#   ./e2e/run.sh 2026-12-01 2026-12-31
set -euo pipefail
cd "$(dirname "$0")"
[ $# -gt 0 ] || { echo "usage: e2e/run.sh DAY [DAY…]  (days as YYYY-MM-DD the browser flows run at)" >&2; exit 2; }
bin=${CLAUSE9_BIN:-../target/debug/clause9}
[ -x "$bin" ] || { echo "error: $bin is missing; run cargo build -p clause9-cli first" >&2; exit 1; }
[ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] || npm ci --no-audit --no-fund --loglevel=error

secret() { echo "$1-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

# One day's run, in its own subshell (its own directory, port, server and browser).
run_at() {
  local day=$1
  # not local: the EXIT trap of the subshell reads them after run_at returns
  work=$(mktemp -d)
  server=
  trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
  echo "== browser flows as of $day"
  export CLAUSE9_TODAY=$day
  "$bin" demo "$work/demo" --no-serve >/dev/null 2>"$work/demo.log" || { cat "$work/demo.log" >&2; return 1; }
  local admin_pw coll_pw auditor_pw reviewer_pw
  admin_pw=$(secret admin); coll_pw=$(secret coll); auditor_pw=$(secret aud); reviewer_pw=$(secret rev)
  echo "$admin_pw" | "$bin" user add "$work/demo" admin --person isms_manager --role admin >/dev/null 2>"$work/user.log" || { cat "$work/user.log" >&2; return 1; }
  echo "$coll_pw" | "$bin" user add "$work/demo" laura --person hr_lead --role collector >/dev/null 2>"$work/user.log" || { cat "$work/user.log" >&2; return 1; }
  echo "$auditor_pw" | "$bin" user add "$work/demo" auditor --person internal_auditor --role auditor >/dev/null 2>"$work/user.log" || { cat "$work/user.log" >&2; return 1; }
  echo "$reviewer_pw" | "$bin" user add "$work/demo" reviewer --person managing_director --role reviewer >/dev/null 2>"$work/user.log" || { cat "$work/user.log" >&2; return 1; }

  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  CLAUSE9_LOG=warn "$bin" serve "$work/demo" --listen "127.0.0.1:$port" --insecure-cookies >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/readyz', timeout=1)" 2>/dev/null; then break; fi
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; return 1; }
    python3 -c 'import select; select.select([],[],[],0.1)'
  done

  local shots=../target/e2e-screenshots/$day
  mkdir -p "$shots"
  BASE_URL="http://127.0.0.1:$port" TODAY="$day" ADMIN_PASSWORD="$admin_pw" COLLECTOR_PASSWORD="$coll_pw" \
    AUDITOR_PASSWORD="$auditor_pw" REVIEWER_PASSWORD="$reviewer_pw" \
    SCREENSHOTS="$shots" node run.mjs || { echo "--- server log" >&2; cat "$work/server.log" >&2; return 1; }
}

# The days run at once (each mostly waits on the browser and the server);
# their outputs are printed in order when all have ended.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pids=()
for day in "$@"; do
  ( run_at "$day" ) >"$logs/$day.log" 2>&1 &
  pids+=("$!")
done
failed=0
i=0
for day in "$@"; do
  wait "${pids[$i]}" || { echo "e2e: the run as of $day failed (exit $?)" >&2; failed=1; }
  cat "$logs/$day.log"
  i=$((i + 1))
done
exit "$failed"
