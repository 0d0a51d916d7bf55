#!/usr/bin/env bash
# API fuzzing from the OpenAPI document (reliability suite, part of `make test`): schemathesis (pinned, own venv)
# generates requests for every documented operation against the real `server` (debug build, embedded store in a
# temporary directory, signed in as a fresh user) and checks: no 5xx, documented responses match their schemas.
# Then every recorded request/response is checked here: at least FUZZ_MIN_REQUESTS requests, zero 5xx, and
# every 4xx body is a valid `ApiError` (the documented error schema) carrying the request's `x-request-id`.
#   FUZZ_MAX_EXAMPLES (default 60 per operation), FUZZ_MIN_REQUESTS (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

SCHEMATHESIS=4.32.5
FUZZ_VENV="$TOOLS_DIR/fuzz-venv" # own venv: schemathesis pins other versions than moto
VENV="$FUZZ_VENV" pip_pinned "schemathesis==$SCHEMATHESIS"

server="${CARGO_TARGET_DIR:-target}/debug/server"
[[ -x "$server" ]] || cargo build --quiet -p backend --bin server --locked
out="$PWD/test-output/fuzz"
rm -rf "$out" && mkdir -p "$out"
port=$(free_port)
data=$(mktemp -d)
PAYDAY_ADDR="127.0.0.1:$port" PAYDAY_DATA_DIR="$data" PAYDAY_LOG=warn "$server" >"$out/server.log" 2>&1 &
server_pid=$!
on_exit "kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null; rm -rf '$data'"
base="http://127.0.0.1:$port"
wait_for_http "$base/readyz" 60

credentials='{"email":"fuzz@example.com","password":"correct horse battery"}'
curl -sf -X POST "$base/api/v1/auth/register" -H 'content-type: application/json' -d "$credentials" >/dev/null
token=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' -d "$credentials" |
  "$FUZZ_VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

log "schemathesis $SCHEMATHESIS against $base (max ${FUZZ_MAX_EXAMPLES:-60} examples per operation)"
"$FUZZ_VENV/bin/schemathesis" run "$base/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "${FUZZ_MAX_EXAMPLES:-60}" \
  --request-timeout 10 --workers 2 --seed 20261122 --suppress-health-check all \
  --report ndjson --report-dir "$out" --no-color >"$out/schemathesis.txt" 2>&1 ||
  { tail -n 80 "$out/schemathesis.txt" >&2; die "schemathesis found failures (full output: $out/schemathesis.txt)"; }
tail -n 12 "$out/schemathesis.txt" >&2

"$FUZZ_VENV/bin/python" - "$out" "${FUZZ_MIN_REQUESTS:-1000}" "$base" <<'PY'
import base64, glob, json, sys, urllib.request
import jsonschema_rs

out, minimum, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
spec = json.load(urllib.request.urlopen(f"{base}/api/v1/openapi.json"))
error_schema = dict(spec["components"]["schemas"]["ApiError"], components=spec["components"])
validator = jsonschema_rs.Draft202012Validator(error_schema)

def interactions(node):
    """(request, response) pairs anywhere in one schemathesis ndjson event."""
    if isinstance(node, dict):
        if isinstance(node.get("request"), dict) and "response" in node:
            yield node["request"], node["response"]
        else:
            for value in node.values():
                yield from interactions(value)
    elif isinstance(node, list):
        for value in node:
            yield from interactions(value)

def text(content):
    if isinstance(content, dict) and "$base64" in content:
        return base64.b64decode(content["$base64"]).decode()
    return content if isinstance(content, str) else ""

reports = glob.glob(f"{out}/*.ndjson")
assert reports, f"no ndjson report in {out}"
total, statuses, bad = 0, {}, []
for report in reports:
    with open(report) as f:
        for line in f:
            for request, response in interactions(json.loads(line)) if line.strip() else ():
                if not isinstance(response, dict) or "status_code" not in response:
                    continue
                total += 1
                status = response["status_code"]
                statuses[status] = statuses.get(status, 0) + 1
                what = f"{status} for {request.get('method')} {request.get('uri')}"
                if status >= 500:
                    bad.append(what)
                elif status >= 400 and request.get("method") != "HEAD":
                    body = text(response.get("content"))
                    try:
                        document = json.loads(body)
                        validator.validate(document)
                        request_id = response["headers"]["x-request-id"][0]
                        assert document["request_id"] == request_id, "request_id differs from x-request-id"
                    except Exception as error:
                        bad.append(f"{what}: not a valid ApiError ({error}): {body[:200]}")
print(f"fuzz: {total} requests, statuses {dict(sorted(statuses.items()))}")
assert not bad, "\n".join(bad[:20])
assert total >= minimum, f"only {total} requests were made (want at least {minimum})"
PY
log "API fuzzing passed"
