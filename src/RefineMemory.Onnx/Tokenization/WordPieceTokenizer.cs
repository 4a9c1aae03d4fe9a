using System.Text;

namespace RefineMemory.Onnx.Tokenization;

/// <summary>Greedy longest-match-first WordPiece over one word; a word it cannot cover becomes the unknown token.</summary>
internal static class WordPieceTokenizer
{
    public static void AppendIds(string word, WordPieceVocabulary vocabulary, List<int> ids)
    {
        // Boundaries at code points, as the reference counts and slices them.
        var boundaries = new List<int>(word.Length + 1);
        for (int i = 0; i < word.Length;)
        {
            boundaries.Add(i);
            Rune.DecodeFromUtf16(word.AsSpan(i), out _, out int length);
            i += length;
        }

        int runes = boundaries.Count;
        boundaries.Add(word.Length);
        if (runes > vocabulary.MaxCharactersPerWord)
        {
            ids.Add(vocabulary.UnknownId);
            return;
        }

        int mark = ids.Count;
        string prefix = vocabulary.ContinuationPrefix;
        Span<char> buffer = word.Length + prefix.Length <= 256 ? stackalloc char[word.Length + prefix.Length] : new char[word.Length + prefix.Length];
        prefix.CopyTo(buffer);
        int start = 0;
        while (start < runes)
        {
            int end = runes;
            int found = -1;
            while (start < end)
            {
                var piece = word.AsSpan(boundaries[start], boundaries[end] - boundaries[start]);
                scoped ReadOnlySpan<char> candidate = piece;
                if (start > 0)
                {
                    piece.CopyTo(buffer[prefix.Length..]);
                    candidate = buffer[..(prefix.Length + piece.Length)];
                }

                if (vocabulary.TryGetId(candidate, out int id))
                {
                    found = id;
                    break;
                }

                end--;
            }

            if (found < 0)
            {
                ids.RemoveRange(mark, ids.Count - mark);
                ids.Add(vocabulary.UnknownId);
                return;
            }

            ids.Add(found);
            start = end;
        }
    }
}
