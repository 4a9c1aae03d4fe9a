using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace RefineMemory.Onnx.Models;

/// <summary>
/// Downloads a <see cref="KnownModel"/> from a Hugging Face style server into a local folder: follows the
/// resolve redirect itself to read the LFS SHA-256 (<c>X-Linked-Etag</c>), writes to <c>FILE.part</c>, resumes an
/// interrupted transfer with an HTTP Range request, checks the SHA-256 (user manifest, else the server's value,
/// else records it in <c>refine-model.lock.json</c>), and only then moves the file into place.
/// </summary>
public sealed class ModelDownloader
{
    /// <summary>The lock file written into each model folder: SHA-256 and check source of every file.</summary>
    public const string LockFileName = "refine-model.lock.json";

    private const int MaxRedirects = 5;
    private readonly HttpClient _http;
    private readonly ModelDownloadOptions _options;

    /// <param name="http">A client whose handler does not follow redirects (see <see cref="CreateHttpClient"/>); with one that does, the LFS checksum header is not seen.</param>
    /// <param name="options">Base URL, revision, attempts and manifest; defaults when null.</param>
    public ModelDownloader(HttpClient http, ModelDownloadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? new ModelDownloadOptions();
        if (_options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxAttempts, "MaxAttempts must be at least 1.");
        }
    }

    /// <summary>An HttpClient suited to the downloader: redirects are followed by the downloader, not the handler.</summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <summary>Downloads every file of <paramref name="model"/> into <paramref name="directory"/> (created when absent).</summary>
    public async Task<ModelPullResult> PullAsync(KnownModel model, string directory, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string dir = Path.GetFullPath(directory);
        Directory.CreateDirectory(dir);
        var lockEntries = ReadLock(dir);
        var results = new List<PulledFile>();
        foreach (var file in model.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string destination = Path.Combine(dir, file.LocalPath);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (File.Exists(destination) && lockEntries.TryGetValue(file.LocalPath, out var known)
                && string.Equals(await HashFileAsync(destination, cancellationToken).ConfigureAwait(false), known.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                long size = new FileInfo(destination).Length;
                progress?.Report(new ModelDownloadProgress(file.LocalPath, size, size, Completed: true));
                results.Add(new PulledFile(file.LocalPath, size, known.Sha256, known.Checked, AlreadyPresent: true, MissingUpstream: false));
                continue;
            }

            var pulled = await DownloadFileAsync(model, file, destination, progress, cancellationToken).ConfigureAwait(false);
            results.Add(pulled);
            if (pulled.Sha256 is not null)
            {
                lockEntries[file.LocalPath] = new LockEntry(pulled.Sha256, pulled.Checked);
                WriteLock(dir, model, lockEntries);
            }
        }

        if (!results.Any(r => r.LocalPath == "model.onnx" && !r.MissingUpstream))
        {
            throw new ModelDownloadException($"{model.Repository} has no ONNX export at the expected path.");
        }

        return new ModelPullResult(dir, results);
    }

    private async Task<PulledFile> DownloadFileAsync(KnownModel model, ModelFile file, string destination, IProgress<ModelDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var url = new Uri(_options.BaseUrl, $"{_options.BaseUrl.AbsolutePath.TrimEnd('/')}/{model.Repository}/resolve/{_options.Revision}/{file.RemotePath}");
        string partial = destination + ".part";
        Exception? last = null;
        for (int attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            try
            {
                var outcome = await TransferAsync(url, file, partial, progress, cancellationToken).ConfigureAwait(false);
                if (outcome is null)
                {
                    return new PulledFile(file.LocalPath, 0, null, null, AlreadyPresent: false, MissingUpstream: true);
                }

                var (serverSha, total) = outcome.Value;
                string actual = await HashFileAsync(partial, cancellationToken).ConfigureAwait(false);
                var (expected, source) = _options.Manifest.TryGetValue(file.LocalPath, out var manifestSha)
                    ? (manifestSha, ChecksumSource.Manifest)
                    : serverSha is not null ? (serverSha, ChecksumSource.Server) : ((string?)null, ChecksumSource.RecordedOnly);
                if (expected is not null && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
                {
                    File.Delete(partial);
                    throw new ModelDownloadException(
                        $"Checksum mismatch for {file.RemotePath} from {url}: expected SHA-256 {expected.ToLowerInvariant()} ({source}), got {actual}. The download was discarded.");
                }

                File.Move(partial, destination, overwrite: true);
                long size = new FileInfo(destination).Length;
                progress?.Report(new ModelDownloadProgress(file.LocalPath, size, total ?? size, Completed: true));
                return new PulledFile(file.LocalPath, size, actual, source, AlreadyPresent: false, MissingUpstream: false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // Interrupted or failed transfer: what reached FILE.part stays and the next attempt resumes from it.
                last = ex;
            }
        }

        throw new ModelDownloadException($"Downloading {url} failed after {_options.MaxAttempts} attempts: {last?.Message}", last!);
    }

    /// <summary>Fetches <paramref name="url"/> into <paramref name="partial"/>, resuming; null when the server has no such file and it is optional.</summary>
    private async Task<(string? ServerSha256, long? Total)?> TransferAsync(Uri url, ModelFile file, string partial, IProgress<ModelDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        long offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        string? serverSha = null;
        long? linkedSize = null;
        var current = url;
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            serverSha ??= Sha256Header(response, "X-Linked-Etag");
            linkedSize ??= LongHeader(response, "X-Linked-Size");
            int status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                if (hop >= MaxRedirects)
                {
                    throw new ModelDownloadException($"Too many redirects fetching {url}.");
                }

                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.NotFound && !file.Required)
            {
                return null;
            }

            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0)
            {
                // The part file is not a prefix of what the server has (or is already whole): start over.
                File.Delete(partial);
                offset = 0;
                current = url;
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                string message = $"{url} answered {status} {response.ReasonPhrase}.";
                throw status >= 500 ? new HttpRequestException(message, null, response.StatusCode) : new ModelDownloadException(message);
            }

            bool resumed = response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == offset;
            if (!resumed)
            {
                offset = 0;
            }

            long? total = response.Content.Headers.ContentRange?.Length ?? (response.Content.Headers.ContentLength + offset) ?? linkedSize;
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using var outputScope = output.ConfigureAwait(false);
                var buffer = new byte[1 << 16];
                long done = offset;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    done += read;
                    progress?.Report(new ModelDownloadProgress(file.LocalPath, done, total, Completed: false));
                }

                if (total is long expectedLength && done != expectedLength)
                {
                    throw new IOException($"{url} ended after {done} of {expectedLength} bytes.");
                }
            }

            return (serverSha, total);
        }
    }

    private static string? Sha256Header(HttpResponseMessage response, string name)
    {
        if (!response.Headers.TryGetValues(name, out var values))
        {
            return null;
        }

        string value = values.First().Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        value = value.Trim('"');
        return value.Length == 64 && value.All(char.IsAsciiHexDigit) ? value.ToLowerInvariant() : null;
    }

    private static long? LongHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && long.TryParse(values.First(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var scope = stream.ConfigureAwait(false);
        byte[] hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }

    private static Dictionary<string, LockEntry> ReadLock(string dir)
    {
        string path = Path.Combine(dir, LockFileName);
        if (!File.Exists(path))
        {
            return new Dictionary<string, LockEntry>(StringComparer.Ordinal);
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var entries = new Dictionary<string, LockEntry>(StringComparer.Ordinal);
        foreach (var f in doc.RootElement.GetProperty("files").EnumerateObject())
        {
            ChecksumSource? source = f.Value.TryGetProperty("checked", out var c) && Enum.TryParse<ChecksumSource>(c.GetString(), out var s) ? s : null;
            entries[f.Name] = new LockEntry(f.Value.GetProperty("sha256").GetString()!, source);
        }

        return entries;
    }

    private static void WriteLock(string dir, KnownModel model, Dictionary<string, LockEntry> entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model.Name);
            writer.WriteString("repository", model.Repository);
            writer.WriteStartObject("files");
            foreach (var (name, entry) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(name);
                writer.WriteString("sha256", entry.Sha256);
                writer.WriteString("checked", entry.Checked?.ToString() ?? "RecordedOnly");
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        File.WriteAllBytes(Path.Combine(dir, LockFileName), stream.ToArray());
    }

    private sealed record LockEntry(string Sha256, ChecksumSource? Checked);
}
