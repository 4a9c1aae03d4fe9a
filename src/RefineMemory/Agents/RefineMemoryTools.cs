using Microsoft.Extensions.AI;

namespace RefineMemory.Agents;

/// <summary>The search and ingest functions together, ready for <c>ChatOptions.Tools</c>, an MCP server or Semantic Kernel.</summary>
public sealed class RefineMemoryTools
{
    public RefineMemoryTools(RefinedSearchFunction search, IngestFunction ingest)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(ingest);
        Search = search;
        Ingest = ingest;
    }

    public RefinedSearchFunction Search { get; }

    public IngestFunction Ingest { get; }

    /// <summary>Both functions, search first.</summary>
    public IReadOnlyList<AIFunction> All => [Search, Ingest];
}
