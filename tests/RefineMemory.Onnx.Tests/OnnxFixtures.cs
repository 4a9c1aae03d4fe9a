using RefineMemory.Testing;

namespace RefineMemory.Onnx.Tests;

/// <summary>Paths of the committed ONNX fixtures (made by eng/fixtures/onnx/*.py).</summary>
internal static class OnnxFixtures
{
    public static string Root => Path.Combine(RepoPaths.Fixtures, "onnx");

    public static string Embedder => Path.Combine(Root, "tiny-embedder");

    public static string CrossEncoder => Path.Combine(Root, "tiny-cross-encoder");

    public static string EmbedderModel => Path.Combine(Embedder, "model.onnx");
}
