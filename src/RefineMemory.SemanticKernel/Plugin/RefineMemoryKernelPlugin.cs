using Microsoft.SemanticKernel;
using RefineMemory.Agents;

namespace RefineMemory.SemanticKernel.Plugin;

/// <summary>
/// The RefineMemory tools as a Semantic Kernel plugin: <c>search</c> (refined retrieval; its function result is the
/// compact JSON of <see cref="RefinedSearchFunction.ToJson"/>: rank after and before refinement, id, source, score,
/// text) and <c>ingest</c>. The functions are our <see cref="Microsoft.Extensions.AI.AIFunction"/>s seen through
/// SK's <c>AsKernelFunction()</c>, so the JSON schema the model sees is the one the MCP server and M.E.AI hosts see.
/// </summary>
public static class RefineMemoryKernelPlugin
{
    /// <summary>The plugin name used when none is given: "memory" (functions appear to the model as memory-search, memory-ingest).</summary>
    public const string DefaultName = "memory";

    /// <summary>A plugin named <paramref name="pluginName"/> holding <paramref name="tools"/>' search and ingest functions.</summary>
    public static KernelPlugin Create(RefineMemoryTools tools, string pluginName = DefaultName)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginName);
        return KernelPluginFactory.CreateFromFunctions(
            pluginName,
            "Long-term memory: search returns passages re-ranked with the kernel's own model as relevance judge; ingest stores documents.",
            tools.All.Select(f => f.AsKernelFunction()));
    }
}
