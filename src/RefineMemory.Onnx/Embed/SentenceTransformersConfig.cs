using System.Text.Json;

namespace RefineMemory.Onnx.Embed;

/// <summary>
/// What a sentence-transformers model folder says about pooling, normalisation and length:
/// <c>modules.json</c> (a Normalize module), <c>1_Pooling/config.json</c> (or the Pooling module's path) and
/// <c>sentence_bert_config.json</c> (<c>max_seq_length</c>) and <c>config_sentence_transformers.json</c> (the
/// <c>query</c> prompt). Absent files leave the values unset.
/// </summary>
internal sealed record SentenceTransformersConfig(EmbeddingPooling? Pooling, bool? Normalize, int? MaxSequenceLength, string? QueryPrompt)
{
    public static SentenceTransformersConfig Read(string directory)
    {
        string poolingPath = Path.Combine(directory, "1_Pooling", "config.json");
        bool? normalize = null;
        string modules = Path.Combine(directory, "modules.json");
        if (File.Exists(modules))
        {
            using var doc = Parse(modules);
            normalize = false;
            foreach (var module in doc.RootElement.EnumerateArray())
            {
                string type = module.TryGetProperty("type", out var t) ? t.GetString() ?? string.Empty : string.Empty;
                if (type.EndsWith(".Normalize", StringComparison.Ordinal))
                {
                    normalize = true;
                }
                else if (type.EndsWith(".Pooling", StringComparison.Ordinal) && module.TryGetProperty("path", out var p) && p.GetString() is { Length: > 0 } path)
                {
                    poolingPath = Path.Combine(directory, path, "config.json");
                }
            }
        }

        EmbeddingPooling? pooling = null;
        if (File.Exists(poolingPath))
        {
            using var doc = Parse(poolingPath);
            var root = doc.RootElement;
            pooling = Flag(root, "pooling_mode_cls_token") ? EmbeddingPooling.Cls
                : Flag(root, "pooling_mode_max_tokens") ? EmbeddingPooling.Max
                : Flag(root, "pooling_mode_mean_tokens") ? EmbeddingPooling.Mean
                : throw new InvalidDataException($"'{poolingPath}' selects no supported pooling (mean, cls or max tokens).");
        }

        int? maxLength = null;
        string sbert = Path.Combine(directory, "sentence_bert_config.json");
        if (File.Exists(sbert))
        {
            using var doc = Parse(sbert);
            if (doc.RootElement.TryGetProperty("max_seq_length", out var m) && m.ValueKind == JsonValueKind.Number)
            {
                maxLength = m.GetInt32();
            }
        }

        string? queryPrompt = null;
        string prompts = Path.Combine(directory, "config_sentence_transformers.json");
        if (File.Exists(prompts))
        {
            using var doc = Parse(prompts);
            if (doc.RootElement.TryGetProperty("prompts", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String)
            {
                queryPrompt = q.GetString();
            }
        }

        return new SentenceTransformersConfig(pooling, normalize, maxLength, queryPrompt);
    }

    /// <summary><c>model_max_length</c> of tokenizer_config.json when it is a real limit (HF writes 1e30 for "none").</summary>
    public static int? ReadTokenizerMaxLength(string directory)
    {
        string path = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(path))
        {
            return null;
        }

        using var doc = Parse(path);
        return doc.RootElement.TryGetProperty("model_max_length", out var m) && m.ValueKind == JsonValueKind.Number
            && m.TryGetDouble(out double v) && v is >= 2 and <= 1_000_000 ? (int)v : null;
    }

    private static bool Flag(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }
    }
}
