#!/usr/bin/env bash
# `make test`: installs what the tests need (pinned, once), starts test servers on 127.0.0.1, runs every suite,
# and stops the servers on exit, even when a suite fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# --- Section: test servers (DynamoDB-compatible moto_server, MongoDB wire protocol) -------------------------
# Pinned emulators in the shared venv. Each suite-wide server gets a free port; every Rust test uses its own
# table / database on it, so tests run in parallel. Fault tests start (and stop) their own emulator processes
# from the binaries exported below, never these shared ones.
pip_pinned 'moto[server]==5.2.5' 'SecantusDB==0.7.0b3'
MOTO_PORT=$(free_port)
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$TOOLS_DIR/moto.log" 2>&1 &
MOTO_PID=$!
on_exit "kill $MOTO_PID 2>/dev/null; wait $MOTO_PID 2>/dev/null"
MONGO_PORT=$(free_port)
"$VENV/bin/secantusd-py" --host 127.0.0.1 --port "$MONGO_PORT" --storage-path :memory: >"$TOOLS_DIR/secantusd.log" 2>&1 &
MONGO_PID=$!
on_exit "kill $MONGO_PID 2>/dev/null; wait $MONGO_PID 2>/dev/null"
wait_for_http "http://127.0.0.1:$MOTO_PORT/moto-api/" 30
wait_for_port() { # wait_for_port PORT [seconds]: until something accepts TCP connections there
  local start=$SECONDS
  until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',int(sys.argv[1])),1)" "$1" 2>/dev/null; do
    (( SECONDS - start > ${2:-30} )) && die "nothing listens on 127.0.0.1:$1 after ${2:-30}s"
    sleep 0.2
  done
}
wait_for_port "$MONGO_PORT" 30
log "moto_server on :$MOTO_PORT (pid $MOTO_PID), secantusd on :$MONGO_PORT (pid $MONGO_PID)"
export PAYDAY_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
export PAYDAY_TEST_MONGODB_URI="mongodb://127.0.0.1:$MONGO_PORT"
export PAYDAY_TEST_MOTO_SERVER="$VENV/bin/moto_server"
export PAYDAY_TEST_SECANTUSD="$VENV/bin/secantusd-py"
# The cloud fixtures panic instead of skipping when this is set and the servers above are missing.
export PAYDAY_TEST_REQUIRE_CLOUD=1

# --- Section: Rust suites: unit, property, API over real HTTP, store contract, crash safety ------------------
log "cargo test"
cargo test --workspace --all-targets --locked

# --- Section: reliability: API fuzzing from the OpenAPI document (schemathesis against the real server) --------
bash scripts/fuzz-api.sh

# --- Section: web UI build and browser end-to-end tests ------------------------------------------------------
# Release build (sizes checked against the budget), then headless Chromium against the real server.
bash scripts/test-e2e.sh

# --- Section: infrastructure and delivery (templates, policy, Dockerfile/compose/workflows, scripts on moto) ---
bash scripts/test-infra.sh

log "all suites passed"
