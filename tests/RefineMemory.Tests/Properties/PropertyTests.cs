using CsCheck;
using RefineMemory.Memory;
using RefineMemory.Refine;
using RefineMemory.Retrieve;

namespace RefineMemory.Tests.Properties;

/// <summary>
/// Properties over generated input (CsCheck: seeded, shrinking to the smallest counterexample it finds): the chunker
/// keeps every character once and in order, the optimiser's output is finite and unit-norm for any finite input, and
/// the 8-bit first pass with exact re-ranking returns the exact top-k.
/// </summary>
[Collection(Name)]
public sealed class PropertyTests
{
    /// <summary>Run apart from the other tests: thousands of generated cases would skew the allocation and timing tests beside them.</summary>
    public const string Name = "Properties";

    // Text with the characters that break chunkers: whitespace runs, sentence ends, paragraph breaks, control
    // characters, surrogate pairs (emoji) and lone surrogates.
    private static readonly Gen<string> Text = Gen.Frequency(
            (20, Gen.Char['a', 'z'].Select(c => c.ToString())),
            (6, Gen.Const(" ")),
            (2, Gen.Const(". ")),
            (1, Gen.Const("\n\n")),
            (1, Gen.Const("\t")),
            (1, Gen.Char['\0', '\u001f'].Select(c => c.ToString())),
            (2, Gen.Const("\U0001F600")),
            (1, Gen.Char['\uD800', '\uDFFF'].Select(c => c.ToString())),
            (2, Gen.Char.Select(c => c.ToString())))
        .Array[0, 1500].Select(parts => string.Concat(parts));

