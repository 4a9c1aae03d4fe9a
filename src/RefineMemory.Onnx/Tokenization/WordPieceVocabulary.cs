using System.Text.Json;

namespace RefineMemory.Onnx.Tokenization;

/// <summary>A WordPiece vocabulary: token to id, with the special tokens BERT needs.</summary>
public sealed class WordPieceVocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Lazy<string> _digest;

    /// <summary>A vocabulary of <paramref name="tokens"/> (token to id) with its unknown token, continuation prefix and word-length limit.</summary>
    public WordPieceVocabulary(IReadOnlyDictionary<string, int> tokens, string unknownToken = "[UNK]", string continuationPrefix = "##", int maxCharactersPerWord = 100)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _ids = new Dictionary<string, int>(tokens, StringComparer.Ordinal);
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        UnknownToken = unknownToken;
        ContinuationPrefix = continuationPrefix;
        MaxCharactersPerWord = maxCharactersPerWord;
        UnknownId = Require(unknownToken);
        ClsId = Require("[CLS]");
        SepId = Require("[SEP]");
        PadId = _ids.GetValueOrDefault("[PAD]", 0);
        _digest = new Lazy<string>(ComputeDigest);
    }

    /// <summary>SHA-256 (hex) of the tokens in id order and the special-token settings: equal digests tokenize alike.</summary>
    public string Digest => _digest.Value;

    /// <summary>Number of tokens.</summary>
    public int Count => _ids.Count;

    /// <summary>The token of words the vocabulary cannot spell.</summary>
    public string UnknownToken { get; }

    /// <summary>The prefix of pieces that continue a word (<c>##</c>).</summary>
    public string ContinuationPrefix { get; }

    /// <summary>Words longer than this become the unknown token.</summary>
    public int MaxCharactersPerWord { get; }

    /// <summary>Id of <see cref="UnknownToken"/>.</summary>
    public int UnknownId { get; }

    /// <summary>Id of [CLS].</summary>
    public int ClsId { get; }

    /// <summary>Id of [SEP].</summary>
    public int SepId { get; }

    /// <summary>Id of [PAD].</summary>
    public int PadId { get; }

    /// <summary>Looks <paramref name="token"/> up without allocating a string.</summary>
    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _lookup.TryGetValue(token, out id);

    /// <summary>Reads a <c>vocab.txt</c>: one token per line, the id is the line number (first occurrence wins).</summary>
    public static WordPieceVocabulary FromVocabFile(string path)
    {
        RequireFile(path);
        return FromLines(File.ReadLines(path));
    }

    /// <summary>The lines of a <c>vocab.txt</c> (LF or CRLF): one token per line, the id is the line number (first occurrence wins).</summary>
    public static WordPieceVocabulary FromLines(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        int id = 0;
        foreach (string line in lines)
        {
            tokens.TryAdd(line.TrimEnd('\r'), id++);
        }

        return new WordPieceVocabulary(tokens);
    }

    /// <summary>Reads the WordPiece <c>model</c> of a Hugging Face <c>tokenizer.json</c>.</summary>
    public static WordPieceVocabulary FromTokenizerJson(JsonElement model, string source)
    {
        if (!model.TryGetProperty("type", out var type) || type.GetString() != "WordPiece" || !model.TryGetProperty("vocab", out var vocab))
        {
            throw new InvalidDataException($"'{source}' has no WordPiece model (model.type must be \"WordPiece\" with a vocab).");
        }

        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            tokens[entry.Name] = entry.Value.GetInt32();
        }

        string unk = model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "[UNK]";
        string prefix = model.TryGetProperty("continuing_subword_prefix", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "##";
        int max = model.TryGetProperty("max_input_chars_per_word", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 100;
        return new WordPieceVocabulary(tokens, unk, prefix, max);
    }

    internal static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Tokenizer file '{Path.GetFullPath(path)}' does not exist.", path);
        }
    }

    private int Require(string token) => _ids.TryGetValue(token, out int id)
        ? id
        : throw new InvalidDataException($"The vocabulary has no '{token}' token.");

    private string ComputeDigest()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (token, id) in _ids.OrderBy(p => p.Value))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{id}\t{token}\n"));
        }

        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{UnknownToken}|{ContinuationPrefix}|{MaxCharactersPerWord}"));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
