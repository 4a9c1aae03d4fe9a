namespace RefineMemory.Sqlite;

/// <summary>
/// The tables. A document's chunks are replaced in the same transaction as its row, and
/// <c>collections.generation</c> is bumped by every committed ingest so that other processes notice and reload.
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 1;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS collections (
            name TEXT PRIMARY KEY,
            dimension INTEGER NOT NULL,
            instruction TEXT,
            template TEXT NOT NULL,
            embedding_model TEXT,
            generation INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS documents (
            collection TEXT NOT NULL REFERENCES collections(name) ON DELETE CASCADE,
            id TEXT NOT NULL,
            source TEXT,
            metadata TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            chunk_count INTEGER NOT NULL,
            PRIMARY KEY (collection, id));
        CREATE TABLE IF NOT EXISTS chunks (
            collection TEXT NOT NULL,
            document_id TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (collection, document_id, ordinal),
            FOREIGN KEY (collection, document_id) REFERENCES documents(collection, id) ON DELETE CASCADE);
        CREATE INDEX IF NOT EXISTS chunks_by_text_hash ON chunks(collection, text_hash);
        """;
}
