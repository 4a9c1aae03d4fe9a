using System.Text.RegularExpressions;

namespace RefineMemory.Testing;

/// <summary>Reads the address <c>refine serve</c> prints on stderr once it listens ("refine serve: listening on http://...").</summary>
public static partial class ServeListening
{
    /// <summary>The first address <paramref name="line"/> names as listened on, or <c>null</c> when it is another line.</summary>
    public static Uri? Parse(string line) => Line().Match(line) is { Success: true } m ? new Uri(m.Groups[1].Value) : null;

    [GeneratedRegex(@"listening on (http://[^ ,]+)")]
    private static partial Regex Line();
}
