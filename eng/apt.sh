# Sourced by eng/setup.sh and eng/postgres/setup.sh: root commands and one apt step for missing Debian packages.
# Quiet when all is well; one line on stderr and a non-zero status when something cannot be installed.

# as_root CMD...: runs CMD as root (directly, or through passwordless sudo); otherwise says what needs root.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else
    echo "setup: error: '$*' needs root; run ${0#./} as root" >&2
    return 1
  fi
}

# apt_install PACKAGE...: installs the packages with apt-get, in one step. The package lists are refreshed first
# only when one of the packages has no install candidate in them (a fresh machine's lists are empty), so apt never
# prints "Unable to locate package" for a package it would have found after the refresh, and a machine whose lists
# are current installs offline. apt's output goes to a log; on failure its first error is the one line printed.
apt_install() {
  local log status=0 pkg
  log=$(mktemp)
  for pkg in "$@"; do
    if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [^(]'; then
      as_root apt-get update -q >"$log" 2>&1 || status=$?
      break
    fi
  done
  if ((status == 0)); then
    # DPkg::Lock::Timeout: another apt or dpkg run (a second set-up, unattended upgrades) is waited for, not an error.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "$@" >"$log" 2>&1 || status=$?
  fi
  if ((status != 0)); then
    local why
    why=$(grep -m1 -E '^(E|Err):|needs root' "$log" || tail -n1 "$log")
    echo "setup: error: could not install $* with apt-get (exit $status): ${why:-no output}" >&2
  fi
  rm -f "$log"
  return "$status"
}

# lock NAME: holds an exclusive lock for the rest of the script, so two set-ups at once run one after the other
# instead of racing on apt, `make install` and half-unpacked folders.
lock() {
  local file="${TMPDIR:-/tmp}/refinememory-$1.lock"
  exec {REFINE_SETUP_LOCK_FD}>>"$file" 2>/dev/null || exec {REFINE_SETUP_LOCK_FD}<"$file"
  flock "$REFINE_SETUP_LOCK_FD"
}

# missing_postgres_packages MAJOR: the Debian packages of PostgreSQL MAJOR (server, and headers to build pgvector)
# that are not installed yet, one a line.
missing_postgres_packages() {
  [[ -x /usr/lib/postgresql/$1/bin/initdb ]] || echo "postgresql-$1"
  [[ -f /usr/include/postgresql/$1/server/postgres.h ]] || echo "postgresql-server-dev-$1"
}
