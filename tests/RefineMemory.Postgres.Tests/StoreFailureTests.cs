using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using RefineMemory.Memory;
using RefineMemory.OpenAI;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// Ordinary PostgreSQL failures (a wrong password, a missing database or privilege, a locked table, a server
/// stopped mid-call) through the library and the built <c>refine</c>: typed errors, exit 4, one line, no password.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class StoreFailureTests(PostgresServer server) : IAsyncLifetime
{
    private const string Secret = "hunter2-not-shown";
    private LoopbackOpenAIServer _models = null!;
    private string _folder = "";
    private string _input = "";

    public async Task InitializeAsync()
    {
        _models = await LoopbackOpenAIServer.StartAsync();
        _models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 16);
        _folder = Directory.CreateTempSubdirectory("refine-pg-fail-").FullName;
        _input = Path.Combine(_folder, "docs.jsonl");
        await File.WriteAllLinesAsync(_input, Enumerable.Range(0, 20).Select(i => JsonSerializer.Serialize(new { id = $"d{i}", text = $"note {i} about refunds and topic {i % 3}" })));
    }

    public async Task DisposeAsync()
    {
        await _models.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_wrong_password_a_missing_database_and_a_missing_privilege_exit_4_in_one_line_without_the_password()
    {
        string collection = await IngestAsync(server.Uri);
        string role = PostgresServer.NewName("pw");
        await server.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD 'right-password'");
        await server.RequirePasswordAsync(role);

        var wrongPassword = await SearchAsync(collection, server.UriFor(role, password: Secret));
        AssertStoreError(wrongPassword, "password authentication failed");
        var noPassword = await SearchAsync(collection, server.UriFor(role));
        AssertStoreError(noPassword, "No password has been provided");
        var noDatabase = await SearchAsync(collection, server.UriFor("postgres", "no_such_db", Secret));
        AssertStoreError(noDatabase, "database \"no_such_db\" does not exist");
        var noPrivilege = await SearchAsync(collection, server.UriFor(role, password: "right-password"));
        AssertStoreError(noPrivilege, "permission denied for table refine_memory_schema");

        // Malformed settings are bad input (2), and say so without echoing the password either.
        foreach (string db in new[] { $"postgresql://postgres:{Secret}@127.0.0.1:x5/postgres", $"Host=127.0.0.1;Port=abc;Username=postgres;Password={Secret}", $"postgresql://postgres:{Secret}@127.0.0.1:5432/postgres?sslmode=bogus" })
        {
            var malformed = await SearchAsync(collection, db);
            Assert.True(malformed.Code == 2, malformed.Err);
            Assert.DoesNotContain(Secret, malformed.Err, StringComparison.Ordinal);
            Assert.Single(malformed.Err.Trim().Split('\n'));
        }
    }

    [Fact]
    public async Task A_search_of_a_locked_table_ends_within_the_lock_timeout_with_exit_4_and_the_timeout_is_configurable()
    {
        string collection = await IngestAsync(server.Uri);
        using var blocker = await server.DataSource.OpenConnectionAsync();
        using var tx = await blocker.BeginTransactionAsync();
        using (var lockTable = new NpgsqlCommand("LOCK TABLE public.refine_memory_chunks IN ACCESS EXCLUSIVE MODE", blocker, tx))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var clock = Stopwatch.StartNew();
        var byDefault = await SearchAsync(collection, server.UriFor("postgres", password: Secret));
        var defaultTook = clock.Elapsed;
        AssertStoreError(byDefault, "waited past its lock timeout");
        Assert.InRange(defaultTook, PostgresMemoryStoreOptions.DefaultLockTimeout, TimeSpan.FromSeconds(30)); // the 5 s default, plus the process's start

        // The user's own lock_timeout in the URI (libpq's options parameter) wins over ours.
        clock.Restart();
        var configured = await SearchAsync(collection, server.Uri + "?options=-c%20lock_timeout%3D1s");
        AssertStoreError(configured, "waited past its lock timeout");
        Assert.True(clock.Elapsed < defaultTook - TimeSpan.FromSeconds(2), $"the 1 s lock timeout took {clock.Elapsed}, the 5 s default {defaultTook}");
        await tx.RollbackAsync();

        Assert.Equal(0, (await SearchAsync(collection, server.Uri)).Code); // the lock gone, the same search answers
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_is_unavailable_after_the_connection_timeout_with_exit_4()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts (the kernel completes the handshake) and never says a word
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();
        var run = await SearchAsync("docs", $"postgresql://postgres:{Secret}@127.0.0.1:{port}/postgres?connect_timeout=2");
        Assert.True(run.Code == 4, $"exit {run.Code}: {run.Err}"); // before: exit 1, "unexpected TimeoutException: ... ran past its statement timeout"
        Assert.Equal($"refine: error: PostgreSQL at 127.0.0.1:{port}/postgres did not answer within the connection timeout; OpenMemory was not run. Is the server overloaded, or is something else listening there?", run.Err.Trim());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Lock_and_statement_timeouts_are_typed_errors_of_the_library_and_checked()
    {
        string collection = await IngestAsync(server.Uri);
        using var embedder = Embedder();
        using var lockOnly = Open(embedder, o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
        using var statementOnly = Open(embedder, o => (o.LockTimeout, o.StatementTimeout) = (null, TimeSpan.FromSeconds(1)));
        // The connection string's own lock_timeout wins over ours; deadlock_timeout is another setting, which does not.
        using var usersOwn = Open(embedder, o => (o.ConnectionString, o.LockTimeout) = (server.ConnectionString + ";Options=-c lock_timeout=300ms", TimeSpan.FromMinutes(1)));
        using var otherSetting = Open(embedder, o => (o.ConnectionString, o.LockTimeout) = (server.ConnectionString + ";Options=-c deadlock_timeout=2s", TimeSpan.FromMilliseconds(300)));
        using (var blocker = await server.DataSource.OpenConnectionAsync())
        using (var tx = await blocker.BeginTransactionAsync())
        {
            using (var lockTable = new NpgsqlCommand("LOCK TABLE public.refine_memory_chunks IN ACCESS EXCLUSIVE MODE", blocker, tx))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            var locked = await Assert.ThrowsAsync<PostgresTimeoutException>(() => SearchAsync(lockOnly, collection));
            Assert.True(locked.LockTimeout);
            Assert.Equal($"127.0.0.1:{server.Port}/postgres", locked.Server);
            foreach (var store in new[] { usersOwn, otherSetting })
            {
                var watch = Stopwatch.StartNew();
                Assert.True((await Assert.ThrowsAsync<PostgresTimeoutException>(() => SearchAsync(store, collection))).LockTimeout);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
            }

            var clock = Stopwatch.StartNew();
            var slow = await Assert.ThrowsAsync<PostgresTimeoutException>(() => SearchAsync(statementOnly, collection));
            Assert.False(slow.LockTimeout);
            Assert.Contains("ran past its statement timeout", slow.Message, StringComparison.Ordinal);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
            await tx.RollbackAsync();
        }

        Assert.NotEmpty(await SearchAsync(lockOnly, collection)); // the same store answers once the lock is gone
        Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString, LockTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString, StatementTimeout = TimeSpan.FromDays(2) }.Validate());
    }

    internal async Task<string> IngestAsync(string db, string? collection = null)
    {
        collection ??= PostgresServer.NewName("fail");
        var ingest = await RefineProcess.RunAsync(_models.BaseUri, "ingest", _input, "--collection", collection, "--db", db, "--embedder", "openai");
        Assert.True(ingest.Code == 0, ingest.Err);
        return collection;
    }

    private Task<(int Code, string Out, string Err)> SearchAsync(string collection, string db) =>
        RefineProcess.RunAsync(_models.BaseUri, "search", "refunds", "--collection", collection, "--db", db, "--no-refine", "--embedder", "openai");

    private static async Task<IReadOnlyList<RefinedSearchHit>> SearchAsync(PostgresMemoryStore store, string collection) =>
        (await new RefinedSearch(store, store.Embedder, new NoJudge()).SearchAsync(collection, "refunds", 5, new() { Refine = false })).Hits;

    private PostgresMemoryStore Open(OpenAICompatibleEmbeddingGenerator embedder, Action<PostgresMemoryStoreOptions> configure)
    {
        var options = new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString };
        configure(options);
        return new PostgresMemoryStore(options, embedder);
    }

    private OpenAICompatibleEmbeddingGenerator Embedder() => new(new EmbeddingModelSettings(_models.BaseUri, "loopback-embedding"));

    /// <summary>Exit 4, one <c>refine: error:</c> line (progress lines aside) saying <paramref name="expected"/>, naming the server, no password.</summary>
    internal void AssertStoreError((int Code, string Out, string Err) run, string expected)
    {
        Assert.True(run.Code == 4, $"exit {run.Code}: {run.Err}");
        var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("refine:", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.StartsWith("refine: error: PostgreSQL at 127.0.0.1:" + server.Port, lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Err + run.Out, StringComparison.Ordinal);
    }

    private sealed class NoJudge : RefineMemory.Judge.IRelevanceJudge
    {
        public Task<RefineMemory.Judge.JudgeResult> JudgeAsync(RefineMemory.Judge.JudgeRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("a plain search called the judge");
    }
}
