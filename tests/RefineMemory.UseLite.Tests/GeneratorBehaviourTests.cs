using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RefineMemory.Testing;

namespace RefineMemory.UseLite.Tests;

public sealed class GeneratorBehaviourTests
{
    [Fact]
    public void Metadata_names_the_model_and_dimension()
    {
        var metadata = SharedGenerator.Instance.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("use-lite", metadata.DefaultModelId);
        Assert.Equal(512, metadata.DefaultModelDimensions);
        Assert.Same(SharedGenerator.Instance, SharedGenerator.Instance.GetService<UseLiteEmbeddingGenerator>());
        Assert.Null(SharedGenerator.Instance.GetService<EmbeddingGeneratorMetadata>("some key"));
    }

    [Fact]
    public async Task Vectors_are_unit_length_and_tagged_with_the_model()
    {
        var result = await SharedGenerator.Instance.GenerateAsync(["hello world", "", "a much longer sentence about retrieval"]);
        Assert.Equal(3, result.Count);
        foreach (var e in result)
        {
            Assert.Equal(512, e.Dimensions);
            Assert.Equal("use-lite", e.ModelId);
            Assert.InRange(TensorPrimitives.Norm(e.Vector.Span), 0.9999f, 1.0001f);
        }
    }

    [Fact]
    public async Task A_text_embeds_the_same_alone_in_any_batch_and_at_any_batch_size()
    {
        string[] texts = Enumerable.Range(0, 50).Select(i => i % 7 == 0 ? string.Empty : $"sentence number {i} " + new string('x', i)).ToArray();
        var batched = await SharedGenerator.Instance.GenerateAsync(texts);
        using var small = UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = SharedGenerator.Instance.ModelDirectory, BatchSize = 3, MaxDegreeOfParallelism = 2 });
        var smallBatches = await small.GenerateAsync(texts);
        for (int i = 0; i < texts.Length; i += 5)
        {
            var alone = await SharedGenerator.Instance.GenerateAsync([texts[i]]);
            Assert.True(TensorPrimitives.CosineSimilarity(alone[0].Vector.Span, batched[i].Vector.Span) > 0.99999f, $"text {i}");
            Assert.True(TensorPrimitives.CosineSimilarity(smallBatches[i].Vector.Span, batched[i].Vector.Span) > 0.99999f, $"text {i}");
        }
    }

    [Fact]
    public async Task Only_the_first_128_tokens_count()
    {
        string head = string.Join(' ', Enumerable.Range(0, 140).Select(i => $"w{i}"));
        var tokens = SharedGenerator.Instance.Tokenize(head);
        Assert.True(tokens.Count > 140);
        var result = await SharedGenerator.Instance.GenerateAsync([head, head + " and a different tail that lies past the limit"]);
        Assert.Equal(result[0].Vector.ToArray(), result[1].Vector.ToArray());
    }

    [Fact]
    public async Task Empty_list_and_null_text_are_rejected_by_name()
    {
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => SharedGenerator.Instance.GenerateAsync([]));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        var nul = await Assert.ThrowsAsync<ArgumentException>(() => SharedGenerator.Instance.GenerateAsync(["fine", "also fine", null!]));
        Assert.Contains("text 2 is null", nul.Message, StringComparison.Ordinal);
        var dims = await Assert.ThrowsAsync<ArgumentException>(() => SharedGenerator.Instance.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 256 }));
        Assert.Contains("512", dims.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_reports_every_batch_and_reaches_the_total()
    {
        var seen = new List<int>();
        var progress = new SynchronousProgress(seen);
        using var generator = UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = SharedGenerator.Instance.ModelDirectory, BatchSize = 10, Progress = progress });
        await generator.GenerateAsync(Enumerable.Range(0, 45).Select(i => $"text {i}"));
        lock (seen)
        {
            Assert.Equal(5, seen.Count);
            Assert.Equal(45, seen.Max());
        }
    }

    [Fact]
    public async Task Cancellation_stops_between_batches()
    {
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress([], _ => cts.Cancel());
        using var generator = UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = SharedGenerator.Instance.ModelDirectory, BatchSize = 4, MaxDegreeOfParallelism = 1, Progress = progress });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(Enumerable.Range(0, 400).Select(i => $"text {i}"), cancellationToken: cts.Token));
    }

    [Fact]
    public void Missing_model_folder_names_the_folder_and_the_setup_command()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-use-lite-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<UseLiteModelNotFoundException>(() => UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = missing }));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("make setup", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FileNotFoundException>(ex);
    }

    [Fact]
    public void Damaged_weight_shard_fails_its_checksum_with_a_clear_error()
    {
        string copy = CopyModel();
        try
        {
            string shard = Path.Combine(copy, "group1-shard3of7");
            byte[] bytes = File.ReadAllBytes(shard);
            bytes[1000] ^= 1;
            File.WriteAllBytes(shard, bytes);
            var ex = Assert.Throws<InvalidDataException>(() => UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = copy }));
            Assert.Contains("group1-shard3of7", ex.Message, StringComparison.Ordinal);
            Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
            Assert.Contains("make setup", ex.Message, StringComparison.Ordinal);

            File.Delete(shard);
            var gone = Assert.Throws<UseLiteModelNotFoundException>(() => UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = copy }));
            Assert.Contains("group1-shard3of7", gone.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Truncated_shard_is_reported_even_without_checksums()
    {
        string copy = CopyModel();
        try
        {
            string shard = Path.Combine(copy, "group1-shard7of7");
            byte[] bytes = File.ReadAllBytes(shard);
            File.WriteAllBytes(shard, bytes.AsSpan(0, bytes.Length - 4096).ToArray());
            var ex = Assert.Throws<InvalidDataException>(() => UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = copy, VerifyChecksums = false }));
            Assert.Contains("model.json", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void The_library_reads_no_environment_variable_only_the_option()
    {
        // $REFINE_USE_LITE_DIR is the CLI's (it passes it as UseLiteOptions.ModelDirectory); the library ignores it.
        string? before = Environment.GetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable, Path.Combine(Path.GetTempPath(), "no-such-use-lite-" + Guid.NewGuid().ToString("N")));
            using var generator = UseLiteEmbeddingGenerator.Create(new UseLiteOptions { VerifyChecksums = false });
            Assert.Equal(SharedGenerator.Instance.ModelDirectory, generator.ModelDirectory);
        }
        finally
        {
            Environment.SetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable, before);
        }
    }

    private static string CopyModel()
    {
        string copy = Path.Combine(Path.GetTempPath(), "use-lite-copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.EnumerateFiles(SharedGenerator.Instance.ModelDirectory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    /// <summary>IProgress that records on the reporting thread (Progress&lt;T&gt; would post asynchronously).</summary>
    private sealed class SynchronousProgress(List<int> seen, Action<int>? onReport = null) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (seen)
            {
                seen.Add(value);
            }

            onReport?.Invoke(value);
        }
    }
}
