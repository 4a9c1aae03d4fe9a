using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RefineMemory.Judge;
using RefineMemory.Onnx.Embed;
using RefineMemory.Onnx.Judge;

namespace RefineMemory.Onnx.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public void Registers_the_embedder_and_the_judge_from_model_folders()
    {
        var services = new ServiceCollection()
            .AddOnnxEmbeddingGenerator(OnnxFixtures.Embedder, o => o.BatchSize = 4)
            .AddOnnxCrossEncoderJudge(OnnxFixtures.CrossEncoder);
        using var provider = services.BuildServiceProvider();
        Assert.IsType<OnnxEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.IsType<OnnxCrossEncoderJudge>(provider.GetRequiredService<IRelevanceJudge>());
    }
}
