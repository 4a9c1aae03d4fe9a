using System.CommandLine;
using RefineMemory.Hosting;
using RefineMemory.Postgres;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine init --db postgresql://...</c>: creates the memory (the <c>vector</c> extension, the tables, their
/// indexes) with a role that may, so that roles which may only read can search it. Searches never create anything;
/// the first ingest creates the memory too, so this command is needed only where readers come first.
/// </summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var db = MemoryCommandSupport.DatabaseOption();
        var command = new Command("init", "Create the memory's tables in PostgreSQL (the vector extension, tables and indexes) without ingesting.") { db };
        command.SetAction(async (parse, ct) =>
        {
            var database = MemoryDatabase.Parse(parse.GetValue(db)!);
            if (database.Kind != MemoryDatabaseKind.Postgres)
            {
                // A SQLite file is created, marked and migrated by its first write; an empty file would only mislead.
                throw new CliInputException($"refine init creates a PostgreSQL memory; '{TerminalText.Clean(database.Describe())}' is a SQLite file, which its first `refine ingest` creates.");
            }

            // Creating the schema embeds nothing: no model is loaded.
            using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = database.Value }, new NoEmbedder());
            await store.EnsureMemoryExistsAsync(ct);
            Console.Out.WriteLine(TerminalText.Clean($"memory ready in {database.Describe()}: searches need SELECT on its refine_memory_* tables, ingests also INSERT, UPDATE and DELETE."));
            return 0;
        });
        return command;
    }

    private sealed class NoEmbedder : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("refine init embeds nothing.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}
