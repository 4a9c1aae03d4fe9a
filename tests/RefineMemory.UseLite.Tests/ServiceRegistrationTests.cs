using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RefineMemory.Testing;

namespace RefineMemory.UseLite.Tests;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public async Task AddUseLiteEmbeddingGenerator_registers_one_shared_generator()
    {
        var services = new ServiceCollection();
        services.AddUseLiteEmbeddingGenerator(o => o.ModelDirectory = Path.Combine(RepoPaths.Assets, "use-lite"));
        services.AddUseLiteEmbeddingGenerator();
        using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.Same(provider.GetRequiredService<UseLiteEmbeddingGenerator>(), generator);
        var result = await generator.GenerateAsync(["hello"]);
        Assert.Equal(512, result[0].Dimensions);
        Assert.Single(services, d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>));
    }
}
