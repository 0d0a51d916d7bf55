# syntax=docker/dockerfile:1.7
# Payday container image: the `server` binary (static, musl) and the built web UI on distroless/static, non-root.
#   docker build -t payday .                       # native arch (CI builds arm64 on arm64 runners)
#   docker run --rm -p 127.0.0.1:8080:8080 payday  # embedded store in /data, local sign-in
# Stages: chef (tools) -> planner (dependency recipe) -> server / ui (dependencies cooked in their own layer, so
# a source change rebuilds only our crates) -> runtime (~2 MB base + binary + UI; target < 40 MB).

# Base images: each external FROM is written out in full, tag and digest on one line, so a pin (or its update)
# is a one-line change that Dependabot's docker updates can read and propose (.github/dependabot.yml; it cannot
# follow an ARG in FROM). The digests are NOT filled in yet: the machine this was written on had no registry
# access, and a digest nobody resolved must not be invented. CI (ci.yml job base-images, with registry access)
# fails until they are and prints the exact line to use: infra/scripts/check-base-images. Rust stays 1.95.0,
# the toolchain the rest of the repository pins.
FROM rust:1.95.0-slim-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /app

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

# ---- server: static musl binary (aws-lc-sys builds with musl-gcc; no OpenSSL) --------------------------------
FROM chef AS server
ARG TARGETARCH
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/*
RUN case "${TARGETARCH:-amd64}" in \
      amd64) echo x86_64-unknown-linux-musl ;; \
      arm64) echo aarch64-unknown-linux-musl ;; \
      *) echo "unsupported TARGETARCH ${TARGETARCH}" >&2; exit 1 ;; \
    esac > /rust-target \
 && rustup target add "$(cat /rust-target)"
COPY --from=planner /app/recipe.json recipe.json
RUN cargo chef cook --release --locked --target "$(cat /rust-target)" --package backend --bin server --recipe-path recipe.json
COPY . .
RUN cargo build --release --locked --target "$(cat /rust-target)" --package backend --bin server \
 && cp "target/$(cat /rust-target)/release/server" /server \
 && mkdir -p /empty-data

# ---- ui: Trunk release build (versions as in frontend/Trunk.toml; wasm-opt from npm binaryen, never Debian's) --
FROM chef AS ui
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/* \
 && npm install --global binaryen@132.0.0 \
 && rustup target add wasm32-unknown-unknown \
 && cargo install trunk --locked --version 0.21.14 \
 && cargo install wasm-bindgen-cli --version 0.2.130
COPY --from=planner /app/recipe.json recipe.json
# The wasm build's flags (Leptos' erase_components), so the cooked dependencies match the UI build below.
COPY .cargo .cargo
RUN cargo chef cook --profile wasm-release --locked --target wasm32-unknown-unknown --package frontend --recipe-path recipe.json
COPY . .
RUN bash scripts/build-ui.sh

# ---- runtime ----------------------------------------------------------------------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=server /server /server
COPY --from=ui /app/frontend/dist /ui
COPY --from=server --chown=65532:65532 /empty-data /data
ENV PAYDAY_ADDR=0.0.0.0:8080 \
    PAYDAY_STATIC_DIR=/ui \
    PAYDAY_DATA_DIR=/data \
    PAYDAY_LOG_FORMAT=json \
    PAYDAY_SHUTDOWN_GRACE_SECS=20
USER 65532:65532
EXPOSE 8080
VOLUME ["/data"]
# The server drains in-flight requests for PAYDAY_SHUTDOWN_GRACE_SECS after SIGTERM (orchestrators: stop
# timeout > grace, e.g. ECS StopTimeout 30, `docker stop -t 30`).
STOPSIGNAL SIGTERM
# No shell in the image: the binary checks itself (GET /healthz on PAYDAY_ADDR, exit 0/1).
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 CMD ["/server", "healthcheck"]
ENTRYPOINT ["/server"]
