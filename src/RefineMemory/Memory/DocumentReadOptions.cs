namespace RefineMemory.Memory;

/// <summary>Limits of <see cref="DocumentReader"/>; each one is checked as the walk goes, before memory grows.</summary>
public sealed class DocumentReadOptions
{
    /// <summary>Most supported files read from one folder; more is an error naming the limit. Default 100,000.</summary>
    public int MaxFiles { get; set; } = 100_000;

    /// <summary>Largest file read, in bytes; a larger one is an error naming it. Default 256 MiB.</summary>
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Whether symbolic links inside the folder are followed. Default true: each real directory and file is still
    /// visited once, and links that lead outside the folder, dangle or loop are skipped and reported.
    /// </summary>
    public bool FollowLinks { get; set; } = true;

    /// <summary>Checks every setting; throws an <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFiles, 1, nameof(MaxFiles));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 1, nameof(MaxFileBytes));
    }
}
