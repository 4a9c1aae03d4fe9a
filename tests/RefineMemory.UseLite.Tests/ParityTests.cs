using System.Numerics.Tensors;
using Xunit.Abstractions;

namespace RefineMemory.UseLite.Tests;

/// <summary>Our tokenizer and forward pass against the reference runtime's committed output.</summary>
public sealed class ParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Fixture_covers_at_least_300_varied_sentences()
    {
        var f = ReferenceFixture.Instance;
        Assert.True(f.Texts.Length >= 300, $"{f.Texts.Length} sentences");
        Assert.Contains(string.Empty, f.Texts);
        Assert.Contains(f.Ids, ids => ids.Length > 128);
        Assert.Contains(f.Texts, t => t.Any(c => c > 127));
        Assert.Contains(f.Ids, ids => ids.Contains(0));
    }

    [Fact]
    public void Token_ids_are_identical_for_every_sentence()
    {
        var f = ReferenceFixture.Instance;
        var mismatches = new List<string>();
        for (int i = 0; i < f.Texts.Length; i++)
        {
            int[] ours = [.. SharedGenerator.Instance.Tokenize(f.Texts[i])];
            if (!ours.AsSpan().SequenceEqual(f.Ids[i]))
            {
                mismatches.Add($"#{i} {f.Texts[i][..Math.Min(40, f.Texts[i].Length)]}: ours [{string.Join(",", ours.Take(12))}] reference [{string.Join(",", f.Ids[i].Take(12))}]");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public async Task Vectors_match_the_reference_with_cosine_at_least_0_9999()
    {
        var f = ReferenceFixture.Instance;
        var embeddings = await SharedGenerator.Instance.GenerateAsync(f.Texts);
        double worst = 1;
        int worstIndex = -1;
        var failures = new List<string>();
        for (int i = 0; i < f.Texts.Length; i++)
        {
            float cosine = TensorPrimitives.CosineSimilarity(embeddings[i].Vector.Span, f.Vector(i));
            if (cosine < worst)
            {
                worst = cosine;
                worstIndex = i;
            }

            if (!(cosine >= 0.9999f))
            {
                failures.Add($"#{i} cosine {cosine:F6}: {f.Texts[i][..Math.Min(40, f.Texts[i].Length)]}");
            }
        }

        output.WriteLine($"worst cosine {worst:F7} at #{worstIndex} of {f.Texts.Length}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

/// <summary>Tokenizer cases the reference fixture cannot hold (ill-formed UTF-16 does not survive JSON).</summary>
public sealed class TokenizerEdgeTests
{
    [Fact]
    public void Lone_surrogates_are_unknown_symbols_not_errors()
    {
        var ids = SharedGenerator.Instance.Tokenize("ab\uD800cd\uDC00");
        Assert.Contains(0, ids);
        Assert.Equal(SharedGenerator.Instance.Tokenize("ab\uFFFFcd\uFFFF").Count, ids.Count);
    }

    [Fact]
    public void Empty_text_has_no_tokens_and_space_is_the_separator_piece()
    {
        Assert.Empty(SharedGenerator.Instance.Tokenize(string.Empty));
        Assert.Equal([30, 30], SharedGenerator.Instance.Tokenize(" "));
        Assert.Equal("\u2581a\u2581b", Tokenization.UseLiteTokenizer.Prepare("a b"));
        Assert.Equal("\u2581fi", Tokenization.UseLiteTokenizer.Prepare("\uFB01"));
    }
}
