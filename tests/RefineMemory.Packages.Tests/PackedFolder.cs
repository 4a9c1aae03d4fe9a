using System.Reflection;
using RefineMemory.Testing;

namespace RefineMemory.Packages.Tests;

/// <summary>The packages `make pack` wrote (artifacts/packages) and their one version.</summary>
internal static class PackedFolder
{
    public static string Path => System.IO.Path.Combine(RepoPaths.Root, "artifacts", "packages");

    /// <summary>The version every package carries: this build's (Directory.Build.props), without the commit suffix.</summary>
    public static string Version { get; } = typeof(PackedFolder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
        .InformationalVersion.Split('+')[0];

    /// <summary>The folder, after checking that it holds <paramref name="ids"/> at <see cref="Version"/>.</summary>
    public static string Require(params string[] ids)
    {
        foreach (string id in ids)
        {
            string file = System.IO.Path.Combine(Path, $"{id}.{Version}.nupkg");
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"'{file}' is missing: run `make pack` (make test does) before these tests.", file);
            }
        }

        return Path;
    }
}