    private static string NonWhite(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));

    [Fact]
    public void Chunks_without_overlap_hold_every_character_once_in_order_and_fit_the_window()
    {
        Gen.Select(Text, Gen.Int[16, 300]).Sample((text, max) =>
        {
            var chunks = TextChunker.Chunk(text, DocumentFormat.Text, new ChunkingOptions { MaxChars = max, Overlap = 0 });
            Assert.All(chunks, c => Assert.True(c.Length <= max && c.Length > 0));
            Assert.Equal(NonWhite(text), NonWhite(string.Concat(chunks)));
        }, iter: 2000);
    }

    [Fact]
    public void Chunks_with_overlap_are_pieces_of_the_text_in_order_and_miss_nothing()
    {
        Gen.Select(Text, Gen.Int[40, 300], Gen.Int[0, 19]).Sample((text, max, overlap) =>
        {
            var chunks = TextChunker.Chunk(text, DocumentFormat.Text, new ChunkingOptions { MaxChars = max, Overlap = overlap });
            int previous = -1, covered = 0;
            foreach (string chunk in chunks)
            {
                // A chunk starts at most Overlap characters (one more to keep an emoji whole) before the previous one ended:
                // look for it from there, so a short chunk is not matched to an earlier copy of its text.
                int at = text.IndexOf(chunk, Math.Max(previous + 1, covered - overlap - 1), StringComparison.Ordinal);
                Assert.True(at >= 0, $"chunk not found in order: '{chunk}'");
                Assert.True(at <= covered || NonWhite(text[covered..at]).Length == 0, "characters between chunks were dropped");
                covered = Math.Max(covered, at + chunk.Length);
                previous = at;
            }

            Assert.True(NonWhite(text[covered..]).Length == 0, "the end of the text was dropped");
        }, iter: 2000);
    }

    [Fact]
    public void Chunks_never_split_a_surrogate_pair()
    {
        var wellFormed = Gen.Frequency((6, Gen.Const("ab ")), (2, Gen.Const("\U0001F600")), (1, Gen.Const(" ")), (1, Gen.Const(". ")))
            .Array[1, 800].Select(p => string.Concat(p));
        Gen.Select(wellFormed, Gen.Int[16, 120], Gen.Int[0, 7]).Sample((text, max, overlap) =>
        {
            foreach (string chunk in TextChunker.Chunk(text, DocumentFormat.Text, new ChunkingOptions { MaxChars = max, Overlap = overlap }))
            {
                Assert.False(char.IsLowSurrogate(chunk[0]), $"chunk opens with half an emoji: '{chunk}'");
                Assert.False(char.IsHighSurrogate(chunk[^1]), $"chunk ends with half an emoji: '{chunk}'");
            }
        }, iter: 2000);
    }

    /// <remarks>
    /// <see cref="QueryRefiner"/> returns Adam's iterate as it is (parity with the paper's PyTorch code), not
    /// normalised; the pipeline refines a unit query and scales the result back (<c>RefinedVectorSearch</c>). So the
    /// property is: finite, and not zero, so that its direction (what a cosine search uses) is a unit vector.
    /// </remarks>
    [Fact]
    public void The_refined_query_is_finite_and_has_a_direction_for_any_finite_input()
    {
        var input = Gen.Int[2, 48].SelectMany(d => Gen.Int[1, 12].SelectMany(m => Gen.Select(
            Gen.Float[-1000f, 1000f].Array[d],
            Gen.Float[-1000f, 1000f].Array[m * d],
            Gen.Float[-50f, 50f].Array[m])));
        input.Sample((query, documents, scores) =>
        {
            int d = query.Length;
            if (Norm(query) < 1e-3 || Enumerable.Range(0, scores.Length).Any(r => Norm(documents.AsSpan(r * d, d)) < 1e-3))
            {
                return; // the refiner refuses zero vectors with an ArgumentException: not this property's input
            }

            var result = QueryRefiner.Refine(query, documents, scores);
            Assert.All(result.RefinedQuery, v => Assert.True(float.IsFinite(v)));
            double norm = Norm(result.RefinedQuery);
            Assert.True(norm > 0 && double.IsFinite(norm), $"norm {norm}");
            Assert.Equal(1.0, Norm([.. result.RefinedQuery.Select(v => (float)(v / norm))]), 5);
        }, iter: 500);
    }

    [Fact]
    public void The_8_bit_first_pass_with_exact_re_ranking_returns_the_exact_top_k()
    {
        var collection = Gen.Int[2, 64].SelectMany(d => Gen.Int[1, 3000].SelectMany(n => Gen.Select(
            Gen.Float[-1f, 1f].Array[n * d], Gen.Float[-1f, 1f].Array[d], Gen.Int[1, 50], Gen.Const(d))));
        collection.Sample((rows, query, k, d) =>
        {
            int n = rows.Length / d;
            var int8 = new ExactVectorIndex(d, new ExactVectorIndexOptions { Quantization = ScanQuantization.Int8 });
            var exact = new ExactVectorIndex(d, new ExactVectorIndexOptions { Quantization = ScanQuantization.None });
            for (int i = 0; i < n; i++)
            {
                var row = rows.AsSpan(i * d, d);
                if (Norm(row) < 1e-3)
                {
                    continue;
                }

                int8.Upsert($"r{i}", row);
                exact.Upsert($"r{i}", row);
            }

            if (exact.Count == 0 || Norm(query) < 1e-3)
            {
                return;
            }

            var want = exact.Search(query, k);
            var got = int8.Search(query, k);
            Assert.Equal(want.Count, got.Count);
            // The same scores rank by rank (ids may differ only between exact ties).
            for (int i = 0; i < want.Count; i++)
            {
                Assert.True(Math.Abs(want[i].Score - got[i].Score) <= 1e-6f, $"rank {i + 1}: exact {want[i].Score} ({want[i].Id}), 8-bit pass {got[i].Score} ({got[i].Id}); n {n}, d {d}, k {k}");
            }
        }, iter: 300);
    }

    private static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float x in v)
        {
            s += (double)x * x;
        }

        return Math.Sqrt(s);
    }
}

[CollectionDefinition(PropertyTests.Name, DisableParallelization = true)]
public sealed class PropertyTestsCollection
{
}
