#!/usr/bin/env bash
# Browser end-to-end tests: builds the web UI (scripts/build-ui.sh), starts the real `server` on a free port with a
# temporary data directory serving frontend/dist, drives it with headless Debian Chromium (e2e/run.mjs via
# playwright-core), and stops the server on exit. Screenshots land in test-output/screenshots/.
#   SKIP_UI_BUILD=1   reuse an existing frontend/dist
#   SERVER_PROFILE=release   test against a release server (default: the debug build `cargo test` already made)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

if [[ ! -x /usr/bin/chromium ]]; then
  log "installing Debian chromium (first run only)"
  sudo_=""; [[ $(id -u) == 0 ]] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium chromium-driver >/dev/null
fi

[[ "${SKIP_UI_BUILD:-0}" == 1 && -f frontend/dist/index.html ]] || bash scripts/build-ui.sh
stamp=e2e/node_modules/.payday-lock
if [[ ! -f $stamp ]] || ! cmp -s e2e/package-lock.json "$stamp"; then
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
  cp e2e/package-lock.json "$stamp"
fi

profile=${SERVER_PROFILE:-debug}
log "cargo build -p backend --bin server ($profile)"
if [[ $profile == release ]]; then
  cargo build --quiet --release -p backend --bin server --locked
else
  cargo build --quiet -p backend --bin server --locked
fi
server="${CARGO_TARGET_DIR:-target}/$profile/server"

port=$(free_port)
data=$(mktemp -d)
mkdir -p test-output
PAYDAY_ADDR="127.0.0.1:$port" PAYDAY_DATA_DIR="$data" PAYDAY_STATIC_DIR="$PWD/frontend/dist" PAYDAY_LOG=warn \
  "$server" >test-output/e2e-server.log 2>&1 &
server_pid=$!
on_exit "kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null; rm -rf '$data'"
wait_for_http "http://127.0.0.1:$port/healthz" 60
curl -sf "http://127.0.0.1:$port/" | grep -q '<title>Payday</title>' || die "the server does not serve the UI at / (PAYDAY_STATIC_DIR)"

log "browser tests (headless chromium) against http://127.0.0.1:$port"
# The browser and the server agree on "today": the test user's time zone is UTC (the default).
BASE_URL="http://127.0.0.1:$port" OUT="$PWD/test-output" TZ=UTC timeout 600 node e2e/run.mjs
