using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Evaluation.Datasets;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>
/// Keeps the embeddings of evaluation sets on disk, so that a second run with the same embedder reads two files
/// instead of embedding again: one file for the set's document texts and one for its formatted query texts, so
/// changing the queries (a subset, instructions on or off) does not re-embed the documents. A file's name carries
/// a SHA-256 of the embedder id and every text, so any change to the data or the model id misses the cache
/// instead of reusing stale vectors. Files are written to a temporary name and then moved into place, so an
/// interrupted run leaves no half file.
/// </summary>
public sealed class EmbeddingMatrixCache
{
    private const uint Magic = 0x4D455246; // "FREM"

    public EmbeddingMatrixCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
    }

    /// <summary>Default folder: <c>$REFINE_CACHE_DIR/eval</c>, else <c>~/.cache/refine/eval</c>.</summary>
    public static string DefaultDirectory =>
        Path.Combine(
            Environment.GetEnvironmentVariable("REFINE_CACHE_DIR") is { Length: > 0 } d
                ? d
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "refine"),
            "eval");

    public string Directory { get; }

    /// <summary>
    /// Returns the embeddings of <paramref name="dataset"/> from the cache, embedding (and storing) what is missing;
    /// <paramref name="embedderId"/> names the model and is part of the key. <c>FromCache</c> is true when nothing
    /// had to be embedded.
    /// </summary>
    public async Task<(DatasetEmbeddings Embeddings, bool FromCache)> GetOrEmbedAsync(
        string embedderId,
        IEmbeddingGenerator<string, Embedding<float>> generator,
        EvalDataset dataset,
        bool useInstructions,
        IProgress<EmbeddingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(embedderId);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(dataset);
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var plan = TextPlan.Of(dataset, useInstructions);
        string name = Sanitise(dataset.Name);
        // The key holds everything that decides the vectors (the generator's fingerprint: model bytes, pooling,
        // normalisation, query prefix, maximum length), not only the name it was chosen by.
        string identity = embedderId + "\0" + (EmbedderFingerprint.Of(generator)?.Value ?? string.Empty);
        string queryPath = Path.Combine(Directory, $"{name}-queries-{Key(identity + "\0query", plan.QueryTexts)}.f32");
        // Splits of one set share its documents (cranfield:val and cranfield:test): the documents' file is named by the
        // set, not the split, so that the key (of the texts) finds them whichever split embedded them first.
        string setName = Sanitise(dataset.Name.Split(':')[0]);
        string documentPath = Path.Combine(Directory, $"{setName}-documents-{Key(identity + "\0document", plan.DocumentTexts)}.f32");
        var queries = TryRead(queryPath, plan.QueryTexts.Count);
        var documents = TryRead(documentPath, plan.DocumentTexts.Count);
        int missing = (queries is null ? plan.QueryTexts.Count : 0) + (documents is null ? plan.DocumentTexts.Count : 0);
        int done = 0;
        var offset = new Progress<EmbeddingProgress>(p => progress?.Report(new EmbeddingProgress(done + p.Done, missing)));
        if (queries is null)
        {
            queries = await DatasetEmbedder.EmbedTextsAsync(generator, plan.QueryTexts, 64, progress is null ? null : offset, cancellationToken, EmbeddingPurpose.Query).ConfigureAwait(false);
            Write(queryPath, queries);
            done += plan.QueryTexts.Count;
        }

        if (documents is null)
        {
            documents = await DatasetEmbedder.EmbedTextsAsync(generator, plan.DocumentTexts, 64, progress is null ? null : offset, cancellationToken).ConfigureAwait(false);
            Write(documentPath, documents);
        }

        progress?.Report(new EmbeddingProgress(missing, missing));
        return (plan.Assemble(queries, documents, timer.Elapsed, missing), missing == 0);
    }

    private static float[][]? TryRead(string path, int rows)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            return null; // a damaged file: embed again and overwrite it
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (count != rows || dimension < 1 || bytes.Length != 12 + (4L * count * dimension))
        {
            return null;
        }

        var result = new float[count][];
        for (int r = 0; r < count; r++)
        {
            result[r] = new float[dimension];
            Buffer.BlockCopy(bytes, 12 + (r * dimension * 4), result[r], 0, dimension * 4);
        }

        return result;
    }

    private void Write(string path, float[][] vectors)
    {
        if (vectors.Length == 0)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Directory);
        string temporary = path + "." + Environment.ProcessId + ".tmp";
        using (var stream = File.Create(temporary))
        {
            Span<byte> header = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], vectors.Length);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], vectors[0].Length);
            stream.Write(header);
            foreach (var v in vectors)
            {
                stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()));
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static string Key(string embedderId, IReadOnlyList<string> texts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(embedderId));
        foreach (string t in texts)
        {
            sha.AppendData([0]);
            sha.AppendData(Encoding.UTF8.GetBytes(t));
        }

        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private static string Sanitise(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
