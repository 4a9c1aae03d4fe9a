using System.Diagnostics;
using System.Net.Sockets;
using RefineMemory.Memory;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// Only regular files are read: a FIFO, a character device and a socket named like text files are skipped and
/// named in a folder (the walk never blocks, nothing is read without end) and refused as a path; bytes that are not
/// UTF-8 are told about, naming the file; the ingest summary line is cleaned of control characters.
/// </summary>
public sealed class SpecialFileTests
{
    [Fact]
    public async Task A_fifo_a_device_and_a_socket_in_a_folder_are_skipped_and_named_and_the_walk_ends()
    {
        Assert.True(OperatingSystem.IsLinux(), "FIFOs, devices and sockets are told apart with Linux statx; these tests run on Linux, as CI does");
        using var db = new TempDatabase();
        string d = Path.Combine(db.Folder, "d");
        Directory.CreateDirectory(d);
        await File.WriteAllTextAsync(Path.Combine(d, "a.txt"), "a regular file");
        await RunAsync("mkfifo", Path.Combine(d, "fifo.txt"));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(d, "socket.md")));
        bool root = Environment.UserName == "root";
        if (root)
        {
            await RunAsync("mknod", Path.Combine(d, "zero.txt"), "c", "1", "5"); // /dev/zero under a text file's name
        }

        var read = await DocumentReader.ReadAsync(d, null).WaitAsync(TimeSpan.FromSeconds(30)); // before: blocked on the FIFO forever

        Assert.Equal(["a.txt"], read.Documents.Select(x => x.Id));
        Assert.Contains(read.Skipped, s => s.Path == "fifo.txt" && s.Reason.StartsWith("a FIFO (named pipe), not a regular file", StringComparison.Ordinal));
        Assert.Contains(read.Skipped, s => s.Path == "socket.md" && s.Reason.StartsWith("a socket", StringComparison.Ordinal));
        Assert.True(!root || read.Skipped.Any(s => s.Path == "zero.txt" && s.Reason.StartsWith("a character device", StringComparison.Ordinal)), string.Join("; ", read.Skipped));
    }

    [Fact]
    public async Task A_device_or_fifo_given_as_the_path_is_refused_naming_it_and_never_read()
    {
        Assert.True(OperatingSystem.IsLinux(), "FIFOs and devices are told apart with Linux statx; these tests run on Linux, as CI does");
        using var db = new TempDatabase();
        string link = Path.Combine(db.Folder, "x.txt");
        File.CreateSymbolicLink(link, "/dev/zero");
        string fifo = Path.Combine(db.Folder, "pipe.jsonl");
        await RunAsync("mkfifo", fifo);

        // Before: /dev/zero was read until the process held gigabytes, then failed naming no file.
        var device = await Assert.ThrowsAsync<IOException>(() => DocumentReader.ReadAsync(link).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"'{link}' is a character device, not a regular file", device.Message, StringComparison.Ordinal);
        var pipe = await Assert.ThrowsAsync<IOException>(() => DocumentReader.ReadAsync(fifo).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"'{fifo}' is a FIFO (named pipe)", pipe.Message, StringComparison.Ordinal);

        var (server, env) = await ServerAsync();
        await using var _ = server;
        var cli = await RefineCli.RunAsync(env, "ingest", "/dev/zero", "-c", "c", "--db", db.Path, "--embedder", "openai");
        Assert.Equal(2, cli.Code);
        Assert.Equal("refine: error: '/dev/zero' is a character device, not a regular file; only regular files are read (a FIFO would wait for a writer, a device read without end).", cli.Stderr.Trim());
    }

    [Fact]
    public async Task Invalid_utf8_is_read_as_replacement_characters_and_named_in_a_warning_and_the_summary()
    {
        using var db = new TempDatabase();
        string d = Path.Combine(db.Folder, "d");
        Directory.CreateDirectory(d);
        await File.WriteAllBytesAsync(Path.Combine(d, "bad.txt"), [.. "caf"u8, 0xE9, .. " au lait"u8]); // Latin-1 é
        await File.WriteAllTextAsync(Path.Combine(d, "good.txt"), "café au lait");
        await File.WriteAllTextAsync(Path.Combine(d, "utf16.txt"), "thé vert", new System.Text.UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        await File.WriteAllBytesAsync(Path.Combine(d, "bom.md"), [0xEF, 0xBB, 0xBF, .. "naïve"u8]);
        await File.WriteAllBytesAsync(Path.Combine(d, "bad.jsonl"), [.. "{\"id\": \"j\", \"text\": \"x"u8, 0xFF, .. "y\"}\n"u8]);

        var read = await DocumentReader.ReadAsync(d, null);

        Assert.Equal("caf\uFFFD au lait", read.Documents.Single(x => x.Id == "bad.txt").Text);
        Assert.Equal("x\uFFFDy", read.Documents.Single(x => x.Id == "j").Text);
        Assert.Equal("café au lait", read.Documents.Single(x => x.Id == "good.txt").Text);
        Assert.Equal("thé vert", read.Documents.Single(x => x.Id == "utf16.txt").Text); // by its byte order mark, no warning
        Assert.Equal("naïve", read.Documents.Single(x => x.Id == "bom.md").Text);
        Assert.Equal(
            [$"{Path.Combine(d, "bad.jsonl")}: not valid UTF-8 (the first invalid byte at offset 22); each invalid sequence was read as U+FFFD.",
             $"{Path.Combine(d, "bad.txt")}: not valid UTF-8 (the first invalid byte at offset 3); each invalid sequence was read as U+FFFD."],
            read.Warnings);

        var (server, env) = await ServerAsync();
        await using var _ = server;
        var cli = await RefineCli.RunAsync(env, "ingest", d, "-c", "c", "--db", db.Path, "--embedder", "openai");
        Assert.True(cli.Code == 0, cli.Stderr);
        Assert.Contains($"ingest: warning: {Path.Combine(d, "bad.txt")}: not valid UTF-8", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("2 file(s) not valid UTF-8, read with U+FFFD", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ingest_summary_line_strips_control_characters_of_the_collection_name_and_the_db_path()
    {
        using var db = new TempDatabase();
        var (server, env) = await ServerAsync();
        await using var _ = server;
        string doc = Path.Combine(db.Folder, "a.txt");
        await File.WriteAllTextAsync(doc, "hello");
        string evilDb = Path.Combine(db.Folder, "m\u001b]0;PWNED\u0007.db");

        var cli = await RefineCli.RunAsync(env, "ingest", doc, "-c", "c\u001b[2Jx", "--db", evilDb, "--embedder", "openai");

        Assert.True(cli.Code == 0, cli.Stderr);
        Assert.StartsWith("c [2Jx: 1 added", cli.Stdout, StringComparison.Ordinal); // before: the ESC reached the terminal raw
        Assert.Contains("m ]0;PWNED .db", cli.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', cli.Stdout + cli.Stderr);
        Assert.DoesNotContain('\u0007', cli.Stdout + cli.Stderr);
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        string err = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {err}");
    }

    private static async Task<(LoopbackOpenAIServer Server, Dictionary<string, string?> Env)> ServerAsync()
    {
        var server = await LoopbackOpenAIServer.StartAsync();
        server.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 32);
        return (server, RefineCli.LoopbackEnvironment(server.BaseUri));
    }
}
