using RefineMemory.Onnx.Native;

namespace RefineMemory.Onnx.Tests.Native;

public sealed class OnnxSessionTests
{
    [Fact]
    public void Loads_the_installed_runtime_and_reports_its_version_and_providers()
    {
        Assert.Equal("1.30.0", OnnxRuntimeLibrary.GetVersion());
        Assert.Contains("CPUExecutionProvider", OnnxRuntimeLibrary.GetAvailableProviders());
    }

    [Fact]
    public unsafe void Error_status_becomes_an_exception_with_orts_message_and_code()
    {
        var ort = OnnxRuntimeLibrary.Load();
        nint status;
        fixed (byte* msg = "made-up failure\0"u8)
        {
            status = ort.Api.CreateStatus((int)OrtErrorCode.InvalidGraph, msg);
        }

        var ex = Assert.Throws<OnnxRuntimeException>(() => ort.Check(status));
        Assert.Equal(OrtErrorCode.InvalidGraph, ex.Code);
        Assert.Contains("made-up failure", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_input_and_output_names_types_and_dynamic_shapes()
    {
        using var session = OnnxSession.Open(OnnxFixtures.EmbedderModel);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.Inputs.Select(i => i.Name));
        Assert.All(session.Inputs, i => Assert.Equal(OnnxElementType.Int64, i.ElementType));
        Assert.All(session.Inputs, i => Assert.Equal([-1L, -1L], i.Shape));
        var output = Assert.Single(session.Outputs);
        Assert.Equal("last_hidden_state", output.Name);
        Assert.Equal(OnnxElementType.Float, output.ElementType);
        Assert.Equal(3, output.Shape.Count);
        Assert.Equal(64, output.Shape[2]);
    }

    [Fact]
    public void Runs_a_batch_and_returns_the_output_shape()
    {
        using var session = OnnxSession.Open(OnnxFixtures.EmbedderModel, new OnnxSessionOptions { IntraOpThreads = 1, GraphOptimization = OnnxGraphOptimization.Basic });
        var result = session.Run(Inputs(batch: 2, length: 5));
        var output = Assert.Single(result);
        Assert.Equal([2L, 5L, 64L], output.Shape);
        Assert.Equal(2 * 5 * 64, output.Data.Length);
        Assert.All(output.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Missing_model_names_the_path()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => OnnxSession.Open("/no/such/model.onnx"));
        Assert.Contains("/no/such/model.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_model_fails_with_orts_message()
    {
        string path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8]);
        try
        {
            var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.Open(path));
            Assert.StartsWith("ONNX Runtime: ", ex.Message, StringComparison.Ordinal);
            Assert.NotEqual(OrtErrorCode.Ok, ex.Code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Wrong_input_type_fails_with_orts_message()
    {
        using var session = OnnxSession.Open(OnnxFixtures.EmbedderModel);
        var inputs = new[]
        {
            OnnxInput.Float("input_ids", new float[3], 1, 3),
            OnnxInput.Int64("attention_mask", [1, 1, 1], 1, 3),
            OnnxInput.Int64("token_type_ids", [0, 0, 0], 1, 3),
        };
        var ex = Assert.Throws<OnnxRuntimeException>(() => session.Run(inputs));
        Assert.Contains("Unexpected input data type", ex.Message, StringComparison.Ordinal);
        Assert.Equal(OrtErrorCode.InvalidArgument, ex.Code);
    }

    [Fact]
    public void Unknown_input_name_and_shape_mismatch_are_argument_errors()
    {
        using var session = OnnxSession.Open(OnnxFixtures.EmbedderModel);
        var ex = Assert.Throws<ArgumentException>(() => session.Run([OnnxInput.Int64("ids", [1], 1, 1)]));
        Assert.Contains("'ids'", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OnnxInput.Int64("input_ids", [1, 2, 3], 2, 2));
    }

    [Fact]
    public void Cancelled_token_stops_before_running()
    {
        using var session = OnnxSession.Open(OnnxFixtures.EmbedderModel);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => session.Run(Inputs(1, 3), cancellationToken: cts.Token));
    }

    [Fact]
    public void Missing_native_library_names_the_path_and_the_setup_command()
    {
        var ex = Assert.Throws<OnnxRuntimeNotFoundException>(() => OnnxRuntimeLibrary.Loaded.Open("/no/such/libonnxruntime.so.1"));
        Assert.Contains("/no/such/libonnxruntime.so.1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("make setup", ex.Message, StringComparison.Ordinal);
        Assert.Contains(OnnxRuntimeLibrary.PathVariable, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_without_its_provider_library_fails_with_orts_message()
    {
        // The npm build names CUDA but set-up does not install libonnxruntime_providers_cuda.so beside it.
        string providers = Path.Combine(Path.GetDirectoryName(OnnxRuntimeLibrary.ResolvePath())!, "libonnxruntime_providers_cuda.so");
        Assert.False(File.Exists(providers));
        var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.Open(OnnxFixtures.EmbedderModel, new OnnxSessionOptions { UseCuda = true }));
        Assert.StartsWith("ONNX Runtime: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_runs_on_one_session_agree()
    {
        using var session = OnnxSession.Open(OnnxFixtures.EmbedderModel);
        float[] expected = session.Run(Inputs(3, 7))[0].Data;
        var results = new float[16][];
        Parallel.For(0, results.Length, i => results[i] = session.Run(Inputs(3, 7))[0].Data);
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Library_path_comes_from_the_argument_then_the_environment_variable()
    {
        OnnxRuntimeLibrary.Load();
        Assert.Equal("/opt/ort/libonnxruntime.so", OnnxRuntimeLibrary.ResolvePath("/opt/ort/libonnxruntime.so"));
        string? saved = Environment.GetEnvironmentVariable(OnnxRuntimeLibrary.PathVariable);
        try
        {
            Environment.SetEnvironmentVariable(OnnxRuntimeLibrary.PathVariable, "/elsewhere/libonnxruntime.so.1");
            Assert.Equal("/elsewhere/libonnxruntime.so.1", OnnxRuntimeLibrary.ResolvePath());
        }
        finally
        {
            Environment.SetEnvironmentVariable(OnnxRuntimeLibrary.PathVariable, saved);
        }

        Assert.EndsWith("onnxruntime/bin/napi-v6/linux/x64/libonnxruntime.so.1", OnnxRuntimeLibrary.ResolvePath(), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => OnnxRuntimeLibrary.Load("/another/libonnxruntime.so.1"));
    }

    [Fact]
    public void Disposed_session_refuses_to_run()
    {
        var session = OnnxSession.Open(OnnxFixtures.EmbedderModel);
        session.Dispose();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(Inputs(1, 2)));
    }

    internal static OnnxInput[] Inputs(int batch, int length)
    {
        var ids = new long[batch * length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = i % length == 0 ? 2 : 1000 + i;
        }

        return
        [
            OnnxInput.Int64("input_ids", ids, batch, length),
            OnnxInput.Int64("attention_mask", Enumerable.Repeat(1L, ids.Length).ToArray(), batch, length),
            OnnxInput.Int64("token_type_ids", new long[ids.Length], batch, length),
        ];
    }
}
