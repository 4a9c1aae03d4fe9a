using RefineMemory.Agents;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Search;

namespace RefineMemory.Hosting;

/// <summary>
/// Settings of <c>services.AddRefineMemory(...)</c>; bindable from configuration (section "RefineMemory" by
/// convention), e.g. <c>{"RefineMemory": {"DatabasePath": "memory.db", "Tools": {"DefaultCollection": "docs"}}}</c>.
/// </summary>
public sealed class RefineMemoryOptions
{
    /// <summary>
    /// Where the memory lives: a SQLite file, a PostgreSQL URI (<c>postgresql://user@host:port/database</c>) or an
    /// Npgsql connection string (<c>Host=...</c>); see <see cref="MemoryDatabase"/>. Default "refine-memory.db" in the working folder.
    /// </summary>
    public string DatabasePath { get; set; } = "refine-memory.db";

    /// <summary>
    /// Service key of the <c>IChatClient</c> used as judge; <c>null</c> (default) uses the unkeyed one the host registered.
    /// </summary>
    public string? ChatClientKey { get; set; }

    /// <summary>Service key of the <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>; <c>null</c> (default) uses the unkeyed one.</summary>
    public string? EmbeddingGeneratorKey { get; set; }

    /// <summary>
    /// PostgreSQL: search every chunk exactly instead of through each collection's HNSW index. Default false (HNSW,
    /// in the server). SQLite collections are always searched exactly, in process.
    /// </summary>
    public bool ExactSearch { get; set; }

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
