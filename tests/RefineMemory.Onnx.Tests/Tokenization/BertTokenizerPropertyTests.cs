using CsCheck;
using RefineMemory.Onnx.Tokenization;
using RefineMemory.Testing;

namespace RefineMemory.Onnx.Tests.Tokenization;

/// <summary>
/// The WordPiece tokenizer over generated text (CsCheck): arbitrary UTF-16, lone surrogates, control characters,
/// combining marks, CJK and emoji, and 100 kB lines. It never throws, every id is in the vocabulary, and an encoding is
/// [CLS] ... [SEP] within the length asked for.
/// </summary>
public sealed class BertTokenizerPropertyTests
{
    private static readonly BertTokenizer Tokenizer = BertTokenizer.FromDirectory(
        RepoPaths.RequireShared(Path.Combine("models", "tokenizers", "all-MiniLM-L6-v2")));

    private static readonly Gen<string> Text = Gen.Frequency(
            (10, Gen.Char['a', 'z'].Select(c => c.ToString())),
            (4, Gen.Const(" ")),
            (2, Gen.Char['\0', '\u001f'].Select(c => c.ToString())),
            (2, Gen.Char['\u0300', '\u036f'].Select(c => "e" + c)),
            (2, Gen.Char['\u4e00', '\u9fff'].Select(c => c.ToString())),
            (2, Gen.Const("\U0001F600")),
            (1, Gen.Char['\uD800', '\uDFFF'].Select(c => c.ToString())),
            (3, Gen.Char.Select(c => c.ToString())),
            (1, Gen.Const("don't,stop...NOW!")))
        .Array[0, 400].Select(parts => string.Concat(parts));

    [Fact]
    public void Any_text_tokenizes_to_ids_in_the_vocabulary_and_encodes_within_the_length()
    {
        Gen.Select(Text, Gen.Int[2, 512]).Sample((text, max) =>
        {
            var ids = Tokenizer.TokenizeToIds(text);
            Assert.All(ids, id => Assert.InRange(id, 0, Tokenizer.Vocabulary.Count - 1));
            var encoding = Tokenizer.Encode(text, max);
            Assert.InRange(encoding.Length, 2, max);
            Assert.Equal(Tokenizer.Vocabulary.ClsId, encoding.Ids[0]);
            Assert.Equal(Tokenizer.Vocabulary.SepId, encoding.Ids[^1]);
            Assert.Equal(encoding.Length, encoding.TypeIds.Length);
            Assert.All(encoding.Ids, id => Assert.InRange(id, 0, Tokenizer.Vocabulary.Count - 1));
        }, iter: 1500);
    }

    [Fact]
    public void A_100_kB_line_of_any_characters_tokenizes()
    {
        Gen.Char.Array[100_000].Select(c => new string(c)).Sample(text =>
        {
            var encoding = Tokenizer.Encode(text, 512);
            Assert.Equal(512, encoding.Length);
            Assert.All(Tokenizer.TokenizeToIds(text), id => Assert.InRange(id, 0, Tokenizer.Vocabulary.Count - 1));
        }, iter: 5);
    }
}
