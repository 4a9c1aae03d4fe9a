using Microsoft.Extensions.AI;
using RefineMemory.Embed;

namespace RefineMemory.Tests.Embed;

public sealed class EmbedderNameTests
{
    [Theory]
    [InlineData("arctic-embed-xs", EmbedderKind.ArcticEmbedXs, "arctic-embed-xs")]
    [InlineData("all-MiniLM-L6-v2", EmbedderKind.AllMiniLmL6V2, "all-MiniLM-L6-v2")]
    [InlineData("ALL-minilm-l6-V2", EmbedderKind.AllMiniLmL6V2, "all-MiniLM-L6-v2")]
    [InlineData(" use-lite ", EmbedderKind.UseLite, "use-lite")]
    [InlineData("openai", EmbedderKind.OpenAI, "openai")]
    [InlineData("onnx:/models/bge small", EmbedderKind.OnnxFolder, "onnx:/models/bge small")]
    public void Parses_every_known_name_and_prints_it_canonically(string text, EmbedderKind kind, string canonical)
    {
        var name = EmbedderName.Parse(text);
        Assert.Equal(kind, name.Kind);
        Assert.Equal(canonical, name.ToString());
        Assert.Equal(name, EmbedderName.Parse(name.ToString()));
        Assert.Equal(kind == EmbedderKind.OnnxFolder ? "/models/bge small" : null, name.Directory);
    }

    [Theory]
    [InlineData("minilm")]
    [InlineData("")]
    [InlineData("onnx:")]
    [InlineData("onnx:   ")]
    public void Rejects_other_names_with_a_sentence_naming_the_known_ones(string text)
    {
        Assert.False(EmbedderName.TryParse(text, out var parsed, out string problem));
        Assert.Null(parsed);
        Assert.Contains(text.StartsWith("onnx:", StringComparison.Ordinal) ? "onnx:DIR" : EmbedderName.Choices, problem, StringComparison.Ordinal);
        Assert.Equal(problem, Assert.Throws<ArgumentException>(() => EmbedderName.Parse(text)).Message.Split(" (Parameter")[0]);
    }

    [Fact]
    public void The_default_is_a_packaged_pretrained_model()
    {
        Assert.Contains(EmbedderName.Parse(EmbedderName.Default).Kind, new[] { EmbedderKind.ArcticEmbedXs, EmbedderKind.AllMiniLmL6V2 });
    }

    [Fact]
    public void Purpose_travels_in_the_options_and_defaults_to_document()
    {
        Assert.Equal(EmbeddingPurpose.Document, EmbeddingPurposes.Of(null));
        Assert.Equal(EmbeddingPurpose.Document, EmbeddingPurposes.Of(new EmbeddingGenerationOptions()));
        Assert.Equal(EmbeddingPurpose.Query, EmbeddingPurposes.Of(EmbeddingPurposes.ForQueries()));

        var original = new EmbeddingGenerationOptions { Dimensions = 64, AdditionalProperties = new() { ["other"] = 1 } };
        var query = EmbeddingPurposes.With(original, EmbeddingPurpose.Query);
        Assert.Equal(EmbeddingPurpose.Query, EmbeddingPurposes.Of(query));
        Assert.Equal(64, query.Dimensions);
        Assert.Equal(1, query.AdditionalProperties!["other"]);
        Assert.Equal(EmbeddingPurpose.Document, EmbeddingPurposes.Of(original)); // the caller's options are not changed

        var bad = new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddingPurposes.PropertyName] = "passage" } };
        Assert.Contains("'passage'", Assert.Throws<ArgumentException>(() => EmbeddingPurposes.Of(bad)).Message, StringComparison.Ordinal);
    }
}
