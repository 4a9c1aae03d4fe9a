using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Onnx.Embed;
using RefineMemory.Onnx.Tokenization;
using RefineMemory.Testing;

namespace RefineMemory.Onnx.Tests.Embed;

public sealed class PretrainedEmbedderTests
{
    [Fact]
    public async Task Arctic_prefixes_queries_only_and_minilm_embeds_both_alike()
    {
        using var arctic = PretrainedEmbedders.Create(EmbedderKind.ArcticEmbedXs);
        using var minilm = PretrainedEmbedders.Create(EmbedderKind.AllMiniLmL6V2);
        const string text = "how do I reset my password";

        float[] asQuery = await Vector(arctic, text, EmbeddingPurposes.ForQueries());
        float[] asDocument = await Vector(arctic, text, null);
        float[] prefixedDocument = await Vector(arctic, PretrainedEmbedders.ArcticQueryPrefix + text, null);
        Assert.Equal(prefixedDocument, asQuery);
        Assert.True(TensorPrimitives.CosineSimilarity(asQuery, asDocument) < 0.99);

        Assert.Equal(await Vector(minilm, text, null), await Vector(minilm, text, EmbeddingPurposes.ForQueries()));
        foreach (var generator in new[] { arctic, minilm })
        {
            Assert.Equal(384, generator.Dimension);
            Assert.Equal(384, generator.Metadata.DefaultModelDimensions);
            Assert.Equal(1f, TensorPrimitives.Norm(asQuery), 5);
        }

        Assert.Equal((EmbeddingPooling.Cls, 512), (arctic.Pooling, arctic.MaxLength));
        Assert.Equal((EmbeddingPooling.Mean, 256), (minilm.Pooling, minilm.MaxLength));
        Assert.Equal(EmbedderName.ArcticEmbedXs, arctic.Metadata.DefaultModelId);
        Assert.Equal(EmbedderName.AllMiniLmL6V2, minilm.Metadata.DefaultModelId);
    }

    [Fact]
    public void The_packaged_vocabulary_is_the_uncased_bert_vocabulary_of_the_parity_fixture()
    {
        var shared = WordPieceVocabulary.FromVocabFile(Path.Combine(RepoPaths.RequireShared(Path.Combine("models", "tokenizers", "all-MiniLM-L6-v2")), "vocab.txt"));
        using var minilm = PretrainedEmbedders.Create(EmbedderKind.AllMiniLmL6V2);
        using var arctic = PretrainedEmbedders.Create(EmbedderKind.ArcticEmbedXs);
        Assert.Equal(shared.Digest, minilm.Tokenizer.Vocabulary.Digest);
        Assert.Equal(shared.Digest, arctic.Tokenizer.Vocabulary.Digest);
        Assert.Equal(30522, minilm.Tokenizer.Vocabulary.Count);
    }

    [Fact]
    public void The_fingerprint_changes_with_everything_that_changes_a_vector()
    {
        string Of(EmbedderKind kind, OnnxEmbeddingOptions? options = null)
        {
            using var generator = PretrainedEmbedders.Create(kind, options);
            return generator.GetService<EmbedderFingerprint>()!.Value;
        }

        string arctic = Of(EmbedderKind.ArcticEmbedXs);
        Assert.Equal(arctic, Of(EmbedderKind.ArcticEmbedXs, new OnnxEmbeddingOptions { BatchSize = 7 }));
        string[] variants =
        [
            Of(EmbedderKind.AllMiniLmL6V2),
            Of(EmbedderKind.ArcticEmbedXs, new OnnxEmbeddingOptions { QueryPrefix = string.Empty }),
            Of(EmbedderKind.ArcticEmbedXs, new OnnxEmbeddingOptions { Pooling = EmbeddingPooling.Mean }),
            Of(EmbedderKind.ArcticEmbedXs, new OnnxEmbeddingOptions { Normalize = false }),
            Of(EmbedderKind.ArcticEmbedXs, new OnnxEmbeddingOptions { MaxLength = 128 }),
        ];
        Assert.DoesNotContain(arctic, variants);
        Assert.Equal(variants.Length, variants.Distinct().Count());
        Assert.Contains("model-sha256=", arctic, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unpackaged_kind_is_an_argument_error_naming_the_packaged_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => PretrainedEmbedders.Create(EmbedderKind.UseLite));
        Assert.Contains("arctic-embed-xs", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<float[]> Vector(IEmbeddingGenerator<string, Embedding<float>> generator, string text, EmbeddingGenerationOptions? options) =>
        (await generator.GenerateAsync([text], options)).Single().Vector.ToArray();
}
