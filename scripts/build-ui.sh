#!/usr/bin/env bash
# Builds the web UI into frontend/dist for release: content-hashed names, wasm-opt -Oz, the JS glue minified by
# terser (e2e/minify-js.mjs, integrity hash rewritten), and precompressed .br/.gz copies the server sends when the
# browser accepts them. Installs the pinned UI tools on first use only (`make run` needs only these; the browser and
# the test servers are `make test`'s):
# Trunk, wasm-bindgen-cli (must equal the wasm-bindgen in Cargo.lock), and npm binaryen 132 for wasm-opt
# (never Debian's binaryen 108: its output dies on load). Fails if the brotli total is over the size budget in
# e2e/precompress.mjs only with UI_ENFORCE_BUDGET=1, as scripts/test-e2e.sh (`make test`) runs it: `make run` warns
# but still serves a bigger UI. UI_BUDGET_KB overrides the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130

locked=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
[[ "$locked" == "$WASM_BINDGEN_VERSION" ]] ||
  die "Cargo.lock has wasm-bindgen $locked but the UI tools are pinned to $WASM_BINDGEN_VERSION (scripts/build-ui.sh, frontend/Trunk.toml, frontend/Cargo.toml)"

rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
cargo_pinned trunk "$TRUNK_VERSION" trunk --locked
# Without --locked: the CLI's lockfile names a crate version the registry mirror lacks (docs in TOOLCHAIN.md).
cargo_pinned wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen

# npm packages (binaryen's wasm-opt, playwright-core) — reinstalled only when package-lock.json changes.
stamp=e2e/node_modules/.payday-lock
if [[ ! -f $stamp ]] || ! cmp -s e2e/package-lock.json "$stamp"; then
  log "npm ci (e2e/)"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
  cp e2e/package-lock.json "$stamp"
fi
# Trunk takes the first wasm-opt on PATH whose version matches Trunk.toml's `version_132`.
export PATH="$PWD/e2e/node_modules/.bin:$PATH"
wasm-opt --version | grep -q 'version 132' || die "wasm-opt 132 not found in e2e/node_modules"

# Stable Rust only: no bootstrap override, no unstable -Z options (a rebuilt std needs crates a fresh cargo cache lacks, and
# the next toolchain may break it). Size comes from the wasm-release profile and wasm-opt -Oz (docs/benchmarks.md).
log "trunk build --release (frontend/dist)"
(cd frontend && trunk build --release --locked)
log "minify the JS glue (terser) and update its integrity hash"
node e2e/minify-js.mjs frontend/dist
log "precompress + sizes"
UI_ENFORCE_BUDGET="${UI_ENFORCE_BUDGET:-0}" node e2e/precompress.mjs frontend/dist
