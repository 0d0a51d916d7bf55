#!/usr/bin/env bash
# LocalStack "ready" hook (docker-compose.yml mounts it into /etc/localstack/init/ready.d/): creates the Payday
# table with the same keys, local index and TTL as infra/application.yml and backend/src/store/dynamodb.rs.
# Idempotent. scripts/test-infra.sh runs it against moto with AWSLOCAL pointing at a shim, and compares the
# result with the template.
set -euo pipefail
AWSLOCAL=${AWSLOCAL:-awslocal}
TABLE=${PAYDAY_DYNAMODB_TABLE:-payday}

if $AWSLOCAL dynamodb describe-table --table-name "$TABLE" >/dev/null 2>&1; then
  echo "init-dynamodb: table $TABLE exists"
  exit 0
fi
$AWSLOCAL dynamodb create-table \
  --table-name "$TABLE" \
  --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=PK,AttributeType=S AttributeName=SK,AttributeType=S AttributeName=LSI1SK,AttributeType=S \
  --key-schema AttributeName=PK,KeyType=HASH AttributeName=SK,KeyType=RANGE \
  --local-secondary-indexes 'IndexName=LSI1,KeySchema=[{AttributeName=PK,KeyType=HASH},{AttributeName=LSI1SK,KeyType=RANGE}],Projection={ProjectionType=ALL}' \
  >/dev/null
$AWSLOCAL dynamodb wait table-exists --table-name "$TABLE"
$AWSLOCAL dynamodb update-time-to-live --table-name "$TABLE" \
  --time-to-live-specification Enabled=true,AttributeName=expires >/dev/null
echo "init-dynamodb: created table $TABLE"
