#!/usr/bin/env bash
# The scale measurements of docs/scale.md: starts a throwaway PostgreSQL 15 + pgvector cluster (durable settings:
# fsync on; shared_buffers and maintenance_work_mem $BENCH_PG_MEMORY, default 1GB; more server options in
# $BENCH_PG_OPTIONS, e.g. "-c max_wal_size=8GB"), runs refine-scale against it, stops and deletes it.
# Arguments separated by "---" are separate runs against the same cluster (one process each).
#   eng/postgres/bench.sh [refine-scale arguments, e.g. --n 100000 --clinc ../shared/datasets/clinc150]
#   BENCH_PG_MEMORY=4GB BENCH_PG_OPTIONS="-c max_parallel_maintenance_workers=1 -c max_wal_size=8GB -c checkpoint_timeout=30min" \
#     eng/postgres/bench.sh --n 1000000 --memory-ingest m1 --model-id arctic-embed-xs --- --n 1000000 --memory-search m1
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
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c shared_buffers=${BENCH_PG_MEMORY:-1GB} -c maintenance_work_mem=${BENCH_PG_MEMORY:-1GB} ${BENCH_PG_OPTIONS:-}" start >/dev/null
dotnet build benchmarks/RefineMemory.Postgres.Scale -c Release --nologo -v q >/dev/null
run() {
  echo "# uptime: $(uptime)"
  dotnet benchmarks/RefineMemory.Postgres.Scale/bin/Release/net10.0/refine-scale.dll \
    --connection "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Timeout=30" "$@"
  echo "# uptime: $(uptime)"
}
args=()
for a in "$@"; do
  if [[ $a == --- ]]; then run "${args[@]}"; args=(); else args+=("$a"); fi
done
run "${args[@]}"
