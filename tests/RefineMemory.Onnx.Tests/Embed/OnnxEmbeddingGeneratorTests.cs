using System.Text.Json;
using Microsoft.Extensions.AI;
using RefineMemory.Onnx.Embed;

namespace RefineMemory.Onnx.Tests.Embed;

/// <summary>
/// Parity with eng/fixtures/onnx/make_model_fixtures.py: a random-weight BERT-shaped model exported by
/// torch.onnx.export, run one sentence at a time in PyTorch; here through our binding, tokenizer, padded
/// batches and pooling, within 1e-4.
/// </summary>
public sealed class OnnxEmbeddingGeneratorTests
{
    private const float Tolerance = 1e-4f;

    private static readonly Lazy<Case[]> Cases = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OnnxFixtures.Embedder, "reference.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("text").GetString()!,
            c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            Floats(c.GetProperty("mean")), Floats(c.GetProperty("cls")), Floats(c.GetProperty("meanUnnormalised")))).ToArray();
    });

    [Fact]
    public async Task Configured_folder_gives_mean_pooled_normalised_vectors_equal_to_pytorch()
    {
        using var generator = OnnxEmbeddingGenerator.FromModelDirectory(OnnxFixtures.Embedder, new OnnxEmbeddingOptions { BatchSize = 8 });
        Assert.Equal(EmbeddingPooling.Mean, generator.Pooling);
        Assert.True(generator.Normalize);
        Assert.Equal(32, generator.MaxLength);
        Assert.Equal(64, generator.Dimension);
        Assert.Equal(64, generator.Metadata.DefaultModelDimensions);

        var cases = Cases.Value;
        foreach (var c in cases)
        {
            Assert.Equal(c.Ids, generator.Tokenizer.Encode(c.Text, generator.MaxLength).Ids);
        }

        var embeddings = await generator.GenerateAsync(cases.Select(c => c.Text));
        Assert.Equal(cases.Length, embeddings.Count);
        Assert.Contains(cases, c => c.Ids.Length == 32);
        for (int i = 0; i < cases.Length; i++)
        {
            AssertClose(cases[i].Mean, embeddings[i].Vector.Span, cases[i].Text);
        }
    }

    [Fact]
    public void Cls_pooling_and_unnormalised_output_follow_the_options()
    {
        var cases = Cases.Value;
        using (var cls = OnnxEmbeddingGenerator.FromModelDirectory(OnnxFixtures.Embedder, new OnnxEmbeddingOptions { Pooling = EmbeddingPooling.Cls }))
        {
            var vectors = cls.Generate(cases.Select(c => c.Text).ToArray());
            for (int i = 0; i < cases.Length; i++)
            {
                AssertClose(cases[i].Cls, vectors[i].Vector.Span, cases[i].Text);
            }
        }

        using var raw = OnnxEmbeddingGenerator.FromModelDirectory(OnnxFixtures.Embedder, new OnnxEmbeddingOptions { Normalize = false, BatchSize = 5 });
        var rawVectors = raw.Generate(cases.Select(c => c.Text).ToArray());
        for (int i = 0; i < cases.Length; i++)
        {
            AssertClose(cases[i].MeanUnnormalised, rawVectors[i].Vector.Span, cases[i].Text);
        }
    }

    [Fact]
    public void Progress_reports_texts_done_after_each_batch()
    {
        var reports = new List<int>();
        var progress = new SyncProgress(reports.Add);
        using var generator = OnnxEmbeddingGenerator.FromModelDirectory(OnnxFixtures.Embedder, new OnnxEmbeddingOptions { BatchSize = 4, Progress = progress });
        generator.Generate(Cases.Value.Take(10).Select(c => c.Text).ToArray());
        Assert.Equal([4, 8, 10], reports);
    }

    [Fact]
    public void Batch_size_does_not_change_the_vectors()
    {
        var texts = Cases.Value.Select(c => c.Text).ToArray();
        using var one = OnnxEmbeddingGenerator.FromModelDirectory(OnnxFixtures.Embedder, new OnnxEmbeddingOptions { BatchSize = 1 });
        using var all = OnnxEmbeddingGenerator.FromModelDirectory(OnnxFixtures.Embedder, new OnnxEmbeddingOptions { BatchSize = 64 });
        var a = one.Generate(texts);
        var b = all.Generate(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            AssertClose(a[i].Vector.ToArray(), b[i].Vector.Span, texts[i], 1e-5f);
        }
    }

    [Fact]
    public void Folder_without_sentence_transformers_config_defaults_to_mean_and_l2()
    {
        string dir = Directory.CreateTempSubdirectory("onnx-plain-").FullName;
        try
        {
            File.Copy(OnnxFixtures.EmbedderModel, Path.Combine(dir, "model.onnx"));
            File.Copy(Path.Combine(OnnxFixtures.Embedder, "vocab.txt"), Path.Combine(dir, "vocab.txt"));
            using var generator = OnnxEmbeddingGenerator.FromModelDirectory(dir);
            Assert.Equal(EmbeddingPooling.Mean, generator.Pooling);
            Assert.True(generator.Normalize);
            Assert.Equal(512, generator.MaxLength);
            var untruncated = Cases.Value.Where(c => c.Ids.Length < 32).ToArray();
            var vectors = generator.Generate(untruncated.Select(c => c.Text).ToArray());
            for (int i = 0; i < untruncated.Length; i++)
            {
                AssertClose(untruncated[i].Mean, vectors[i].Vector.Span, untruncated[i].Text);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Missing_folder_or_model_file_is_named()
    {
        var missing = Assert.Throws<DirectoryNotFoundException>(() => OnnxEmbeddingGenerator.FromModelDirectory("/no/such/dir"));
        Assert.Contains("/no/such/dir", missing.Message, StringComparison.Ordinal);
        Assert.Contains("refine models pull", missing.Message, StringComparison.Ordinal);
        string dir = Directory.CreateTempSubdirectory("onnx-empty-").FullName;
        try
        {
            File.Copy(Path.Combine(OnnxFixtures.Embedder, "vocab.txt"), Path.Combine(dir, "vocab.txt"));
            var ex = Assert.Throws<FileNotFoundException>(() => OnnxEmbeddingGenerator.FromModelDirectory(dir));
            Assert.Contains(Path.Combine(dir, "model.onnx"), ex.Message, StringComparison.Ordinal);
            Assert.Contains("refine models pull", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Cancellation_and_null_texts_are_refused()
    {
        using var generator = OnnxEmbeddingGenerator.FromModelDirectory(OnnxFixtures.Embedder);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["a"], cancellationToken: cts.Token));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["a", null!]));
        Assert.Same(generator.Metadata, generator.GetService<EmbeddingGeneratorMetadata>());
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual, string what, float tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int d = 0; d < expected.Length; d++)
        {
            Assert.True(Math.Abs(expected[d] - actual[d]) <= tolerance, $"{what}: dim {d} expected {expected[d]} got {actual[d]}");
        }
    }

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private sealed record Case(string Text, int[] Ids, float[] Mean, float[] Cls, float[] MeanUnnormalised);
}
