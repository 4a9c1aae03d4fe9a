using RefineMemory.Hosting;

namespace RefineMemory.Postgres.Tests;

public sealed class MemoryDatabaseTests
{
    [Theory]
    [InlineData("postgresql://postgres@127.0.0.1:5433/postgres", "Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres")]
    [InlineData("postgres://me:p%40ss@db.example:6000/mem?sslmode=require", "Host=db.example;Port=6000;Username=me;Password=p@ss;Database=mem;SSL Mode=Require")]
    [InlineData("postgresql://localhost/mem", "Host=localhost;Database=mem")]
    [InlineData("Host=10.0.0.5;Port=5432;Username=u;Database=d", "Host=10.0.0.5;Port=5432;Username=u;Database=d")]
    [InlineData("postgresql://me:p%40ss@h1:5432,h2:5433/mem?target_session_attrs=primary", "Host=h1:5432,h2:5433;Username=me;Password=p@ss;Database=mem;Target Session Attributes=primary")]
    [InlineData("postgresql://me:p%40ss@[::1]:6000/mem", "Host=::1;Port=6000;Username=me;Password=p@ss;Database=mem")]
    [InlineData("Host=h1:5432,h2:5433;Username=me;Password=p@ss;Database=mem", "Host=h1:5432,h2:5433;Username=me;Password=p@ss;Database=mem")]
    public void PostgreSQL_uris_and_connection_strings_become_npgsql_connection_strings(string db, string expected)
    {
        var parsed = MemoryDatabase.Parse(db);
        Assert.Equal(MemoryDatabaseKind.Postgres, parsed.Kind);
        Assert.Equal(new Npgsql.NpgsqlConnectionStringBuilder(expected), new Npgsql.NpgsqlConnectionStringBuilder(parsed.Value));
        Assert.DoesNotContain("p@ss", parsed.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("memory.db")]
    [InlineData("/data/refine/memory.db")]
    [InlineData("./a=b.db")]
    public void Everything_else_without_a_scheme_is_a_sqlite_path(string db) => Assert.Equal(MemoryDatabaseKind.Sqlite, MemoryDatabase.Parse(db).Kind);

    [Theory]
    [InlineData("mysql://root@host/db", "'mysql://' URI")]
    [InlineData("postgresql://u@h/db?weird=1", "parameter 'weird' is not supported")]
    [InlineData("postgresql:///nohost", "not a valid PostgreSQL URI")]
    [InlineData("postgresql://me:p%40ss@h1:5432,h2:99999/mem", "the port of 'h2:99999' is not a number")]
    [InlineData("postgresql://me:p%40ss@h1:5432,,h2/mem", "not a valid PostgreSQL URI")]
    public void Other_uris_are_refused_never_taken_for_a_file(string db, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => MemoryDatabase.Parse(db));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("p@ss", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("p%40ss", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_multi_host_database_is_described_with_every_server_and_no_password() =>
        Assert.Equal("postgresql://me@h1:5432,h2:5433/mem", MemoryDatabase.Parse("postgresql://me:p%40ss@h1,h2:5433/mem").Describe());
}
