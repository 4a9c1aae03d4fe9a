namespace RefineMemory.Evaluation.Protocol;

/// <summary>
/// Produces the HyDE query vector of a query (write a hypothetical answer with a chat model, embed it);
/// arguments: query text, instruction, cancellation.
/// </summary>
public delegate Task<ReadOnlyMemory<float>> HydeVectorSource(string query, string? instruction, CancellationToken cancellationToken);
