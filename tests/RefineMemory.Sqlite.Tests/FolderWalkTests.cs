using RefineMemory.Agents;
using RefineMemory.Memory;
using Microsoft.Extensions.AI;

namespace RefineMemory.Sqlite.Tests;

/// <summary>Folder ingest against hostile folders: link loops, dangling links, links out of the folder, path escapes.</summary>
public sealed class FolderWalkTests
{
    [Fact]
    public async Task Link_loops_end_with_one_document_per_real_file_and_bad_links_are_reported_not_fatal()
    {
        using var db = new TempDatabase();
        string d = Path.Combine(db.Folder, "d");
        Directory.CreateDirectory(Path.Combine(d, "loop"));
        await File.WriteAllTextAsync(Path.Combine(d, "a.txt"), "x");
        await File.WriteAllTextAsync(Path.Combine(d, "loop", "b.md"), "y");
        File.CreateSymbolicLink(Path.Combine(d, "l1"), ".");
        File.CreateSymbolicLink(Path.Combine(d, "l2"), ".");
        File.CreateSymbolicLink(Path.Combine(d, "loop", "self"), "../loop");
        File.CreateSymbolicLink(Path.Combine(d, "dangling.txt"), "nowhere.txt");
        File.CreateSymbolicLink(Path.Combine(d, "outside"), db.Folder);
        File.CreateSymbolicLink(Path.Combine(d, "cycle.txt"), "cycle.txt");

        var read = await DocumentReader.ReadAsync(d, null).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["a.txt", "loop/b.md"], read.Documents.Select(x => x.Id));
        Assert.Contains(read.Skipped, s => s.Path == "dangling.txt" && s.Reason.Contains("dangling", StringComparison.Ordinal));
        Assert.Contains(read.Skipped, s => s.Path == "outside" && s.Reason.Contains("outside the folder", StringComparison.Ordinal));
        Assert.Contains(read.Skipped, s => s.Path == "cycle.txt" && s.Reason.Contains("symbolic links", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_walk_honours_cancellation_and_its_file_limit()
    {
        using var db = new TempDatabase();
        string d = Path.Combine(db.Folder, "many");
        Directory.CreateDirectory(d);
        for (int i = 0; i < 5; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(d, $"{i}.txt"), "text");
        }

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DocumentReader.ReadAsync(d, null, cancelled.Token));
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => DocumentReader.ReadAsync(d, new DocumentReadOptions { MaxFiles = 3 }));
        Assert.Contains("more than 3 supported files", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Path_ingest_is_off_by_default_and_confined_to_allowed_roots_after_resolving_dots_and_links()
    {
        using var db = new TempDatabase();
        string allowed = Path.Combine(db.Folder, "allowed");
        string secret = Path.Combine(db.Folder, "secret");
        Directory.CreateDirectory(allowed);
        Directory.CreateDirectory(secret);
        await File.WriteAllTextAsync(Path.Combine(allowed, "ok.txt"), "public notes");
        await File.WriteAllTextAsync(Path.Combine(secret, "key.txt"), "private key");
        File.CreateSymbolicLink(Path.Combine(allowed, "door"), secret);
        using var store = db.Open(new HashingEmbedder(32));

        var closed = new IngestFunction(store);
        var off = await Assert.ThrowsAsync<ToolArgumentException>(() => closed.InvokeAsync(new AIFunctionArguments { ["collection"] = "c", ["path"] = allowed }).AsTask());
        Assert.Contains("does not allow", off.Message, StringComparison.Ordinal);

        var open = new IngestFunction(store, new RefineMemoryToolOptions { AllowedPathRoots = [allowed] });
        foreach (string escape in (string[])[Path.Combine(allowed, "..", "secret"), Path.Combine(allowed, "door"), Path.Combine(allowed, "door", "key.txt"), secret])
        {
            var ex = await Assert.ThrowsAsync<ToolArgumentException>(() => open.InvokeAsync(new AIFunctionArguments { ["collection"] = "c", ["path"] = escape }).AsTask());
            Assert.Contains("not within a folder this host allows", ex.Message, StringComparison.Ordinal);
        }

        var answer = (System.Text.Json.JsonElement)(await open.InvokeAsync(new AIFunctionArguments { ["collection"] = "c", ["path"] = allowed }))!;
        Assert.Equal(1, answer.GetProperty("added").GetInt32());
        Assert.Contains("outside the folder", answer.GetProperty("skipped")[0].GetString(), StringComparison.Ordinal); // the link to secret/ was not followed
    }
}
