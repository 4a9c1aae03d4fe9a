using System.CommandLine;
using System.Globalization;
using RefineMemory.Memory;
using RefineMemory.Sqlite;

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
        var command = new Command("ingest", "Store documents in a memory collection.") { path, db, embedder, collection, instruction, chunkSize, overlap };
        command.SetAction(async (parse, ct) =>
        {
            var documents = await DocumentReader.ReadAsync(parse.GetValue(path)!, ct);
            if (documents.Count == 0)
            {
                throw new CliInputException($"'{parse.GetValue(path)}' holds no .txt, .md or .jsonl documents.");
            }

            using var generator = EmbedderFactory.Create(parse.GetValue(embedder)!);
            using var store = new SqliteMemoryStore(new SqliteMemoryStoreOptions { DatabasePath = parse.GetValue(db)! }, generator);
            var options = new IngestOptions
            {
                Instruction = parse.GetValue(instruction),
                Chunking = new ChunkingOptions { MaxChars = parse.GetValue(chunkSize), Overlap = parse.GetValue(overlap) },
            };
            var progress = new Progress<IngestProgress>(p =>
            {
                if (p.Done == p.Total || p.Done % 100 == 0)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest: {p.Done}/{p.Total} documents"));
                }
            });
            var r = await store.IngestAsync(parse.GetValue(collection)!, documents, options, progress, ct);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Collection}: {r.Added} added, {r.Updated} updated, {r.Unchanged} unchanged; {r.Chunks} chunks written ({r.EmbeddedChunks} embedded, {r.ReusedChunks} reused) in {r.Elapsed.TotalSeconds:0.0} s; database {store.DatabasePath}"));
            return 0;
        });
        return command;
    }
}
