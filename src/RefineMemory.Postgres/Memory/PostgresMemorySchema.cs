namespace RefineMemory.Postgres;

/// <summary>
/// The memory tables: collections (with a generation bumped by every committed ingest batch), documents with
/// their content hashes, and chunks with their <c>vector</c> embeddings (untyped, so each collection's partial
/// HNSW index is over the expression <c>embedding::vector(D)</c>; see <see cref="PostgresMemoryChunks.IndexDefinition"/>).
/// </summary>
internal static class PostgresMemorySchema
{
    public const int Version = 1;

    public static string Create(string s) => $"""
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE SCHEMA IF NOT EXISTS {PostgresSql.Quote(s)};
        CREATE TABLE IF NOT EXISTS {T(s, "schema")} (version integer NOT NULL);
        CREATE TABLE IF NOT EXISTS {T(s, "collections")} (
            name text PRIMARY KEY,
            dimension integer NOT NULL,
            instruction text,
            template text NOT NULL,
            embedding_model text,
            generation bigint NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS {T(s, "documents")} (
            collection text NOT NULL REFERENCES {T(s, "collections")} (name) ON DELETE CASCADE,
            id text NOT NULL,
            source text,
            metadata jsonb NOT NULL,
            content_hash text NOT NULL,
            chunk_count integer NOT NULL,
            PRIMARY KEY (collection, id));
        CREATE TABLE IF NOT EXISTS {T(s, "chunks")} (
            collection text NOT NULL,
            document_id text NOT NULL,
            ordinal integer NOT NULL,
            text text NOT NULL,
            text_hash text NOT NULL,
            embedding vector NOT NULL,
            PRIMARY KEY (collection, document_id, ordinal),
            FOREIGN KEY (collection, document_id) REFERENCES {T(s, "documents")} (collection, id) ON DELETE CASCADE);
        DO $$ BEGIN
            -- Added after version 1's first release; a writer that does not own the table must not need to alter it.
            IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = {PostgresSql.Literal(s)}
                    AND table_name = 'refine_memory_collections' AND column_name = 'chunk_count') THEN
                ALTER TABLE {T(s, "collections")} ADD COLUMN chunk_count bigint;
            END IF;
        END $$;
        CREATE INDEX IF NOT EXISTS refine_memory_chunks_by_text_hash ON {T(s, "chunks")} (collection, text_hash);
        """;

    /// <summary>The quoted name of memory table <paramref name="table"/> in schema <paramref name="schema"/>.</summary>
    public static string T(string schema, string table) => PostgresSql.Table(schema, "refine_memory_" + table);
}
