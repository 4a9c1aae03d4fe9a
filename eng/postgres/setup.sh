#!/usr/bin/env bash
# PostgreSQL 15 + pgvector for the RefineMemory.Postgres tests and `--db postgresql://...`; idempotent and fast when
# done. Debian serves postgresql-15 and postgresql-server-dev-15 but not pgvector, which is built from the vendored
# source in ../shared/vendor (PostgreSQL License). Needs root for apt and `make install`; without it, it says what
# to run and leaves the machine alone (the Postgres tests then fail with the same instructions).
set -euo pipefail
cd "$(dirname "$0")/../.."
PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PGVECTOR_VERSION=0.8.6
PGVECTOR_TARBALL="${REFINE_SHARED_DIR:-../shared}/vendor/pgvector-$PGVECTOR_VERSION.tar.gz"
PGVECTOR_SHA256=5743dac39fdfa740533cf95e71b033bd5513b71dda194b3cf19464ccbf76f3fb

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else
    echo "setup: postgres: '$*' needs root; run eng/postgres/setup.sh as root (the PostgreSQL tests fail until then)" >&2
    return 1
  fi
}

missing=()
[[ -x $PG_BIN/initdb ]] || missing+=("postgresql-$PG_MAJOR")
[[ -f /usr/include/postgresql/$PG_MAJOR/server/postgres.h ]] || missing+=("postgresql-server-dev-$PG_MAJOR")
if ((${#missing[@]} > 0)); then
  echo "setup: postgres: installing ${missing[*]} (apt)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi

ext_dir=$("$PG_BIN/pg_config" --sharedir)/extension
if [[ -f $ext_dir/vector--$PGVECTOR_VERSION.sql && -f $("$PG_BIN/pg_config" --pkglibdir)/vector.so ]]; then
  echo "setup: postgres: PostgreSQL $PG_MAJOR with pgvector $PGVECTOR_VERSION in place"
  exit 0
fi

[[ -f $PGVECTOR_TARBALL ]] || { echo "setup: postgres: $PGVECTOR_TARBALL is missing (../shared beside the checkout)" >&2; exit 1; }
echo "$PGVECTOR_SHA256  $PGVECTOR_TARBALL" | sha256sum --quiet -c -
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
echo "setup: postgres: building pgvector $PGVECTOR_VERSION"
tar -xzf "$PGVECTOR_TARBALL" -C "$build"
make -s -C "$build/pgvector-$PGVECTOR_VERSION" PG_CONFIG="$PG_BIN/pg_config" >/dev/null
as_root make -s -C "$build/pgvector-$PGVECTOR_VERSION" install PG_CONFIG="$PG_BIN/pg_config" >/dev/null
echo "setup: postgres: pgvector $PGVECTOR_VERSION installed into $ext_dir"
