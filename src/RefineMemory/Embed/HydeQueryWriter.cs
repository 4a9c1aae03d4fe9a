using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RefineMemory.Judge;

namespace RefineMemory.Embed;

/// <summary>
/// The HyDE baseline (Gao et al. 2022): a chat model writes a hypothetical document for the query, and that
/// document's embedding (embedded like a document, without the query instruction) replaces the query's.
/// </summary>
public sealed class HydeQueryWriter
{
    private readonly IChatClient _chat;
    private readonly HydeOptions _options;

    /// <summary>Writes hypothetical documents with <paramref name="chatClient"/>.</summary>
    public HydeQueryWriter(IChatClient chatClient, HydeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _options = options ?? new HydeOptions();
        _options.Validate();
        _chat = chatClient;
    }

    /// <summary>The prompt sent for <paramref name="query"/>.</summary>
    public string Prompt(string query, string? instruction)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        string template = string.IsNullOrWhiteSpace(instruction)
            ? string.Join('\n', _options.PromptTemplate.Split('\n').Where(line => !line.Contains("{instruction}", StringComparison.Ordinal)))
            : _options.PromptTemplate.Replace("{instruction}", instruction, StringComparison.Ordinal);
        return template.Replace("{query}", query, StringComparison.Ordinal);
    }

    /// <summary>Writes <see cref="HydeOptions.Documents"/> hypothetical documents (in parallel).</summary>
    /// <exception cref="ModelCallException">The model answered with empty text (kind MalformedResponse), or the call failed.</exception>
    public async Task<IReadOnlyList<string>> WriteAsync(string query, string? instruction = null, CancellationToken cancellationToken = default)
    {
        string prompt = Prompt(query, instruction);
        var tasks = Enumerable.Range(0, _options.Documents).Select(async i =>
        {
            var options = new ChatOptions
            {
                MaxOutputTokens = _options.MaxOutputTokens,
                Temperature = _options.Temperature,
                Seed = _options.Seed is long seed ? seed + i : null,
            };
            var response = await _chat.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], options, cancellationToken).ConfigureAwait(false);
            string text = response.Text.Trim();
            return text.Length > 0
                ? text
                : throw new ModelCallException(ModelCallFailureKind.MalformedResponse, "The chat model wrote an empty hypothetical document.");
        });
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Writes hypothetical documents and returns their mean embedding (unit length), to search with instead of the query's.</summary>
    public async Task<HydeEmbedding> EmbedAsync(
        string query, string? instruction, IEmbeddingGenerator<string, Embedding<float>> embedder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var documents = await WriteAsync(query, instruction, cancellationToken).ConfigureAwait(false);
        // The hypothetical passages are embedded as documents (that is HyDE's point), the query as a query.
        var inputs = _options.IncludeQuery ? documents.Append(QueryInstruction.Format(query, instruction)).ToArray() : documents.ToArray();
        var embeddings = await embedder.GenerateAsync(documents, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (_options.IncludeQuery)
        {
            var asQuery = await embedder.GenerateAsync([inputs[^1]], EmbeddingPurposes.ForQueries(), cancellationToken).ConfigureAwait(false);
            embeddings = [.. embeddings, .. asQuery];
        }

        if (embeddings.Count != inputs.Length)
        {
            throw new InvalidOperationException($"The embedder returned {embeddings.Count} embeddings for {inputs.Length} inputs.");
        }

        int d = embeddings[0].Vector.Length;
        var mean = new float[d];
        for (int i = 0; i < embeddings.Count; i++)
        {
            var v = embeddings[i].Vector.Span;
            if (v.Length != d)
            {
                throw new DimensionMismatchException($"HyDE embedding {i}", d, v.Length);
            }

            float norm = TensorPrimitives.Norm(v);
            if (!(norm > 0) || !float.IsFinite(norm))
            {
                throw new ArgumentException($"HyDE embedding {i} is zero or not finite.", nameof(embedder));
            }

            TensorPrimitives.MultiplyAdd(v, 1f / norm, mean, mean);
        }

        float total = TensorPrimitives.Norm(mean);
        if (!(total > 0))
        {
            throw new ArgumentException("The HyDE embeddings cancel out to the zero vector.", nameof(embedder));
        }

        TensorPrimitives.Divide(mean, total, mean);
        return new HydeEmbedding(mean, documents);
    }
}

/// <summary>A HyDE query vector and the hypothetical documents it came from.</summary>
public sealed record HydeEmbedding(float[] Vector, IReadOnlyList<string> HypotheticalDocuments);
