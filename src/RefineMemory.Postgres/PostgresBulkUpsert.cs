using Microsoft.Extensions.VectorData.ProviderServices;
using Npgsql;

namespace RefineMemory.Postgres;

/// <summary>
/// A batch upsert in one transaction: rows are streamed by binary COPY into a temporary table, then merged with
/// <c>INSERT ... ON CONFLICT (key) DO UPDATE</c>. A key given twice in one batch keeps its last row.
/// </summary>
internal static class PostgresBulkUpsert
{
    public static async Task<int> RunAsync(NpgsqlConnection conn, string table, CollectionModel model, string[] columnTypes, object?[][] rows, CancellationToken ct)
    {
        int keyIndex = model.Properties.ToList().IndexOf(model.KeyProperty);
        var last = new Dictionary<object, object?[]>();
        foreach (var row in rows)
        {
            last[row[keyIndex] ?? throw new ArgumentException("A record's key is null.", nameof(rows))] = row;
        }

        var names = model.Properties.Select(p => PostgresSql.Quote(p.StorageName)).ToArray();
        string columns = string.Join(", ", names);
        string key = PostgresSql.Quote(model.KeyProperty.StorageName);
        string updates = string.Join(", ", names.Where(n => n != key).Select(n => $"{n} = EXCLUDED.{n}"));
        string[] copyTypes = [.. columnTypes.Select(t => t.Split('(')[0])];

        using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        await PostgresCatalog.ExecuteAsync(conn, $"CREATE TEMP TABLE refine_upsert (LIKE {table}) ON COMMIT DROP", ct).ConfigureAwait(false);
        using (var writer = await conn.BeginBinaryImportAsync($"COPY refine_upsert ({columns}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false))
        {
            foreach (var row in last.Values)
            {
                await writer.StartRowAsync(ct).ConfigureAwait(false);
                for (int i = 0; i < row.Length; i++)
                {
                    if (row[i] is null)
                    {
                        await writer.WriteNullAsync(ct).ConfigureAwait(false);
                    }
                    else
                    {
                        await writer.WriteAsync(row[i], copyTypes[i], ct).ConfigureAwait(false);
                    }
                }
            }

            await writer.CompleteAsync(ct).ConfigureAwait(false);
        }

        using var merge = new NpgsqlCommand(
            $"INSERT INTO {table} ({columns}) SELECT {columns} FROM refine_upsert ON CONFLICT ({key}) DO " + (updates.Length == 0 ? "NOTHING" : "UPDATE SET " + updates), conn);
        int written = await merge.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return written;
    }
}
