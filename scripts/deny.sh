#!/usr/bin/env bash
# Supply-chain policy for the Rust dependency tree, with cargo-deny and the committed deny.toml.
#   bash scripts/deny.sh              # `make lint`: licenses, bans (duplicates, wildcards), sources — offline
#   bash scripts/deny.sh advisories   # CI only: RustSec advisory database (needs the network to fetch it)
# cargo-deny is installed once, pinned (cargo install --locked, ~5–10 min from source), and reused afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

CARGO_DENY=0.20.2

command -v cargo >/dev/null || die "cargo is needed (install Rust 1.95)"
cargo_pinned cargo-deny "$CARGO_DENY" cargo-deny --locked

case "${1:-offline}" in
  offline)
    # "Offline" means no advisory database; the checks still read every locked crate's manifest (all targets:
    # wasm, arm64, every store), which a fresh machine has not downloaded yet.
    log "cargo fetch --locked (every crate in Cargo.lock, for cargo deny)"
    cargo fetch --locked --quiet
    log "cargo deny $CARGO_DENY (offline): licenses, bans, sources"
    cargo deny --offline --locked check --show-stats bans licenses sources
    ;;
  advisories)
    log "cargo deny $CARGO_DENY: advisories (fetches the RustSec database)"
    cargo deny --locked check --show-stats advisories
    ;;
  *)
    die "usage: scripts/deny.sh [offline|advisories]"
    ;;
esac
