#!/usr/bin/env bash
# The scale measurements of docs/scale.md: starts a throwaway PostgreSQL 15 + pgvector cluster (durable settings:
# fsync on; shared_buffers 1GB, maintenance_work_mem 1GB), runs refine-scale against it, stops and deletes it.
#   eng/postgres/bench.sh [refine-scale arguments, e.g. --n 100000 --clinc ../shared/datasets/clinc150]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/refine-scale-pg.XXXXXX)
chmod 777 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop() { as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap stop EXIT
as_pg "$BIN/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
as_pg "$BIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c maintenance_work_mem=1GB" start >/dev/null
dotnet build benchmarks/RefineMemory.Postgres.Scale -c Release --nologo -v q >/dev/null
echo "# uptime: $(uptime)"
dotnet benchmarks/RefineMemory.Postgres.Scale/bin/Release/net10.0/refine-scale.dll \
  --connection "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Timeout=30" "$@"
echo "# uptime: $(uptime)"
