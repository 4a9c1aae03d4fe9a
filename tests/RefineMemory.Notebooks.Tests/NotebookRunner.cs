using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace RefineMemory.Notebooks.Tests;

/// <summary>
/// Runs a Polyglot (.ipynb) notebook's C# cells in order in one in-process <see cref="CSharpKernel"/>, as VS Code
/// does: the working folder is the notebook's folder and a relative <c>#r "path"</c> resolves against it. The first
/// cell that fails (compile error or exception: <see cref="CommandFailed"/>) stops the run with a
/// <see cref="NotebookCellFailedException"/> naming the notebook, the cell and the kernel's message.
/// Cells of other languages are refused rather than skipped, so that nothing in a notebook goes unrun.
/// </summary>
internal static partial class NotebookRunner
{
    private const string CSharp = "csharp";

    /// <summary>Runs <paramref name="notebookPath"/>; returns every code cell's events in order.</summary>
    public static async Task<IReadOnlyList<CellRun>> RunAsync(string notebookPath, CancellationToken cancellationToken)
    {
        string path = Path.GetFullPath(notebookPath);
        string folder = Path.GetDirectoryName(path)!;
        var kernels = new KernelInfoCollection { new(CSharp, "C#", ["cs", "c#", "C#"]) };
        kernels.DefaultKernelName = CSharp;
        InteractiveDocument document;
        await using (var stream = File.OpenRead(path))
        {
            document = Notebook.Read(stream, kernels);
        }

        var cells = document.Elements.Select((cell, index) => (cell, index)).Where(c => c.cell.KernelName != "markdown").ToList();
        if (cells.Count == 0)
        {
            throw new InvalidOperationException($"{path} has no code cells.");
        }

        string previous = Directory.GetCurrentDirectory();
        string packages = Directory.CreateTempSubdirectory("refine-notebook-nuget-").FullName;
        using var restore = new ScopedEnvironment(IsolatedNuGetCache(packages));
        Directory.SetCurrentDirectory(folder); // the notebook's own paths (data, models, outputs) are relative to it, as in VS Code
        try
        {
            // As the Polyglot host wires it: the assemblies of each restored package become references of the C# kernel.
            using var kernel = new CSharpKernel().UseKernelHelpers().UseNugetDirective((k, packages) =>
            {
                k.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            });
            var runs = new List<CellRun>(cells.Count);
            foreach (var (cell, index) in cells)
            {
                if (cell.KernelName is not (CSharp or null or ""))
                {
                    throw new NotebookCellFailedException(path, index, $"cell language '{cell.KernelName}' is not run by this runner (C# only).");
                }

                var result = await kernel.SendAsync(new SubmitCode(AbsoluteReferences(cell.Contents, folder)), cancellationToken).ConfigureAwait(false);
                if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
                {
                    throw new NotebookCellFailedException(path, index, failed.Message, failed.Exception);
                }

                runs.Add(new CellRun(index, cell.Contents, result.Events));
            }

            return runs;
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
            Directory.Delete(packages, recursive: true);
        }
    }

    /// <summary>
    /// NuGet settings for the notebook's <c>#r "nuget: ..."</c>: a packages folder of its own, so RefineMemory.* at this
    /// version always comes from the packed folder (make pack), never from a copy an earlier run left in the machine's
    /// cache; the machine's cache as a read-only fallback, so the other packages are not extracted again.
    /// </summary>
    private static Dictionary<string, string?> IsolatedNuGetCache(string packages) => new()
    {
        ["NUGET_PACKAGES"] = packages,
        ["NUGET_FALLBACK_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
    };

    /// <summary>
    /// Every <c>#r "relative/path"</c> and <c>#i "nuget: relative/folder"</c> made absolute against <paramref name="folder"/>
    /// (Roslyn resolves the first against the process's folder; NuGet refuses the second as "Invalid URI").
    /// </summary>
    internal static string AbsoluteReferences(string code, string folder) =>
        NuGetSource().Replace(FileReferences(code, folder), m =>
            Path.IsPathRooted(m.Groups["path"].Value) || m.Groups["path"].Value.Contains("://", StringComparison.Ordinal)
                ? m.Value
                : $"#i \"nuget: {Path.GetFullPath(Path.Combine(folder, m.Groups["path"].Value))}\"");

    private static string FileReferences(string code, string folder) =>
        FileReference().Replace(code, m =>
            m.Groups["path"].Value is var reference && (Path.IsPathRooted(reference) || reference.Contains(':', StringComparison.Ordinal))
                ? m.Value
                : $"#r \"{Path.GetFullPath(Path.Combine(folder, reference))}\"");

    [GeneratedRegex("""^#r\s+"(?<path>[^"]+)"[ \t]*$""", RegexOptions.Multiline)]
    private static partial Regex FileReference();

    [GeneratedRegex("""^#i\s+"nuget:\s*(?<path>[^"]+)"[ \t]*$""", RegexOptions.Multiline)]
    private static partial Regex NuGetSource();
}

/// <summary>One code cell's run: its position among the notebook's cells, its code and what the kernel reported.</summary>
internal sealed record CellRun(int Index, string Code, IReadOnlyList<KernelEvent> Events)
{
    /// <summary>The formatted values the cell displayed or returned, by MIME type.</summary>
    public IEnumerable<(string MimeType, string Value)> Outputs =>
        Events.OfType<DisplayEvent>().SelectMany(e => e.FormattedValues).Select(v => (v.MimeType, v.Value));
}

/// <summary>A notebook cell failed to compile or threw.</summary>
internal sealed class NotebookCellFailedException(string notebook, int cell, string message, Exception? inner = null)
    : Exception($"{Path.GetFileName(notebook)}, cell {cell}: {message}", inner);
