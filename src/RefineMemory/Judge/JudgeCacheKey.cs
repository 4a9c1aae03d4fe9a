using System.Security.Cryptography;
using System.Text;

namespace RefineMemory.Judge;

/// <summary>What a cached judge score depends on: the judge's model and prompt version, the task instruction,
/// the query, and the document's text (by SHA-256, so an edited document is judged again).</summary>
public sealed record JudgeCacheKey(string ModelId, string PromptVersion, string Instruction, string Query, string DocumentHash)
{
    /// <summary>The key of <paramref name="document"/> under <paramref name="request"/> and <paramref name="scope"/>.</summary>
    public static JudgeCacheKey For(JudgeCacheScope scope, JudgeRequest request, JudgeDocument document)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(document);
        return new JudgeCacheKey(scope.ModelId, scope.PromptVersion, request.Instruction ?? string.Empty, request.Query, HashDocument(document.Text));
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    public static string HashDocument(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>The judge-specific part of cache keys: which model, which prompt version.</summary>
public sealed record JudgeCacheScope(string ModelId, string PromptVersion);
