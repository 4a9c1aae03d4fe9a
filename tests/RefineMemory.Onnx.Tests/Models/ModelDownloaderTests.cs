using System.Security.Cryptography;
using RefineMemory.Onnx.Embed;
using RefineMemory.Onnx.Models;
using RefineMemory.Testing;

namespace RefineMemory.Onnx.Tests.Models;

/// <summary><c>refine models pull</c>'s downloader against a loopback server in the Hugging Face URL layout.</summary>
public sealed class ModelDownloaderTests : IAsyncLifetime
{
    private const string Repo = "sentence-transformers/all-MiniLM-L6-v2";
    private readonly string _cache = Directory.CreateTempSubdirectory("refine-models-").FullName;
    private readonly byte[] _model = File.ReadAllBytes(OnnxFixtures.EmbedderModel);
    private LoopbackHuggingFaceServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackHuggingFaceServer.StartAsync();
        _server.AddFile(Repo, "onnx/model.onnx", _model, lfs: true);
        foreach (string file in new[] { "vocab.txt", "modules.json", "1_Pooling/config.json", "sentence_bert_config.json" })
        {
            _server.AddFile(Repo, file, File.ReadAllBytes(Path.Combine(OnnxFixtures.Embedder, file)), lfs: false);
        }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_cache, recursive: true);
    }

    [Fact]
    public async Task Pull_downloads_verifies_and_yields_a_working_model_folder()
    {
        var progress = new ListProgress();
        var result = await Downloader().PullAsync(KnownModels.Get("all-MiniLM-L6-v2"), Target, progress);

        var model = result.Files.Single(f => f.LocalPath == "model.onnx");
        Assert.Equal(ChecksumSource.Server, model.Checked);
        Assert.Equal(Sha(_model), model.Sha256);
        Assert.Equal(ChecksumSource.RecordedOnly, result.Files.Single(f => f.LocalPath == "vocab.txt").Checked);
        Assert.True(result.Files.Single(f => f.LocalPath == "tokenizer.json").MissingUpstream);
        Assert.Equal(_model, File.ReadAllBytes(Path.Combine(Target, "model.onnx")));
        Assert.True(File.Exists(Path.Combine(Target, ModelDownloader.LockFileName)));
        Assert.Contains(progress.Reports, p => p.File == "model.onnx" && p.Completed && p.BytesDone == _model.Length);
        Assert.Contains(progress.Reports, p => p.File == "model.onnx" && !p.Completed && p.TotalBytes == _model.Length);

        using var generator = OnnxEmbeddingGenerator.FromModelDirectory(Target);
        Assert.Equal(32, generator.MaxLength);
        var vector = generator.Generate(["Hello, World!"])[0].Vector;
        Assert.Equal(64, vector.Length);

        int before = _server.Requests.Count;
        var again = await Downloader().PullAsync(KnownModels.Get("all-MiniLM-L6-v2"), Target);
        Assert.All(again.Files.Where(f => !f.MissingUpstream), f => Assert.True(f.AlreadyPresent));
        Assert.DoesNotContain(_server.Requests.Skip(before), r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Interrupted_transfer_is_resumed_with_a_range_request()
    {
        _server.InterruptAfter(Repo, "onnx/model.onnx", 100_000);
        var result = await Downloader().PullAsync(KnownModels.Get("all-MiniLM-L6-v2"), Target);

        Assert.Equal(Sha(_model), result.Files.Single(f => f.LocalPath == "model.onnx").Sha256);
        Assert.Equal(_model, File.ReadAllBytes(Path.Combine(Target, "model.onnx")));
        // The resumed request starts where the cut transfer ended (all 100,000 bytes unless the reset lost some).
        var resumed = Assert.Single(_server.Requests, r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal) && r.Range is not null);
        long from = long.Parse(resumed.Range!["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(from, 1, 100_000);
        Assert.False(File.Exists(Path.Combine(Target, "model.onnx.part")));
    }

    [Fact]
    public async Task Pull_that_runs_out_of_attempts_keeps_the_part_and_a_later_pull_resumes_it()
    {
        _server.InterruptAfter(Repo, "onnx/model.onnx", 50_000, times: 2);
        var options = new ModelDownloadOptions { BaseUrl = _server.BaseAddress, MaxAttempts = 1 };
        using var http = ModelDownloader.CreateHttpClient();
        var ex = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(http, options).PullAsync(KnownModels.Get("all-MiniLM-L6-v2"), Target));
        Assert.Contains("after 1 attempts", ex.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Target, "model.onnx.part")), ex.ToString());
        long partLength = new FileInfo(Path.Combine(Target, "model.onnx.part")).Length;
        Assert.InRange(partLength, 1, 50_000);
        Assert.False(File.Exists(Path.Combine(Target, "model.onnx")));

        // The second cut is at byte 50,000 too; a transfer resumed at or after it is not cut.
        await Downloader().PullAsync(KnownModels.Get("all-MiniLM-L6-v2"), Target);
        Assert.Equal(_model, File.ReadAllBytes(Path.Combine(Target, "model.onnx")));
        Assert.Contains(_server.Requests, r => r.Range == $"bytes={partLength}-");
    }

    [Fact]
    public async Task Checksum_mismatch_discards_the_file_and_says_so()
    {
        _server.AddFile(Repo, "onnx/model.onnx", _model, lfs: true, advertisedSha256: new string('a', 64));
        var ex = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().PullAsync(KnownModels.Get("all-MiniLM-L6-v2"), Target));
        Assert.Contains("Checksum mismatch", ex.Message, StringComparison.Ordinal);
        Assert.Contains(new string('a', 64), ex.Message, StringComparison.Ordinal);
        Assert.Contains(Sha(_model), ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Target, "model.onnx")));
        Assert.False(File.Exists(Path.Combine(Target, "model.onnx.part")));
    }

    [Fact]
    public async Task Manifest_checksum_is_checked_for_files_the_server_does_not_hash()
    {
        var manifest = new Dictionary<string, string> { ["vocab.txt"] = new string('0', 64) };
        var options = new ModelDownloadOptions { BaseUrl = _server.BaseAddress, Manifest = manifest };
        using var http = ModelDownloader.CreateHttpClient();
        var ex = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(http, options).PullAsync(KnownModels.Get("all-MiniLM-L6-v2"), Target));
        Assert.Contains("vocab.txt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Manifest", ex.Message, StringComparison.Ordinal);

        string vocabSha = Sha(File.ReadAllBytes(Path.Combine(OnnxFixtures.Embedder, "vocab.txt")));
        options.Manifest = new Dictionary<string, string> { ["vocab.txt"] = vocabSha.ToUpperInvariant() };
        var result = await new ModelDownloader(http, options).PullAsync(KnownModels.Get("all-MiniLM-L6-v2"), Target);
        Assert.Equal(ChecksumSource.Manifest, result.Files.Single(f => f.LocalPath == "vocab.txt").Checked);
    }

    [Fact]
    public async Task Missing_onnx_export_is_an_error_naming_the_url()
    {
        var ex = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().PullAsync(KnownModels.Get("gte-small"), Target));
        Assert.Contains("thenlper/gte-small/resolve/main/onnx/model.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Known_models_cover_the_issue_list_and_unknown_names_are_refused()
    {
        Assert.Equal(["all-MiniLM-L6-v2", "bge-small-en-v1.5", "e5-small-v2", "gte-small", "ms-marco-MiniLM-L-6-v2"], KnownModels.All.Select(m => m.Name));
        Assert.True(KnownModels.Get("MS-MARCO-MiniLM-L-6-v2").IsCrossEncoder);
        var ex = Assert.Throws<ArgumentException>(() => KnownModels.Get("bert-large"));
        Assert.Contains("all-MiniLM-L6-v2", ex.Message, StringComparison.Ordinal);
    }

    private string Target => Path.Combine(_cache, "all-MiniLM-L6-v2");

    private ModelDownloader Downloader() => new(ModelDownloader.CreateHttpClient(), new ModelDownloadOptions { BaseUrl = _server.BaseAddress });

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private sealed class ListProgress : IProgress<ModelDownloadProgress>
    {
        public List<ModelDownloadProgress> Reports { get; } = [];

        public void Report(ModelDownloadProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }
}
