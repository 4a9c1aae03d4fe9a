using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using RefineMemory.Onnx.Tokenization;

namespace RefineMemory.Onnx.Tests.Sessions;

public sealed class OnnxSessionsTests(ITestOutputHelper output)
{
    [Fact]
    public void Opens_with_our_options_and_runs_a_padded_batch_in_place()
    {
        using var session = new BertSession(
            OnnxSessions.Open(OnnxFixtures.EmbedderModel, new OnnxSessionOptions { IntraOpThreads = 1, GraphOptimization = GraphOptimizationLevel.ORT_ENABLE_BASIC }),
            OnnxFixtures.EmbedderModel, "last_hidden_state");
        BertEncoding[] batch = [new([2, 5, 3], [0, 0, 0]), new([2, 5, 6, 7, 3], [0, 0, 0, 0, 0])];
        using var result = session.Run(batch, padId: 0, CancellationToken.None);
        Assert.Equal(5, result.Length);
        Assert.Equal([2L, 5L, 64L], result.Shape);
        Assert.Equal(2 * 5 * 64, result.Data.Length);
        foreach (float v in result.Data)
        {
            Assert.True(float.IsFinite(v));
        }
    }

    [Fact]
    public void Missing_model_names_the_path()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => OnnxSessions.Open("/no/such/model.onnx", new OnnxSessionOptions()));
        Assert.Contains("/no/such/model.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_model_fails_with_orts_message()
    {
        var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxSessions.Open("not an onnx model"u8.ToArray(), new OnnxSessionOptions()));
        Assert.Contains("protobuf", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_cancelled_token_stops_before_running()
    {
        using var session = new BertSession(OnnxSessions.Open(OnnxFixtures.EmbedderModel, new OnnxSessionOptions()), OnnxFixtures.EmbedderModel, "last_hidden_state");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => session.Run([new([2, 3], [0, 0])], 0, cts.Token));
    }

    /// <summary>
    /// UseCuda on a host without CUDA is one typed error line with ORT's reason. The CPU build (the default) has no
    /// CUDA provider; the GPU build (<c>eng/gpu/check-cuda-error.sh</c> runs this test with
    /// <c>-p:RefineMemoryGpu=true</c>) has it but cannot load CUDA 13's libraries on this machine.
    /// </summary>
    [Fact]
    public void UseCuda_without_cuda_is_one_clear_typed_error()
    {
        var ex = Assert.Throws<OnnxExecutionProviderException>(() => OnnxSessions.Open(OnnxFixtures.EmbedderModel, new OnnxSessionOptions { UseCuda = true }));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.StartsWith("ONNX Runtime cannot use CUDA (device 0): ", ex.Message, StringComparison.Ordinal);
        if (OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            Assert.Contains("libcublasLt.so.13: cannot open shared object file", ex.Message, StringComparison.Ordinal);
        }

        output.WriteLine(ex.Message);
    }
}
