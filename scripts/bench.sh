#!/usr/bin/env bash
# `make bench`: HTTP load tests on loopback with wrk, each beside its ceiling in the same run, and the results
# written into docs/benchmarks.md (between the bench:begin/end markers) with the machine and the commands.
#
#   ceiling     bench/ `hello`: bare axum on the same runtime, no middleware, no auth, no store
#   embedded    release `server`, embedded store: authenticated GET /api/v1/tasks (50 tasks),
#               POST /api/v1/tasks, GET /api/v1/budget/summary (30 bills, 2 pay schedules)
#   dynamodb    the same list with PAYDAY_STORE=dynamodb on moto_server, beside the same DynamoDB Query sent
#               straight to moto_server (what Payday adds on top of the store)
#
# Cores: the server under test is pinned to CPU 0 and wrk to CPU 1 (`taskset`), so the server has one core.
#   BENCH_SECS (default 10) per run; BENCH_CONNECTIONS (default 8, "moderate") and BENCH_HEAVY (default 64).
#   BENCH_WRITE_DOCS=0 prints the table without touching docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

SECS=${BENCH_SECS:-10}
C=${BENCH_CONNECTIONS:-8}
HEAVY=${BENCH_HEAVY:-64}
OUT="$PWD/test-output/bench"
rm -rf "$OUT" && mkdir -p "$OUT"

command -v wrk >/dev/null || {
  log "installing wrk (Debian)"
  sudo_=""; [[ $(id -u) == 0 ]] || sudo_="sudo"
  $sudo_ apt-get install -y -qq wrk >/dev/null
}
command -v taskset >/dev/null || die "taskset (util-linux) is needed to pin the server and wrk to separate cores"
(( $(nproc) >= 2 )) || die "the benchmark needs 2 cores (one for the server, one for wrk)"
pip_pinned 'moto[server]==5.2.5'

log "cargo build --release (server, hello)"
cargo build --quiet --release --locked -p backend --bin server -p bench --bin hello
TARGET="${CARGO_TARGET_DIR:-target}/release"

PIDS=()
on_exit 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null'
on_exit "rm -rf '$OUT/data' '$OUT/data-ddb'"

# start NAME CMD...: runs CMD on CPU 0 in the background; sets PID.
start() {
  local name=$1; shift
  taskset -c 0 "$@" >"$OUT/$name.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
}

# Resident memory under load: VmRSS sampled every 100 ms while wrk runs (VmHWM would also count the one-off
# argon2 buffer of the sign-in before the load, which is returned to the system right after).
SAMPLER=""
sample_rss() { # PID FILE: starts sampling in the background
  (while kill -0 "$1" 2>/dev/null; do awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null; sleep 0.1; done) >>"$2" &
  SAMPLER=$!
}
peak_rss_kib() { sort -n "$1" | tail -n 1; }

ROWS=()
declare -A RPS P99 # "label c=N" -> req/s, p99
# run LABEL CONNECTIONS URL [wrk args...]: one wrk run on CPU 1; appends a table row.
run() {
  local label=$1 conns=$2 url=$3; shift 3
  local file="$OUT/wrk-$(printf '%s' "$label-c$conns" | tr -c 'a-zA-Z0-9-' '_').txt"
  taskset -c 1 wrk -t1 -c"$conns" -d"${SECS}s" --latency "$@" "$url" >"$file"
  local rps p50 p99 non2xx sock
  rps=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$file")
  p50=$(awk '/^ +50%/{print $2}' "$file")
  p99=$(awk '/^ +99%/{print $2}' "$file")
  non2xx=$(awk '/Non-2xx or 3xx responses:/{print $5}' "$file"); non2xx=${non2xx:-0}
  sock=$(awk '/Socket errors:/{gsub(",","");print $4+$6+$8+$10}' "$file"); sock=${sock:-0}
  ROWS+=("| $label | $conns | $rps | $p50 | $p99 | $((non2xx + sock)) |")
  log "$label (c=$conns): $rps req/s, p50 $p50, p99 $p99, errors $((non2xx + sock))"
  RPS["$label c=$conns"]=$rps
  P99["$label c=$conns"]=$p99
}

