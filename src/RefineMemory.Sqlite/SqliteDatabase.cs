using System.Globalization;
using Microsoft.Data.Sqlite;
using RefineMemory.Memory;

namespace RefineMemory.Sqlite;

/// <summary>
/// Opens the memory's SQLite file, once per connection, in one of two ways. Reads open it read-only: they never
/// create, migrate or lock it for writing, so a missing file stays missing and a file the user may not write
/// (mode 444, or a read-only folder where the WAL index cannot be created) still answers searches. Writes open
/// it read-write, create it when absent and, in one IMMEDIATE transaction, create the tables and mark the file
/// with <see cref="ApplicationId"/>. A file with another application id, or unmarked with tables that are not
/// ours, is refused before anything is written; our files from before the mark get it on their next write.
/// SQLite failures become <see cref="MemoryStoreException"/>s that name the file and the cause.
/// </summary>
internal sealed class SqliteDatabase
{
    /// <summary><c>PRAGMA application_id</c> of RefineMemory files: "RfMm".</summary>
    public const int ApplicationId = 0x52664D6D;

    /// <summary>Every table RefineMemory writes: the memory store's, the judge cache's and the VectorData connector's.</summary>
    internal static readonly HashSet<string> OurTables = new(StringComparer.OrdinalIgnoreCase)
    {
        "schema_info", "collections", "documents", "chunks", "judge_cache", "vectordata_collections", "vectordata_records", "vectordata_vectors",
    };

    private readonly string _readWrite;
    private readonly string _readOnly;
    private readonly string _immutable;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _writable;

    public SqliteDatabase(string path, int busyTimeoutSeconds)
    {
        Path = System.IO.Path.GetFullPath(path);
        _readWrite = Build(Path, SqliteOpenMode.ReadWriteCreate, busyTimeoutSeconds);
        _readOnly = Build(Path, SqliteOpenMode.ReadOnly, busyTimeoutSeconds);
        // A WAL file needs its -shm index; when the folder is not writable SQLite can only read it as immutable.
        _immutable = Build(new Uri(Path).AbsoluteUri + "?immutable=1", SqliteOpenMode.ReadOnly, busyTimeoutSeconds);
    }

    public string Path { get; }

