using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// A throwaway PostgreSQL 15 cluster with pgvector, shared by the test assembly: initdb into a temporary folder
/// (as the postgres user when run as root), trust authentication, a free loopback port, the socket in the same
/// folder, pg_stat_statements loaded (the tests count what a search's statements return). Stopped and deleted when the tests end, whether they passed or not (and at process exit).
/// Without PostgreSQL + pgvector installed the tests fail, saying how to install them.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string SetUpHint = "PostgreSQL 15 with pgvector is needed for these tests: run ./eng/setup.sh as root (it installs postgresql-15 and postgresql-server-dev-15 with apt and builds pgvector from ../shared/vendor), or eng/postgres/setup.sh alone.";

    internal static readonly string Bin = Environment.GetEnvironmentVariable("REFINE_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
    private string _folder = "";

    public int Port { get; private set; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=5";

    public string Uri => $"postgresql://postgres@127.0.0.1:{Port}/postgres";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")) || !File.Exists(Path.Combine(Bin, "pg_config")))
        {
            throw new InvalidOperationException($"{Bin}/initdb was not found. {SetUpHint}");
        }

        string sharedir = (await RunAsync(Path.Combine(Bin, "pg_config"), ["--sharedir"], asPostgres: false)).Trim();
        if (!File.Exists(Path.Combine(sharedir, "extension", "vector.control")))
        {
            throw new InvalidOperationException($"pgvector is not installed in {sharedir}/extension. {SetUpHint}");
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException($"The PostgreSQL test cluster is started on Linux only. {SetUpHint}");
        }

        _folder = Directory.CreateTempSubdirectory("refine-pg-").FullName;
        File.SetUnixFileMode(_folder, (UnixFileMode)0x1FF); // rwxrwxrwx: the postgres user writes here
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync().GetAwaiter().GetResult();
        await RunAsync(Path.Combine(Bin, "initdb"), ["-D", DataFolder, "-A", "trust", "-U", "postgres", "--no-sync"]);
        Port = FreePort();
        await StartAsync();
        DataSource = PostgresVectorStore.CreateDataSource(ConnectionString);
        using var conn = await DataSource.OpenConnectionAsync();
        using var cmd = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS pg_stat_statements", conn);
        await cmd.ExecuteNonQueryAsync();
        await conn.ReloadTypesAsync();
    }

    public async Task DisposeAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }

        await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary folder is left for the OS.
        }
    }

    public Task StartAsync() => RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", DataFolder, "-w", "-l", Path.Combine(_folder, "server.log"),
        "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_preload_libraries=pg_stat_statements", "start"]);

    public async Task StopAsync()
    {
        if (Directory.Exists(DataFolder) && File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            await RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", DataFolder, "-m", "fast", "-w", "stop"]);
        }
    }

    public Task RestartAsync() => RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", DataFolder, "-m", "fast", "-w", "-l", Path.Combine(_folder, "server.log"),
        "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_preload_libraries=pg_stat_statements", "restart"]);

    /// <summary>
    /// Makes <paramref name="role"/> log in with a password over TCP (scram-sha-256) while every other role keeps
    /// trust: the rule goes first in pg_hba.conf (first match wins) and the server reloads it.
    /// </summary>
    public async Task RequirePasswordAsync(string role)
    {
        string hba = Path.Combine(DataFolder, "pg_hba.conf");
        await File.WriteAllTextAsync(hba, $"host all {role} 127.0.0.1/32 scram-sha-256\n" + await File.ReadAllTextAsync(hba));
        await ExecuteAsync("SELECT pg_reload_conf()");
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser.</summary>
    public async Task ExecuteAsync(string sql)
    {
        using var conn = await DataSource.OpenConnectionAsync();
        using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row of <paramref name="sql"/>, run as the superuser.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        using var conn = await DataSource.OpenConnectionAsync();
        using var cmd = new NpgsqlCommand(sql, conn);
        foreach (object v in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        }

        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The superuser's URI for database <paramref name="database"/> of this cluster, as a role <paramref name="user"/> (with a password when given).</summary>
    public string UriFor(string user, string database = "postgres", string? password = null) =>
        $"postgresql://{user}{(password is null ? "" : ":" + password)}@127.0.0.1:{Port}/{database}";

    /// <summary>A fresh collection name, so tests never see each other's tables.</summary>
    public static string NewName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 48)];

    private string DataFolder => Path.Combine(_folder, "data");

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task<string> RunAsync(string program, string[] args, bool asPostgres = true)
    {
        bool root = Environment.UserName == "root";
        var start = new ProcessStartInfo(asPostgres && root ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres && root)
        {
            foreach (string a in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout} {SetUpHint}");
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollectionDefinition : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
