using System.CommandLine;
using System.Globalization;
using RefineMemory.Memory;
using RefineMemory.Hosting;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine ingest PATH --collection docs [--instruction ...] [--chunk-size 1000] [--overlap 100]</c>: reads a
/// .txt/.md/.jsonl file or a folder of them, chunks, embeds and stores it. Unchanged documents cost nothing.
/// </summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A .txt, .md or .jsonl file, or a folder of them." };
        var db = MemoryCommandSupport.DatabaseOption();
        var embedder = EmbedderFactory.Option();
        var collection = new Option<string>("--collection", "-c") { Description = "The collection to store into (created if missing).", Required = true };
        var instruction = new Option<string?>("--instruction") { Description = "Task instruction of a new collection, used to embed its queries." };
        var chunkSize = new Option<int>("--chunk-size") { Description = "Most characters per chunk.", DefaultValueFactory = _ => 1000 };
        var overlap = new Option<int>("--overlap") { Description = "Characters repeated between consecutive chunks.", DefaultValueFactory = _ => 100 };
        var standbyWait = new Option<double>("--standby-wait")
        {
            Description = "PostgreSQL with standbys: seconds to wait after the last commit until they have replayed it, so searches anywhere see it (0: do not wait).",
            DefaultValueFactory = _ => 10,
        };
        var mirror = new Option<bool>("--mirror")
        {
            Description = "A folder: also delete the collection's documents from this folder whose files are gone (default: an ingest never deletes).",
        };
        var command = new Command("ingest", "Store documents in a memory collection.") { path, db, embedder, collection, instruction, chunkSize, overlap, standbyWait, mirror };
        command.SetAction(async (parse, ct) =>
        {
            var read = await DocumentReader.ReadAsync(parse.GetValue(path)!, null, ct);
            foreach (var skipped in read.Skipped)
            {
                Console.Error.WriteLine($"ingest: skipped {TerminalText.Clean(skipped.ToString())}");
            }

            foreach (string warning in read.Warnings)
            {
                Console.Error.WriteLine($"ingest: warning: {TerminalText.Clean(warning)}");
            }

            string? mirrored = MirrorPrefix(parse.GetValue(mirror), read);
            var documents = read.Documents;
            if (documents.Count == 0)
            {
                throw new CliInputException($"'{parse.GetValue(path)}' holds no .txt, .md or .jsonl documents.");
            }

            using var generator = EmbedderFactory.Create(parse.GetValue(embedder)!);
            var database = MemoryDatabase.Parse(parse.GetValue(db)!);
            double wait = parse.GetValue(standbyWait);
            if (!double.IsFinite(wait) || wait is < 0 or > 3600)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--standby-wait must be from 0 to 3600 seconds; got {wait}."));
            }

            var store = database.Open(generator, standbyWait: TimeSpan.FromSeconds(wait));
            using var owned = store as IDisposable;
            var options = new IngestOptions
            {
                Instruction = parse.GetValue(instruction),
                Chunking = new ChunkingOptions { MaxChars = parse.GetValue(chunkSize), Overlap = parse.GetValue(overlap) },
                MirrorSourcePrefix = mirrored,
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var lastChunkLine = TimeSpan.Zero;
            var progress = new Progress<IngestProgress>(p =>
            {
                if (p.ChunksToEmbed > 0)
                {
                    // A large document is embedded in many calls: a line every few seconds shows it is moving.
                    if (clock.Elapsed - lastChunkLine >= TimeSpan.FromSeconds(2) || p.ChunksEmbedded == p.ChunksToEmbed)
                    {
                        lastChunkLine = clock.Elapsed;
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest: embedded {p.ChunksEmbedded}/{p.ChunksToEmbed} chunks of the current batch ({p.Done}/{p.Total} documents stored)"));
                    }
                }
                else if (p.Done == p.Total || p.Done % 100 == 0)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest: {p.Done}/{p.Total} documents"));
                }
            });
            var r = await store.IngestAsync(parse.GetValue(collection)!, documents, options, progress, ct);
            // The collection name and the --db path are the user's text: cleaned like every other human line.
            Console.Out.WriteLine(TerminalText.Clean(string.Create(CultureInfo.InvariantCulture,
                $"{r.Collection}: {r.Added} added, {r.Updated} updated, {r.Unchanged} unchanged{(mirrored is null ? "" : $", {r.Deleted} deleted (gone from the folder)")}; {r.Chunks} chunks written ({r.EmbeddedChunks} embedded, {r.ReusedChunks} reused) in {r.Elapsed.TotalSeconds:0.0} s; database {database.Describe()}")));
            if (r.Replication is { } rep)
            {
                string behind = rep.MaxLagBytes is { } lag ? FormattableString.Invariant($"up to {lag} bytes of WAL") : "an unknown amount (this role may not read pg_stat_replication)";
                Console.Out.WriteLine(rep.CaughtUp
                    ? FormattableString.Invariant($"standbys: {rep.Standbys} of {rep.Standbys} replayed the ingest ({rep.Waited.TotalMilliseconds:0} ms); searches on any server see it.")
                    : FormattableString.Invariant($"standbys: {rep.Replayed} of {rep.Standbys} replayed the ingest within {rep.Waited.TotalSeconds:0.#} s; the rest are {behind} behind, so a search there may not see it yet."));
            }

            if (r.DuplicateIds.Count > 0)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.DuplicateIds.Count} id(s) given more than once, the last copy of each stored: {TerminalText.Clean(string.Join(", ", r.DuplicateIds.Take(10)))}{(r.DuplicateIds.Count > 10 ? ", ..." : "")}"));
            }

            if (read.Skipped.Count > 0)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{read.Skipped.Count} path(s) skipped (listed on stderr)."));
            }

            if (read.Warnings.Count > 0)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{read.Warnings.Count} file(s) not valid UTF-8, read with U+FFFD in place of the invalid bytes (listed on stderr)."));
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// The source prefix a mirrored folder's documents have (its real path and a separator, so a sibling "docs2" is
    /// not "docs"), or <c>null</c> without <c>--mirror</c>. A folder read only in part is not mirrored: what could
    /// not be read is not gone.
    /// </summary>
    private static string? MirrorPrefix(bool mirror, DocumentReadResult read)
    {
        if (!mirror)
        {
            return null;
        }

        if (read.Folder is null)
        {
            throw new CliInputException("--mirror takes a folder: it deletes the documents of files that are gone from it.");
        }

        var unreadable = read.Skipped.FirstOrDefault(s => s.Reason.StartsWith("folder not readable", StringComparison.Ordinal));
        return unreadable is null
            ? Path.TrimEndingDirectorySeparator(read.Folder) + Path.DirectorySeparatorChar
            : throw new CliInputException($"--mirror: '{TerminalText.Clean(unreadable.Path)}' could not be read, so what it held is not known to be gone; nothing was ingested or deleted.");
    }
}
