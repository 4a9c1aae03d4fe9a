using Microsoft.Extensions.AI;

namespace RefineMemory.Agents;

/// <summary>The search and ingest functions together, ready for <c>ChatOptions.Tools</c>, an MCP server or Semantic Kernel.</summary>
public sealed class RefineMemoryTools
{
    /// <summary>The two tools, as one set.</summary>
    public RefineMemoryTools(RefinedSearchFunction search, IngestFunction ingest)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(ingest);
        Search = search;
        Ingest = ingest;
    }

    /// <summary>The <c>search</c> tool.</summary>
    public RefinedSearchFunction Search { get; }

    /// <summary>The <c>ingest</c> tool.</summary>
    public IngestFunction Ingest { get; }

    /// <summary>Both functions, search first.</summary>
    public IReadOnlyList<AIFunction> All => [Search, Ingest];
}
