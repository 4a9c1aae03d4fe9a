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
    /// Most characters of a search's <c>query</c> or <c>instruction</c>. Default 10,000: a query is a sentence or a
    /// paragraph, and a megabyte pasted by mistake would be embedded (and billed) whole.
    /// </summary>
    public int MaxQueryChars { get; set; } = 10_000;

    /// <summary>
    /// Most characters of text of one document given inline to <c>ingest</c>. Default 1,000,000 (about 1,000 chunks):
    /// embedding is the slow step, and a call that cannot finish while its caller waits should be refused at once;
    /// larger documents go through a <c>path</c> or <c>refine ingest</c>.
    /// </summary>
    public int MaxInlineDocumentChars { get; set; } = 1_000_000;

    /// <summary>Most characters of text of all the documents of one inline <c>ingest</c> call. Default 4,000,000.</summary>
    public int MaxInlineTotalChars { get; set; } = 4_000_000;

    /// <summary>
    /// Folders under which <c>ingest</c> may read a <c>path</c> (a file or folder on this machine). Default empty:
    /// path ingest is off, because the model calling the tool may be prompt-injected and every file it names would
    /// become searchable. A path is allowed only when, after resolving <c>..</c> and symbolic links, it lies
    /// within one of these folders (resolved the same way); links inside it that lead out are skipped.
    /// </summary>
    public IList<string> AllowedPathRoots { get; set; } = [];

    /// <summary>Whether <c>ingest</c> accepts a <c>path</c>: some <see cref="AllowedPathRoots"/> are set.</summary>
    public bool AllowPathIngest => AllowedPathRoots.Count > 0;

    /// <summary>Checks every setting; throws an <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(SearchName, nameof(SearchName));
        ArgumentException.ThrowIfNullOrWhiteSpace(IngestName, nameof(IngestName));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTop, 1, nameof(MaxTop));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTextChars, 16, nameof(MaxTextChars));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueryChars, 1, nameof(MaxQueryChars));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInlineDocumentChars, 1, nameof(MaxInlineDocumentChars));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInlineTotalChars, MaxInlineDocumentChars, nameof(MaxInlineTotalChars));
        ArgumentNullException.ThrowIfNull(AllowedPathRoots, nameof(AllowedPathRoots));
        foreach (string root in AllowedPathRoots)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(root, nameof(AllowedPathRoots));
        }
    }
}
