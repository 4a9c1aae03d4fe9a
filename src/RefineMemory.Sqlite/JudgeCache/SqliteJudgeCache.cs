using System.Globalization;
using Microsoft.Data.Sqlite;
using RefineMemory.Judge;

namespace RefineMemory.Sqlite;

/// <summary>
/// A persistent <see cref="IJudgeCache"/> in a SQLite file (table <c>judge_cache</c>, which may share a file with
/// the memory store), keyed on model, prompt version, instruction, query and document hash. The table is created
/// on first use; the file uses WAL so concurrent readers do not block the writer.
/// </summary>
public sealed class SqliteJudgeCache : IJudgeCache, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS judge_cache (
            model          TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            instruction    TEXT NOT NULL,
            query          TEXT NOT NULL,
            document_hash  TEXT NOT NULL,
            score          REAL NOT NULL,
            created_utc    TEXT NOT NULL,
            PRIMARY KEY (model, prompt_version, instruction, query, document_hash)
        ) WITHOUT ROWID;
        """;

    private const string KeyFilter = "model = $model AND prompt_version = $version AND instruction = $instruction AND query = $query AND document_hash = $hash";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>A cache in the SQLite file at <paramref name="databasePath"/> (created if absent; its folder must exist).</summary>
    public SqliteJudgeCache(string databasePath)
        : this(new SqliteConnectionStringBuilder { DataSource = CheckedPath(databasePath), Mode = SqliteOpenMode.ReadWriteCreate })
    {
    }

    private SqliteJudgeCache(SqliteConnectionStringBuilder builder) => _connectionString = builder.ToString();

    /// <summary>A cache over an explicit connection string.</summary>
    public static SqliteJudgeCache FromConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new SqliteJudgeCache(new SqliteConnectionStringBuilder(connectionString));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<float?>> GetManyAsync(IReadOnlyList<JudgeCacheKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new float?[keys.Count];
        if (keys.Count == 0)
        {
            return result;
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT score FROM judge_cache WHERE {KeyFilter}";
            AddKeyParameters(command);
            for (int i = 0; i < keys.Count; i++)
            {
                Bind(command, keys[i]);
                object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                result[i] = value is double score && double.IsFinite(score) ? (float)score : null;
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async Task SetManyAsync(IReadOnlyList<KeyValuePair<JudgeCacheKey, float>> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        foreach (var (_, score) in entries)
        {
            if (!float.IsFinite(score))
            {
                throw new ArgumentException($"Only finite scores are cached; got {score}.", nameof(entries));
            }
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO judge_cache (model, prompt_version, instruction, query, document_hash, score, created_utc)
                    VALUES ($model, $version, $instruction, $query, $hash, $score, $created)
                    ON CONFLICT (model, prompt_version, instruction, query, document_hash)
                    DO UPDATE SET score = excluded.score, created_utc = excluded.created_utc
                    """;
                AddKeyParameters(command);
                var score = command.Parameters.Add("$score", SqliteType.Real);
                command.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                foreach (var (key, value) in entries)
                {
                    Bind(command, key);
                    score.Value = (double)value;
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Entries stored.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM judge_cache";
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>Releases pooled connections so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schemaGate.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            if (!_schemaReady)
            {
                await _schemaGate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    if (!_schemaReady)
                    {
                        using var command = connection.CreateCommand();
                        command.CommandText = Schema;
                        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                        _schemaReady = true;
                    }
                }
                finally
                {
                    _schemaGate.Release();
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void AddKeyParameters(SqliteCommand command)
    {
        command.Parameters.Add("$model", SqliteType.Text);
        command.Parameters.Add("$version", SqliteType.Text);
        command.Parameters.Add("$instruction", SqliteType.Text);
        command.Parameters.Add("$query", SqliteType.Text);
        command.Parameters.Add("$hash", SqliteType.Text);
    }

    private static void Bind(SqliteCommand command, JudgeCacheKey key)
    {
        command.Parameters["$model"].Value = key.ModelId;
        command.Parameters["$version"].Value = key.PromptVersion;
        command.Parameters["$instruction"].Value = key.Instruction;
        command.Parameters["$query"].Value = key.Query;
        command.Parameters["$hash"].Value = key.DocumentHash;
    }

    private static string CheckedPath(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        string full = Path.GetFullPath(databasePath);
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The judge cache folder '{folder}' does not exist (for '{full}').");
        }

        return full;
    }
}
