namespace RefineMemory.Connectors;

/// <summary>
/// A record as our stores keep it, independent of the caller's record type: the key as text, the data
/// values in the order of the model's data properties, and copies of the vectors (null where absent).
/// </summary>
internal sealed record StoredRecord(string Key, object?[] Data, float[]?[] Vectors);
