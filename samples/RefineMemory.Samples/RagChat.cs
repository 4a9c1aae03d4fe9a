using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using RefineMemory.Search;

namespace RefineMemory.Samples;

/// <summary>
/// Retrieval-augmented answering: refined search for the question, the passages numbered in the prompt, and
/// the chat model asked to answer from them citing [n]. Returns the answer with the passages it was given.
/// </summary>
public sealed class RagChat
{
    private readonly RefinedSearch _search;
    private readonly IChatClient _chat;
    private readonly string _collection;

    public RagChat(RefinedSearch search, IChatClient chat, string collection)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        _search = search;
        _chat = chat;
        _collection = collection;
    }

    public async Task<RagAnswer> AskAsync(string question, int passages = 5, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        var found = await _search.SearchAsync(_collection, question, passages, cancellationToken: cancellationToken).ConfigureAwait(false);
        string prompt = BuildPrompt(question, found.Hits);
        var response = await _chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "Answer only from the numbered passages. Cite them as [n]. If they do not contain the answer, say so."), new ChatMessage(ChatRole.User, prompt)],
            new ChatOptions { Temperature = 0 },
            cancellationToken).ConfigureAwait(false);
        return new RagAnswer(question, response.Text, found.Hits, found.Diagnostics);
    }

    public static string BuildPrompt(string question, IReadOnlyList<RefinedSearchHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var sb = new StringBuilder();
        for (int i = 0; i < hits.Count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"[{i + 1}] ({hits[i].Source ?? hits[i].DocumentId}) {hits[i].Text}\n");
        }

        sb.Append("\nQuestion: ").Append(question);
        return sb.ToString();
    }
}

/// <summary>The model's answer and the passages (citations [1]..[n]) it was given.</summary>
public sealed record RagAnswer(string Question, string Answer, IReadOnlyList<RefinedSearchHit> Passages, SearchDiagnostics Diagnostics);
