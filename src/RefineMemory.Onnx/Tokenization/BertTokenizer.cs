using System.Text.Json;

namespace RefineMemory.Onnx.Tokenization;

/// <summary>
/// The BERT tokenizer: basic tokenization (clean, CJK, lower-case, accents, punctuation) then WordPiece, with
/// [CLS]/[SEP], truncation to a maximum length and sentence pairs (for cross-encoders) with token type ids.
/// Loads from <c>vocab.txt</c> or a Hugging Face <c>tokenizer.json</c> (WordPiece model, BertNormalizer).
/// Thread-safe.
/// </summary>
public sealed class BertTokenizer
{
    private readonly BasicTokenizer _basic;

    /// <summary>A tokenizer over <paramref name="vocabulary"/>; <paramref name="normalization"/> defaults to uncased BERT's.</summary>
    public BertTokenizer(WordPieceVocabulary vocabulary, BertNormalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        Vocabulary = vocabulary;
        Normalization = normalization ?? new BertNormalization();
        _basic = new BasicTokenizer(Normalization);
    }

    /// <summary>The word-piece vocabulary.</summary>
    public WordPieceVocabulary Vocabulary { get; }

    /// <summary>Lower-casing, accent stripping and Chinese-character handling applied before splitting.</summary>
    public BertNormalization Normalization { get; }

    /// <summary>Loads <c>vocab.txt</c> (uncased BERT normalisation unless <paramref name="normalization"/> says otherwise).</summary>
    public static BertTokenizer FromVocabFile(string path, BertNormalization? normalization = null) =>
        new(WordPieceVocabulary.FromVocabFile(path), normalization);

    /// <summary>Loads a Hugging Face <c>tokenizer.json</c> with a WordPiece model; its BertNormalizer settings apply.</summary>
    public static BertTokenizer FromTokenizerJson(string path)
    {
        WordPieceVocabulary.RequireFile(path);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model))
        {
            throw new InvalidDataException($"'{path}' has no \"model\" section.");
        }

        var normalization = new BertNormalization();
        if (root.TryGetProperty("normalizer", out var n) && n.ValueKind == JsonValueKind.Object)
        {
            if (n.TryGetProperty("type", out var type) && type.GetString() != "BertNormalizer")
            {
                throw new InvalidDataException($"'{path}' uses normalizer '{type.GetString()}'; only BertNormalizer is supported.");
            }

            bool lower = !n.TryGetProperty("lowercase", out var l) || l.ValueKind != JsonValueKind.False;
            bool strip = n.TryGetProperty("strip_accents", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? s.ValueKind == JsonValueKind.True
                : lower;
            bool chinese = !n.TryGetProperty("handle_chinese_chars", out var c) || c.ValueKind != JsonValueKind.False;
            normalization = new BertNormalization { Lowercase = lower, StripAccents = strip, SplitChineseCharacters = chinese };
        }

        return new BertTokenizer(WordPieceVocabulary.FromTokenizerJson(model, path), normalization);
    }

    /// <summary>
    /// Loads the tokenizer of a model folder: <c>tokenizer.json</c> when present, else <c>vocab.txt</c> with the
    /// casing of <c>tokenizer_config.json</c> (<c>do_lower_case</c>, <c>strip_accents</c>, <c>tokenize_chinese_chars</c>).
    /// </summary>
    public static BertTokenizer FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string json = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(json))
        {
            return FromTokenizerJson(json);
        }

        string vocab = Path.Combine(directory, "vocab.txt");
        if (!File.Exists(vocab))
        {
            throw new FileNotFoundException($"Model folder '{Path.GetFullPath(directory)}' has neither tokenizer.json nor vocab.txt.", vocab);
        }

        return FromVocabFile(vocab, ReadTokenizerConfig(Path.Combine(directory, "tokenizer_config.json")));
    }

    /// <summary>The WordPiece tokens of <paramref name="text"/> (no special tokens, no truncation).</summary>
    public IReadOnlyList<int> TokenizeToIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        _basic.Split(text, words);
        var ids = new List<int>(words.Count + 4);
        foreach (string word in words)
        {
            WordPieceTokenizer.AppendIds(word, Vocabulary, ids);
        }

        return ids;
    }

    /// <summary><c>[CLS] text [SEP]</c>, the text's tokens cut so that the whole fits <paramref name="maxLength"/> (if given).</summary>
    public BertEncoding Encode(string text, int? maxLength = null)
    {
        if (maxLength is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "A single text needs a maximum length of at least 2 ([CLS] and [SEP]).");
        }

        var tokens = TokenizeToIds(text);
        int kept = maxLength is int max ? Math.Min(tokens.Count, max - 2) : tokens.Count;
        var ids = new int[kept + 2];
        ids[0] = Vocabulary.ClsId;
        for (int i = 0; i < kept; i++)
        {
            ids[i + 1] = tokens[i];
        }

        ids[^1] = Vocabulary.SepId;
        return new BertEncoding(ids, new int[ids.Length]);
    }

    /// <summary>
    /// <c>[CLS] first [SEP] second [SEP]</c> with token types 0 then 1; when over <paramref name="maxLength"/> the
    /// longer side loses its last token first (BERT's pair truncation, HF "longest_first").
    /// </summary>
    public BertEncoding EncodePair(string first, string second, int? maxLength = null)
    {
        if (maxLength is < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "A pair needs a maximum length of at least 3 ([CLS] and two [SEP]).");
        }

        var a = TokenizeToIds(first);
        var b = TokenizeToIds(second);
        int na = a.Count;
        int nb = b.Count;
        if (maxLength is int max)
        {
            while (na + nb > max - 3)
            {
                if (na > nb)
                {
                    na--;
                }
                else
                {
                    nb--;
                }
            }
        }

        var ids = new int[na + nb + 3];
        var types = new int[ids.Length];
        ids[0] = Vocabulary.ClsId;
        for (int i = 0; i < na; i++)
        {
            ids[1 + i] = a[i];
        }

        ids[na + 1] = Vocabulary.SepId;
        for (int i = 0; i < nb; i++)
        {
            ids[na + 2 + i] = b[i];
            types[na + 2 + i] = 1;
        }

        ids[^1] = Vocabulary.SepId;
        types[^1] = 1;
        return new BertEncoding(ids, types);
    }

    private static BertNormalization? ReadTokenizerConfig(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        bool lower = !root.TryGetProperty("do_lower_case", out var l) || l.ValueKind != JsonValueKind.False;
        bool strip = root.TryGetProperty("strip_accents", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? s.ValueKind == JsonValueKind.True
            : lower;
        bool chinese = !root.TryGetProperty("tokenize_chinese_chars", out var c) || c.ValueKind != JsonValueKind.False;
        return new BertNormalization { Lowercase = lower, StripAccents = strip, SplitChineseCharacters = chinese };
    }
}