    /// <summary>
    /// Opens for reading a file that is ours (marked, or unmarked with only our tables); <c>null</c> when there is no
    /// file, or a file without our tables yet: the store then holds no collections, and nothing is created.
    /// </summary>
    public async Task<SqliteConnection?> OpenReadAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(Path))
        {
            throw new MemoryStoreException($"'{Path}' is a folder, not a memory database file.");
        }

        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            return await OpenCheckedAsync(_readOnly, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 8 or 14)
        {
            return await OpenCheckedAsync(_immutable, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens for writing, creating and marking the file on first use.</summary>
    public async Task<SqliteConnection> OpenWriteAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(Path))
        {
            throw new MemoryStoreException($"'{Path}' is a folder, not a memory database file.");
        }

        if (!_writable)
        {
            await InitialiseAsync(cancellationToken).ConfigureAwait(false);
        }

        var conn = await OpenRawAsync(_readWrite, cancellationToken).ConfigureAwait(false);
        try
        {
            await SqliteCommands.ExecuteAsync(conn, null, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", cancellationToken).ConfigureAwait(false);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Clears the connection pool so the file is released.</summary>
    public void Release()
    {
        foreach (string cs in (string[])[_readWrite, _readOnly, _immutable])
        {
            using var connection = new SqliteConnection(cs);
            SqliteConnection.ClearPool(connection);
        }

        _initLock.Dispose();
    }

    /// <summary>A SQLite failure as one line naming the file, for the command line and the tools.</summary>
    public MemoryStoreException Translate(SqliteException ex) => new(ex.SqliteErrorCode switch
    {
        5 or 6 => $"'{Path}' stayed locked by another process past the busy timeout; try again when it finishes.",
        8 => $"'{Path}' is read-only for this user, so nothing can be written to it (searches still work); ingest into a file you may write.",
        10 => $"'{Path}': the disk refused a read or write (SQLite: {ex.Message}); is it a regular file on a writable disk?",
        11 => $"'{Path}' is damaged (SQLite: database disk image is malformed); restore it from a copy or ingest into a new file.",
        13 => $"'{Path}': the disk is full; nothing more was written.",
        14 => $"'{Path}' cannot be opened (SQLite: unable to open database file); check that its folder exists and that you may read it.",
        23 => $"'{Path}': permission denied by the operating system.",
        26 => $"'{Path}' is not a SQLite database (nor a RefineMemory one); nothing was changed.",
        _ => $"'{Path}': SQLite error {ex.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)} ({ex.Message}).",
    }, ex);

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_writable)
            {
                return;
            }

            string? folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            using var conn = await OpenRawAsync(_readWrite, cancellationToken).ConfigureAwait(false);
            await CheckOursAsync(conn, null, cancellationToken).ConfigureAwait(false); // before anything is written
            await SqliteCommands.ExecuteAsync(conn, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
            using var tx = conn.BeginTransaction(); // IMMEDIATE: two processes creating the file take turns
            await CheckOursAsync(conn, tx, cancellationToken).ConfigureAwait(false);
            await SqliteCommands.ExecuteAsync(conn, tx, SqliteSchema.Create, cancellationToken).ConfigureAwait(false);
            await SqliteCommands.ExecuteAsync(conn, tx, FormattableString.Invariant($"PRAGMA application_id = {ApplicationId};"), cancellationToken).ConfigureAwait(false);
            using var cmd = SqliteCommands.Command(conn, tx, "SELECT MAX(version) FROM schema_info");
            object? version = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (version is null or DBNull)
            {
                await SqliteCommands.ExecuteAsync(conn, tx, "INSERT INTO schema_info (version) VALUES ($v)", cancellationToken, ("$v", SqliteSchema.Version)).ConfigureAwait(false);
            }
            else
            {
                CheckVersion(version);
            }

            tx.Commit();
            _writable = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    private async Task<SqliteConnection?> OpenCheckedAsync(string connectionString, CancellationToken cancellationToken)
    {
        var conn = await OpenRawAsync(connectionString, cancellationToken).ConfigureAwait(false);
        try
        {
            await CheckOursAsync(conn, null, cancellationToken).ConfigureAwait(false);
            using var cmd = SqliteCommands.Command(conn, null, "SELECT MAX(version) FROM schema_info WHERE EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'schema_info')");
            object? version = await ScalarOrNullAsync(cmd, cancellationToken).ConfigureAwait(false);
            if (version is null or DBNull)
            {
                await conn.DisposeAsync().ConfigureAwait(false);
                return null; // an empty file (or /dev/null): no collections yet
            }

            CheckVersion(version);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<object?> ScalarOrNullAsync(SqliteCommand cmd, CancellationToken cancellationToken)
    {
        try
        {
            return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
        {
            return null; // no schema_info table: a file without our tables yet
        }
    }

    private static async Task<SqliteConnection> OpenRawAsync(string connectionString, CancellationToken cancellationToken)
    {
        var conn = new SqliteConnection(connectionString);
        try
        {
            await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Where an open file is another application's: its application id when not ours, and its tables that are not
    /// ours; <c>null</c> when the file is ours (marked, or unmarked with only our tables, or empty).
    /// </summary>
    internal static async Task<(long Id, IReadOnlyList<string> Tables)?> ForeignAsync(SqliteConnection conn, SqliteTransaction? tx, CancellationToken cancellationToken)
    {
        using var idCommand = SqliteCommands.Command(conn, tx, "PRAGMA application_id");
        long id = Convert.ToInt64(await idCommand.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (id == ApplicationId)
        {
            return null;
        }

        using var tables = SqliteCommands.Command(conn, tx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
        using var reader = await tables.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var foreign = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!OurTables.Contains(reader.GetString(0)))
            {
                foreign.Add(reader.GetString(0));
            }
        }

        return id == 0 && foreign.Count == 0 ? null : (id, foreign);
    }

    /// <summary>Refuses a file of another application, before anything is written.</summary>
    private async Task CheckOursAsync(SqliteConnection conn, SqliteTransaction? tx, CancellationToken cancellationToken)
    {
        if (await ForeignAsync(conn, tx, cancellationToken).ConfigureAwait(false) is not { } foreign)
        {
            return;
        }

        throw new MemoryStoreException(foreign.Id != 0
            ? FormattableString.Invariant($"'{Path}' belongs to another application (SQLite application_id 0x{foreign.Id:X8}, ours is 0x{ApplicationId:X8}); it was not changed. Pass a different --db.")
            : $"'{Path}' is a SQLite database of another application (it holds the table(s) {string.Join(", ", foreign.Tables.Take(5))}); it was not changed. Pass a different --db.");
    }

    private void CheckVersion(object version)
    {
        if (Convert.ToInt32(version, CultureInfo.InvariantCulture) > SqliteSchema.Version)
        {
            throw new MemoryStoreException($"'{Path}' has schema version {version}; this RefineMemory reads up to {SqliteSchema.Version}. Upgrade RefineMemory.");
        }
    }

    private static string Build(string dataSource, SqliteOpenMode mode, int busyTimeoutSeconds) => new SqliteConnectionStringBuilder
    {
        DataSource = dataSource,
        Mode = mode,
        Pooling = true,
        DefaultTimeout = busyTimeoutSeconds,
    }.ToString();
}
