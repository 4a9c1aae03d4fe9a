namespace RefineMemory.Memory;

/// <summary>How documents are split into chunks.</summary>
public sealed class ChunkingOptions
{
    /// <summary>Most characters in one chunk. Default 1,000.</summary>
    public int MaxChars { get; set; } = 1000;

    /// <summary>Characters a chunk repeats from the end of the previous one. Default 100.</summary>
    public int Overlap { get; set; } = 100;

    /// <summary>Checks every setting; throws an <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChars, 16, nameof(MaxChars));
        ArgumentOutOfRangeException.ThrowIfNegative(Overlap, nameof(Overlap));
        if (Overlap >= MaxChars / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Overlap), Overlap, $"Overlap must be less than half of MaxChars ({MaxChars}).");
        }
    }

    /// <summary>A stable description, part of each document's content hash, so changing settings re-chunks.</summary>
    public string Signature => FormattableString.Invariant($"chars={MaxChars};overlap={Overlap}");
}
