using System.Text.Json;
using RefineMemory.Onnx.Tokenization;
using RefineMemory.Testing;

namespace RefineMemory.Onnx.Tests.Tokenization;

/// <summary>
/// Token ids equal those of eng/fixtures/onnx/bert_reference_tokenizer.py (a Python implementation of the published
/// BERT basic + WordPiece algorithm) on the real all-MiniLM-L6-v2 vocabulary, for 320 varied sentences and 120 pairs.
/// </summary>
public sealed class BertTokenizerParityTests
{
    private static readonly Lazy<JsonDocument> Reference = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OnnxFixtures.Root, "tokenizer_parity.json"))));

    private static string SharedTokenizer => RepoPaths.RequireShared(Path.Combine("models", "tokenizers", "all-MiniLM-L6-v2"));

    [Fact]
    public void Vocab_txt_matches_the_reference_on_every_sentence()
    {
        var tokenizer = BertTokenizer.FromVocabFile(Path.Combine(SharedTokenizer, "vocab.txt"));
        AssertSingles(tokenizer, minimum: 300);
    }

    [Fact]
    public void Tokenizer_json_matches_the_reference_on_every_sentence()
    {
        var tokenizer = BertTokenizer.FromTokenizerJson(Path.Combine(SharedTokenizer, "tokenizer.json"));
        Assert.True(tokenizer.Normalization.Lowercase);
        Assert.True(tokenizer.Normalization.StripAccents);
        AssertSingles(tokenizer, minimum: 300);
    }

    [Fact]
    public void Truncation_keeps_cls_and_sep_within_the_maximum_length()
    {
        var tokenizer = BertTokenizer.FromDirectory(SharedTokenizer);
        int checkedCases = 0;
        foreach (var c in Reference.Value.RootElement.GetProperty("truncated").EnumerateArray())
        {
            int max = c.GetProperty("maxLength").GetInt32();
            var encoding = tokenizer.Encode(c.GetProperty("text").GetString()!, max);
            Assert.Equal(Ids(c.GetProperty("ids")), encoding.Ids);
            Assert.True(encoding.Length <= max);
            checkedCases++;
        }

        Assert.True(checkedCases >= 90);
    }

    [Fact]
    public void Pairs_match_the_reference_ids_and_token_types_with_and_without_truncation()
    {
        var tokenizer = BertTokenizer.FromDirectory(SharedTokenizer);
        int checkedCases = 0;
        foreach (var c in Reference.Value.RootElement.GetProperty("pairs").EnumerateArray())
        {
            int? max = c.GetProperty("maxLength").ValueKind == JsonValueKind.Null ? null : c.GetProperty("maxLength").GetInt32();
            var encoding = tokenizer.EncodePair(c.GetProperty("a").GetString()!, c.GetProperty("b").GetString()!, max);
            Assert.Equal(Ids(c.GetProperty("ids")), encoding.Ids);
            Assert.Equal(Ids(c.GetProperty("typeIds")), encoding.TypeIds);
            checkedCases++;
        }

        Assert.Equal(120, checkedCases);
    }

    [Fact]
    public void Missing_tokenizer_files_name_the_folder()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => BertTokenizer.FromDirectory("/no/such/model"));
        Assert.Contains("/no/such/model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cased_vocabulary_keeps_case_and_accents()
    {
        var vocab = new WordPieceVocabulary(new Dictionary<string, int>
        {
            ["[PAD]"] = 0, ["[UNK]"] = 1, ["[CLS]"] = 2, ["[SEP]"] = 3, ["Café"] = 4, ["café"] = 5, ["cafe"] = 6,
        });
        var cased = new BertTokenizer(vocab, new BertNormalization { Lowercase = false, StripAccents = false });
        Assert.Equal([4], cased.TokenizeToIds("Café"));
        Assert.Equal([6], new BertTokenizer(vocab).TokenizeToIds("Café"));
        Assert.Equal([5], new BertTokenizer(vocab, new BertNormalization { StripAccents = false }).TokenizeToIds("Café"));
    }

    private static void AssertSingles(BertTokenizer tokenizer, int minimum)
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var c in Reference.Value.RootElement.GetProperty("singles").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            int[] expected = Ids(c.GetProperty("ids"));
            int[] actual = tokenizer.Encode(text).Ids;
            if (!expected.SequenceEqual(actual))
            {
                failures.Add($"{JsonSerializer.Serialize(text)}: expected [{string.Join(',', expected)}] got [{string.Join(',', actual)}]");
            }

            count++;
        }

        Assert.True(count >= minimum, $"only {count} reference sentences");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static int[] Ids(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
