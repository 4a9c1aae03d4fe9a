using System.Collections.Concurrent;
using RefineMemory.UseLite.Compute;
using RefineMemory.UseLite.Model;
using RefineMemory.UseLite.Tokenization;

namespace RefineMemory.UseLite;

/// <summary>
/// The loaded model: tokenizer, weights and a pool of per-thread workspaces. Immutable apart from the pool, so one
/// instance serves concurrent callers. Batches run in parallel; progress and cancellation act between batches.
/// </summary>
internal sealed class UseLiteModel
{
    /// <summary>Tokens per forward pass at most; bounds workspace memory (about 15 KB per token).</summary>
    internal const int TokenBudget = 1024;

    private readonly UseLiteEncoder _encoder;
    private readonly ConcurrentBag<EncoderWorkspace> _workspaces = [];

    private UseLiteModel(UseLiteTokenizer tokenizer, UseLiteWeights weights, string directory)
    {
        Tokenizer = tokenizer;
        _encoder = new UseLiteEncoder(weights);
        Directory = directory;
    }

    public UseLiteTokenizer Tokenizer { get; }

    public string Directory { get; }

    public int MaxLength => _encoder.MaxLength;

    public static UseLiteModel Load(string? directory, bool verifyChecksums)
    {
        UseLiteModelFiles files = UseLiteModelFiles.Locate(directory, verifyChecksums);
        var tokenizer = UseLiteTokenizer.Load(files.VocabJson);
        var weights = UseLiteWeights.Load(files);
        if (tokenizer.VocabularySize > UseLiteWeights.VocabularyRows)
        {
            throw new InvalidDataException($"'{files.VocabJson}' has {tokenizer.VocabularySize} pieces, more than the {UseLiteWeights.VocabularyRows} embedding rows.");
        }

        return new UseLiteModel(tokenizer, weights, files.Directory);
    }

    /// <summary>Embeds <paramref name="texts"/> into <paramref name="output"/> (row i = text i, 512 floats each).</summary>
    public void Embed(IReadOnlyList<string> texts, float[] output, int batchSize, int parallelism, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        // Fewer texts than batchSize x parallelism: smaller batches, so every core still gets work.
        batchSize = Math.Clamp((texts.Count + parallelism - 1) / parallelism, 1, batchSize);
        int batches = (texts.Count + batchSize - 1) / batchSize;
        int done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(parallelism, batches)), CancellationToken = cancellationToken };
        Parallel.For(0, batches, options, () => Rent(batchSize), (b, _, ws) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            int first = b * batchSize;
            int count = Math.Min(batchSize, texts.Count - first);
            EmbedBatch(texts, first, count, output, ws);
            int total = Interlocked.Add(ref done, count);
            progress?.Report(total);
            return ws;
        }, buffers => _workspaces.Add(buffers.Workspace));
    }

    private void EmbedBatch(IReadOnlyList<string> texts, int first, int count, float[] output, WorkBuffers buffers)
    {
        // Tokenize the batch, then run it in slices that fit the token budget.
        List<int> ids = buffers.Ids;
        ids.Clear();
        Span<int> lengths = buffers.Lengths.AsSpan(0, count);
        for (int i = 0; i < count; i++)
        {
            int before = ids.Count;
            Tokenizer.Encode(texts[first + i], ids);
            int length = Math.Min(ids.Count - before, MaxLength);
            ids.RemoveRange(before + length, ids.Count - before - length);
            lengths[i] = length;
        }

        ReadOnlySpan<int> all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids);
        int start = 0;
        int token = 0;
        while (start < count)
        {
            int end = start;
            int tokens = 0;
            while (end < count && (end == start || tokens + lengths[end] <= TokenBudget))
            {
                tokens += lengths[end++];
            }

            _encoder.Encode(all.Slice(token, tokens), lengths[start..end], output.AsSpan((first + start) * UseLiteWeights.Width, (end - start) * UseLiteWeights.Width), buffers.Workspace);
            token += tokens;
            start = end;
        }
    }

    private WorkBuffers Rent(int batchSize)
    {
        while (_workspaces.TryTake(out EncoderWorkspace? ws))
        {
            if (ws.SentenceCapacity >= batchSize)
            {
                return new WorkBuffers(ws, batchSize);
            }
        }

        return new WorkBuffers(new EncoderWorkspace(Math.Max(TokenBudget, MaxLength), Math.Max(batchSize, 1), MaxLength), batchSize);
    }

    /// <summary>A workspace plus the per-batch token lists, rented by one worker for the whole call.</summary>
    private sealed class WorkBuffers(EncoderWorkspace workspace, int batchSize)
    {
        public EncoderWorkspace Workspace { get; } = workspace;

        public List<int> Ids { get; } = new(batchSize * 32);

        public int[] Lengths { get; } = new int[batchSize];
    }
}
