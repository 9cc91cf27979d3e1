#!/usr/bin/env bash
# Browser tests: a fresh `clause9 demo --no-serve` directory with two users
# made by the CLI, the real `clause9` binary serving it on a free loopback
# port, and headless Chromium driven by playwright-core (run.mjs). Needs
# Debian's chromium and node/npm; `npm ci` installs the pinned packages.
set -euo pipefail
cd "$(dirname "$0")"
bin=${CLAUSE9_BIN:-../target/debug/clause9}
[ -x "$bin" ] || { echo "error: $bin is missing; run cargo build -p clause9-cli first" >&2; exit 1; }
[ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] || npm ci --no-audit --no-fund --loglevel=error

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" demo "$work/demo" --no-serve >/dev/null
admin_pw="admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
coll_pw="coll-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "$admin_pw" | "$bin" user add "$work/demo" admin --person isms_manager --role admin >/dev/null
echo "$coll_pw" | "$bin" user add "$work/demo" laura --person hr_lead --role collector >/dev/null
auditor_pw="aud-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
reviewer_pw="rev-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "$auditor_pw" | "$bin" user add "$work/demo" auditor --person internal_auditor --role auditor >/dev/null
echo "$reviewer_pw" | "$bin" user add "$work/demo" reviewer --person managing_director --role reviewer >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
CLAUSE9_LOG=warn "$bin" serve "$work/demo" --listen "127.0.0.1:$port" --insecure-cookies >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/readyz', timeout=1)" 2>/dev/null; then break; fi
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  python3 -c 'import select; select.select([],[],[],0.1)'
done

mkdir -p ../target/e2e-screenshots
BASE_URL="http://127.0.0.1:$port" ADMIN_PASSWORD="$admin_pw" COLLECTOR_PASSWORD="$coll_pw" \
  AUDITOR_PASSWORD="$auditor_pw" REVIEWER_PASSWORD="$reviewer_pw" \
  SCREENSHOTS=../target/e2e-screenshots node run.mjs || { echo "--- server log" >&2; cat "$work/server.log" >&2; exit 1; }
