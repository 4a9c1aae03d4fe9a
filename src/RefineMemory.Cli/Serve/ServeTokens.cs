using System.Security.Cryptography;
using System.Text;

namespace RefineMemory.Cli.Serve;

/// <summary>
/// The bearer tokens <c>refine serve</c> accepts: the one in <c>REFINE_SERVE_TOKEN</c>, or each non-empty line of
/// <c>--token-file</c> (lines starting with <c>#</c> are comments). The file is read again when it changes, so a token
/// is rotated without a restart: add the new line, move the clients over, delete the old line.
/// </summary>
internal sealed class ServeTokens
{
    public const string Variable = "REFINE_SERVE_TOKEN";

    /// <summary>Shorter tokens are refused: a guessable token is no authentication.</summary>
    public const int MinimumLength = 16;

    private readonly string? _file;
    private readonly Lock _lock = new();
    private byte[][] _hashes;
    private DateTime _fileStamp;

    private ServeTokens(string? file, byte[][] hashes, DateTime stamp)
    {
        _file = file;
        _hashes = hashes;
        _fileStamp = stamp;
    }

    /// <summary>Where the tokens come from, for the start-up line.</summary>
    public string Source => _file is null ? Variable : $"--token-file {_file}";

    /// <summary>The tokens of <paramref name="file"/> if given, else of <paramref name="variable"/>; <c>null</c> when neither has one.</summary>
    /// <exception cref="CliInputException">The file cannot be read, holds no token, or a token is too short.</exception>
    public static ServeTokens? Load(string? file, string? variable)
    {
        if (file is not null)
        {
            var full = Path.GetFullPath(file);
            return new ServeTokens(full, ReadFile(full), File.GetLastWriteTimeUtc(full));
        }

        return string.IsNullOrWhiteSpace(variable) ? null : new ServeTokens(null, [Hash(Check(variable.Trim(), Variable))], default);
    }

    /// <summary>
    /// Whether <paramref name="presented"/> is one of the tokens. Every token is compared, each in constant time over
    /// its SHA-256, so neither the time taken nor an early exit tells how much of a guess was right.
    /// </summary>
    public bool Accepts(ReadOnlySpan<char> presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        int length = Encoding.UTF8.GetMaxByteCount(presented.Length);
        byte[] buffer = new byte[length];
        SHA256.HashData(buffer.AsSpan(0, Encoding.UTF8.GetBytes(presented, buffer)), hash);
        bool match = false;
        foreach (var known in Current())
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, known);
        }

        return match;
    }

    private byte[][] Current()
    {
        if (_file is null)
        {
            return _hashes;
        }

        lock (_lock)
        {
            try
            {
                var stamp = File.GetLastWriteTimeUtc(_file);
                if (stamp != _fileStamp)
                {
                    _hashes = ReadFile(_file);
                    _fileStamp = stamp;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CliInputException)
            {
                // A file half-written during rotation: keep the tokens last read rather than lock every client out.
            }

            return _hashes;
        }
    }

    private static byte[][] ReadFile(string file)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--token-file {file} cannot be read: {ex.Message}");
        }

        var tokens = lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        return tokens.Length == 0
            ? throw new CliInputException($"--token-file {file} holds no token (one token per line; lines starting with # are comments).")
            : [.. tokens.Select(t => Hash(Check(t, $"a token in --token-file {file}")))];
    }

    private static string Check(string token, string where) =>
        token.Length >= MinimumLength && !token.Any(char.IsControl)
            ? token
            : throw new CliInputException($"{where} must be at least {MinimumLength} characters without control characters (e.g. `openssl rand -hex 32`).");

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
