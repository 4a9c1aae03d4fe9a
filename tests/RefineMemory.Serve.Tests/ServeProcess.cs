using System.Diagnostics;
using System.Text;
using RefineMemory.Testing;

namespace RefineMemory.Serve.Tests;

/// <summary>
/// <c>refine serve</c> in a child process on a free loopback port, judged and embedded by a loopback OpenAI server,
/// over a SQLite memory in a temporary folder. Disposing stops it (SIGKILL if it is still running).
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    public const string Token = "test-token-0123456789abcdef";

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private ServeProcess(Process process, string folder)
    {
        _process = process;
        Folder = folder;
    }

    public static string DllPath => BuiltProgram.DllPath(Path.Combine("src", "RefineMemory.Cli"), "refine");

    public Uri BaseUri { get; private set; } = null!;

    public string Folder { get; }

    public string Database => Path.Combine(Folder, "memory.db");

    public int ProcessId => _process.Id;

    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the server with <paramref name="arguments"/> after <c>serve --db ... --embedder openai --urls http://127.0.0.1:0</c>; the token is <see cref="Token"/> unless <paramref name="environment"/> says otherwise.</summary>
    public static async Task<ServeProcess> StartAsync(LoopbackOpenAIServer models, IReadOnlyDictionary<string, string?>? environment = null, string? folder = null, params string[] arguments)
    {
        folder ??= Directory.CreateTempSubdirectory("refine-serve-").FullName;
        var info = Info(models, environment, ["serve", "--db", Path.Combine(folder, "memory.db"), "--embedder", "openai", "--urls", "http://127.0.0.1:0", .. arguments]);
        var process = Process.Start(info)!;
        var serve = new ServeProcess(process, folder);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("refine serve exited before it listened: " + serve.StandardError));
                return;
            }

            lock (serve._stderr)
            {
                serve._stderr.AppendLine(e.Data);
            }

            if (ServeListening.Parse(e.Data) is { } address)
            {
                listening.TrySetResult(address);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        serve.BaseUri = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return serve;
    }

    /// <summary>Runs <c>refine</c> to its end (for commands that should refuse to start) and returns its exit code and stderr.</summary>
    public static async Task<(int ExitCode, string Error)> RunAsync(LoopbackOpenAIServer models, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var info = Info(models, environment, arguments);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await error);
    }

    public HttpClient Client(string? token = Token)
    {
        var client = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(120) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
    }

    /// <summary>Sends SIGTERM, as systemd or a container runtime does to stop the service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is going away; the temp folder is cleaned up later.
        }
    }

    private static ProcessStartInfo Info(LoopbackOpenAIServer models, IReadOnlyDictionary<string, string?>? environment, IEnumerable<string> arguments)
    {
        var variables = new Dictionary<string, string?>
        {
            ["REFINE_CHAT_ENDPOINT"] = models.BaseUri.ToString(),
            ["REFINE_CHAT_MODEL"] = "loopback-judge",
            ["REFINE_CHAT_API_KEY"] = "test-key",
            ["REFINE_EMBEDDING_ENDPOINT"] = models.BaseUri.ToString(),
            ["REFINE_EMBEDDING_MODEL"] = "loopback-embedding",
            ["REFINE_SERVE_TOKEN"] = Token,
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            variables[k] = v;
        }

        return BuiltProgram.StartInfo(DllPath, variables, arguments);
    }
}
