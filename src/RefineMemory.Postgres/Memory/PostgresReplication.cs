using System.Diagnostics;
using RefineMemory.Memory;

namespace RefineMemory.Postgres;

/// <summary>
/// Read-your-writes across standbys: after an ingest, waits (bounded) until every standby the primary streams to has
/// replayed the primary's WAL position at that moment, so a search that goes to a standby sees what was written.
/// </summary>
internal static class PostgresReplication
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>The standbys' state once they caught up or <paramref name="wait"/> ran out; <c>null</c> when the primary has none.</summary>
    public static Task<ReplicationStatus?> WaitForStandbysAsync(PostgresMemoryStore store, TimeSpan wait, CancellationToken cancellationToken) =>
        store.RunWriteAsync<ReplicationStatus?>(null, "WaitForStandbys", async (conn, ct) =>
        {
            var timer = Stopwatch.StartNew();
            using var position = store.Command(conn, "SELECT pg_current_wal_lsn()::text");
            string lsn = (string)(await position.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            while (true)
            {
                using var read = store.Command(conn,
                    "SELECT count(*)::int, (count(*) FILTER (WHERE replay_lsn >= $1::pg_lsn))::int, max(pg_wal_lsn_diff($1::pg_lsn, replay_lsn))::bigint, bool_and(replay_lsn IS NOT NULL) FROM pg_stat_replication", lsn);
                using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                int standbys = reader.GetInt32(0), replayed = reader.GetInt32(1);
                if (standbys == 0)
                {
                    return null;
                }

                // replay_lsn is hidden from a role without pg_read_all_stats: the lag is then unknown, and not waited for.
                bool visible = reader.GetBoolean(3);
                long? lag = !visible ? null : reader.IsDBNull(2) ? 0 : Math.Max(0, reader.GetInt64(2));
                if (replayed == standbys || !visible || timer.Elapsed >= wait)
                {
                    return new ReplicationStatus(standbys, replayed, lag, timer.Elapsed);
                }

                await Task.Delay(Poll, ct).ConfigureAwait(false);
            }
        }, cancellationToken);
}
