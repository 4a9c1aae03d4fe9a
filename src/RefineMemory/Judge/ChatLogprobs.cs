using System.Collections;
using Microsoft.Extensions.AI;

namespace RefineMemory.Judge;

/// <summary>
/// How token log probabilities travel through <see cref="IChatClient"/>, which has no first-class slot for them.
/// <list type="bullet">
/// <item>Request: <c>ChatRelevanceJudge</c> sends an OpenAI SDK <c>ChatCompletionOptions</c> asking for logprobs through
/// <see cref="ChatOptions.RawRepresentationFactory"/> (honoured by every Microsoft.Extensions.AI.OpenAI client), and
/// <see cref="ChatOptions.AdditionalProperties"/>[<see cref="TopLogprobsRequestKey"/>] = top count (int) for clients of
/// other providers that choose to read it.</item>
/// <item>Response: <see cref="ChatResponse.AdditionalProperties"/>[<see cref="ResponseKey"/>] may hold a list of
/// <see cref="GeneratedTokenLogprobs"/> (a provider-neutral slot for other clients); else
/// [<see cref="OpenAIResponseKey"/>], where Microsoft.Extensions.AI.OpenAI puts the OpenAI SDK's
/// <c>ChatTokenLogProbabilityDetails</c> list; else the property of that name on
/// <see cref="ChatResponse.RawRepresentation"/> (the SDK's <c>ChatCompletion</c>). The SDK's objects are read by
/// their public Token/LogProbability/TopLogProbabilities properties, so the core needs no OpenAI reference.</item>
/// </list>
/// </summary>
public static class ChatLogprobs
{
    /// <summary>Request key: the number of top alternatives wanted per generated token.</summary>
    public const string TopLogprobsRequestKey = "RefineMemory.TopLogprobs";

    /// <summary>Response key holding <see cref="IReadOnlyList{T}"/> of <see cref="GeneratedTokenLogprobs"/>.</summary>
    public const string ResponseKey = "RefineMemory.TokenLogprobs";

    /// <summary>The key Microsoft.Extensions.AI.OpenAI uses for the SDK's content-token logprobs.</summary>
    public const string OpenAIResponseKey = "ContentTokenLogProbabilities";

    /// <summary>The logprobs of <paramref name="response"/>, or <c>null</c> when it carries none.</summary>
    public static IReadOnlyList<GeneratedTokenLogprobs>? Read(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var props = response.AdditionalProperties;
        if (props is not null && props.TryGetValue(ResponseKey, out object? ours) && ours is IReadOnlyList<GeneratedTokenLogprobs> list)
        {
            return list.Count > 0 ? list : null;
        }

        if (props?.TryGetValue(OpenAIResponseKey, out object? sdk) == true && sdk is IEnumerable items)
        {
            return ReadByShape(items);
        }

        object? raw = response.RawRepresentation;
        return raw?.GetType().GetProperty(OpenAIResponseKey)?.GetValue(raw) is IEnumerable rawItems ? ReadByShape(rawItems) : null;
    }

    private static List<GeneratedTokenLogprobs>? ReadByShape(IEnumerable items)
    {
        var result = new List<GeneratedTokenLogprobs>();
        foreach (object? item in items)
        {
            if (item is null || !TryTokenAndLogprob(item, out string token, out double logprob))
            {
                return null;
            }

            var alternatives = new List<TokenLogprob>();
            if (item.GetType().GetProperty("TopLogProbabilities")?.GetValue(item) is IEnumerable tops)
            {
                foreach (object? top in tops)
                {
                    if (top is not null && TryTokenAndLogprob(top, out string t, out double lp))
                    {
                        alternatives.Add(new TokenLogprob(t, lp));
                    }
                }
            }

            result.Add(new GeneratedTokenLogprobs(token, logprob, alternatives));
        }

        return result.Count > 0 ? result : null;
    }

    private static bool TryTokenAndLogprob(object item, out string token, out double logprob)
    {
        var type = item.GetType();
        token = type.GetProperty("Token")?.GetValue(item) as string ?? string.Empty;
        object? lp = type.GetProperty("LogProbability")?.GetValue(item);
        logprob = lp switch { float f => f, double d => d, _ => double.NaN };
        return token.Length > 0 && !double.IsNaN(logprob);
    }
}
