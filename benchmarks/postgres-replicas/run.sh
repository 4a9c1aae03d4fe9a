#!/usr/bin/env bash
# Sizes and throughput for docs/scale.md's deployment section, on this machine:
#   1. storage and HNSW build time per N vectors for vector and halfvec at 384 and 1024 dimensions (one server);
#   2. searches per second (ORDER BY embedding <=> q LIMIT 10 on the HNSW index) with the same client concurrency
#      against one server and against a primary + streaming standby (pg_basebackup -R), clients split across both.
# Usage: benchmarks/postgres-replicas/run.sh [ROWS=100000] [CLIENTS=4] [SECONDS=20]
# Needs PostgreSQL 15 + pgvector (eng/setup.sh). Prints markdown tables; deletes its clusters when done.
set -euo pipefail
ROWS=${1:-100000}
CLIENTS=${2:-4}
SECONDS_RUN=${3:-20}
BIN=${REFINE_PG_BIN:-/usr/lib/postgresql/15/bin}
DIR=$(mktemp -d /tmp/refine-replica-bench-XXXXXX)
chmod 777 "$DIR"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(free_port); P2=$(free_port)
OPTS="-k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c wal_level=replica -c max_wal_senders=5 -c shared_buffers=512MB -c maintenance_work_mem=1GB -c max_parallel_maintenance_workers=0"
cleanup() { for s in standby primary; do [ -f "$DIR/$s/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR/$s" -m immediate -w stop >/dev/null 2>&1 || true; done; rm -rf "$DIR"; }
trap cleanup EXIT
psql1() { "$BIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -qAtX -v ON_ERROR_STOP=1 -c "$2"; }

as_pg "$BIN/initdb" -D "$DIR/primary" -A trust -U postgres --no-sync >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/primary" -w -l "$DIR/primary.log" -o "-p $P1 $OPTS" start >/dev/null
psql1 "$P1" "CREATE EXTENSION vector"

echo "load: $(uptime | sed 's/.*load average: //'), $(nproc) cores, $ROWS rows per table"
echo
echo "| type | rows | table + TOAST | HNSW index (m 16, ef_construction 64) | HNSW build | bytes per vector, table + index |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for spec in "vector 384" "halfvec 384" "vector 1024" "halfvec 1024"; do
  set -- $spec; T=$1; D=$2; NAME="t_${T}_$D"
  psql1 "$P1" "CREATE TABLE $NAME (id bigint PRIMARY KEY, embedding $T($D) NOT NULL)"
  psql1 "$P1" "INSERT INTO $NAME SELECT i, (SELECT array_agg(random() - 0.5) FROM generate_series(1, $D) WHERE i > 0)::$T($D) FROM generate_series(1, $ROWS) i"
  start=$(date +%s.%N)
  psql1 "$P1" "CREATE INDEX ${NAME}_hnsw ON $NAME USING hnsw (embedding ${T}_cosine_ops)"
  build=$(echo "$(date +%s.%N) - $start" | bc)
  table=$(psql1 "$P1" "SELECT pg_table_size('$NAME')")
  index=$(psql1 "$P1" "SELECT pg_relation_size('${NAME}_hnsw')")
  printf "| %s(%s) | %s | %s MB | %s MB | %.1f s | %s |\n" "$T" "$D" "$ROWS" $((table / 1048576)) $((index / 1048576)) "$build" $(((table + index) / ROWS))
  [ "$NAME" = t_vector_384 ] || psql1 "$P1" "DROP TABLE $NAME"
done

# The standby is a base backup of the primary: the HNSW index comes by replication, not rebuilt.
psql1 "$P1" "CREATE TABLE queries AS SELECT i, (SELECT array_agg(random() - 0.5) FROM generate_series(1, 384) WHERE i > 0)::vector(384) AS q FROM generate_series(1, 200) i; CHECKPOINT"
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$P1" -U postgres -D "$DIR/standby" -R -X stream --no-sync
as_pg "$BIN/pg_ctl" -D "$DIR/standby" -w -l "$DIR/standby.log" -o "-p $P2 $OPTS" start >/dev/null
echo
echo "standby: in recovery $(psql1 "$P2" "SELECT pg_is_in_recovery()"), HNSW index present by replication: $(psql1 "$P2" "SELECT count(*) FROM pg_indexes WHERE indexname = 't_vector_384_hnsw'")"

cat > "$DIR/search.sql" <<'SQL'
\set r random(1, 200)
SELECT id FROM t_vector_384 ORDER BY embedding <=> (SELECT q FROM queries WHERE i = :r) LIMIT 10;
SQL
chmod 644 "$DIR/search.sql"
bench() { "$BIN/pgbench" -h 127.0.0.1 -p "$1" -U postgres -n -c "$2" -j "$2" -T "$SECONDS_RUN" -f "$DIR/search.sql" postgres 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'; }
echo
echo "| servers | clients | searches/s |"
echo "| --- | ---: | ---: |"
one=$(bench "$P1" "$CLIENTS")
echo "| primary alone | $CLIENTS | $one |"
half=$((CLIENTS / 2))
bench "$P1" "$half" > "$DIR/a" & bench "$P2" "$((CLIENTS - half))" > "$DIR/b"; wait
echo "| primary + standby ($half + $((CLIENTS - half)) clients) | $CLIENTS | $(echo "$(cat "$DIR/a") + $(cat "$DIR/b")" | bc) |"
echo
echo "load after: $(uptime | sed 's/.*load average: //')"
