#!/usr/bin/env bash
# PostgreSQL 15 + pgvector for the RefineMemory.Postgres tests and `--db postgresql://...`; idempotent and fast when
# done. Debian serves postgresql-15 and postgresql-server-dev-15 but not pgvector, which is built from the vendored
# source in ../shared/vendor (PostgreSQL License). Needs root for apt and `make install`; without it, it says in one
# line what to run, leaves the machine alone and exits non-zero (the Postgres tests then fail with the same
# instructions). Safe to run twice at once (a machine-wide lock); prints no error when nothing is wrong.
set -euo pipefail
cd "$(dirname "$0")/../.."
PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PGVECTOR_VERSION=0.8.6
PGVECTOR_TARBALL="${REFINE_SHARED_DIR:-../shared}/vendor/pgvector-$PGVECTOR_VERSION.tar.gz"
PGVECTOR_SHA256=5743dac39fdfa740533cf95e71b033bd5513b71dda194b3cf19464ccbf76f3fb

# shellcheck source=../apt.sh
source eng/apt.sh
# pgvector's `make install` and apt are machine-wide: one set-up at a time on this machine.
lock postgres-setup

mapfile -t missing < <(missing_postgres_packages "$PG_MAJOR")
if ((${#missing[@]} > 0)); then
  echo "setup: postgres: installing ${missing[*]} (apt)"
  apt_install "${missing[@]}"
fi

ext_dir=$("$PG_BIN/pg_config" --sharedir)/extension
if [[ -f $ext_dir/vector--$PGVECTOR_VERSION.sql && -f $("$PG_BIN/pg_config" --pkglibdir)/vector.so ]]; then
  echo "setup: postgres: PostgreSQL $PG_MAJOR with pgvector $PGVECTOR_VERSION in place"
  exit 0
fi

[[ -f $PGVECTOR_TARBALL ]] || { echo "setup: error: $PGVECTOR_TARBALL is missing (../shared beside the checkout)" >&2; exit 1; }
echo "$PGVECTOR_SHA256  $PGVECTOR_TARBALL" | sha256sum --quiet -c - >/dev/null 2>&1 \
  || { echo "setup: error: $PGVECTOR_TARBALL does not have the SHA-256 $PGVECTOR_SHA256" >&2; exit 1; }
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
echo "setup: postgres: building pgvector $PGVECTOR_VERSION"
tar -xzf "$PGVECTOR_TARBALL" -C "$build"
# The compiler's output goes to a log: a warning is no error, and a failure is told in one line.
make -s -C "$build/pgvector-$PGVECTOR_VERSION" PG_CONFIG="$PG_BIN/pg_config" >"$build/make.log" 2>&1 \
  || { echo "setup: error: building pgvector $PGVECTOR_VERSION failed: $(grep -m1 -i 'error' "$build/make.log" || tail -n1 "$build/make.log")" >&2; exit 1; }
as_root make -s -C "$build/pgvector-$PGVECTOR_VERSION" install PG_CONFIG="$PG_BIN/pg_config" >/dev/null
echo "setup: postgres: pgvector $PGVECTOR_VERSION installed into $ext_dir"
