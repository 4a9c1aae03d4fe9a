using System.Net;
using System.Net.Sockets;
using System.Text;
using RefineMemory.Testing;

namespace RefineMemory.Cli.Tests;

/// <summary><c>refine search --otlp-endpoint</c>: the search's spans reach a collector (a loopback OTLP/HTTP receiver).</summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-otlp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Search_exports_its_span_tree_to_the_named_collector()
    {
        string db = Path.Combine(_dir, "memory.db");
        await BuiltProgram.IngestRefundDocumentsAsync(db, "docs");
        using var collector = new LoopbackCollector();

        var (code, stdout, stderr) = await CliProcess.RunWithEnvironmentAsync("", new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" },
            "search", "refund not showing up", "--db", db, "--collection", "docs", "--no-refine", "--otlp-endpoint", collector.Endpoint);

        Assert.True(code == 0, stderr);
        Assert.Contains("Refunds go back", stdout, StringComparison.Ordinal);
        string traces = collector.Received("/v1/traces");
        // OTLP/protobuf carries span names and attribute keys as UTF-8 strings.
        Assert.Contains("refinememory.search", traces, StringComparison.Ordinal);
        Assert.Contains("refinememory.embed", traces, StringComparison.Ordinal);
        Assert.Contains("refinememory.retrieve", traces, StringComparison.Ordinal);
        Assert.Contains("service.name", traces, StringComparison.Ordinal);
        Assert.Contains("refinememory.searches", collector.Received("/v1/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_endpoint_is_refused_before_any_work()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("search", "q", "--db", Path.Combine(_dir, "none.db"), "--collection", "docs", "--no-refine", "--otlp-endpoint", "localhost:4317");
        Assert.Equal(2, code);
        Assert.Contains("--otlp-endpoint", stderr, StringComparison.Ordinal);
    }

    /// <summary>Accepts OTLP/HTTP posts on a loopback port and keeps their bodies by path.</summary>
    private sealed class LoopbackCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Dictionary<string, StringBuilder> _bodies = new(StringComparer.Ordinal);
        private readonly Task _loop;

        public LoopbackCollector()
        {
            int port = FreePort();
            Endpoint = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Endpoint);
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public string Received(string path)
        {
            lock (_bodies)
            {
                return _bodies.TryGetValue(path, out var body) ? body.ToString() : throw new InvalidOperationException($"nothing was posted to {path}; got: {string.Join(", ", _bodies.Keys)}");
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var buffer = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(buffer);
                lock (_bodies)
                {
                    string path = context.Request.Url!.AbsolutePath;
                    (_bodies.TryGetValue(path, out var sb) ? sb : _bodies[path] = new StringBuilder()).Append(Encoding.UTF8.GetString(buffer.ToArray()));
                }

                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
