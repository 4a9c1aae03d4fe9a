namespace RefineMemory.Embed;

/// <summary>The embedders that can be chosen by name.</summary>
public enum EmbedderKind
{
    /// <summary>Snowflake arctic-embed-xs (384-d, CLS pooling, query prefix), from the NuGet package's resources.</summary>
    ArcticEmbedXs,

    /// <summary>sentence-transformers all-MiniLM-L6-v2 (384-d, mean pooling), from the NuGet package's resources.</summary>
    AllMiniLmL6V2,

    /// <summary>Universal Sentence Encoder Lite (512-d), installed by set-up.</summary>
    UseLite,

    /// <summary>A BERT-style ONNX export in a folder (<c>onnx:DIR</c>).</summary>
    OnnxFolder,

    /// <summary>An OpenAI-compatible endpoint from <c>REFINE_EMBEDDING_*</c>.</summary>
    OpenAI,
}

/// <summary>
/// An embedder chosen by name: <c>arctic-embed-xs</c>, <c>all-MiniLM-L6-v2</c>, <c>use-lite</c>, <c>onnx:DIR</c> or
/// <c>openai</c> (names compare case-insensitively). The one parser every command and the DI extension use.
/// </summary>
public sealed record EmbedderName
{
    /// <summary>Snowflake arctic-embed-xs (384-d), the default.</summary>
    public const string ArcticEmbedXs = "arctic-embed-xs";
    /// <summary>sentence-transformers all-MiniLM-L6-v2 (384-d).</summary>
    public const string AllMiniLmL6V2 = "all-MiniLM-L6-v2";
    /// <summary>Universal Sentence Encoder Lite (512-d).</summary>
    public const string UseLite = "use-lite";
    /// <summary>The prefix of an ONNX model folder: <c>onnx:DIR</c>.</summary>
    public const string OnnxPrefix = "onnx:";
    /// <summary>An OpenAI-compatible embedding endpoint.</summary>
    public const string OpenAI = "openai";

    /// <summary>
    /// The default: the pretrained model with the better mean baseline MAP over ArgKP-21, CLINC150 and Cranfield
    /// (measured with <c>refine eval</c>; docs/onnx.md has the table).
    /// </summary>
    public const string Default = ArcticEmbedXs;

    /// <summary>What <see cref="Parse"/> accepts, for help texts.</summary>
    public const string Choices = "arctic-embed-xs, all-MiniLM-L6-v2, use-lite, onnx:DIR, openai";

    private EmbedderName(EmbedderKind kind, string? directory)
    {
        Kind = kind;
        Directory = directory;
    }

    /// <summary>Which embedder the name is.</summary>
    public EmbedderKind Kind { get; }

    /// <summary>The model folder of <see cref="EmbedderKind.OnnxFolder"/>; null otherwise.</summary>
    public string? Directory { get; }

    /// <summary>Parses <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Choices"/>; the message says which are.</exception>
    public static EmbedderName Parse(string name) =>
        TryParse(name, out var parsed, out string problem) ? parsed! : throw new ArgumentException(problem, nameof(name));

    /// <summary>Parses <paramref name="name"/>; on failure <paramref name="problem"/> says why in one sentence.</summary>
    public static bool TryParse(string? name, out EmbedderName? parsed, out string problem)
    {
        parsed = null;
        string text = name?.Trim() ?? string.Empty;
        if (text.StartsWith(OnnxPrefix, StringComparison.OrdinalIgnoreCase))
        {
            string directory = text[OnnxPrefix.Length..];
            if (string.IsNullOrWhiteSpace(directory))
            {
                problem = "embedder 'onnx:' names no folder (write onnx:DIR, DIR holding model.onnx and vocab.txt or tokenizer.json).";
                return false;
            }

            parsed = new EmbedderName(EmbedderKind.OnnxFolder, directory);
            problem = string.Empty;
            return true;
        }

        EmbedderKind? kind = text.ToLowerInvariant() switch
        {
            "arctic-embed-xs" => EmbedderKind.ArcticEmbedXs,
            "all-minilm-l6-v2" => EmbedderKind.AllMiniLmL6V2,
            "use-lite" => EmbedderKind.UseLite,
            "openai" => EmbedderKind.OpenAI,
            _ => null,
        };
        if (kind is null)
        {
            problem = $"unknown embedder '{name}' (known: {Choices}).";
            return false;
        }

        parsed = new EmbedderName(kind.Value, null);
        problem = string.Empty;
        return true;
    }

    /// <summary>The canonical spelling, which <see cref="Parse"/> reads back.</summary>
    public override string ToString() => Kind switch
    {
        EmbedderKind.ArcticEmbedXs => ArcticEmbedXs,
        EmbedderKind.AllMiniLmL6V2 => AllMiniLmL6V2,
        EmbedderKind.UseLite => UseLite,
        EmbedderKind.OnnxFolder => OnnxPrefix + Directory,
        _ => OpenAI,
    };
}
