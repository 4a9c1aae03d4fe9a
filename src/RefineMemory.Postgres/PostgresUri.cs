using System.Globalization;
using Npgsql;

namespace RefineMemory.Postgres;

/// <summary>
/// libpq's connection URI (<c>postgresql://[user[:password]@]host[:port][,host[:port]...][/database][?param=value&amp;...]</c>),
/// one host or several (a primary and its standbys), as an Npgsql connection string; and any connection string
/// described for messages without its password. <see cref="System.Uri"/> cannot read a multi-host authority, so the
/// URI is split here by hand.
/// </summary>
public static class PostgresUri
{
    private static readonly Dictionary<string, string> Parameters = new(StringComparer.Ordinal)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["password"] = "Password",
        ["target_session_attrs"] = "Target Session Attributes",
        ["load_balance_hosts"] = "Load Balance Hosts",
    };

    /// <summary>The Npgsql connection string of <paramref name="uri"/>.</summary>
    /// <exception cref="ArgumentException">Not a PostgreSQL URI, no host, a bad port, or a parameter we do not map (the message names it, never the password).</exception>
    public static string ToConnectionString(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        int scheme = uri.IndexOf("://", StringComparison.Ordinal);
        string rest = scheme > 0 ? uri[(scheme + 3)..] : throw Invalid(uri);
        int query = rest.IndexOf('?', StringComparison.Ordinal);
        string parameters = query < 0 ? "" : rest[(query + 1)..];
        rest = query < 0 ? rest : rest[..query];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string database = slash < 0 ? "" : Uri.UnescapeDataString(rest[(slash + 1)..]);
        string authority = slash < 0 ? rest : rest[..slash];
        int at = authority.LastIndexOf('@');
        string hosts = at < 0 ? authority : authority[(at + 1)..];

        var b = new NpgsqlConnectionStringBuilder { Host = Hosts(hosts, uri) };
        if (!IsMultiHost(b))
        {
            // One server: host and port apart (an IPv6 address without its brackets), as Npgsql users write it.
            string host = b.Host!;
            if (HasPort(host))
            {
                b.Port = int.Parse(host[(host.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
                host = host[..host.LastIndexOf(':')];
            }

            b.Host = host.Trim('[', ']');
        }

        if (at > 0)
        {
            string[] user = authority[..at].Split(':', 2);
            b.Username = user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : null;
            b.Password = user.Length == 2 ? Uri.UnescapeDataString(user[1]) : null;
        }

        if (database.Length > 0)
        {
            b.Database = database;
        }

        foreach (string pair in parameters.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]);
            if (!Parameters.TryGetValue(key, out string? keyword))
            {
                throw new ArgumentException($"The PostgreSQL URI parameter '{key}' is not supported; use {string.Join(", ", Parameters.Keys)}, or an Npgsql connection string (Host=...).", nameof(uri));
            }

            string value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            b[keyword] = key == "load_balance_hosts" ? (value is "random" or "true" ? "true" : "false") : value;
        }

        return b.ConnectionString;
    }

    /// <summary>
    /// <paramref name="text"/> (a URI or a connection string) as <c>postgresql://user@host:port[,host:port]/database</c>,
    /// never with its password; a string that cannot be read is described without any of its content.
    /// </summary>
    public static string Describe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var b = new NpgsqlConnectionStringBuilder(text.Contains("://", StringComparison.Ordinal) ? ToConnectionString(text) : text);
            return $"postgresql://{(b.Username is { Length: > 0 } u ? u + "@" : "")}{Servers(b)}/{b.Database ?? b.Username}";
        }
        catch (ArgumentException)
        {
            return "(a PostgreSQL connection string that could not be read)";
        }
    }

    /// <summary>The servers of a connection string, <c>host:port[,host:port]</c>, each with its port (the default one where none is given).</summary>
    public static string Servers(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return string.Join(',', (builder.Host ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => HasPort(h) ? h : string.Create(CultureInfo.InvariantCulture, $"{h}:{builder.Port}")));
    }

    /// <summary>Whether the connection string names more than one server (a primary and standbys).</summary>
    public static bool IsMultiHost(NpgsqlConnectionStringBuilder builder) =>
        (builder ?? throw new ArgumentNullException(nameof(builder))).Host?.Contains(',', StringComparison.Ordinal) == true;

    private static string Hosts(string hosts, string uri)
    {
        var list = hosts.Split(',');
        if (list.Any(h => h.Length == 0 || h.StartsWith(':')))
        {
            throw Invalid(uri);
        }

        foreach (string h in list.Where(HasPort))
        {
            bool number = int.TryParse(h[(h.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port);
            if (!number || port is < 1 or > 65535)
            {
                throw new ArgumentException($"'{SafePrefix(uri)}': the port of '{h}' is not a number from 1 to 65535.", nameof(uri));
            }
        }

        return string.Join(',', list.Select(Uri.UnescapeDataString));
    }

    // "[::1]:5432" and "host:5432" carry a port; "[::1]" and "host" do not.
    private static bool HasPort(string host) => host.LastIndexOf(':') > host.LastIndexOf(']');

    private static ArgumentException Invalid(string uri) =>
        new($"'{SafePrefix(uri)}' is not a valid PostgreSQL URI (postgresql://user@host:port[,host:port]/database).", nameof(uri));

    private static string SafePrefix(string uri)
    {
        int at = uri.LastIndexOf('@');
        int scheme = uri.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme > 0 ? uri[..(scheme + 3)] + uri[(at + 1)..] : uri;
    }
}
