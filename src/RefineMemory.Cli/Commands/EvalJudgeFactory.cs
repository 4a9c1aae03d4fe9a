using System.Globalization;
using Microsoft.Extensions.AI;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Onnx.Judge;
using RefineMemory.OpenAI;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// Turns <c>--judge</c> into a judge per query: <c>gold</c> (the labels: an oracle), <c>simulated:P</c> (labels
/// flipped with probability P: an oracle with errors), <c>chat</c> (the chat model of REFINE_CHAT_ENDPOINT /
/// REFINE_CHAT_MODEL / REFINE_CHAT_API_KEY, scored from yes/no logprobs), <c>cross-encoder:DIR</c> (an ONNX
/// cross-encoder run in-process).
/// </summary>
internal static class EvalJudgeFactory
{
    /// <summary>The judge of each query; <c>Chat</c> is the chat model when the judge uses one (HyDE then uses it too).</summary>
    public sealed record Built(Func<EvalQuery, IRelevanceJudge> JudgeFor, string Description, bool IsOracle, IChatClient? Chat, IDisposable? Owned = null);

    /// <summary>Checks the form of <paramref name="spec"/> before any data is loaded or embedded.</summary>
    public static void Validate(string spec)
    {
        string lower = spec.Trim().ToLowerInvariant();
        if (lower.StartsWith("simulated:", StringComparison.Ordinal))
        {
            string raw = lower["simulated:".Length..];
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || !(p >= 0 && p <= 1))
            {
                throw new CliInputException($"--judge simulated:P needs a flip probability P in [0, 1]; got '{raw}'.");
            }
        }
        else if (lower is not ("gold" or "chat") && !lower.StartsWith("cross-encoder:", StringComparison.Ordinal) && !lower.StartsWith("embedder:", StringComparison.Ordinal))
        {
            throw new CliInputException($"Unknown judge '{spec}': use gold, simulated:P (e.g. simulated:0.2), chat, cross-encoder:DIR, or embedder:MODEL.");
        }
    }

    public static Built Create(string spec, EvalDataset dataset, EvalSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int seed = settings.Seed;
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        string lower = spec.Trim().ToLowerInvariant();
        if (lower == "gold")
        {
            return new Built(EvalJudges.Gold(dataset), "gold (oracle)", true, null);
        }

        if (lower.StartsWith("simulated:", StringComparison.Ordinal))
        {
            string raw = lower["simulated:".Length..];
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || !(p >= 0 && p <= 1))
            {
                throw new CliInputException($"--judge simulated:P needs a flip probability P in [0, 1]; got '{raw}'.");
            }

            return new Built(EvalJudges.Simulated(dataset, p, seed), $"simulated:{p.ToString(CultureInfo.InvariantCulture)} (oracle with flipped labels)", true, null);
        }

        if (lower == "chat")
        {
            if (!ChatModelSettings.TryFromVariables(Environment.GetEnvironmentVariable, out var chatSettings, out string problem))
            {
                throw new CliInputException($"--judge chat needs a chat model: {problem}");
            }

            var client = new OpenAICompatibleChatClient(chatSettings!);
            var judge = new ChatRelevanceJudge(client, new ChatRelevanceJudgeOptions { ModelId = chatSettings!.Model, BatchSize = settings.JudgeBatch });
            return new Built(_ => judge, $"chat ({chatSettings.Model})", false, client);
        }

        if (lower.StartsWith("cross-encoder:", StringComparison.Ordinal))
        {
            string directory = spec.Trim()["cross-encoder:".Length..];
            if (directory.Length == 0)
            {
                throw new CliInputException("--judge cross-encoder:DIR needs the folder of an ONNX cross-encoder (model.onnx and its tokenizer files).");
            }

            var crossEncoder = OnnxCrossEncoderJudge.FromModelDirectory(directory);
            return new Built(_ => crossEncoder, $"cross-encoder ({Path.GetFileName(Path.TrimEndingDirectorySeparator(directory))})", false, null, crossEncoder);
        }

        if (lower.StartsWith("embedder:", StringComparison.Ordinal))
        {
            string model = spec.Trim()["embedder:".Length..];
            if (model.Length == 0)
            {
                throw new CliInputException("--judge embedder:MODEL needs an embedding model (e.g. embedder:onnx:DIR or embedder:use-lite).");
            }

            // The judge's vectors are cached on disk beside the evaluation's, so grids and reruns embed each text once.
            var generator = new DiskCachingEmbeddingGenerator(EmbedderFactory.Create(model),
                Path.Combine(settings.CacheFolder, "judge"), model);
            var judge = new EmbeddingRelevanceJudge(generator, new EmbeddingRelevanceJudgeOptions { Temperature = settings.JudgeTemperature });
            string t = settings.JudgeTemperature.ToString(CultureInfo.InvariantCulture);
            return new Built(_ => judge, $"embedder {model} (cosine / {t}; not an oracle)", false, null, generator);
        }

        throw new CliInputException($"Unknown judge '{spec}': use gold, simulated:P (e.g. simulated:0.2), chat, cross-encoder:DIR, or embedder:MODEL.");
    }
}
