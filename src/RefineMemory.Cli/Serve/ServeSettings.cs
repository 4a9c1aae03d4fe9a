using System.Net;

namespace RefineMemory.Cli.Serve;

/// <summary>How <c>refine serve</c> listens and whom it lets in; checked by <see cref="Validate"/> before the server starts.</summary>
internal sealed class ServeSettings
{
    public const string DefaultUrl = "http://127.0.0.1:5077";

    /// <summary>Addresses to listen on (Kestrel URLs; port 0 picks a free one).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>The accepted tokens, or <c>null</c> under <c>--no-auth</c>.</summary>
    public ServeTokens? Tokens { get; init; }

    /// <summary>Requests one client (by remote address) may have running at once; default 8.</summary>
    public int MaxConcurrentPerClient { get; init; } = 8;

    /// <summary>Requests one client may have waiting for a slot; past it, 429. Default 64.</summary>
    public int MaxQueuePerClient { get; init; } = 64;

    /// <summary>Largest request body in bytes (413 past it); default 16 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 16L << 20;

    /// <summary>Host names the server answers to besides the ones it listens on (DNS-rebinding protection).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Browser origins allowed to call across origins (CORS); none by default.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>How long in-flight requests may run after SIGTERM before they are cancelled; default 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether every address listened on is a loopback one.</summary>
    public bool LoopbackOnly => Urls.All(IsLoopback);

    /// <summary>Refuses settings that would start an unsafe or broken server, naming the option.</summary>
    /// <exception cref="CliInputException">A setting is out of range, or there is no token where one is needed.</exception>
    public void Validate()
    {
        foreach (var url in Urls)
        {
            if (!Uri.TryCreate(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                throw new CliInputException($"--urls: '{url}' is not an http(s)://host:port address.");
            }
        }

        if (Tokens is null && !LoopbackOnly)
        {
            throw new CliInputException($"--no-auth is allowed only on loopback addresses (127.0.0.1, [::1], localhost); --urls {string.Join(';', Urls)} is reachable from other machines. Set {ServeTokens.Variable} or --token-file.");
        }

        Check(MaxConcurrentPerClient, 1, 1024, "--max-concurrent");
        Check(MaxQueuePerClient, 0, 100_000, "--max-queue");
        if (MaxRequestBodyBytes is < 1024 or > 1L << 30)
        {
            throw new CliInputException(FormattableString.Invariant($"--max-body-bytes must be from 1024 to {1L << 30}; got {MaxRequestBodyBytes}."));
        }

        if (ShutdownTimeout <= TimeSpan.Zero || ShutdownTimeout > TimeSpan.FromMinutes(10))
        {
            throw new CliInputException("--shutdown-timeout must be above 0 and at most 600 seconds.");
        }

        foreach (var origin in CorsOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || o.Scheme is not ("http" or "https") || o.PathAndQuery != "/")
            {
                throw new CliInputException($"--cors-origin: '{origin}' is not an origin such as https://app.example.com.");
            }
        }
    }

    /// <summary>The host names a request may name in its Host header: the loopback names, the hosts listened on and <see cref="AllowedHosts"/>.</summary>
    public HashSet<string> AnsweredHosts()
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", "127.0.0.1", "[::1]", "::1" };
        foreach (var url in Urls)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host is not ("0.0.0.0" or "[::]" or "::"))
            {
                hosts.Add(uri.Host);
            }
        }

        hosts.UnionWith(AllowedHosts);
        return hosts;
    }

    /// <summary>
    /// Whether the Host header is checked against <see cref="AnsweredHosts"/>: always on loopback (where a page a
    /// browser loaded from elsewhere could reach the server through DNS rebinding), and wherever <c>--allowed-host</c>
    /// is given. Elsewhere the token guards the server, and the name clients use is not known in advance.
    /// </summary>
    public bool ChecksHost => LoopbackOnly || AllowedHosts.Count > 0;

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    private static void Check(int value, int min, int max, string option)
    {
        if (value < min || value > max)
        {
            throw new CliInputException(FormattableString.Invariant($"{option} must be from {min} to {max}; got {value}."));
        }
    }
}
