#!/usr/bin/env bash
# Builds the Lambda artifact: the `lambda` binary for arm64 (Graviton, provided.al2023), `lambda` profile (release,
# optimised for size: Cargo.toml), zipped as
# `bootstrap` by cargo-lambda (pinned, from PyPI, with its bundled zig as the cross linker).
#   Output: target/lambda/lambda/bootstrap.zip (path honours CARGO_TARGET_DIR). Prints the zip size.
#   LAMBDA_FEATURES  cargo features of `backend` (default: dynamodb — Lambda deployments use DynamoDB only; the
#                    MongoDB driver stays out of the zip and out of the cold start)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

CARGO_LAMBDA_VERSION=1.9.2
pip_pinned "cargo-lambda==$CARGO_LAMBDA_VERSION"
export PATH="$VENV/bin:$PATH"
rustup target list --installed | grep -q aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu

features=${LAMBDA_FEATURES:-dynamodb}
log "cargo lambda build --profile lambda --arm64 (backend features: $features)"
cargo lambda build --profile lambda --arm64 --locked --package backend --bin lambda \
  --no-default-features --features "$features" --output-format zip
zip="${CARGO_TARGET_DIR:-target}/lambda/lambda/bootstrap.zip"
[[ -f "$zip" ]] || die "cargo lambda did not produce $zip"
log "built $zip: $(stat -c %s "$zip") bytes (unzipped bootstrap: $(unzip -l "$zip" | awk 'END{print $1}') bytes)"
