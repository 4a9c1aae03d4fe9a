using RefineMemory.Embed;
using RefineMemory.Onnx.Embed;

namespace RefineMemory.Onnx.Tests.Embed;

/// <summary>An <c>onnx:DIR</c> model takes its query prefix from the folder's configuration, or from the option.</summary>
public sealed class FolderQueryPrefixTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "refine-onnx-prefix-" + Guid.NewGuid().ToString("N"));

    public FolderQueryPrefixTests()
    {
        Directory.CreateDirectory(_folder);
        foreach (string file in Directory.GetFiles(OnnxFixtures.Embedder))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(_folder, "config_sentence_transformers.json"), """{"prompts": {"query": "query: ", "document": ""}}""");
    }

    [Fact]
    public void The_folders_query_prompt_applies_to_queries_only_and_the_option_overrides_it()
    {
        using var configured = OnnxEmbeddingGenerator.FromModelDirectory(_folder);
        Assert.Equal("query: ", configured.QueryPrefix);
        var asQuery = configured.Generate(["cats"], EmbeddingPurpose.Query)[0].Vector.ToArray();
        Assert.Equal(configured.Generate(["query: cats"])[0].Vector.ToArray(), asQuery);
        Assert.NotEqual(configured.Generate(["cats"])[0].Vector.ToArray(), asQuery);

        using var overridden = OnnxEmbeddingGenerator.FromModelDirectory(_folder, new OnnxEmbeddingOptions { QueryPrefix = string.Empty });
        Assert.Equal(overridden.Generate(["cats"])[0].Vector.ToArray(), overridden.Generate(["cats"], EmbeddingPurpose.Query)[0].Vector.ToArray());
        Assert.NotEqual(configured.GetService(typeof(EmbedderFingerprint)), overridden.GetService(typeof(EmbedderFingerprint)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
