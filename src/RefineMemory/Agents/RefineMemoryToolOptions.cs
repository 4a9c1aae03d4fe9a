namespace RefineMemory.Agents;

/// <summary>Settings of the search and ingest tools.</summary>
public sealed class RefineMemoryToolOptions
{
    /// <summary>Name of the search function. Default "search".</summary>
    public string SearchName { get; set; } = "search";

    /// <summary>Name of the ingest function. Default "ingest".</summary>
    public string IngestName { get; set; } = "ingest";

    /// <summary>
    /// The collection used when a call names none. Default <c>null</c>: the <c>collection</c> argument is required.
    /// </summary>
    public string? DefaultCollection { get; set; }

    /// <summary>Most results one call may ask for. Default 50.</summary>
    public int MaxTop { get; set; } = 50;

    /// <summary>Characters of each result's text returned to the model; longer texts are cut with "…". Default 1,000.</summary>
    public int MaxTextChars { get; set; } = 1000;

    /// <summary>
    /// Whether <c>ingest</c> accepts a <c>path</c> (a file or folder read on this machine). Default false: a model
    /// should not read arbitrary files unless the host allows it (the MCP server and CLI turn it on).
    /// </summary>
    public bool AllowPathIngest { get; set; }

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(SearchName, nameof(SearchName));
        ArgumentException.ThrowIfNullOrWhiteSpace(IngestName, nameof(IngestName));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTop, 1, nameof(MaxTop));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTextChars, 16, nameof(MaxTextChars));
    }
}
