using System.Text;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace RefineMemory.OpenAI;

/// <summary>
/// Collects the tool-call fragments of a chat-completions stream (id and name in the first delta of each call,
/// the arguments JSON split over many) and turns them into whole <see cref="FunctionCallContent"/>s once the stream ends.
/// </summary>
internal sealed class StreamingToolCallAccumulator
{
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _calls = [];

    public bool IsEmpty => _calls.Count == 0;

    public void Add(StreamingChatCompletionUpdate update)
    {
        foreach (var delta in update.ToolCallUpdates)
        {
            if (!_calls.TryGetValue(delta.Index, out var call))
            {
                call = (null, null, new StringBuilder());
            }

            call.Id ??= delta.ToolCallId;
            call.Name ??= delta.FunctionName;
            if (delta.FunctionArgumentsUpdate is { } fragment && !fragment.IsEmpty)
            {
                call.Arguments.Append(fragment.ToString());
            }

            _calls[delta.Index] = call;
        }
    }

    /// <summary>The accumulated calls in index order. A call whose id or name never arrived is a malformed stream.</summary>
    public List<FunctionCallContent> Build()
    {
        var result = new List<FunctionCallContent>(_calls.Count);
        foreach (var (index, (id, name, arguments)) in _calls)
        {
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(name))
            {
                throw new InvalidOperationException($"The stream's tool call {index} never named its {(string.IsNullOrEmpty(id) ? "id" : "function")}.");
            }

            string text = arguments.ToString();
            result.Add(OpenAIToolMapping.ToFunctionCall(id, name, text, text));
        }

        return result;
    }
}
