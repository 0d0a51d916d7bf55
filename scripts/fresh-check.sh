#!/usr/bin/env bash
# The fresh-machine check: runs the README's two commands the way a new user's machine would, and prints the time
# of each phase. Run it whenever a change touches the build (Makefile, scripts/, Cargo.toml profiles, .ci/run,
# frontend/Trunk.toml, e2e/package*.json) and put its figures in your note.
#
#   bash scripts/fresh-check.sh            # checks the committed HEAD (commit first: a fresh clone has only that)
#
# What is fresh: a `git clone` of HEAD in a temporary folder (no target/, .tools/, node_modules, frontend/dist or
# data/), an empty CARGO_HOME (no registry cache, no installed cargo tools: the rustup toolchain stays, as on a new
# machine with Rust installed), empty npm and pip caches. What is not: system packages (Debian chromium, once a
# run has installed it) and the rustup targets (wasm32 is added by the scripts when missing).
#   FRESH_DIR=DIR        work there instead of a new temporary folder (must not exist or be empty)
#   FRESH_KEEP=1         keep the folder afterwards (default: removed on success, kept on failure)
#   FRESH_PHASES="run test"   which README commands to run, in order (add "lint" for what .ci/run adds)
#   FRESH_CARGO_HOME=DIR use this CARGO_HOME instead of a new one; it must hold no registry and no installed tools
#                        (on a brand-new machine, ~/.cargo: the check then also warms the developer's cache)
#   FRESH_RUN_TIMEOUT=SECONDS  how long `make run` may take to answer (default 5400)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/scripts/lib.sh"

dir=${FRESH_DIR:-$(mktemp -d /tmp/payday-fresh.XXXXXX)}
mkdir -p "$dir"
[[ -z "$(ls -A "$dir")" ]] || die "$dir is not empty"
phases=${FRESH_PHASES:-run test}
results=()
phase_start=0
begin() { phase_start=$SECONDS; log "fresh-check: $1"; }
finish() { results+=("$(printf '%-44s %6d s  (%s)' "$1" $((SECONDS - phase_start)) "$2")"); }
report() {
  printf '\n== fresh-check summary (%s, %s cores, commit %s) ==\n' "$(date -u +%FT%TZ)" "$(nproc)" "$commit"
  printf '%s\n' "${results[@]}"
  printf '%-44s %6d s\n' "total" "$SECONDS"
}

# The new user's environment: a rustup toolchain and nothing cargo installed. Only rustup's own proxies are put on
# PATH, so tools installed in the developer's ~/.cargo/bin (trunk, wasm-bindgen, cfn-guard) cannot leak in.
rustup_bin=$(dirname "$(rustup which cargo 2>/dev/null || command -v cargo)")
export CARGO_HOME="${FRESH_CARGO_HOME:-$dir/cargo-home}"
if [[ -n "${FRESH_CARGO_HOME:-}" ]]; then
  [[ ! -e "$CARGO_HOME/registry" && ! -e "$CARGO_HOME/.crates.toml" ]] ||
    die "FRESH_CARGO_HOME=$CARGO_HOME is not empty (it has a registry or cargo-installed tools)"
fi
mkdir -p "$CARGO_HOME/bin" "$dir/toolchain-bin"
for tool in cargo rustc rustup rustfmt cargo-fmt cargo-clippy clippy-driver rustdoc; do
  src=$(command -v "$tool" 2>/dev/null || true)
  [[ -n "$src" ]] && ln -sf "$src" "$dir/toolchain-bin/$tool"
done
clean_path=$(tr ':' '\n' <<<"$PATH" | grep -vE "^($HOME/\.cargo/bin|${CARGO_HOME_ORIG:-$HOME/.cargo}/bin)/?$" | paste -sd:)
export PATH="$CARGO_HOME/bin:$dir/toolchain-bin:$clean_path"
export npm_config_cache="$dir/npm-cache" PIP_NO_CACHE_DIR=1 XDG_CACHE_HOME="$dir/cache"
unset CARGO_TARGET_DIR RUSTC_WRAPPER CARGO_BUILD_TARGET_DIR TOOLS_DIR VENV
log "fresh-check in $dir (CARGO_HOME empty; PATH without ~/.cargo/bin; toolchain: $rustup_bin)"

begin "git clone"
git clone --quiet --no-local "$repo" "$dir/payday"
commit=$(git -C "$dir/payday" rev-parse --short HEAD)
[[ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ]] ||
  log "warning: $repo has uncommitted changes; the check runs the committed $commit"
finish "git clone" "commit $commit"
cd "$dir/payday"

for phase in $phases; do
  case $phase in
    run)
      begin "make run (until /healthz and / answer)"
      # Its own process group, so the server that `make run` leaves running is stopped with it.
      setsid make run >"$dir/make-run.log" 2>&1 &
      run_pid=$!
      on_exit "kill -TERM -- -$run_pid 2>/dev/null || true"
      deadline=$((SECONDS + ${FRESH_RUN_TIMEOUT:-5400}))
      seen=0
      until curl -sf http://127.0.0.1:3000/healthz >/dev/null 2>&1; do
        kill -0 "$run_pid" 2>/dev/null || { tail -n 40 "$dir/make-run.log" >&2; die "make run exited before serving (log: $dir/make-run.log)"; }
        (( SECONDS < deadline )) || die "make run did not answer within ${FRESH_RUN_TIMEOUT:-5400} s"
        # Pass on the scripts' progress lines ("==> [123s] ...") as they come.
        lines=$(grep -c '==> ' "$dir/make-run.log" 2>/dev/null || true)
        if (( lines > seen )); then grep '==> ' "$dir/make-run.log" | tail -n +$((seen + 1)) >&2; seen=$lines; fi
        sleep 2
      done
      curl -sf http://127.0.0.1:3000/ | grep -q '<title>Payday</title>' || die "/ does not serve the web UI"
      finish "make run -> /healthz and / answer" "UI served at http://127.0.0.1:3000"
      kill -TERM -- -"$run_pid" 2>/dev/null || true
      wait "$run_pid" 2>/dev/null || true
      ;;
    test | lint)
      begin "make $phase"
      if make "$phase" >"$dir/make-$phase.log" 2>&1; then
        finish "make $phase" "green; log $dir/make-$phase.log"
      else
        finish "make $phase" "FAILED; log $dir/make-$phase.log"
        tail -n 60 "$dir/make-$phase.log" >&2
        report
        die "make $phase failed on a fresh machine (folder kept: $dir)"
      fi
      grep -E '^test result:|passed|==> \[' "$dir/make-$phase.log" | tail -n 25 >&2 || true
      ;;
    *) die "unknown phase $phase (run, test, lint)" ;;
  esac
done

report
if [[ "${FRESH_KEEP:-0}" != 1 ]]; then
  rm -rf "$dir"
else
  log "kept $dir"
fi
