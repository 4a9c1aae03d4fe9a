using System.Diagnostics;
using Microsoft.Data.Sqlite;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// The <c>refine</c> process as a hostile user drives it: link loops, databases that are folders, devices,
/// foreign, damaged or read-only, terminal escapes in stored text, an unconfigured judge, and the MCP server's
/// stdio protocol. The embedder is the loopback OpenAI-compatible server.
/// </summary>
public sealed class CliReliabilityTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        using var process = RefineCli.Start(env, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"refine {string.Join(' ', args)} did not finish in 2 minutes.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<(LoopbackOpenAIServer Server, Dictionary<string, string?> Env)> ServerAsync()
    {
        var server = await LoopbackOpenAIServer.StartAsync();
        server.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 32);
        return (server, RefineCli.LoopbackEnvironment(server.BaseUri));
    }

    [Fact]
    public async Task A_folder_with_link_loops_is_ingested_once_and_bad_links_are_reported()
    {
        using var db = new TempDatabase();
        var (server, env) = await ServerAsync();
        await using var _ = server;
        string d = Path.Combine(db.Folder, "d");
        Directory.CreateDirectory(d);
        await File.WriteAllTextAsync(Path.Combine(d, "a.txt"), "x");
        File.CreateSymbolicLink(Path.Combine(d, "l1"), ".");
        File.CreateSymbolicLink(Path.Combine(d, "l2"), ".");
        File.CreateSymbolicLink(Path.Combine(d, "gone.txt"), "missing.txt");

        var (code, stdout, stderr) = await RunAsync(env, "ingest", d, "-c", "c", "--db", db.Path, "--embedder", "openai");

        Assert.True(code == 0, stderr);
        Assert.Contains("c: 1 added", stdout, StringComparison.Ordinal);
        Assert.Contains("skipped gone.txt: dangling symbolic link", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_database_problem_is_exit_2_with_one_line_and_a_missing_database_is_not_created()
    {
        using var db = new TempDatabase();
        var (server, env) = await ServerAsync();
        await using var _ = server;
        string docs = Path.Combine(db.Folder, "doc.txt");
        await File.WriteAllTextAsync(docs, "some text");
        string foreign = Path.Combine(db.Folder, "foreign.db");
        using (var conn = new SqliteConnection($"Data Source={foreign}"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "CREATE TABLE invoices (id INTEGER)";
            cmd.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(0, (await RunAsync(env, "ingest", docs, "-c", "c", "--db", db.Path, "--embedder", "openai")).Code);
        string malformed = Path.Combine(db.Folder, "malformed.db");
        byte[] bytes = await File.ReadAllBytesAsync(db.Path);
        for (int i = 4096; i < bytes.Length; i++)
        {
            bytes[i] = 0x5A;
        }

        await File.WriteAllBytesAsync(malformed, bytes);

        var cases = new (string[] Args, string Expected)[]
        {
            (["search", "q", "-c", "c", "--no-refine", "--embedder", "openai", "--db", db.Folder], "is a folder"),
            (["ingest", docs, "-c", "c", "--embedder", "openai", "--db", db.Folder], "is a folder"),
            (["ingest", docs, "-c", "c", "--embedder", "openai", "--db", "/dev/null"], "/dev/null"),
            (["search", "q", "-c", "c", "--no-refine", "--embedder", "openai", "--db", Path.Combine(db.Folder, "none.db")], "no collections yet"),
            (["search", "q", "-c", "c", "--no-refine", "--embedder", "openai", "--db", "/dev/null"], "no collections yet"),
            (["ingest", docs, "-c", "c", "--embedder", "openai", "--db", foreign], "another application"),
            (["search", "q", "-c", "c", "--no-refine", "--embedder", "openai", "--db", malformed], "is damaged"),
        };
        foreach (var (args, expected) in cases)
        {
            var (code, _, stderr) = await RunAsync(env, args);
            Assert.True(code == 2, $"refine {string.Join(' ', args)} exited {code}: {stderr}");
            Assert.Contains(expected, stderr, StringComparison.Ordinal);
            Assert.Single(stderr.Trim().Split('\n'));
        }

        Assert.False(File.Exists(Path.Combine(db.Folder, "none.db")));
    }

    [Fact]
    public async Task Stored_escape_sequences_never_reach_the_terminal_and_json_escapes_them()
    {
        using var db = new TempDatabase();
        var (server, env) = await ServerAsync();
        await using var _ = server;
        string doc = Path.Combine(db.Folder, "evil.txt");
        await File.WriteAllTextAsync(doc, "hello \u001b[2J\u001b]0;PWNED\u0007 world");
        Assert.Equal(0, (await RunAsync(env, "ingest", doc, "-c", "c", "--db", db.Path, "--embedder", "openai")).Code);

        var (code, human, stderr) = await RunAsync(env, "search", "hello", "-c", "c", "--no-refine", "--db", db.Path, "--embedder", "openai");
        Assert.True(code == 0, stderr);
        Assert.Contains("hello", human, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', human);
        Assert.DoesNotContain('\u0007', human);

        var (_, json, _) = await RunAsync(env, "search", "hello", "-c", "c", "--no-refine", "--db", db.Path, "--embedder", "openai", "--json");
        Assert.DoesNotContain('\u001b', json);
        Assert.Contains("\\u001B[2J", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_in_rounds_with_a_batched_judge_makes_one_call_per_round_and_says_so()
    {
        using var db = new TempDatabase();
        var (server, env) = await ServerAsync();
        await using var _ = server;
        server.Labels = (_, text) => text.Contains("refund", StringComparison.Ordinal);
        string docs = Path.Combine(db.Folder, "docs");
        Directory.CreateDirectory(docs);
        for (int i = 0; i < 30; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(docs, $"d{i}.txt"), i % 3 == 0 ? $"refund request number {i} for a late card payment" : $"store opening hours note {i} garden furniture");
        }

        Assert.Equal(0, (await RunAsync(env, "ingest", docs, "-c", "c", "--db", db.Path, "--embedder", "openai")).Code);
        int before = server.ChatRequests;

        var (code, json, stderr) = await RunAsync(env, "search", "refund for a card payment", "-c", "c", "--db", db.Path, "--embedder", "openai",
            "--feedback", "20", "--feedback-strategy", "rounds", "--judge-batch", "5", "--json");

        Assert.True(code == 0, stderr);
        Assert.Equal(4, server.ChatRequests - before);
        Assert.All(server.ChatLog.Skip(before), r => Assert.Equal(5, r.Batch!.Documents.Count));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var d = doc.RootElement.GetProperty("diagnostics");
        Assert.Equal((4, 20, 4), (d.GetProperty("JudgeCalls").GetInt32(), d.GetProperty("Judgements").GetInt32(), d.GetProperty("FeedbackRounds").GetInt32()));

        var (_, human, _) = await RunAsync(env, "search", "refund for a card payment", "-c", "c", "--db", db.Path, "--embedder", "openai",
            "--feedback", "20", "--feedback-strategy", "rounds", "--judge-batch", "5");
        Assert.Contains("judge: 20 judgements in 4 calls, 4 round(s)", human, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unconfigured_judge_exits_3()
    {
        using var db = new TempDatabase();
        var (server, env) = await ServerAsync();
        await using var _ = server;
        env["REFINE_CHAT_ENDPOINT"] = null;
        env["REFINE_CHAT_MODEL"] = null;
        env["OPENAI_API_KEY"] = null;
        var (code, _, stderr) = await RunAsync(env, "search", "q", "-c", "c", "--db", db.Path, "--embedder", "openai");
        Assert.True(code == 3, stderr);
        Assert.Contains("refinement uses a chat model as judge", stderr, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and setpriv are POSIX
    public async Task A_read_only_database_answers_searches_for_a_user_who_may_not_write_it_and_refuses_writes_in_one_line()
    {
        using var db = new TempDatabase();
        var (server, env) = await ServerAsync();
        await using var _ = server;
        string doc = Path.Combine(db.Folder, "doc.txt");
        await File.WriteAllTextAsync(doc, "read only knowledge");
        Assert.Equal(0, (await RunAsync(env, "ingest", doc, "-c", "c", "--db", db.Path, "--embedder", "openai")).Code);
        File.SetUnixFileMode(db.Path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead); // 444

        // Root ignores file modes, so as root the CLI runs as 'nobody' (uid 65534) in a folder it may not write.
        bool root = Environment.UserName == "root";
        string[] prefix = root ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet"] : ["dotnet"];
        env["HOME"] = Path.GetTempPath();
        env["DOTNET_CLI_HOME"] = Path.GetTempPath();
        long size = new FileInfo(db.Path).Length;

        var search = await RunAsAsync(prefix, env, "search", "knowledge", "-c", "c", "--no-refine", "--db", db.Path, "--embedder", "openai");
        Assert.True(search.Code == 0, search.Stderr);
        Assert.Contains("read only knowledge", search.Stdout, StringComparison.Ordinal);

        var ingest = await RunAsAsync(prefix, env, "ingest", doc, "-c", "other", "--db", db.Path, "--embedder", "openai");
        Assert.True(ingest.Code == 2, ingest.Stderr);
        Assert.Single(ingest.Stderr.Trim().Split('\n'));
        Assert.Equal(size, new FileInfo(db.Path).Length);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsAsync(string[] prefix, IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        var info = new ProcessStartInfo(prefix[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (string p in prefix.Skip(1).Append(RefineCli.DllPath).Concat(args))
        {
            info.ArgumentList.Add(p);
        }

        foreach (var (k, v) in env)
        {
            info.Environment[k] = v;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }
}
