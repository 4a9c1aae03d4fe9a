using RefineMemory.Onnx.Native;

namespace RefineMemory.Onnx.Tests.Native;

/// <summary>Runs alone (no other test opens sessions meanwhile), since it compares process-wide live counts.</summary>
[CollectionDefinition(nameof(OrtHandleLeakTests), DisableParallelization = true)]
public sealed class OrtHandleLeakCollection;

[Collection(nameof(OrtHandleLeakTests))]
public sealed class OrtHandleLeakTests
{
    [Fact]
    public void Repeated_sessions_and_runs_release_every_native_object()
    {
        var kinds = new[] { OrtObjectKind.Session, OrtObjectKind.SessionOptions, OrtObjectKind.Value, OrtObjectKind.RunOptions, OrtObjectKind.TypeInfo, OrtObjectKind.TensorTypeAndShapeInfo };
        OnnxRuntimeLibrary.Load();
        var before = kinds.Select(OrtHandle.LiveCount).ToArray();
        using var cts = new CancellationTokenSource();
        for (int s = 0; s < 20; s++)
        {
            using var session = OnnxSession.Open(OnnxFixtures.EmbedderModel, new OnnxSessionOptions { IntraOpThreads = 1 });
            for (int r = 0; r < 10; r++)
            {
                session.Run(OnnxSessionTests.Inputs(2, 4), cancellationToken: r % 2 == 0 ? cts.Token : default);
            }

            Assert.Throws<ArgumentException>(() => session.Run([OnnxInput.Int64("nope", [1], 1, 1)]));
        }

        Assert.Equal(before, kinds.Select(OrtHandle.LiveCount).ToArray());
    }
}
