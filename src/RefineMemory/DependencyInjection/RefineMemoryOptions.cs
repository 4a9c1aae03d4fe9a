using RefineMemory.Agents;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Search;

namespace RefineMemory;

/// <summary>
/// Settings of <c>services.AddRefineMemory(...)</c>; bindable from configuration (section "RefineMemory" by
/// convention), e.g. <c>{"RefineMemory": {"Top": 5, "Tools": {"DefaultCollection": "docs"}}}</c>. Where the memory
/// lives is the store package's registration (<c>AddSqliteMemoryStore</c>, <c>AddPostgresMemoryStore</c>), not an option here.
/// </summary>
public sealed class RefineMemoryOptions
{
    /// <summary>
    /// Service key of the <c>IChatClient</c> used as judge; <c>null</c> (default) uses the unkeyed one the host registered.
    /// </summary>
    public string? ChatClientKey { get; set; }

    /// <summary>
    /// Service key of the <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> of the search and of the
    /// stores registered by <c>AddSqliteMemoryStore</c> / <c>AddPostgresMemoryStore</c>; <c>null</c> (default) uses the unkeyed one.
    /// </summary>
    public string? EmbeddingGeneratorKey { get; set; }

    /// <summary>
    /// The search defaults (results per call, whether to refine, the refinement: feedback counts, Adam steps);
    /// section "Search" in configuration. Default: <see cref="RefinedSearchOptions"/>'s, the validated step.
    /// </summary>
    public RefinedSearchOptions Search { get; set; } = new();

    /// <summary>How the chat model is asked to judge. Default: yes/no with logprobs, verbalized fallback.</summary>
    public ChatRelevanceJudgeOptions Judge { get; set; } = new();

    /// <summary>Names, default collection and limits of the tools.</summary>
    public RefineMemoryToolOptions Tools { get; set; } = new();

    /// <summary>Chunking and the settings of collections created by ingest.</summary>
    public IngestOptions Ingest { get; set; } = new();
}
