using Microsoft.Extensions.DependencyInjection;
using RefineMemory.Agents;
using RefineMemory;
using RefineMemory.SemanticKernel.Plugin;

namespace Microsoft.SemanticKernel;

/// <summary>Adds the RefineMemory plugin to a kernel in one call.</summary>
public static class RefineMemoryKernelExtensions
{
    /// <summary>
    /// Registers RefineMemory in the kernel's services (<see cref="RefineMemoryServiceCollectionExtensions.AddRefineMemory(IServiceCollection, System.Action{RefineMemoryOptions})"/>)
    /// with the kernel's own chat model as judge, and the plugin (<c>search</c>, <c>ingest</c>) named <paramref name="pluginName"/>.
    /// The kernel's services must hold an <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> and a chat model.
    /// </summary>
    public static IKernelBuilder AddRefineMemory(this IKernelBuilder builder, Action<RefineMemoryOptions>? configure = null, string pluginName = RefineMemoryKernelPlugin.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRefineMemoryKernelPlugin(configure, pluginName);
        return builder;
    }

    /// <summary>Adds <paramref name="tools"/>' search and ingest functions as the plugin <paramref name="pluginName"/> and returns it.</summary>
    public static KernelPlugin AddRefineMemory(this KernelPluginCollection plugins, RefineMemoryTools tools, string pluginName = RefineMemoryKernelPlugin.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        var plugin = RefineMemoryKernelPlugin.Create(tools, pluginName);
        plugins.Add(plugin);
        return plugin;
    }
}
