using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace RefineMemory.Embed;

/// <summary>
/// An on-disk embedding cache in front of any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: re-running an
/// evaluation or re-ingesting a corpus does not re-embed what was embedded before. Entries are keyed by the SHA-256
/// of (the inner generator's <see cref="EmbedderFingerprint"/>: model bytes, pooling, normalisation, query prefix,
/// maximum length...; the requested model id and dimensions; the <see cref="EmbeddingPurpose"/>; the text), one small file each, written to a temporary file and renamed into
/// place, and carry a checksum: concurrent writers (threads or processes) and a crash mid-write never leave a torn
/// entry that is read back; a damaged entry counts as a miss and is rewritten.
/// </summary>
public sealed class DiskCachingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private const int Version = 1;
    private const int HeaderBytes = 4 + 4 + 4 + KeyBytes;
    private const int KeyBytes = 32;
    private const int ChecksumBytes = 32;
    private static readonly byte[] Magic = "RMEV"u8.ToArray();

    private readonly string _modelId;
    private readonly string _fingerprint;
    private long _hits;
    private long _misses;

    /// <param name="innerGenerator">The generator that computes what the cache lacks.</param>
    /// <param name="directory">The cache folder (created if needed); one sub-folder per model id.</param>
    /// <param name="modelId">
    /// Names the cache's sub-folder; default: the inner generator's <see cref="EmbeddingGeneratorMetadata.DefaultModelId"/>.
    /// The entries are keyed by the generator's <see cref="EmbedderFingerprint"/> as well, so a changed model,
    /// pooling or prefix misses the cache even under the same id; for a generator that reports no fingerprint of
    /// its own, change the id whenever the model changes.
    /// </param>
    public DiskCachingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, string directory, string? modelId = null)
        : base(innerGenerator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _modelId = modelId is { Length: > 0 } ? modelId
            : innerGenerator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId is { Length: > 0 } id ? id
            : throw new ArgumentException("the inner generator reports no model id; pass modelId so cached vectors cannot be mixed up between models.", nameof(modelId));
        _fingerprint = EmbedderFingerprint.Of(innerGenerator)?.Value ?? _modelId;
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The cache folder.</summary>
    public string Directory { get; }

    /// <summary>Texts served from disk since this instance was created.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Texts passed to the inner generator since this instance was created.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <inheritdoc />
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        string[] texts = EmbeddingInputs.ToCheckedArray(values);

        string modelId = options?.ModelId is { Length: > 0 } requested ? requested : _modelId;
        string folder = Path.Combine(Directory, FolderName(modelId));
        string identity = string.Concat(_fingerprint, "\0", modelId, "\0", EmbeddingPurposes.Of(options) == EmbeddingPurpose.Query ? "query" : "document");
        byte[][] keys = texts.Select(t => Key(identity, options?.Dimensions, t)).ToArray();
        float[]?[] vectors = await Task.Run(() => keys.Select(k => TryRead(folder, k)).ToArray(), cancellationToken).ConfigureAwait(false);

        // Embed each missing text once, even if it appears several times.
        var missing = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < texts.Length; i++)
        {
            if (vectors[i] is null)
            {
                if (!missing.TryGetValue(texts[i], out var positions))
                {
                    missing[texts[i]] = positions = [];
                }

                positions.Add(i);
            }
        }

        Interlocked.Add(ref _hits, texts.Length - missing.Values.Sum(p => p.Count));
        if (missing.Count > 0)
        {
            string[] toEmbed = [.. missing.Keys];
            var fresh = await base.GenerateAsync(toEmbed, options, cancellationToken).ConfigureAwait(false);
            if (fresh.Count != toEmbed.Length)
            {
                throw new InvalidOperationException($"the inner generator returned {fresh.Count} embeddings for {toEmbed.Length} texts.");
            }

            Interlocked.Add(ref _misses, toEmbed.Length);
            await Task.Run(
                () =>
                {
                    for (int j = 0; j < toEmbed.Length; j++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        float[] vector = fresh[j].Vector.ToArray();
                        List<int> positions = missing[toEmbed[j]];
                        Write(folder, keys[positions[0]], vector);
                        foreach (int i in positions)
                        {
                            vectors[i] = vector;
                        }
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        foreach (float[]? vector in vectors)
        {
            result.Add(new Embedding<float>(vector!) { ModelId = modelId });
        }

        return result;
    }

    internal static byte[] Key(string identity, int? dimensions, string text)
    {
        string material = string.Concat(identity, "\0", dimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, "\0", text);
        return SHA256.HashData(Encoding.UTF8.GetBytes(material));
    }

    internal static string EntryPath(string folder, byte[] key)
    {
        string hex = Convert.ToHexStringLower(key);
        return Path.Combine(folder, hex[..2], hex + ".vec");
    }

    private static string FolderName(string modelId)
    {
        // Readable and safe on every file system, made unique by a short hash of the exact id.
        var safe = new StringBuilder();
        foreach (char c in modelId.Length > 40 ? modelId[..40] : modelId)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_');
        }

        return safe + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(modelId)))[..12];
    }

    private static float[]? TryRead(string folder, byte[] key)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(EntryPath(folder, key));
        }
        catch (IOException)
        {
            // Absent, or (on Windows) being replaced by a concurrent writer: a miss; the entry is recomputed.
            return null;
        }

        ReadOnlySpan<byte> span = bytes;
        if (span.Length < HeaderBytes + ChecksumBytes || !span[..4].SequenceEqual(Magic)
            || BinaryPrimitives.ReadInt32LittleEndian(span[4..]) != Version)
        {
            return null;
        }

        int dimension = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        if (dimension < 0 || span.Length != HeaderBytes + (4 * dimension) + ChecksumBytes
            || !span.Slice(12, KeyBytes).SequenceEqual(key)
            || !SHA256.HashData(span[..^ChecksumBytes]).AsSpan().SequenceEqual(span[^ChecksumBytes..]))
        {
            return null;
        }

        var vector = new float[dimension];
        for (int d = 0; d < dimension; d++)
        {
            vector[d] = BinaryPrimitives.ReadSingleLittleEndian(span[(HeaderBytes + (4 * d))..]);
        }

        return vector;
    }

    private static void Write(string folder, byte[] key, float[] vector)
    {
        byte[] bytes = new byte[HeaderBytes + (4 * vector.Length) + ChecksumBytes];
        Span<byte> span = bytes;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], vector.Length);
        key.CopyTo(span[12..]);
        for (int d = 0; d < vector.Length; d++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(span[(HeaderBytes + (4 * d))..], vector[d]);
        }

        SHA256.HashData(span[..^ChecksumBytes], span[^ChecksumBytes..]);

        string path = EntryPath(folder, key);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer put the same entry in place first (Windows refuses to replace a file being read).
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
