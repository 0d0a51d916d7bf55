# Payday — the developer entry points. `make run` starts the app; `make test` runs every test.
# Tools are installed on first use (pinned versions) and reused afterwards.

SHELL := /bin/bash
CARGO ?= cargo

.PHONY: run run-release test lint fmt check-wasm bench

## run: build the web UI, then start Payday at http://127.0.0.1:3000 (embedded store in ./data, local sign-in).
## The server is the dev build `make test` also makes (its CPU-bound crates are optimised in Cargo.toml), not the
## release profile: a first run on 2 cores saves ~20 min. `make run-release` for the deployed profile.
run:
	bash scripts/build-ui.sh
	@printf '\033[1;34m==> cargo run -p backend --bin server (dev profile; the first build takes ~10 min)\033[0m\n' >&2
	$(CARGO) run --locked -p backend --bin server -- --static-dir frontend/dist

run-release:
	bash scripts/build-ui.sh
	$(CARGO) run --release --locked -p backend --bin server -- --static-dir frontend/dist

## test: every test suite (unit, API over real HTTP, store contract, crash safety)
test:
	time bash scripts/test.sh

## lint: formatting, clippy with warnings as errors (every member on the host, the web UI also for wasm32),
## the shared crate's wasm32 build, and the dependency policy (cargo deny, offline: licenses, bans, sources)
lint: check-wasm
	$(CARGO) fmt --all -- --check
	bash scripts/deny.sh
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) clippy -p frontend --target wasm32-unknown-unknown --locked -- -D warnings

check-wasm:
	@rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	$(CARGO) check -p shared --target wasm32-unknown-unknown --locked

fmt:
	$(CARGO) fmt --all

## bench: HTTP load tests beside their ceilings (wrk, release build); writes docs/benchmarks.md. Not part of test.
bench:
	bash scripts/bench.sh
