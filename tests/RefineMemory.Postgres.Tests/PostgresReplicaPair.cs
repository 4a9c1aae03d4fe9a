using Npgsql;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// A primary and one streaming standby on loopback, as an operator builds them: initdb for the primary,
/// <c>pg_basebackup -R</c> for the standby (the same Debian packages and pgvector build the set-up installs).
/// Both load pg_stat_statements, so a test can see which server ran a statement. Stopped and deleted afterwards.
/// </summary>
public sealed class PostgresReplicaPair : IAsyncLifetime
{
    private string _folder = "";

    public int PrimaryPort { get; private set; }

    public int StandbyPort { get; private set; }

    /// <summary>libpq's multi-host URI naming both servers, primary first.</summary>
    public string Uri => $"postgresql://postgres@127.0.0.1:{PrimaryPort},127.0.0.1:{StandbyPort}/postgres";

    /// <summary>The same as an Npgsql connection string.</summary>
    public string ConnectionString => $"Host=127.0.0.1:{PrimaryPort},127.0.0.1:{StandbyPort};Username=postgres;Database=postgres;Timeout=3";

    public async Task InitializeAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException($"The PostgreSQL test clusters are started on Linux only. {PostgresServer.SetUpHint}");
        }

        _folder = Directory.CreateTempSubdirectory("refine-pg-replica-").FullName;
        File.SetUnixFileMode(_folder, (UnixFileMode)0x1FF); // the postgres user writes here
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAllAsync().GetAwaiter().GetResult();
        await PostgresServer.RunAsync(Path.Combine(PostgresServer.Bin, "initdb"), ["-D", Data("primary"), "-A", "trust", "-U", "postgres", "--no-sync"]);
        PrimaryPort = PostgresServer.FreePort();
        await StartAsync("primary");
        await ExecuteAsync(PrimaryPort, "CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        await PostgresServer.RunAsync(Path.Combine(PostgresServer.Bin, "pg_basebackup"),
            ["-h", "127.0.0.1", "-p", PrimaryPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-D", Data("standby"), "-R", "-X", "stream", "--no-sync"]);
        StandbyPort = PostgresServer.FreePort();
        await StartAsync("standby");
        Assert.True(await ScalarAsync<bool>(StandbyPort, "SELECT pg_is_in_recovery()"), "the standby should be in recovery");
    }

    public async Task DisposeAsync()
    {
        await StopAllAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary folder is left for the OS.
        }
    }

    public Task StartAsync(string server) => PostgresServer.RunAsync(Path.Combine(PostgresServer.Bin, "pg_ctl"),
        ["-D", Data(server), "-w", "-l", Path.Combine(_folder, server + ".log"), "-o",
            $"-p {(server == "primary" ? PrimaryPort : StandbyPort)} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100 -c shared_preload_libraries=pg_stat_statements -c wal_level=replica -c max_wal_senders=5",
            "start"]);

    public async Task StopAsync(string server)
    {
        if (File.Exists(Path.Combine(Data(server), "postmaster.pid")))
        {
            await PostgresServer.RunAsync(Path.Combine(PostgresServer.Bin, "pg_ctl"), ["-D", Data(server), "-m", "fast", "-w", "stop"]);
        }
    }

    /// <summary>Promotes the standby to primary and waits until it takes writes.</summary>
    public async Task PromoteStandbyAsync()
    {
        await PostgresServer.RunAsync(Path.Combine(PostgresServer.Bin, "pg_ctl"), ["-D", Data("standby"), "-w", "promote"]);
        Assert.False(await ScalarAsync<bool>(StandbyPort, "SELECT pg_is_in_recovery()"));
    }

    public static async Task<T> ScalarAsync<T>(int port, string sql)
    {
        await using var conn = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(int port, string sql)
    {
        await using var conn = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private string Data(string server) => Path.Combine(_folder, server);

    private async Task StopAllAsync()
    {
        if (_folder.Length == 0)
        {
            return;
        }

        await StopAsync("standby");
        await StopAsync("primary");
    }
}
