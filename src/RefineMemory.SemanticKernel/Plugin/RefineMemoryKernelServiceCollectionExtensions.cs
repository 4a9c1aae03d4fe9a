using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using RefineMemory.Agents;
using RefineMemory;
using RefineMemory.Judge;
using RefineMemory.SemanticKernel.Judge;
using RefineMemory.SemanticKernel.Plugin;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers RefineMemory as a Semantic Kernel plugin judged by the kernel's own chat model.</summary>
public static class RefineMemoryKernelServiceCollectionExtensions
{
    /// <summary>
    /// Adds RefineMemory (<see cref="RefineMemoryServiceCollectionExtensions.AddRefineMemory(IServiceCollection, Action{RefineMemoryOptions})"/>)
    /// whose judge is a <see cref="KernelChatJudge"/> over these services (unless an <see cref="IRelevanceJudge"/> is
    /// already registered; cached when an <see cref="IJudgeCache"/> is), and a <see cref="KernelPlugin"/> named
    /// <paramref name="pluginName"/> that every kernel built from these services (<c>AddKernel()</c>, <c>Kernel.CreateBuilder()</c>) picks up.
    /// </summary>
    public static IServiceCollection AddRefineMemoryKernelPlugin(this IServiceCollection services, Action<RefineMemoryOptions>? configure = null, string pluginName = RefineMemoryKernelPlugin.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginName);
        services.TryAddSingleton<IRelevanceJudge>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RefineMemoryOptions>>().Value;
            return new KernelChatJudge(sp, o.Judge, o.ChatClientKey, sp.GetService<IJudgeCache>(), sp.GetService<ILoggerFactory>());
        });
        services.AddRefineMemory(configure);
        services.AddSingleton(sp => RefineMemoryKernelPlugin.Create(sp.GetRequiredService<RefineMemoryTools>(), pluginName));
        return services;
    }
}