json() { "$VENV/bin/python" -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# sign_in BASE: registers and signs in a fresh user; prints the access token.
sign_in() {
  local credentials='{"email":"bench@example.com","password":"correct horse battery"}'
  curl -sf -X POST "$1/api/v1/auth/register" -H 'content-type: application/json' -d "$credentials" >/dev/null
  curl -sf -X POST "$1/api/v1/auth/login" -H 'content-type: application/json' -d "$credentials" | json '["access_token"]'
}

post() { curl -sf -X POST "$1$2" -H "authorization: Bearer $3" -H 'content-type: application/json' -d "$4" >/dev/null; }

seed_tasks() { # BASE TOKEN COUNT
  for i in $(seq 1 "$3"); do
    post "$1" /api/v1/tasks "$2" "{\"title\":\"Task $i\",\"priority\":\"medium\",\"due_on\":\"2026-12-$(printf %02d $(( (i % 28) + 1 )))\"}"
  done
}

# --- ceiling -----------------------------------------------------------------------------------------------
HELLO_PORT=$(free_port)
start hello "$TARGET/hello" "127.0.0.1:$HELLO_PORT"
HELLO_PID=$PID
wait_for_http "http://127.0.0.1:$HELLO_PORT/" 30
sample_rss "$HELLO_PID" "$OUT/rss-hello.txt"
run "hello (ceiling)" "$C" "http://127.0.0.1:$HELLO_PORT/"
run "hello (ceiling)" "$HEAVY" "http://127.0.0.1:$HELLO_PORT/"
HELLO_RSS=$(peak_rss_kib "$OUT/rss-hello.txt")
kill "$HELLO_PID"

# --- embedded store ----------------------------------------------------------------------------------------
PORT=$(free_port)
start server env PAYDAY_ADDR="127.0.0.1:$PORT" PAYDAY_DATA_DIR="$OUT/data" PAYDAY_LOG=warn "$TARGET/server"
SERVER_PID=$PID
BASE="http://127.0.0.1:$PORT"
wait_for_http "$BASE/readyz" 30
TOKEN=$(sign_in "$BASE")
log "seeding 50 tasks, 2 pay schedules, 30 bills"
seed_tasks "$BASE" "$TOKEN" 50
post "$BASE" /api/v1/pay-schedules "$TOKEN" '{"name":"Alex","amount":240000,"frequency":"biweekly","anchor_date":"2026-11-06"}'
post "$BASE" /api/v1/pay-schedules "$TOKEN" '{"name":"Sam","amount":310000,"frequency":"semimonthly","days":[15,"last"]}'
for i in $(seq 1 30); do
  post "$BASE" /api/v1/bills "$TOKEN" "{\"name\":\"Bill $i\",\"amount\":$((1000 + i * 731)),\"recurrence\":{\"kind\":\"monthly\",\"day\":$(( (i % 31) + 1 ))}}"
done
[[ $(curl -sf "$BASE/api/v1/tasks?limit=50" -H "authorization: Bearer $TOKEN" | json '["items"].__len__()') == 50 ]] ||
  die "the task list does not return 50 tasks"
AUTH=(-H "Authorization: Bearer $TOKEN")
curl -sf "$BASE/api/v1/tasks?limit=50" "${AUTH[@]}" >"$OUT/list-body.json"
sample_rss "$SERVER_PID" "$OUT/rss-server.txt"
run "GET /api/v1/tasks (50)" "$C" "$BASE/api/v1/tasks?limit=50" "${AUTH[@]}"
run "GET /api/v1/tasks (50)" "$HEAVY" "$BASE/api/v1/tasks?limit=50" "${AUTH[@]}"
run "GET /api/v1/budget/summary" "$C" "$BASE/api/v1/budget/summary" "${AUTH[@]}"
cat >"$OUT/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"title":"Load-test task","priority":"low"}'
wrk.headers["Content-Type"] = "application/json"
LUA
run "POST /api/v1/tasks" "$C" "$BASE/api/v1/tasks" "${AUTH[@]}" -s "$OUT/post.lua"
SERVER_RSS=$(peak_rss_kib "$OUT/rss-server.txt")
kill "$SERVER_PID"

# The second ceiling: bare axum sending the very bytes of the 50-task list (no auth, no store, no middleware).
start hello-body "$TARGET/hello" "127.0.0.1:$HELLO_PORT" "$OUT/list-body.json"
wait_for_http "http://127.0.0.1:$HELLO_PORT/" 30
run "same list body, bare axum (ceiling)" "$HEAVY" "http://127.0.0.1:$HELLO_PORT/body"
kill "$PID"

# --- DynamoDB (moto_server) --------------------------------------------------------------------------------
MOTO_PORT=$(free_port)
start moto "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT"
wait_for_http "http://127.0.0.1:$MOTO_PORT/moto-api/" 30
DDB_ENV=(PAYDAY_STORE=dynamodb PAYDAY_DYNAMODB_TABLE=bench AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true)
env "${DDB_ENV[@]}" PAYDAY_DATA_DIR="$OUT/data-ddb" PAYDAY_LOG=warn "$TARGET/server" init-store >/dev/null
DPORT=$(free_port)
start server-ddb env "${DDB_ENV[@]}" PAYDAY_ADDR="127.0.0.1:$DPORT" PAYDAY_DATA_DIR="$OUT/data-ddb" PAYDAY_LOG=warn "$TARGET/server"
DBASE="http://127.0.0.1:$DPORT"
wait_for_http "$DBASE/readyz" 30
DTOKEN=$(sign_in "$DBASE")
seed_tasks "$DBASE" "$DTOKEN" 50
SUB=$(echo "$DTOKEN" | cut -d. -f2 | "$VENV/bin/python" -c 'import base64,json,sys; s=sys.stdin.read().strip(); print(json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))["sub"])')
run "dynamodb: GET /api/v1/tasks (50) via Payday" "$C" "$DBASE/api/v1/tasks?limit=50" -H "Authorization: Bearer $DTOKEN"
# The Query Payday sends for that list (backend/src/store/dynamodb.rs, list_tasks), straight to moto.
cat >"$OUT/query.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"TableName":"bench","IndexName":"LSI1","KeyConditionExpression":"PK = :pk AND begins_with(LSI1SK, :lo)","ExpressionAttributeValues":{":pk":{"S":"USER#$SUB"},":lo":{"S":"TASK#"}},"ConsistentRead":true,"Limit":51}'
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.Query"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
LUA
items=$(curl -sf -X POST "http://127.0.0.1:$MOTO_PORT/" -H 'content-type: application/x-amz-json-1.0' \
  -H 'x-amz-target: DynamoDB_20120810.Query' \
  -H 'authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
  -d "$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$OUT/query.lua")" | json '["Count"]')
[[ "$items" == 50 ]] || die "the direct Query returned $items items, not 50"
run "dynamodb: the same Query straight to moto" "$C" "http://127.0.0.1:$MOTO_PORT/" -s "$OUT/query.lua"

# --- Lambda: cold start of a release build (this CPU) and the arm64 zip -------------------------------------
log "Lambda: the zip's build for this CPU (profile lambda, DynamoDB-only features); cold start against the Runtime API emulator"
cargo build --quiet --profile lambda --locked -p backend --bin lambda --no-default-features --features dynamodb \
  --target-dir "${CARGO_TARGET_DIR:-target}/lambda-x86"
PAYDAY_TEST_LAMBDA_BIN="$(realpath "${CARGO_TARGET_DIR:-target}/lambda-x86/lambda/lambda")" \
  cargo test --quiet --locked -p backend --test lambda cold_start -- --nocapture >"$OUT/lambda-cold-start.txt" 2>&1
cold_memory=$(sed -n 's/.*\[memory store.*median of [0-9]*: //p' "$OUT/lambda-cold-start.txt")
cold_deployed=$(sed -n 's/.*\[dynamodb store.*median of [0-9]*: //p' "$OUT/lambda-cold-start.txt")
[[ -n "$cold_deployed" ]] || die "no cold start figure in $OUT/lambda-cold-start.txt"
bash scripts/build-lambda.sh
ZIP="${CARGO_TARGET_DIR:-target}/lambda/lambda/bootstrap.zip"
zip_bytes=$(stat -c %s "$ZIP")
log "Lambda cold start median: $cold_deployed as deployed ($cold_memory with the memory store); arm64 zip $zip_bytes bytes"

# --- results -----------------------------------------------------------------------------------------------
pct() { "$VENV/bin/python" -c "print(f'{100 * $1 / $2:.0f} %')"; }
list_vs_hello=$(pct "${RPS["GET /api/v1/tasks (50) c=$HEAVY"]}" "${RPS["hello (ceiling) c=$HEAVY"]}")
list_vs_body=$(pct "${RPS["GET /api/v1/tasks (50) c=$HEAVY"]}" "${RPS["same list body, bare axum (ceiling) c=$HEAVY"]}")
list_bytes=$(stat -c %s "$OUT/list-body.json")
ddb_vs_direct=$(pct "${RPS["dynamodb: GET /api/v1/tasks (50) via Payday c=$C"]}" "${RPS["dynamodb: the same Query straight to moto c=$C"]}")
list_p99=${P99["GET /api/v1/tasks (50) c=$C"]}
cpu=$(awk -F: '/model name/{gsub(/^ +/,"",$2); print $2; exit}' /proc/cpuinfo)
{
  echo "<!-- bench:begin (written by scripts/bench.sh; do not edit by hand) -->"
  echo "Run $(date -u +%Y-%m-%d) on $(nproc) × $cpu, $(uname -sr); $(rustc --version | cut -d' ' -f1-2), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), moto 5.2.5."
  echo "Server under test on CPU 0, wrk (1 thread) on CPU 1; ${SECS} s per run; release build; \`make bench\`."
  echo
  echo "| scenario | connections | req/s | p50 | p99 | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "| target | result |"
  echo "|---|---|"
  echo "| authenticated list ≥ 25 % of the hello ceiling (c=$HEAVY) | $list_vs_hello (of bare axum sending the same $list_bytes-byte body: $list_vs_body) |"
  echo "| list via DynamoDB ≥ 90 % of the direct Query rate | $ddb_vs_direct |"
  echo "| server peak RSS ≤ 30 MiB under load (embedded store) | $((SERVER_RSS / 1024)) MiB (hello: $((HELLO_RSS / 1024)) MiB) |"
  echo "| p99 ≤ 5 ms at moderate concurrency (list, c=$C) | $list_p99 |"
  echo "| Lambda init ≤ 15 ms (profile lambda, x86_64, process start → first poll, median of 11; DynamoDB + Cognito config) | $cold_deployed (memory store: $cold_memory) |"
  echo "| Lambda zip ≤ 6 MB (arm64, scripts/build-lambda.sh) | $(( zip_bytes / 1000 )) kB |"
  echo "<!-- bench:end -->"
} >"$OUT/results.md"
cat "$OUT/results.md"
if [[ "${BENCH_WRITE_DOCS:-1}" == 1 ]]; then
  "$VENV/bin/python" - "$OUT/results.md" docs/benchmarks.md <<'PY'
import re, sys
results, doc = open(sys.argv[1]).read().strip(), sys.argv[2]
text = open(doc).read()
pattern = re.compile(r"<!-- bench:begin.*?<!-- bench:end -->", re.S)
if not pattern.search(text):
    sys.exit(f"{doc} has no bench:begin/bench:end markers")
open(doc, "w").write(pattern.sub(lambda _: results, text))
PY
  log "docs/benchmarks.md updated"
fi
