namespace RefineMemory.Packages.Tests;

/// <summary>NuGet settings of a child restore that must see the packed packages, not a copy cached by an earlier run.</summary>
internal static class Restore
{
    /// <summary>
    /// A packages folder under <paramref name="root"/> (so RefineMemory.* at this version is always extracted from the
    /// packed folder and never lands in the machine's cache), with the machine's cache as a read-only fallback so the
    /// other packages are not extracted again.
    /// </summary>
    public static Dictionary<string, string> IsolatedCache(string root) => new()
    {
        ["NUGET_PACKAGES"] = Path.Combine(root, "nuget"),
        ["NUGET_FALLBACK_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };
}
