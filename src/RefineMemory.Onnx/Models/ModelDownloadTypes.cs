namespace RefineMemory.Onnx.Models;

/// <summary>How a downloaded file's content was checked.</summary>
public enum ChecksumSource
{
    /// <summary>SHA-256 sent by the server (Hugging Face's <c>X-Linked-Etag</c> for LFS files).</summary>
    Server,

    /// <summary>SHA-256 from the user's manifest.</summary>
    Manifest,

    /// <summary>No expected value was available: the computed SHA-256 is recorded in the folder's lock file for later checks.</summary>
    RecordedOnly,
}

/// <summary>Options of <see cref="ModelDownloader"/>.</summary>
public sealed class ModelDownloadOptions
{
    /// <summary>Default Hugging Face address.</summary>
    public const string DefaultBaseUrl = "https://huggingface.co";

    /// <summary>Base address of the Hugging Face layout (<c>{base}/{repo}/resolve/{revision}/{path}</c>); default https://huggingface.co.</summary>
    public Uri BaseUrl { get; set; } = new(DefaultBaseUrl);

    /// <summary>Repository revision; default "main".</summary>
    public string Revision { get; set; } = "main";

    /// <summary>Attempts per file; an interrupted attempt is resumed with an HTTP Range request. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Expected SHA-256 per local path (e.g. "model.onnx"), from a user-supplied manifest; checked before the server's value.</summary>
    public IReadOnlyDictionary<string, string> Manifest { get; set; } = new Dictionary<string, string>();
}

/// <summary>Progress of one file: bytes on disk so far and the total when known.</summary>
public sealed record ModelDownloadProgress(string File, long BytesDone, long? TotalBytes, bool Completed);

/// <summary>One file of a pull: where it is, its size and SHA-256, and how that was checked (or that it was absent upstream).</summary>
public sealed record PulledFile(string LocalPath, long Bytes, string? Sha256, ChecksumSource? Checked, bool AlreadyPresent, bool MissingUpstream);

/// <summary>The outcome of <see cref="ModelDownloader.PullAsync"/>.</summary>
public sealed record ModelPullResult(string Directory, IReadOnlyList<PulledFile> Files);

/// <summary>A download failed: HTTP error, too many interrupted attempts, or content whose SHA-256 is not the expected one.</summary>
public sealed class ModelDownloadException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ModelDownloadException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ModelDownloadException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public ModelDownloadException(string message, Exception innerException) : base(message, innerException) { }
}
