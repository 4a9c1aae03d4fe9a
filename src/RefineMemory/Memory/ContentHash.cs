using System.Security.Cryptography;
using System.Text;

namespace RefineMemory.Memory;

/// <summary>SHA-256 hashes that decide whether a document (or one chunk's text) must be embedded again (every memory store uses the same).</summary>
public static class ContentHash
{
    /// <summary>Covers everything that shapes the stored chunks: text, source, tags, format and chunking settings.</summary>
    public static string Of(MemoryDocument document, ChunkingOptions chunking)
    {
        var sb = new StringBuilder();
        sb.Append(chunking.Signature).Append('\0').Append(document.Format).Append('\0')
          .Append(document.Source).Append('\0');
        foreach (var (k, v) in document.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(k).Append('=').Append(v).Append('\0');
        }

        sb.Append(document.Text);
        return Of(sb.ToString());
    }

    /// <summary>The lower-case hex SHA-256 of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
