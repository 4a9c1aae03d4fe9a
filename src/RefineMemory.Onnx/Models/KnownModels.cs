namespace RefineMemory.Onnx.Models;

/// <summary>A file of a Hugging Face repository and where it goes in the local model folder.</summary>
public sealed record ModelFile(string RemotePath, string LocalPath, bool Required = true);

/// <summary>A model <c>refine models pull</c> knows: its Hugging Face repository and the files it needs.</summary>
public sealed record KnownModel(string Name, string Repository, bool IsCrossEncoder, IReadOnlyList<ModelFile> Files, string Notes = "");

/// <summary>
/// The models <c>refine models pull</c> can fetch, with the canonical Hugging Face file layout
/// (<c>{base}/{repository}/resolve/main/{path}</c>). The ONNX export is the repository's <c>onnx/model.onnx</c>
/// and is stored as <c>model.onnx</c>; the tokenizer and the sentence-transformers configuration keep their paths.
/// </summary>
public static class KnownModels
{
    private static readonly ModelFile[] TokenizerFiles =
    [
        new("vocab.txt", "vocab.txt"),
        new("tokenizer.json", "tokenizer.json", Required: false),
        new("tokenizer_config.json", "tokenizer_config.json", Required: false),
        new("special_tokens_map.json", "special_tokens_map.json", Required: false),
        new("config.json", "config.json", Required: false),
    ];

    private static readonly ModelFile[] SentenceTransformerFiles =
    [
        new("modules.json", "modules.json", Required: false),
        new("1_Pooling/config.json", "1_Pooling/config.json", Required: false),
        new("sentence_bert_config.json", "sentence_bert_config.json", Required: false),
    ];

    /// <summary>Every model <c>refine models</c> can download.</summary>
    public static IReadOnlyList<KnownModel> All { get; } =
    [
        Embedder("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "384-d, mean pooling, normalised."),
        Embedder("bge-small-en-v1.5", "BAAI/bge-small-en-v1.5", "384-d, CLS pooling, normalised; queries may use the prefix \"Represent this sentence for searching relevant passages: \"."),
        Embedder("e5-small-v2", "intfloat/e5-small-v2", "384-d, mean pooling; texts need the prefixes \"query: \" and \"passage: \"."),
        Embedder("gte-small", "thenlper/gte-small", "384-d, mean pooling."),
        new KnownModel("ms-marco-MiniLM-L-6-v2", "cross-encoder/ms-marco-MiniLM-L-6-v2", IsCrossEncoder: true,
            [new ModelFile("onnx/model.onnx", "model.onnx"), .. TokenizerFiles], "Cross-encoder (one logit; score = sigmoid), the ReFIT judge."),
    ];

    /// <summary>The model called <paramref name="name"/> (case-insensitive); the error lists the known names.</summary>
    public static KnownModel Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown model '{name}'. Known models: {string.Join(", ", All.Select(m => m.Name))}.", nameof(name));
    }

    private static KnownModel Embedder(string name, string repository, string notes) =>
        new(name, repository, IsCrossEncoder: false, [new ModelFile("onnx/model.onnx", "model.onnx"), .. TokenizerFiles, .. SentenceTransformerFiles], notes);
}
