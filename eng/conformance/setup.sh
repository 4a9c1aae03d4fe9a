#!/usr/bin/env bash
# Installs the official MCP conformance suite into assets/conformance with `npm ci` against the committed lock file
# (exact versions, each tarball checked against its integrity hash). It runs on assets/node22 (Node 22, which the
# suite needs; eng/assets.list fetches it). Re-running skips an install whose lock file has not changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ASSETS="${REFINE_ASSETS_DIR:-$PWD/assets}"
target="$ASSETS/conformance"
stamp=$(sha256sum eng/conformance/package-lock.json | cut -d' ' -f1)
if [[ -f "$target/.complete" ]] && [[ "$(cat "$target/.complete")" == "$stamp" ]]; then
  exit 0
fi
echo "setup: installing the MCP conformance suite into $target"
rm -rf "$target.partial" && mkdir -p "$target.partial"
cp eng/conformance/package.json eng/conformance/package-lock.json "$target.partial/"
(cd "$target.partial" && npm ci --silent --no-audit --no-fund --ignore-scripts)
echo "$stamp" > "$target.partial/.complete"
rm -rf "$target" && mv "$target.partial" "$target"
