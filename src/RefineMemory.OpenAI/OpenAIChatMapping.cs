using Microsoft.Extensions.AI;
using OpenAI.Chat;
using RefineMemory.Judge;
using AI = Microsoft.Extensions.AI;
using Sdk = OpenAI.Chat;

namespace RefineMemory.OpenAI;

/// <summary>Maps Microsoft.Extensions.AI chat types to the OpenAI SDK and back (text, images and function tools).</summary>
internal static class OpenAIChatMapping
{
    public static List<Sdk.ChatMessage> ToSdkMessages(IEnumerable<AI.ChatMessage> messages, ChatOptions? options)
    {
        var result = new List<Sdk.ChatMessage>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            result.Add(new SystemChatMessage(options.Instructions));
        }

        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            if (message.Role == ChatRole.Tool)
            {
                result.AddRange(OpenAIToolMapping.ToToolMessages(message));
                continue;
            }

            var parts = message.Contents.Where(c => c is not FunctionCallContent).Select(ToPart).ToList();
            if (message.Role == ChatRole.System)
            {
                result.Add(new SystemChatMessage(parts));
            }
            else if (message.Role == ChatRole.User)
            {
                result.Add(new UserChatMessage(parts));
            }
            else if (message.Role == ChatRole.Assistant)
            {
                result.Add(ToAssistantMessage(message, parts));
            }
            else
            {
                throw new NotSupportedException($"Messages with role '{message.Role}' are not supported by OpenAICompatibleChatClient (system, user, assistant and tool only).");
            }
        }

        return result;
    }

    public static ChatCompletionOptions ToSdkOptions(ChatOptions? options, IChatClient client)
    {
        var result = options?.RawRepresentationFactory?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
        if (options is null)
        {
            return result;
        }

        OpenAIToolMapping.AddTools(options, result);
        result.MaxOutputTokenCount ??= options.MaxOutputTokens;
        result.Temperature ??= options.Temperature;
        result.TopP ??= options.TopP;
        result.FrequencyPenalty ??= options.FrequencyPenalty;
        result.PresencePenalty ??= options.PresencePenalty;
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK; it is a stable field of the chat-completions API.
        result.Seed ??= options.Seed;
#pragma warning restore OPENAI001
        if (options.StopSequences is { Count: > 0 } stops)
        {
            foreach (string stop in stops)
            {
                result.StopSequences.Add(stop);
            }
        }

        if (options.ResponseFormat is ChatResponseFormatJson json && result.ResponseFormat is null)
        {
            result.ResponseFormat = json.Schema is { } schema
                ? Sdk.ChatResponseFormat.CreateJsonSchemaFormat(json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription)
                : Sdk.ChatResponseFormat.CreateJsonObjectFormat();
        }

        if (options.AdditionalProperties?.TryGetValue(ChatLogprobs.TopLogprobsRequestKey, out object? top) == true && top is int count && count > 0)
        {
            result.IncludeLogProbabilities ??= true;
            result.TopLogProbabilityCount ??= count;
        }

        return result;
    }

    public static ChatResponse ToResponse(ChatCompletion completion)
    {
        string text;
        try
        {
            text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        }
        catch (ArgumentOutOfRangeException ex)
        {
            // The SDK reads choices[0]; an empty choice list lands here.
            throw new ModelCallException(ModelCallFailureKind.MalformedResponse, "The response had no choices.", ex);
        }

        var contents = new List<AIContent>();
        if (text.Length > 0 || completion.ToolCalls.Count == 0)
        {
            contents.Add(new TextContent(text));
        }

        contents.AddRange(OpenAIToolMapping.ToFunctionCalls(completion.ToolCalls));
        var response = new ChatResponse(new AI.ChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id, RawRepresentation = completion })
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = ToFinishReason(completion.FinishReason),
            RawRepresentation = completion,
            AdditionalProperties = [],
        };
        if (completion.Usage is { } usage)
        {
            response.Usage = new UsageDetails { InputTokenCount = usage.InputTokenCount, OutputTokenCount = usage.OutputTokenCount, TotalTokenCount = usage.TotalTokenCount };
        }

        if (completion.ContentTokenLogProbabilities is { Count: > 0 } logprobs)
        {
            response.AdditionalProperties[ChatLogprobs.OpenAIResponseKey] = logprobs;
            response.AdditionalProperties[ChatLogprobs.ResponseKey] = ToLogprobs(logprobs);
        }

        if (completion.Refusal is { } refusal)
        {
            response.AdditionalProperties["Refusal"] = refusal;
        }

        return response;
    }

    public static ChatResponseUpdate ToUpdate(StreamingChatCompletionUpdate update)
    {
        var contents = new List<AIContent>();
        foreach (var part in update.ContentUpdate)
        {
            if (part.Kind == ChatMessageContentPartKind.Text)
            {
                contents.Add(new TextContent(part.Text));
            }
        }

        if (update.Usage is { } usage)
        {
            contents.Add(new UsageContent(new UsageDetails { InputTokenCount = usage.InputTokenCount, OutputTokenCount = usage.OutputTokenCount, TotalTokenCount = usage.TotalTokenCount }));
        }

        var result = new ChatResponseUpdate(update.Role is null ? null : ChatRole.Assistant, contents)
        {
            ResponseId = update.CompletionId,
            MessageId = update.CompletionId,
            ModelId = update.Model,
            CreatedAt = update.CreatedAt,
            FinishReason = update.FinishReason is { } reason ? ToFinishReason(reason) : null,
            RawRepresentation = update,
        };
        if (update.ContentTokenLogProbabilities is { Count: > 0 } logprobs)
        {
            result.AdditionalProperties = new() { [ChatLogprobs.OpenAIResponseKey] = logprobs, [ChatLogprobs.ResponseKey] = ToLogprobs(logprobs) };
        }

        return result;
    }

    private static GeneratedTokenLogprobs[] ToLogprobs(IReadOnlyList<ChatTokenLogProbabilityDetails> logprobs) =>
        logprobs.Select(t => new GeneratedTokenLogprobs(
            t.Token, t.LogProbability, t.TopLogProbabilities.Select(a => new TokenLogprob(a.Token, a.LogProbability)).ToArray())).ToArray();

    private static AI.ChatFinishReason? ToFinishReason(Sdk.ChatFinishReason reason) => reason switch
    {
        Sdk.ChatFinishReason.Stop => AI.ChatFinishReason.Stop,
        Sdk.ChatFinishReason.Length => AI.ChatFinishReason.Length,
        Sdk.ChatFinishReason.ContentFilter => AI.ChatFinishReason.ContentFilter,
        Sdk.ChatFinishReason.ToolCalls or Sdk.ChatFinishReason.FunctionCall => AI.ChatFinishReason.ToolCalls,
        _ => null,
    };

    private static AssistantChatMessage ToAssistantMessage(AI.ChatMessage message, List<ChatMessageContentPart> parts)
    {
        var calls = message.Contents.OfType<FunctionCallContent>().Select(OpenAIToolMapping.ToSdkCall).ToList();
        if (calls.Count == 0)
        {
            return new AssistantChatMessage(parts);
        }

        // The API takes "content": null beside tool calls; text the model said before calling is kept.
        var assistant = new AssistantChatMessage(calls);
        foreach (var part in parts)
        {
            assistant.Content.Add(part);
        }

        return assistant;
    }

    private static ChatMessageContentPart ToPart(AIContent content) => content switch
    {
        TextContent text => ChatMessageContentPart.CreateTextPart(text.Text),
        DataContent data when data.HasTopLevelMediaType("image") => ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType),
        UriContent uri when uri.HasTopLevelMediaType("image") => ChatMessageContentPart.CreateImagePart(uri.Uri),
        _ => throw new NotSupportedException($"Content of type {content.GetType().Name} is not supported by OpenAICompatibleChatClient (text, images, function calls and, in tool messages, function results)."),
    };
}
