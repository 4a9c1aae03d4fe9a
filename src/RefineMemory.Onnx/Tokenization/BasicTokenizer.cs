using System.Globalization;
using System.Text;

namespace RefineMemory.Onnx.Tokenization;

/// <summary>
/// BERT's basic tokenizer (google-research/bert <c>BasicTokenizer</c>): drops NUL, U+FFFD and control characters,
/// maps whitespace to spaces, isolates CJK ideographs, splits on whitespace, lower-cases and strips accents,
/// and splits every punctuation character (ASCII symbols included) into its own word.
/// </summary>
internal sealed class BasicTokenizer
{
    private readonly BertNormalization _normalization;

    public BasicTokenizer(BertNormalization normalization) => _normalization = normalization;

    /// <summary>Appends the words of <paramref name="text"/> to <paramref name="words"/>.</summary>
    public void Split(string text, List<string> words)
    {
        var cleaned = new StringBuilder(text.Length + 8);
        foreach (Rune rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            if (cp == 0 || cp == 0xFFFD || IsControl(rune))
            {
                continue;
            }

            if (IsWhitespace(rune))
            {
                cleaned.Append(' ');
            }
            else if (_normalization.SplitChineseCharacters && IsChineseCharacter(cp))
            {
                cleaned.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                cleaned.Append(rune.ToString());
            }
        }

        // Python's str.split(): any Unicode whitespace (U+2028 and friends included) separates words.
        foreach (string raw in cleaned.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            string word = raw;
            if (_normalization.Lowercase)
            {
                word = word.ToLowerInvariant();
            }

            if (_normalization.StripAccents)
            {
                word = StripAccents(word);
            }

            SplitPunctuation(word, words);
        }
    }

    private static void SplitPunctuation(string word, List<string> words)
    {
        int start = 0;
        int i = 0;
        while (i < word.Length)
        {
            Rune.DecodeFromUtf16(word.AsSpan(i), out Rune rune, out int length);
            if (IsPunctuation(rune))
            {
                if (i > start)
                {
                    words.Add(word[start..i]);
                }

                words.Add(word.Substring(i, length));
                start = i + length;
            }

            i += length;
        }

        if (start < word.Length)
        {
            words.Add(start == 0 ? word : word[start..]);
        }
    }

    private static string StripAccents(string word)
    {
        string decomposed = word.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (Rune rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                kept.Append(rune.ToString());
            }
        }

        return kept.ToString();
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r')
        {
            return false;
        }

        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.Control or UnicodeCategory.Format;
    }

    private static bool IsPunctuation(Rune rune)
    {
        int cp = rune.Value;
        if (cp is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideographs blocks BERT isolates (not Hangul, Hiragana or Katakana).</summary>
    private static bool IsChineseCharacter(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
