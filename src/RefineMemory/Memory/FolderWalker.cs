namespace RefineMemory.Memory;

/// <summary>
/// Walks a folder lazily, depth first in ordinal name order, yielding each supported file once. Links are
/// resolved to their real targets: a real directory or file is visited once however many links lead to it
/// (so link loops end), and links that dangle, loop or lead outside the folder are reported and skipped, as are
/// FIFOs, devices and sockets (only regular files are read).
/// The token is checked at every entry and the file count is limited, so no folder can run forever.
/// </summary>
internal sealed class FolderWalker
{
    private readonly string _root;
    private readonly DocumentReadOptions _options;
    private readonly Func<string, bool> _supported;
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
    private readonly List<SkippedPath> _skipped = [];

    public FolderWalker(string realRoot, DocumentReadOptions options, Func<string, bool> supported)
    {
        _root = realRoot;
        _options = options;
        _supported = supported;
    }

    /// <summary>What the walk skipped so far, with the reason.</summary>
    public IReadOnlyList<SkippedPath> Skipped => _skipped;

    /// <summary>The supported files: their real path (to read) and their path relative to the folder (the id).</summary>
    /// <exception cref="InvalidDataException">The folder holds more than <see cref="DocumentReadOptions.MaxFiles"/> supported files.</exception>
    public IEnumerable<(string RealPath, string RelativePath)> Files(CancellationToken cancellationToken)
    {
        int count = 0;
        var pending = new Stack<(string Real, string Relative)>();
        _visited.Add(_root);
        pending.Push((_root, ""));
        while (pending.Count > 0)
        {
            var (directory, relative) = pending.Pop();
            var subdirectories = new List<(string, string)>();
            foreach (var entry in Entries(directory, relative))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string id = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
                if (Resolve(entry, id) is not { } real)
                {
                    continue;
                }

                if (Directory.Exists(real))
                {
                    if (_visited.Add(real))
                    {
                        subdirectories.Add((real, id));
                    }
                }
                else if (_supported(real) && _visited.Add(real))
                {
                    if (FileKind.NotRegular(real) is { } kind)
                    {
                        // Opening a FIFO would block the walk, and a device reads without end: named, never opened.
                        _skipped.Add(new SkippedPath(id, $"{kind}, not a regular file: not read"));
                        continue;
                    }

                    if (++count > _options.MaxFiles)
                    {
                        throw new InvalidDataException(FormattableString.Invariant(
                            $"'{_root}' holds more than {_options.MaxFiles} supported files (DocumentReadOptions.MaxFiles); nothing was read. Ingest a smaller folder or raise the limit."));
                    }

                    yield return (real, id);
                }
            }

            // Pushed in reverse so that directories are walked in name order.
            for (int i = subdirectories.Count - 1; i >= 0; i--)
            {
                pending.Push(subdirectories[i]);
            }
        }
    }

    private IEnumerable<FileSystemInfo> Entries(string directory, string relative)
    {
        FileSystemInfo[] entries;
        try
        {
            entries = new DirectoryInfo(directory).GetFileSystemInfos();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            _skipped.Add(new SkippedPath(relative.Length == 0 ? directory : relative, $"folder not readable ({ex.Message})"));
            return [];
        }

        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    /// <summary>The real path an entry leads to, or <c>null</c> (recorded as skipped) when it is not to be read.</summary>
    private string? Resolve(FileSystemInfo entry, string id)
    {
        if (entry.LinkTarget is null)
        {
            return entry.FullName;
        }

        if (!_options.FollowLinks)
        {
            _skipped.Add(new SkippedPath(id, "symbolic link (links are not followed)"));
            return null;
        }

        string? real;
        try
        {
            real = RealPath.Resolve(entry.FullName);
        }
        catch (IOException ex)
        {
            _skipped.Add(new SkippedPath(id, ex.Message));
            return null;
        }

        if (real is null)
        {
            _skipped.Add(new SkippedPath(id, $"dangling symbolic link (to '{entry.LinkTarget}')"));
            return null;
        }

        if (!RealPath.IsWithin(real, _root))
        {
            _skipped.Add(new SkippedPath(id, $"symbolic link to '{real}', outside the folder read"));
            return null;
        }

        return real;
    }
}
