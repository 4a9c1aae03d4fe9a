using System.Text.Json;
using RefineMemory.Testing;
using LibraryBert = Microsoft.ML.Tokenizers.BertTokenizer;
using LibraryBertOptions = Microsoft.ML.Tokenizers.BertOptions;

namespace RefineMemory.Onnx.Tests.Tokenization;

/// <summary>
/// Why we keep our own BERT tokenizer rather than <c>Microsoft.ML.Tokenizers</c>' <c>BertTokenizer</c> (3.0.0, as 2.0.1 before it): on our
/// committed parity fixture (ids of the published BERT algorithm, all-MiniLM-L6-v2 vocabulary) the library disagrees
/// with BERT on symbols and emoji, on tabs and newlines, and on Hangul, even with accent stripping on; ours agrees on
/// every sentence. When a library update makes this test fail, re-check whether ours can be deleted.
/// </summary>
public sealed class LibraryBertTokenizerComparisonTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void The_library_tokenizer_differs_from_bert_where_ours_does_not()
    {
        string vocab = Path.Combine(RepoPaths.RequireShared(Path.Combine("models", "tokenizers", "all-MiniLM-L6-v2")), "vocab.txt");
        var library = LibraryBert.Create(vocab, new LibraryBertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        var ours = RefineMemory.Onnx.Tokenization.BertTokenizer.FromVocabFile(vocab);
        using var fixture = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OnnxFixtures.Root, "tokenizer_parity.json")));

        var differing = new List<(string Text, int[] Reference, int[] Library)>();
        int total = 0;
        foreach (var c in fixture.RootElement.GetProperty("singles").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            int[] reference = [.. c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())];
            Assert.Equal(reference, ours.Encode(text).Ids);
            int[] fromLibrary = [.. library.EncodeToIds(text)];
            if (!fromLibrary.SequenceEqual(reference))
            {
                differing.Add((text, reference, fromLibrary));
            }

            total++;
        }

        Assert.Equal(320, total);
        output.WriteLine($"{differing.Count} of {total} differ; first: {JsonSerializer.Serialize(differing[0].Text)} reference [{string.Join(' ', differing[0].Reference)}] library [{string.Join(' ', differing[0].Library)}]");
        // Measured 2026-12-01 with Microsoft.ML.Tokenizers 2.0.1 and again 2026-12-06 with 3.0.0: the same 23 of 320
        // sentences differ (the library is not yet exact, so ours stays). The first: BERT splits
        // on the tab and the newlines ("tabs and newlines here"), the library deletes them and glues the words together.
        Assert.Equal(23, differing.Count);
        var first = differing[0];
        Assert.Equal("tabs\tand\nnewlines\r\nhere", first.Text);
        Assert.Equal([101, 21628, 2015, 1998, 2047, 12735, 2182, 102], first.Reference);
        Assert.NotEqual(first.Reference, first.Library);
        Assert.Contains(differing, d => d.Text.Contains('\t') || d.Text.Contains('\n'));
        Assert.Contains(differing, d => d.Text.Any(ch => ch is >= '\uAC00' and <= '\uD7A3'));
        Assert.Contains(differing, d => d.Text.EnumerateRunes().Any(r => System.Text.Rune.GetUnicodeCategory(r) is
            System.Globalization.UnicodeCategory.OtherSymbol or System.Globalization.UnicodeCategory.MathSymbol or System.Globalization.UnicodeCategory.CurrencySymbol));
    }
}
