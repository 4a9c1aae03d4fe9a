using System.Buffers;
using System.Text;
using System.Text.Json;
using RefineMemory.UseLite.Model;

namespace RefineMemory.UseLite.Tokenization;

/// <summary>
/// The tokenizer of <c>@energetic-ai/embeddings@0.2.0</c> (the TF.js USE-Lite one), reproduced exactly: NFKC,
/// "▁" before the text and for every space, then the best-scoring segmentation over the vocabulary (pieces 6 and
/// up, scored by log-probability) with single unknown symbols as id 0 at score 0, consecutive unknowns merged.
/// Its quirks are kept on purpose so ids match: a position whose best score is exactly 0 counts as unset, ties go
/// to the later start, and the backtrack steps by the UTF-16 length of the chosen piece.
/// </summary>
internal sealed class UseLiteTokenizer
{
    /// <summary>Ids below this are reserved (unknown, &lt;s&gt;, &lt;/s&gt;, extras) and never matched.</summary>
    public const int ReservedCount = 6;

    private const char Separator = '\u2581';

    private readonly PieceTrie _trie = new();
    private readonly int[] _utf16Length;

    public UseLiteTokenizer(IReadOnlyList<(string Piece, double Score)> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _utf16Length = new int[vocabulary.Count];
        var symbols = new List<int>();
        for (int i = 0; i < vocabulary.Count; i++)
        {
            _utf16Length[i] = vocabulary[i].Piece.Length;
            if (i < ReservedCount)
            {
                continue;
            }

            symbols.Clear();
            AppendSymbols(vocabulary[i].Piece, symbols);
            _trie.Insert(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(symbols), vocabulary[i].Score, i);
        }
    }

    public int VocabularySize => _utf16Length.Length;

    /// <summary>Reads vocab.json: an array of [piece, score] pairs.</summary>
    public static UseLiteTokenizer Load(string vocabJsonPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(vocabJsonPath));
            var vocabulary = new List<(string, double)>();
            foreach (JsonElement entry in doc.RootElement.EnumerateArray())
            {
                // A few pieces (":", "://", "▁:)", ...) have a null score; JavaScript adds null as 0.
                JsonElement score = entry[1];
                vocabulary.Add((entry[0].GetString()!, score.ValueKind == JsonValueKind.Null ? 0 : score.GetDouble()));
            }

            return new UseLiteTokenizer(vocabulary);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new InvalidDataException($"'{vocabJsonPath}' is not a USE-Lite vocabulary ([piece, score] pairs): {ex.Message}; {UseLiteModelFiles.SetupHint}.", ex);
        }
    }

    /// <summary>Token ids of <paramref name="text"/> (all of them; the encoder keeps the first 128).</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>();
        Encode(text, ids);
        return [.. ids];
    }

    /// <summary>Appends the token ids of <paramref name="text"/> to <paramref name="ids"/>.</summary>
    public void Encode(string text, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(ids);
        string input = Prepare(text);
        int[] symbols = ArrayPool<int>.Shared.Rent(input.Length + 1);
        int n = ToSymbols(input, symbols);
        double[] best = ArrayPool<double>.Shared.Rent(n + 1);
        int[] words = ArrayPool<int>.Shared.Rent(n + 1);
        try
        {
            Array.Clear(best, 0, n + 1);
            Array.Clear(words, 0, n + 1);
            Segment(symbols.AsSpan(0, n), best, words);
            Backtrack(words, n, ids);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(symbols);
            ArrayPool<double>.Shared.Return(best);
            ArrayPool<int>.Shared.Return(words);
        }
    }

    /// <summary>NFKC, then "▁" + text with each U+0020 replaced by "▁" (an empty result stays empty).</summary>
    internal static string Prepare(string text)
    {
        string normalized = Nfkc(text);
        return normalized.Length > 0 ? Separator + normalized.Replace(' ', Separator) : normalized;
    }

    private void Segment(ReadOnlySpan<int> symbols, double[] best, int[] words)
    {
        // Forward form of the reference's lattice pass: edges into each end position arrive in ascending start
        // order, and best[start] is final before any edge leaves it, exactly as in the reference's two-pass form.
        int n = symbols.Length;
        for (int start = 0; start < n; start++)
        {
            bool matched = false;
            int node = _trie.Child(0, symbols[start]);
            for (int end = start + 1; node >= 0; end++)
            {
                int piece = _trie.PieceIndex(node);
                if (piece >= 0)
                {
                    matched = true;
                    Relax(best, words, start, end, _trie.PieceScore(node), piece);
                }

                node = end < n ? _trie.Child(node, symbols[end]) : -1;
            }

            if (!matched)
            {
                Relax(best, words, start, start + 1, 0, 0);
            }
        }
    }

    private static void Relax(double[] best, int[] words, int start, int end, double score, int piece)
    {
        double total = score + best[start];
        if (best[end] == 0 || total >= best[end])
        {
            best[end] = total;
            words[end] = piece;
        }
    }

    private void Backtrack(int[] words, int n, List<int> ids)
    {
        int first = ids.Count;
        bool previousUnknown = false;
        for (int at = n; at > 0; at -= _utf16Length[words[at]])
        {
            int id = words[at];
            if (!(previousUnknown && id == 0))
            {
                ids.Add(id);
            }

            previousUnknown = id == 0;
        }

        ids.Reverse(first, ids.Count - first);
    }

    private static int ToSymbols(string input, int[] symbols)
    {
        int n = 0;
        for (int i = 0; i < input.Length; i++)
        {
            char ch = input[i];
            if (char.IsHighSurrogate(ch) && i + 1 < input.Length && char.IsLowSurrogate(input[i + 1]))
            {
                symbols[n++] = char.ConvertToUtf32(ch, input[i + 1]);
                i++;
            }
            else
            {
                symbols[n++] = ch;
            }
        }

        return n;
    }

    private static void AppendSymbols(string piece, List<int> symbols)
    {
        int[] buffer = new int[piece.Length];
        int n = ToSymbols(piece, buffer);
        for (int i = 0; i < n; i++)
        {
            symbols.Add(buffer[i]);
        }
    }

    /// <summary>
    /// NFKC as JavaScript's String.prototype.normalize does it: .NET rejects ill-formed UTF-16, JavaScript keeps
    /// lone surrogates as they are, so the well-formed runs between them are normalized separately.
    /// </summary>
    private static string Nfkc(string text)
    {
        if (!HasLoneSurrogate(text))
        {
            return text.Normalize(NormalizationForm.FormKC);
        }

        var builder = new StringBuilder(text.Length);
        int runStart = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(ch))
            {
                builder.Append(text.AsSpan(runStart, i - runStart).ToString().Normalize(NormalizationForm.FormKC)).Append(ch);
                runStart = i + 1;
            }
        }

        return builder.Append(text.AsSpan(runStart).ToString().Normalize(NormalizationForm.FormKC)).ToString();
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(ch))
            {
                return true;
            }
        }

        return false;
    }
}
