namespace RefineMemory.Evaluation.Datasets;

/// <summary>An evaluation set: documents, and queries whose pools point into them.</summary>
public sealed class EvalDataset
{
    /// <summary>Creates the dataset <paramref name="name"/> from its documents and queries.</summary>
    public EvalDataset(string name, IReadOnlyList<EvalDocument> documents, IReadOnlyList<EvalQuery> queries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(queries);
        foreach (var q in queries)
        {
            foreach (int i in q.Pool)
            {
                if ((uint)i >= (uint)documents.Count)
                {
                    throw new ArgumentException($"Query '{q.Id}' points at document {i}, but the set has {documents.Count}.", nameof(queries));
                }
            }
        }

        Name = name;
        Documents = documents;
        Queries = queries;
    }

    /// <summary>The dataset's name, with its split when it is one (e.g. <c>clinc150:test</c>).</summary>
    public string Name { get; }

    /// <summary>Every document of the set, indexed by the queries' pools.</summary>
    public IReadOnlyList<EvalDocument> Documents { get; }

    /// <summary>The queries, each with its labelled candidate pool.</summary>
    public IReadOnlyList<EvalQuery> Queries { get; }

    /// <summary>Query-document pairs over all pools.</summary>
    public int PairCount => Queries.Sum(q => q.Pool.Count);

    /// <summary>Relevant pairs over all pools.</summary>
    public int PositiveCount => Queries.Sum(q => q.PositiveCount);

    /// <summary>The first <paramref name="count"/> queries (all when <c>null</c> or larger), documents kept.</summary>
    public EvalDataset Take(int? count)
    {
        if (count is not int n || n >= Queries.Count)
        {
            return this;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(count));
        return new EvalDataset(Name, Documents, Queries.Take(n).ToArray());
    }

    /// <summary>The queries that <paramref name="keep"/> accepts, documents kept.</summary>
    public EvalDataset Where(Func<EvalQuery, bool> keep, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(keep);
        return new EvalDataset(name ?? Name, Documents, Queries.Where(keep).ToArray());
    }
}
