using Npgsql;
using Pgvector.Npgsql;

namespace RefineMemory.Postgres;

/// <summary>
/// Where reads and writes go. One server: one data source for both. Several (a primary and standbys, libpq's
/// multi-host form): one Npgsql multi-host data source, one pool per server, seen through two targets: writes to
/// the primary (<c>read-write</c>), reads to a standby when one answers (<c>prefer-standby</c>, balanced across
/// them unless <c>load_balance_hosts</c> says otherwise), or to the target the connection string names.
/// </summary>
internal sealed class PostgresDataSources : IDisposable
{
    private readonly NpgsqlDataSource _owner;

    public PostgresDataSources(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        Servers = PostgresFailures.Describe(settings);
        bool multiHost = PostgresUri.IsMultiHost(settings);
        string? readTarget = settings.TargetSessionAttributes;
        if (multiHost)
        {
            // Targets are chosen per call below; a state read from a server is rechecked after a few seconds, so a
            // promoted standby takes writes soon after promotion without a restart. What the user set is kept: the
            // parsed string names each setting given by its canonical keyword, whichever synonym was written.
            string given = settings.ConnectionString;
            settings.TargetSessionAttributes = null;
            if (!given.Contains("Load Balance Hosts=", StringComparison.OrdinalIgnoreCase))
            {
                settings.LoadBalanceHosts = true;
            }

            if (!given.Contains("Host Recheck Seconds=", StringComparison.OrdinalIgnoreCase))
            {
                settings.HostRecheckSeconds = 2;
            }
        }

        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.UseVector();
        if (!multiHost)
        {
            _owner = builder.Build();
            Read = Write = _owner;
            return;
        }

        var multi = builder.BuildMultiHost();
        _owner = multi;
        Write = multi.WithTargetSession(TargetSessionAttributes.ReadWrite);
        Read = multi.WithTargetSession(readTarget is null ? TargetSessionAttributes.PreferStandby : Target(readTarget));
    }

    /// <summary>Searches and reads.</summary>
    public NpgsqlDataSource Read { get; }

    /// <summary>Ingests, schema and index creation: the primary.</summary>
    public NpgsqlDataSource Write { get; }

    /// <summary>The servers and database, <c>host:port[,host:port]/database</c>, for messages.</summary>
    public string Servers { get; }

    /// <summary>Forgets the servers' remembered states (down, primary, standby); the next call asks each server again.</summary>
    public void ResetHostStates() => (_owner as NpgsqlMultiHostDataSource)?.ClearDatabaseStates();

    public void Dispose() => _owner.Dispose();

    private static TargetSessionAttributes Target(string text) => text.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "any" => TargetSessionAttributes.Any,
        "primary" => TargetSessionAttributes.Primary,
        "standby" => TargetSessionAttributes.Standby,
        "preferprimary" => TargetSessionAttributes.PreferPrimary,
        "preferstandby" => TargetSessionAttributes.PreferStandby,
        "readwrite" => TargetSessionAttributes.ReadWrite,
        "readonly" => TargetSessionAttributes.ReadOnly,
        _ => throw new ArgumentException($"target_session_attrs '{text}' is not one of any, primary, standby, prefer-primary, prefer-standby, read-write, read-only."),
    };
}
