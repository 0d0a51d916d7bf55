#!/usr/bin/env bash
# Browser end-to-end tests: builds the web UI (scripts/build-ui.sh), starts the real `server` on a free port with a
# temporary data directory serving frontend/dist, drives it with headless Debian Chromium (e2e/run.mjs via
# playwright-core), and stops the server on exit. Then the same UI in Cognito mode: moto_server as the user pool
# (e2e/cognito_pool.py makes the pool and app client), a second server with PAYDAY_AUTH=cognito, e2e/cognito.mjs.
# Screenshots land in test-output/screenshots/ (cognito-*.png for the second suite).
#   SKIP_UI_BUILD=1   reuse an existing frontend/dist
#   SERVER_PROFILE=release   test against a release server (default: the debug build `cargo test` already made)
#   E2E_SUITES="local cognito"   which suites to run (default both)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

if [[ ! -x /usr/bin/chromium ]]; then
  log "installing Debian chromium (first run only)"
  sudo_=""; [[ $(id -u) == 0 ]] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# The size ratchet is enforced here, in `make test` (docs/benchmarks.md, "Web UI").
[[ "${SKIP_UI_BUILD:-0}" == 1 && -f frontend/dist/index.html ]] || UI_ENFORCE_BUDGET=1 bash scripts/build-ui.sh
stamp=e2e/node_modules/.payday-lock
if [[ ! -f $stamp ]] || ! cmp -s e2e/package-lock.json "$stamp"; then
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
  cp e2e/package-lock.json "$stamp"
fi

# The UI's browser tests (Leptos components mounted in a page: frontend/src/tests.rs; format.rs's lower-casing)
# in headless Chromium, before the suites that drive the whole UI: a failure here names the broken part. The runner comes with wasm-bindgen-cli (build-ui.sh
# installs it; checked again here for SKIP_UI_BUILD=1) and must match Cargo.lock's wasm-bindgen; it starts
# chromedriver and passes Chromium --headless --no-sandbox itself.
wasm_bindgen=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
cargo_pinned wasm-bindgen-cli "$wasm_bindgen" wasm-bindgen-test-runner
log "browser tests of components and lower-casing (cargo test -p frontend --target wasm32-unknown-unknown)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
  timeout 300 cargo test -p frontend --target wasm32-unknown-unknown --locked

profile=${SERVER_PROFILE:-debug}
log "cargo build -p backend --bin server ($profile)"
if [[ $profile == release ]]; then
  cargo build --quiet --release -p backend --bin server --locked
else
  cargo build --quiet -p backend --bin server --locked
fi
server="${CARGO_TARGET_DIR:-target}/$profile/server"

suites=" ${E2E_SUITES:-local cognito} "
rm -rf test-output/screenshots # this run's screenshots only: no FAILED-* left from an earlier run
mkdir -p test-output

# start_server LOG [VAR=value...]: the server on a free port with its own data directory, serving the built UI;
# sets $port. Stopped (and its data removed) on exit.
start_server() {
  local log_file=$1 data
  shift
  port=$(free_port)
  data=$(mktemp -d)
  env "$@" PAYDAY_ADDR="127.0.0.1:$port" PAYDAY_DATA_DIR="$data" PAYDAY_STATIC_DIR="$PWD/frontend/dist" \
    PAYDAY_LOG=warn "$server" >"$log_file" 2>&1 &
  local pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$data'"
  wait_for_http "http://127.0.0.1:$port/healthz" 60
  curl -sf "http://127.0.0.1:$port/" | grep -q '<title>Payday</title>' ||
    die "the server does not serve the UI at / (PAYDAY_STATIC_DIR); see $log_file"
}

if [[ $suites == *" local "* ]]; then
  start_server test-output/e2e-server.log
  log "browser tests (headless chromium) against http://127.0.0.1:$port"
  # The browser and the server agree on "today": the test user's time zone is UTC (the default).
  BASE_URL="http://127.0.0.1:$port" OUT="$PWD/test-output" TZ=UTC timeout 600 node e2e/run.mjs
fi

if [[ $suites == *" cognito "* ]]; then
  started=$SECONDS
  pip_pinned "moto[server]==5.2.5" # the version scripts/test-infra.sh pins
  moto_port=$(free_port)
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >test-output/e2e-moto.log 2>&1 &
  moto_pid=$!
  on_exit "kill $moto_pid 2>/dev/null; wait $moto_pid 2>/dev/null"
  wait_for_http "http://127.0.0.1:$moto_port/moto-api/" 30
  region=us-east-1
  read -r pool client < <(AWS_REGION=$region "$VENV/bin/python" e2e/cognito_pool.py "http://127.0.0.1:$moto_port")
  [[ -n "${client:-}" ]] || die "could not create the Cognito user pool on moto"
  # moto's tokens name the real AWS issuer; its JWKS is served at the emulator (one static test key).
  start_server test-output/e2e-server-cognito.log PAYDAY_AUTH=cognito PAYDAY_COGNITO_REGION=$region \
    PAYDAY_COGNITO_USER_POOL_ID="$pool" PAYDAY_COGNITO_CLIENT_ID="$client" \
    PAYDAY_COGNITO_ISSUER="https://cognito-idp.$region.amazonaws.com/$pool" \
    PAYDAY_COGNITO_JWKS_URL="http://127.0.0.1:$moto_port/$pool/.well-known/jwks.json" \
    PAYDAY_COGNITO_ENDPOINT="http://127.0.0.1:$moto_port/"
  log "browser tests in cognito mode against http://127.0.0.1:$port (user pool on moto :$moto_port)"
  BASE_URL="http://127.0.0.1:$port" COGNITO_ENDPOINT="http://127.0.0.1:$moto_port/" OUT="$PWD/test-output" TZ=UTC \
    timeout 300 node e2e/cognito.mjs
  log "cognito-mode suite took $((SECONDS - started)) s"
fi
