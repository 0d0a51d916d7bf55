# Shared helpers for Payday's scripts. Source it: `source scripts/lib.sh`.
# Tools live under .tools/ (git-ignored) and are installed once, at pinned versions.

TOOLS_DIR="${TOOLS_DIR:-$PWD/.tools}"
VENV="$TOOLS_DIR/venv"
mkdir -p "$TOOLS_DIR"

log() { printf '\033[1;34m==> [%ss] %s\033[0m\n' "$SECONDS" "$*" >&2; }
die() { printf '\033[1;31merror: %s\033[0m\n' "$*" >&2; exit 1; }

# Commands to run when the calling script exits (servers to stop), last registered first.
_EXIT_HOOKS=()
on_exit() { _EXIT_HOOKS+=("$1"); }
_run_exit_hooks() {
  local i
  for ((i = ${#_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do eval "${_EXIT_HOOKS[$i]}" || true; done
}
trap _run_exit_hooks EXIT

# Never die silently: under `set -e` a failing command ends the script, so say which one and where.
set -E
trap 'rc=$?; [[ $- != *e* ]] || log "failed (exit $rc): ${BASH_COMMAND} at ${BASH_SOURCE[0]}:${LINENO}"' ERR

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for_http URL [seconds]: polls until the URL answers (any status) or fails after the timeout.
wait_for_http() {
  local url=$1 timeout=${2:-30} start=$SECONDS
  until curl -s -o /dev/null "$url"; do
    (( SECONDS - start > timeout )) && die "$url did not come up within ${timeout}s"
    sleep 0.2
  done
}

# The Python venv for test tools (moto, linters), created on first use.
# A half-made venv (interpreter but no pip) is removed and made again. When the stdlib `venv` cannot make one
# (e.g. a Debian python3 without python3-venv/ensurepip), `virtualenv` (pinned, from PyPI) makes it instead.
ensure_venv() {
  if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then return 0; fi
  rm -rf "$VENV"
  local py
  py=$(command -v python3 || command -v python || true)
  [[ -n "$py" ]] || die "python3 is needed for the test tools (moto, SecantusDB, linters); install Python 3.9+"
  log "creating Python venv at $VENV with $py ($("$py" --version 2>&1))"
  local logf="$TOOLS_DIR/venv-create.log"
  if "$py" -m venv "$VENV" >"$logf" 2>&1 && "$VENV/bin/python" -m pip --version >>"$logf" 2>&1; then return 0; fi
  log "stdlib venv failed ($(tail -n 3 "$logf" | tr '\n' ' ')); trying virtualenv"
  rm -rf "$VENV"
  "$py" -m pip install --quiet --disable-pip-version-check --target "$TOOLS_DIR/virtualenv" virtualenv==20.29.3 \
    >>"$logf" 2>&1 || { cat "$logf" >&2; die "could not install virtualenv with $py -m pip; see above"; }
  PYTHONPATH="$TOOLS_DIR/virtualenv" "$py" -m virtualenv "$VENV" >>"$logf" 2>&1 ||
    { cat "$logf" >&2; die "could not create the Python venv at $VENV; see above"; }
}

# pip_pinned PACKAGE==VERSION [...]: installs into the venv unless already at that version.
pip_pinned() {
  ensure_venv
  local spec missing=()
  for spec in "$@"; do
    local name=${spec%%==*} want=${spec##*==}
    name=${name%%[*}
    local have
    have=$("$VENV/bin/python" -m pip show "$name" 2>/dev/null | awk '/^Version:/{print $2}' || true)
    [[ "$have" == "$want" ]] || missing+=("$spec")
  done
  if ((${#missing[@]})); then
    log "pip install ${missing[*]}"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
  fi
}

# tool_install ARGS...: `cargo install` for our tools, built for a short build rather than peak speed (opt-level 1,
# no LTO, parallel codegen, no debug info): the tools only do small jobs here, and on a fresh 2-core machine the
# installs are the longest part of the first `make test`. Overrides the tools' own release profiles.
tool_install() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_INCREMENTAL=false \
    cargo install "$@"
}

# cargo_pinned CRATE VERSION [BINARY] [extra cargo install args...]: installs unless `BINARY --version` matches.
cargo_pinned() {
  local crate=$1 version=$2 bin=${3:-$1}
  shift 3 || shift $#
  if ! "$bin" --version 2>/dev/null | grep -q "$version"; then
    log "cargo install $crate $version (first run only; this takes a while)"
    tool_install "$crate" --version "$version" "$@"
  fi
}
