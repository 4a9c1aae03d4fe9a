using RefineMemory.Evaluation.Datasets;

namespace RefineMemory.Samples;

/// <summary>
/// CLINC150 as the paper uses it: the train utterances of the in-scope intents are the documents, each
/// intent's description (from the mapping file) is a query, and an utterance is relevant iff it has that intent.
/// </summary>
public sealed class Clinc150
{
    /// <summary>The paper's task instruction for this dataset.</summary>
    public const string Instruction = TaskInstructions.Clinc150;

    private Clinc150(IReadOnlyList<(string Id, string Text, string Intent)> utterances, IReadOnlyDictionary<string, string> descriptions)
    {
        Utterances = utterances;
        Descriptions = descriptions;
    }

    /// <summary>Utterances in file order, with the evaluation loader's ids ("train_{index}").</summary>
    public IReadOnlyList<(string Id, string Text, string Intent)> Utterances { get; }

    /// <summary>Intent name to its natural-language description.</summary>
    public IReadOnlyDictionary<string, string> Descriptions { get; }

    /// <summary>
    /// Loads CLINC150 from <paramref name="folder"/> with <see cref="Clinc150Loader"/>, keeping the first
    /// <paramref name="intents"/> intents (alphabetically) and all their train utterances.
    /// </summary>
    public static async Task<Clinc150> LoadAsync(string folder, int intents = 150, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(intents, 1);
        var dataset = await Task.Run(() => Clinc150Loader.Load(folder), cancellationToken).ConfigureAwait(false);
        var kept = dataset.Queries.OrderBy(q => q.Id, StringComparer.Ordinal).Take(intents).ToArray();
        var intentOf = new string?[dataset.Documents.Count];
        foreach (var q in kept)
        {
            for (int k = 0; k < q.Pool.Count; k++)
            {
                if (q.Labels[k] >= 0.5f)
                {
                    intentOf[q.Pool[k]] = q.Id;
                }
            }
        }

        var utterances = new List<(string, string, string)>();
        for (int d = 0; d < intentOf.Length; d++)
        {
            if (intentOf[d] is { } intent)
            {
                utterances.Add((dataset.Documents[d].Id, dataset.Documents[d].Text, intent));
            }
        }

        return new Clinc150(utterances, kept.ToDictionary(q => q.Id, q => q.Text, StringComparer.Ordinal));
    }

    /// <summary>The utterances as documents to ingest, tagged with their intent.</summary>
    public IReadOnlyList<Memory.MemoryDocument> Documents() =>
        Utterances.Select(u => new Memory.MemoryDocument(u.Id, u.Text, "clinc150/train", new Dictionary<string, string> { ["intent"] = u.Intent })).ToArray();

    /// <summary>Ingests <see cref="Documents"/> into <paramref name="collection"/> with the paper's instruction (one chunk per utterance).</summary>
    public Task<Memory.IngestResult> IngestAsync(Memory.IMemoryStore store, string collection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.IngestAsync(collection, Documents(), new Memory.IngestOptions { Instruction = Instruction, EmbeddingBatchSize = 256 }, null, cancellationToken);
    }

    /// <summary>A gold judge: 1 for utterances of the intent whose description is the query, else 0 (chunk ids are "{id}#0").</summary>
    public Judge.GoldJudge GoldJudge()
    {
        var intentOf = Utterances.ToDictionary(u => u.Id + "#0", u => u.Intent, StringComparer.Ordinal);
        var intentByDescription = Descriptions.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        return new Judge.GoldJudge((query, id) =>
            intentByDescription.TryGetValue(query, out string? intent) && intentOf.TryGetValue(id, out string? actual)
                ? (actual == intent ? 1f : 0f)
                : null);
    }
}
