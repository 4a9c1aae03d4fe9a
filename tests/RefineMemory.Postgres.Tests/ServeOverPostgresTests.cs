using System.Net.Http.Json;
using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary><c>refine serve</c> over a PostgreSQL memory: the same server the SQLite tests drive, with <c>--db postgresql://</c>.</summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class ServeOverPostgresTests(PostgresServer server)
{
    private const string Token = "postgres-serve-token-0123456789";

    [Fact]
    public async Task Refine_serve_answers_a_refined_search_of_a_postgresql_memory_through_its_api_and_stops_on_sigterm()
    {
        await using var models = await LoopbackOpenAIServer.StartAsync();
        models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 64);
        models.Labels = RefundDocuments.Labels;
        string collection = PostgresServer.NewName("serve");
        string folder = Directory.CreateTempSubdirectory("refine-pg-serve-").FullName;
        string input = Path.Combine(folder, "docs.jsonl");
        await File.WriteAllLinesAsync(input, RefundDocuments.All.Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text })));
        var ingest = await RefineProcess.RunAsync(models.BaseUri, "ingest", input, "--collection", collection, "--db", server.Uri, "--embedder", "openai");
        Assert.True(ingest.Code == 0, ingest.Err);

        using var serve = RefineProcess.Start(models.BaseUri, "serve", "--db", server.Uri, "--collection", collection, "--embedder", "openai", "--urls", "http://127.0.0.1:0", "--token-file", await TokenFileAsync(folder));
        try
        {
            var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            serve.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null && ServeListening.Parse(e.Data) is { } listening)
                {
                    address.TrySetResult(listening);
                }
            };
            serve.BeginErrorReadLine();
            using var http = new HttpClient { BaseAddress = await address.Task.WaitAsync(TimeSpan.FromSeconds(60)) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", Token);

            using var response = await http.PostAsJsonAsync("/api/search", new { query = "refund not showing up", top = 4 });
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            var json = JsonDocument.Parse(body).RootElement;
            Assert.True(json.GetProperty("tool").GetProperty("refined").GetBoolean(), body);
            Assert.All(json.GetProperty("tool").GetProperty("results").EnumerateArray(), r => Assert.Contains("Refund", r.GetProperty("text").GetString(), StringComparison.Ordinal));
            Assert.Equal(collection, json.GetProperty("tool").GetProperty("collection").GetString());

            using var term = System.Diagnostics.Process.Start("kill", ["-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await serve.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, serve.ExitCode);
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string> TokenFileAsync(string folder)
    {
        string path = Path.Combine(folder, "tokens");
        await File.WriteAllTextAsync(path, Token + "\n");
        return path;
    }
}
