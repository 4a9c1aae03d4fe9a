namespace RefineMemory.Memory;

/// <summary>
/// Resolves a path the way the operating system does when it opens it (POSIX <c>realpath</c>): every symbolic
/// link is followed and <c>..</c> is applied to the directory actually reached, not to the text of the path.
/// Security checks (allowed roots) and the folder walk compare these resolved paths.
/// </summary>
internal static class RealPath
{
    /// <summary>Most links followed while resolving one path; Linux's limit is 40.</summary>
    public const int MaxLinkHops = 40;

    /// <summary>The resolved path, or <c>null</c> when a component does not exist (for example a dangling link).</summary>
    /// <exception cref="IOException">The links loop or nest deeper than <see cref="MaxLinkHops"/>.</exception>
    public static string? Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string absolute = Path.IsPathFullyQualified(path) ? path : Path.Join(Environment.CurrentDirectory, path);
        string root = Path.GetPathRoot(absolute)!;
        var pending = new Stack<string>();
        Push(pending, absolute[root.Length..]);
        string current = root;
        int hops = 0;
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (name == ".")
            {
                continue;
            }

            if (name == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            string next = Path.Join(current, name);
            var info = new FileInfo(next);
            if (info.LinkTarget is not { } target)
            {
                if (!info.Exists && !Directory.Exists(next))
                {
                    return null;
                }

                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"'{path}': too many levels of symbolic links (more than {MaxLinkHops}); the links form a loop.");
            }

            if (Path.IsPathFullyQualified(target))
            {
                current = Path.GetPathRoot(target)!;
                Push(pending, target[current.Length..]);
            }
            else
            {
                Push(pending, target);
            }
        }

        return current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or lies below it (both already resolved).</summary>
    public static bool IsWithin(string path, string root)
    {
        string r = Path.TrimEndingDirectorySeparator(root);
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (path.Equals(r, comparison))
        {
            return true;
        }

        if (!path.StartsWith(r, comparison))
        {
            return false;
        }

        // A filesystem root ("/") keeps its separator; any other root must be followed by one ("/a" is not within "/ab").
        return Path.EndsInDirectorySeparator(r) || path[r.Length] == Path.DirectorySeparatorChar || path[r.Length] == Path.AltDirectorySeparatorChar;
    }

    private static void Push(Stack<string> pending, string relative)
    {
        string[] parts = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
